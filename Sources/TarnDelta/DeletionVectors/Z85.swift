// Z85: the ZeroMQ base-85 encoding (rfc.zeromq.org/spec/32) that Delta uses for inline deletion
// vectors and for the UUID in relative DV paths. Every 4 bytes (big-endian u32) become 5
// characters. Delta pads inline data with zero bytes to a multiple of 4 and records the real size
// in `sizeInBytes`, so `decode(_:byteCount:)` truncates the decoded bytes back to it.

import TarnCodecs

public enum Z85 {
    /// The 85-character alphabet, in digit order.
    public static let alphabet: [UInt8] = Array(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)

    /// Character → digit value, 0xFF for characters outside the alphabet.
    private static let digits: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// Encodes `bytes`, whose count must be a multiple of 4.
    public static func encode(_ bytes: [UInt8]) throws -> String {
        guard bytes.count % 4 == 0 else {
            throw TarnError.invalidArgument("Z85 input length \(bytes.count) is not a multiple of 4")
        }
        return encodeBlocks(bytes)
    }

    /// Encodes `bytes` after padding them with zero bytes to a multiple of 4 (Delta's inline DVs).
    public static func encodePadded(_ bytes: [UInt8]) -> String {
        var padded = bytes
        while padded.count % 4 != 0 { padded.append(0) }
        return encodeBlocks(padded)
    }

    private static func encodeBlocks(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count / 4 * 5)
        var i = 0
        while i < bytes.count {
            var value = UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
            var group = [UInt8](repeating: 0, count: 5)
            for k in stride(from: 4, through: 0, by: -1) {
                group[k] = alphabet[Int(value % 85)]
                value /= 85
            }
            out.append(contentsOf: group)
            i += 4
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `text`, whose length must be a multiple of 5. Throws corruption (with the character
    /// offset) on a bad length, a character outside the alphabet, or a group above 2^32 - 1.
    public static func decode(_ text: String) throws -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count % 5 == 0 else {
            throw TarnError.corruption("Z85 text length \(chars.count) is not a multiple of 5", offset: chars.count)
        }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 5 * 4)
        var i = 0
        while i < chars.count {
            var value: UInt64 = 0
            for k in 0 ..< 5 {
                let d = digits[Int(chars[i + k])]
                guard d != 0xFF else {
                    throw TarnError.corruption("invalid Z85 character 0x\(String(chars[i + k], radix: 16))", offset: i + k)
                }
                value = value * 85 + UInt64(d)
            }
            guard value <= UInt64(UInt32.max) else {
                throw TarnError.corruption("Z85 group exceeds 32 bits", offset: i)
            }
            out.append(UInt8(truncatingIfNeeded: value >> 24))
            out.append(UInt8(truncatingIfNeeded: value >> 16))
            out.append(UInt8(truncatingIfNeeded: value >> 8))
            out.append(UInt8(truncatingIfNeeded: value))
            i += 5
        }
        return out
    }

    /// Decodes `text` and keeps the first `byteCount` bytes; the dropped tail must be padding
    /// (fewer than 4 bytes), so a `byteCount` that does not fit the text is corruption.
    public static func decode(_ text: String, byteCount: Int) throws -> [UInt8] {
        let bytes = try decode(text)
        guard byteCount >= 0, byteCount <= bytes.count, bytes.count - byteCount < 4 else {
            throw TarnError.corruption("Z85 text decodes to \(bytes.count) bytes, expected \(byteCount) (+ < 4 bytes padding)")
        }
        return Array(bytes.prefix(byteCount))
    }

    /// Encodes the 16 bytes of a UUID (most significant byte first) as 20 characters.
    public static func encodeUUID(_ uuid: [UInt8]) throws -> String {
        guard uuid.count == 16 else { throw TarnError.invalidArgument("a UUID has 16 bytes, not \(uuid.count)") }
        return encodeBlocks(uuid)
    }

    /// Decodes 20 characters into the 16 UUID bytes.
    public static func decodeUUID(_ text: String) throws -> [UInt8] {
        guard text.utf8.count == 20 else {
            throw TarnError.corruption("a Z85-encoded UUID has 20 characters, not \(text.utf8.count)")
        }
        return try decode(text)
    }

    /// Canonical lowercase text of 16 UUID bytes: 8-4-4-4-12 hex digits.
    public static func uuidString(_ uuid: [UInt8]) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for (i, b) in uuid.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses canonical UUID text (hex digits with optional dashes) into 16 bytes.
    public static func uuidBytes(_ text: String) throws -> [UInt8] {
        var out = [UInt8]()
        var high: UInt8?
        for c in text.utf8 where c != UInt8(ascii: "-") {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: throw TarnError.invalidArgument("invalid UUID text '\(text)'")
            }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        guard out.count == 16, high == nil else { throw TarnError.invalidArgument("invalid UUID text '\(text)'") }
        return out
    }
}
