// FlatJSON: the JSON-lines hot path. A line that is a flat object of scalars (strings without
// escapes, ASCII only) is scanned in place into tokens, typed without building a JSONValue, and
// appended to FastColumns directly; any other line takes the general JSONValue path.
import TarnColumnar

/// One scalar member value: its kind and byte range in the line buffer (string: inside quotes).
struct FlatToken {
    static let null: UInt8 = 0, falseValue: UInt8 = 1, trueValue: UInt8 = 2, number: UInt8 = 3, string: UInt8 = 4
    var kind: UInt8
    var start: Int
    var end: Int
}

enum FlatJSON {
    /// Scans `b[start..<end]` (a trimmed line) as a flat object; calls `member(keyStart, keyEnd,
    /// value)` per member. False when the line is anything else (the caller then parses it fully).
    static func scan(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                     _ member: (Int, Int, FlatToken) -> Void) -> Bool {
        var p = start
        guard p < end, b[p] == UInt8(ascii: "{") else { return false }
        p += 1
        skipSpace(b, &p, end)
        if p < end, b[p] == UInt8(ascii: "}") { return p + 1 == end }
        while true {
            guard let (ks, ke) = string(b, &p, end) else { return false }
            skipSpace(b, &p, end)
            guard p < end, b[p] == UInt8(ascii: ":") else { return false }
            p += 1
            skipSpace(b, &p, end)
            guard let token = value(b, &p, end) else { return false }
            member(ks, ke, token)
            skipSpace(b, &p, end)
            guard p < end else { return false }
            if b[p] == UInt8(ascii: ",") { p += 1; skipSpace(b, &p, end); continue }
            return b[p] == UInt8(ascii: "}") && p + 1 == end
        }
    }

    @inline(__always)
    private static func skipSpace(_ b: UnsafeBufferPointer<UInt8>, _ p: inout Int, _ end: Int) {
        while p < end, b[p] == 32 || b[p] == 9 { p += 1 }
    }

    /// A quoted ASCII string without escapes or control characters; its content range.
    private static func string(_ b: UnsafeBufferPointer<UInt8>, _ p: inout Int, _ end: Int) -> (Int, Int)? {
        guard p < end, b[p] == UInt8(ascii: "\"") else { return nil }
        let s = p + 1
        var q = s
        while q < end {
            let c = b[q]
            if c == UInt8(ascii: "\"") { p = q + 1; return (s, q) }
            if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { return nil }
            q += 1
        }
        return nil
    }

    private static func value(_ b: UnsafeBufferPointer<UInt8>, _ p: inout Int, _ end: Int) -> FlatToken? {
        guard p < end else { return nil }
        switch b[p] {
        case UInt8(ascii: "\""):
            guard let (s, e) = string(b, &p, end) else { return nil }
            return FlatToken(kind: FlatToken.string, start: s, end: e)
        case UInt8(ascii: "n"): return literal(b, &p, end, "null", FlatToken.null)
        case UInt8(ascii: "t"): return literal(b, &p, end, "true", FlatToken.trueValue)
        case UInt8(ascii: "f"): return literal(b, &p, end, "false", FlatToken.falseValue)
        case UInt8(ascii: "-"), 48 ... 57:
            let s = p
            while p < end, isNumberByte(b[p]) { p += 1 }
            guard isJSONNumber(b, s, p) else { return nil }
            return FlatToken(kind: FlatToken.number, start: s, end: p)
        default: return nil
        }
    }

    /// RFC 8259 number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    static func isJSONNumber(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var p = start
        func digits() -> Int {
            let s = p
            while p < end, b[p] >= 48, b[p] <= 57 { p += 1 }
            return p - s
        }
        if p < end, b[p] == UInt8(ascii: "-") { p += 1 }
        guard p < end else { return false }
        if b[p] == 48 { p += 1 } else if digits() == 0 { return false }
        if p < end, b[p] == UInt8(ascii: ".") {
            p += 1
            if digits() == 0 { return false }
        }
        if p < end, b[p] == UInt8(ascii: "e") || b[p] == UInt8(ascii: "E") {
            p += 1
            if p < end, b[p] == UInt8(ascii: "+") || b[p] == UInt8(ascii: "-") { p += 1 }
            if digits() == 0 { return false }
        }
        return p == end
    }

    private static func isNumberByte(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
            || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
    }

    private static func literal(_ b: UnsafeBufferPointer<UInt8>, _ p: inout Int, _ end: Int, _ word: StaticString, _ kind: UInt8) -> FlatToken? {
        let n = word.utf8CodeUnitCount
        guard p + n <= end else { return nil }
        for k in 0 ..< n where b[p + k] != word.utf8Start[k] { return nil }
        let s = p
        p += n
        return FlatToken(kind: kind, start: s, end: p)
    }
}
