// TextValues: text → Value for the text readers: exact integer, floating, boolean, temporal,
// decimal and base64 parsing per DataType (the forms of spec/rows.md plus the few aliases of
// spec/cli.md "CSV"), and the type-inference lattice the CSV reader uses. No Foundation.

enum TextValues {
    /// An exact Int64 from ASCII digits with an optional sign; nil on anything else or overflow.
    static func int64<C: Collection>(_ b: C) -> Int64? where C.Element == UInt8 {
        var it = b.makeIterator()
        guard var c = it.next() else { return nil }
        var negative = false
        if c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
            negative = c == UInt8(ascii: "-")
            guard let n = it.next() else { return nil }
            c = n
        }
        // Accumulate negatively so Int64.min parses.
        var v: Int64 = 0
        while true {
            guard c >= 48, c <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(c - 48))
            if o1 || o2 { return nil }
            v = s
            guard let n = it.next() else { break }
            c = n
        }
        if negative { return v }
        return v == .min ? nil : -v
    }

    /// True for JSON-style decimal number text: `-?digits(.digits)?([eE][+-]?digits)?`, also with a
    /// leading '+' or a bare leading/trailing '.' ("1.", ".5") as CSV writers produce them.
    static func isNumberText<C: Collection>(_ b: C) -> Bool where C.Element == UInt8 {
        var digits = 0
        var state = 0   // 0 sign, 1 int, 2 frac, 3 exp sign, 4 exp digits
        var expDigits = 0
        for c in b {
            switch c {
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                if state == 0 { state = 1 } else if state == 3 { state = 4 } else { return false }
            case 48 ... 57:
                if state == 0 { state = 1 }
                if state == 3 { state = 4 }
                if state == 4 { expDigits += 1 } else { digits += 1 }
            case UInt8(ascii: "."):
                guard state <= 1 else { return false }
                state = 2
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard state == 1 || state == 2, digits > 0 else { return false }
                state = 3
            default: return false
            }
        }
        return digits > 0 && (state < 3 || expDigits > 0)
    }

    /// A Double from number text or "NaN" / "Infinity" / "-Infinity" (also "+Infinity", "inf",
    /// "-inf", any case). Finite text that overflows to infinity is rejected.
    static func double(_ text: String) -> Double? {
        switch text.lowercased() {
        case "nan": return .nan
        case "infinity", "+infinity", "inf", "+inf": return .infinity
        case "-infinity", "-inf": return -.infinity
        default: break
        }
        guard isNumberText(text.utf8), let d = Double(text), d.isFinite else { return nil }
        return d
    }

    static func float(_ text: String) -> Float? {
        guard let d = double(text) else { return nil }
        if !d.isFinite { return Float(d) }
        guard let f = Float(text), f.isFinite else { return nil }
        return f
    }

    /// true/false (any case) and 1/0.
    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: return nil
        }
    }

    /// Converts `text` to a primitive Value of `type`; nil when it does not parse exactly.
    static func primitive(_ text: String, _ type: DataType) -> Value? {
        switch type {
        case .boolean: return bool(text).map(Value.bool)
        case .byte, .short, .integer, .long:
            guard let v = int64(text.utf8), fitsInteger(v, type) else { return nil }
            return .int(v)
        case .float: return float(text).map(Value.float)
        case .double: return double(text).map(Value.double)
        case .string: return .string(text)
        case .binary: return base64(text).map(Value.binary)
        case .date: return Temporal.parseDate(text).map(Value.date)
        case .timestamp, .timestampNtz: return Temporal.parseTimestamp(text).map { .timestamp($0.micros) }
        case let .decimal(p, s):
            guard let v = Decimal128.parse(text, scale: s), Decimal128.fits(v, precision: p) else { return nil }
            return .decimal(v)
        case .struct, .array, .map: return nil
        }
    }

    static func fitsInteger(_ v: Int64, _ type: DataType) -> Bool {
        switch type {
        case .byte: return Int8(exactly: v) != nil
        case .short: return Int16(exactly: v) != nil
        case .integer: return Int32(exactly: v) != nil
        default: return true
        }
    }

    /// Standard base64 with padding optional; nil on characters outside the alphabet or a bad length.
    static func base64(_ text: String) -> [UInt8]? {
        let trimmed = text.utf8.count - text.utf8.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard trimmed % 4 != 1, text.utf8.count - trimmed <= 2 else { return nil }
        return Base64.decode(text)
    }

    /// Text for error messages: at most 40 characters, quoted.
    static func quote(_ text: String) -> String {
        text.count <= 40 ? "'\(text)'" : "'\(text.prefix(40))…'"
    }
}

/// The types a CSV column's values all fit so far; inference picks the first in
/// long → double → boolean → date → timestamp order, else string.
struct InferredColumn {
    private static let long: UInt8 = 1, double: UInt8 = 2, boolean: UInt8 = 4, date: UInt8 = 8, timestamp: UInt8 = 16
    private var possible: UInt8 = 31
    private var sawValue = false
    private var sawZone = false

    mutating func add(_ bytes: ArraySlice<UInt8>) {
        sawValue = true
        if possible & Self.long != 0, TextValues.int64(bytes) == nil { possible &= ~Self.long }
        if possible & Self.double != 0, !TextValues.isNumberText(bytes), !Self.isSpecialFloat(bytes) {
            possible &= ~Self.double
        }
        guard possible & ~(Self.long | Self.double) != 0 else { return }
        let text = String(decoding: bytes, as: UTF8.self)
        if possible & Self.boolean != 0, !["true", "false"].contains(text.lowercased()) { possible &= ~Self.boolean }
        if possible & Self.date != 0, Temporal.parseDate(text) == nil { possible &= ~Self.date }
        if possible & Self.timestamp != 0 {
            if let t = Temporal.parseTimestamp(text) { sawZone = sawZone || t.hasZone } else { possible &= ~Self.timestamp }
        }
    }

    /// NaN, Infinity, -Infinity (any case): the non-finite forms of spec/rows.md.
    static func isSpecialFloat(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count <= 9 else { return false }
        return ["nan", "infinity", "-infinity"].contains(String(decoding: bytes, as: UTF8.self).lowercased())
    }

    /// Marks a value that fits only string (e.g. a quoted empty field).
    mutating func addString() {
        sawValue = true
        possible = 0
    }

    /// Timestamps with a zone in any value are `timestamp` (UTC); all zone-less ones `timestamp_ntz`.
    var type: DataType {
        guard sawValue else { return .string }
        if possible & Self.long != 0 { return .long }
        if possible & Self.double != 0 { return .double }
        if possible & Self.boolean != 0 { return .boolean }
        if possible & Self.date != 0 { return .date }
        if possible & Self.timestamp != 0 { return sawZone ? .timestamp : .timestampNtz }
        return .string
    }
}
