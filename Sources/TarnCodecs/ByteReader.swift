// ByteReader: a bounds-checked cursor over a byte buffer, the base of every decoder in Tarn.
// Every read checks the remaining length and throws TarnError.corruption with the absolute
// offset (`baseOffset + position`) so errors can name where in a file the bad bytes are.

public struct ByteReader {
    public let bytes: [UInt8]
    /// Current position inside `bytes`.
    public var position: Int
    /// End of the readable region (exclusive).
    public let end: Int
    /// Offset of `bytes[0]` within the enclosing file, for error messages.
    public let baseOffset: Int

    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil, baseOffset: Int = 0) {
        self.bytes = bytes
        self.position = start
        self.end = min(end ?? bytes.count, bytes.count)
        self.baseOffset = baseOffset
    }

    public var remaining: Int { end - position }
    public var isAtEnd: Bool { position >= end }
    public var absoluteOffset: Int { baseOffset + position }

    public func error(_ message: String) -> TarnError {
        TarnError.corruption(message, offset: absoluteOffset)
    }

    @inline(__always)
    public mutating func require(_ count: Int, _ what: @autoclosure () -> String = "value") throws {
        if count < 0 || count > end - position {
            throw error("truncated \(what()): need \(count) bytes, \(end - position) left")
        }
    }

    public mutating func readByte() throws -> UInt8 {
        try require(1, "byte")
        let b = bytes[position]
        position += 1
        return b
    }

    public mutating func readBytes(_ count: Int) throws -> ArraySlice<UInt8> {
        try require(count, "bytes")
        let s = bytes[position ..< position + count]
        position += count
        return s
    }

    public mutating func skip(_ count: Int) throws {
        try require(count, "skip")
        position += count
    }

    /// Reads a little-endian fixed-width integer.
    public mutating func readLE<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        try require(size, "\(T.self)")
        var v: T = 0
        for i in 0 ..< size { v |= T(truncatingIfNeeded: bytes[position + i]) << (8 * i) }
        position += size
        return v
    }

    /// Reads a big-endian fixed-width integer.
    public mutating func readBE<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        try require(size, "\(T.self)")
        var v: T = 0
        for i in 0 ..< size { v = (v << 8) | T(truncatingIfNeeded: bytes[position + i]) }
        position += size
        return v
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes.
    public mutating func readUVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw error("truncated varint") }
            let b = bytes[position]
            position += 1
            if shift == 63 && b > 1 { throw error("varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw error("varint longer than 10 bytes") }
        }
    }

    /// Reads a zigzag-encoded signed varint.
    public mutating func readZigzagVarint() throws -> Int64 {
        Zigzag.decode(try readUVarint())
    }
}

public enum Zigzag {
    @inline(__always) public static func encode(_ v: Int64) -> UInt64 {
        UInt64(bitPattern: (v << 1) ^ (v >> 63))
    }

    @inline(__always) public static func decode(_ u: UInt64) -> Int64 {
        Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }
}

/// Appending helpers for building byte buffers.
extension Array where Element == UInt8 {
    public mutating func appendUVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }

    public mutating func appendZigzagVarint(_ value: Int64) {
        appendUVarint(Zigzag.encode(value))
    }

    public mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    public mutating func appendBE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
