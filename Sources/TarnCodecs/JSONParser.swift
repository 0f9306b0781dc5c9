// JSONParser: a strict RFC 8259 parser producing JSONValue. Numbers keep their text; nesting is
// bounded (depth 256) so hostile input cannot exhaust the stack. Errors are TarnError.corruption
// with the byte offset of the problem.

public struct JSONParser {
    private let bytes: [UInt8]
    private var pos: Int
    private let end: Int
    private var depth = 0
    public static let maxDepth = 256

    /// Parses one JSON document from `text`; trailing whitespace is allowed, anything else is not.
    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) throws -> JSONValue {
        var p = JSONParser(bytes: bytes, pos: start, end: end ?? bytes.count)
        p.skipWhitespace()
        let v = try p.parseValue()
        p.skipWhitespace()
        guard p.pos == p.end else { throw p.error("unexpected trailing characters") }
        return v
    }

    private func error(_ message: String) -> TarnError {
        TarnError.corruption("invalid JSON: \(message)", offset: pos)
    }

    private mutating func skipWhitespace() {
        while pos < end {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws -> JSONValue {
        guard pos < end else { throw error("unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[pos])))'")
        }
    }

    private mutating func expectLiteral(_ word: String) throws {
        for b in word.utf8 {
            guard pos < end, bytes[pos] == b else { throw error("expected \(word)") }
            pos += 1
        }
    }

    private mutating func enter() throws {
        depth += 1
        if depth > JSONParser.maxDepth { throw error("nesting deeper than \(JSONParser.maxDepth)") }
    }

    private mutating func parseObject() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        pos += 1
        var members: [(String, JSONValue)] = []
        skipWhitespace()
        if pos < end, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard pos < end, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard pos < end, bytes[pos] == UInt8(ascii: ":") else { throw error("expected ':'") }
            pos += 1
            skipWhitespace()
            members.append((key, try parseValue()))
            skipWhitespace()
            guard pos < end else { throw error("unterminated object") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            throw error("expected ',' or '}'")
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        pos += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if pos < end, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard pos < end else { throw error("unterminated array") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            throw error("expected ',' or ']'")
        }
    }

    private mutating func parseNumber() throws -> String {
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < end, isDigit(bytes[pos]) else { throw error("invalid number") }
        if bytes[pos] == UInt8(ascii: "0") { pos += 1 } else { skipDigits() }
        if pos < end, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < end, isDigit(bytes[pos]) else { throw error("invalid number fraction") }
            skipDigits()
        }
        if pos < end, bytes[pos] | 0x20 == UInt8(ascii: "e") {
            pos += 1
            if pos < end, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < end, isDigit(bytes[pos]) else { throw error("invalid number exponent") }
            skipDigits()
        }
        return String(decoding: bytes[start ..< pos], as: UTF8.self)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    private mutating func skipDigits() {
        while pos < end, isDigit(bytes[pos]) { pos += 1 }
    }

    private mutating func parseString() throws -> String {
        pos += 1
        let start = pos
        // Fast path: no escapes.
        while pos < end {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let s = try validUTF8(start, pos)
                pos += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("control character in string") }
            pos += 1
        }
        var out = Array(bytes[start ..< pos])
        while pos < end {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                guard let s = String(validating: out, as: UTF8.self) else { throw error("invalid UTF-8 in string") }
                return s
            }
            if b < 0x20 { throw error("control character in string") }
            if b != UInt8(ascii: "\\") { out.append(b); pos += 1; continue }
            pos += 1
            guard pos < end else { break }
            try appendEscape(into: &out)
        }
        throw error("unterminated string")
    }

    private func validUTF8(_ from: Int, _ to: Int) throws -> String {
        guard let s = String(validating: bytes[from ..< to], as: UTF8.self) else {
            throw error("invalid UTF-8 in string")
        }
        return s
    }

    private mutating func appendEscape(into out: inout [UInt8]) throws {
        let c = bytes[pos]
        pos += 1
        switch c {
        case UInt8(ascii: "\""): out.append(34)
        case UInt8(ascii: "\\"): out.append(92)
        case UInt8(ascii: "/"): out.append(47)
        case UInt8(ascii: "b"): out.append(8)
        case UInt8(ascii: "f"): out.append(12)
        case UInt8(ascii: "n"): out.append(10)
        case UInt8(ascii: "r"): out.append(13)
        case UInt8(ascii: "t"): out.append(9)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if scalar >= 0xD800 && scalar < 0xDC00 {
                guard pos + 1 < end, bytes[pos] == 92, bytes[pos + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate")
                }
                pos += 2
                let low = try readHex4()
                guard low >= 0xDC00 && low < 0xE000 else { throw error("invalid low surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar < 0xE000 {
                throw error("unpaired surrogate")
            }
            guard let u = Unicode.Scalar(scalar) else { throw error("invalid unicode escape") }
            out.append(contentsOf: Array(String(Character(u)).utf8))
        default: throw error("invalid escape")
        }
    }

    private mutating func readHex4() throws -> UInt32 {
        guard pos + 4 <= end else { throw error("truncated unicode escape") }
        var v: UInt32 = 0
        for _ in 0 ..< 4 {
            let b = bytes[pos]
            let d: UInt32
            switch b {
            case 48 ... 57: d = UInt32(b - 48)
            case 65 ... 70: d = UInt32(b - 55)
            case 97 ... 102: d = UInt32(b - 87)
            default: throw error("invalid hex digit in unicode escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }
}
