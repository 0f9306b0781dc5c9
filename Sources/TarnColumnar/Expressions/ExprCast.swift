// ExprCast: CAST semantics on single values (Spark's non-ANSI mode, spec/expressions.md "CAST"):
// a cast that cannot represent its input gives NULL, except that integer narrowing wraps and
// floating point to integer truncates and saturates (Java semantics). Vectorized fast paths for
// numeric casts are in ExprEval+Cast.swift and must agree with these.

public enum ExprCast {
    /// Whether CAST(x AS `to`) is allowed for x of type `from`.
    public static func canCast(_ from: DataType, _ to: DataType) -> Bool {
        if from == to { return true }
        guard from.isPrimitive, to.isPrimitive else { return false }
        switch (from, to) {
        case (.string, _), (_, .string): return true
        case (.binary, _), (_, .binary): return false
        case (.boolean, _) where to.isNumeric, (_, .boolean) where from.isNumeric: return true
        case _ where from.isNumeric && to.isNumeric: return true
        case (.date, .timestamp), (.date, .timestampNtz), (.timestamp, .date), (.timestampNtz, .date),
             (.timestamp, .timestampNtz), (.timestampNtz, .timestamp):
            return true
        case (.timestamp, _) where to.isNumeric, (_, .timestamp) where from.isNumeric: return true
        default: return false
        }
    }

    /// `v` (of type `from`) as type `to`; `.null` when it cannot be represented.
    public static func cast(_ v: Value, from: DataType, to: DataType) -> Value {
        if v.isNull || from == to { return v }
        switch to {
        case .boolean: return toBoolean(v)
        case .byte, .short, .integer, .long: return toIntegral(v, from: from, to: to).map { .int(wrap($0, to)) } ?? .null
        case .float: return toFloat(v, from: from)
        case .double: return toDouble(v, from: from).map { .double($0) } ?? .null
        case let .decimal(p, s): return toDecimal(v, from: from, precision: p, scale: s).map { .decimal($0) } ?? .null
        case .string: return .string(ExprFormat.string(v, from))
        case .binary:
            if case let .string(s) = v { return .binary(Array(s.utf8)) }
            return .null
        case .date: return toDate(v)
        case .timestamp, .timestampNtz: return toTimestamp(v, from: from, to: to)
        default: return .null
        }
    }

    /// Timestamp text to microseconds (Temporal.parseTimestamp: fractions past 6 digits are cut).
    public static func parseTimestamp(_ text: String) -> (micros: Int64, hasZone: Bool)? {
        Temporal.parseTimestamp(text)
    }

    /// Whether `text` has a 7–9 digit fraction (finer than a microsecond).
    static func hasSubMicrosecondFraction(_ text: String) -> Bool {
        let chars = Array(text)
        guard let dot = chars.firstIndex(of: ".") else { return false }
        var end = dot + 1
        while end < chars.count, chars[end].isASCII, chars[end].isNumber { end += 1 }
        return (7 ... 9).contains(end - dot - 1)
    }

    static func toBoolean(_ v: Value) -> Value {
        switch v {
        case let .int(i): return .bool(i != 0)
        case let .float(f): return .bool(f != 0)
        case let .double(d): return .bool(d != 0)
        case let .decimal(u): return .bool(u != 0)
        case let .string(s):
            switch s.trimmedWhitespace.lowercased() {
            case "t", "true", "y", "yes", "1": return .bool(true)
            case "f", "false", "n", "no", "0": return .bool(false)
            default: return .null
            }
        default: return .null
        }
    }

    /// An integer before narrowing (nil = NULL): floating point saturates (at the Int32 range
    /// below long, like Java's (int) d), decimals and strings must fit `to`.
    static func toIntegral(_ v: Value, from: DataType, to: DataType) -> Int64? {
        func fitting(_ i: Int64?) -> Int64? { i.flatMap { TextValues.fitsInteger($0, to) ? $0 : nil } }
        func saturating(_ d: Double) -> Int64 {
            let l = javaToLong(d)
            return to == .long ? l : max(Int64(Int32.min), min(Int64(Int32.max), l))
        }
        switch v {
        case let .int(i): return i
        case let .bool(b): return b ? 1 : 0
        case let .float(f): return saturating(Double(f))
        case let .double(d): return saturating(d)
        case let .decimal(u):
            guard case let .decimal(_, s) = from else { return nil }
            return fitting(Int64(exactly: u / Decimal128.powersOfTen[s]))
        case let .timestamp(m): return Temporal.floorDivMod(m, Temporal.microsPerSecond).0
        case let .string(s):
            let t = s.trimmedWhitespace
            if let i = Int64(t) { return fitting(i) }
            guard let (u, sc) = ExprDecimal.parse(t) else { return nil }
            return fitting(Int64(exactly: u / Decimal128.powersOfTen[sc]))
        default: return nil
        }
    }

    /// Java's (long) d: NaN → 0, truncation toward zero, saturation at the Int64 range.
    static func javaToLong(_ d: Double) -> Int64 {
        if d.isNaN { return 0 }
        if d >= 9_223_372_036_854_775_807.0 { return .max }
        if d <= -9_223_372_036_854_775_808.0 { return .min }
        return Int64(d.rounded(.towardZero))
    }

    /// Narrowing to the target width: two's-complement wrap-around (Java casts).
    static func wrap(_ i: Int64, _ to: DataType) -> Int64 {
        switch to {
        case .byte: return Int64(Int8(truncatingIfNeeded: i))
        case .short: return Int64(Int16(truncatingIfNeeded: i))
        case .integer: return Int64(Int32(truncatingIfNeeded: i))
        default: return i
        }
    }

    static func toDouble(_ v: Value, from: DataType) -> Double? {
        switch v {
        case let .int(i): return Double(i)
        case let .bool(b): return b ? 1 : 0
        case let .float(f): return Double(f)
        case let .double(d): return d
        case let .decimal(u):
            guard case let .decimal(_, s) = from else { return nil }
            return ExprDecimal.toDouble(u, scale: s)
        case let .timestamp(m): return Double(m) / 1_000_000
        case let .string(s): return TextValues.double(s.trimmedWhitespace)
        default: return nil
        }
    }

    /// Direct rounding to Float (not through Double), as Java's (float) casts do.
    static func toFloat(_ v: Value, from: DataType) -> Value {
        switch v {
        case let .int(i): return .float(Float(i))
        case let .decimal(u):
            guard case let .decimal(_, s) = from else { return .null }
            return Float(Decimal128.format(u, scale: s)).map { .float($0) } ?? .null
        case let .string(s): return TextValues.float(s.trimmedWhitespace).map { .float($0) } ?? .null
        default: return toDouble(v, from: from).map { .float(Float($0)) } ?? .null
        }
    }

    static func toDecimal(_ v: Value, from: DataType, precision p: Int, scale s: Int) -> Int128? {
        let r: Int128?
        switch v {
        case let .int(i): r = ExprDecimal.rescale(Int128(i), from: 0, to: s)
        case let .bool(b): r = ExprDecimal.rescale(b ? 1 : 0, from: 0, to: s)
        case let .float(f): r = ExprDecimal.fromDouble(Double(f), scale: s)
        case let .double(d): r = ExprDecimal.fromDouble(d, scale: s)
        case let .decimal(u):
            guard case let .decimal(_, s0) = from else { return nil }
            r = ExprDecimal.rescale(u, from: s0, to: s)
        case let .string(text):
            guard let (u, s0) = ExprDecimal.parse(text.trimmedWhitespace) else { return nil }
            r = ExprDecimal.rescale(u, from: s0, to: s)
        case let .timestamp(m): r = ExprDecimal.rescale(Int128(m), from: 6, to: s)
        default: r = nil
        }
        guard let r, Decimal128.fits(r, precision: p) else { return nil }
        return r
    }

    static func toDate(_ v: Value) -> Value {
        switch v {
        case let .timestamp(m): return .date(Int32(truncatingIfNeeded: Temporal.floorDivMod(m, Temporal.microsPerDay).0))
        case let .string(s):
            let t = s.trimmedWhitespace
            if let d = Temporal.parseDate(t) { return .date(d) }
            guard let ts = parseTimestamp(t) else { return .null }
            return .date(Int32(truncatingIfNeeded: Temporal.floorDivMod(ts.micros, Temporal.microsPerDay).0))
        default: return .null
        }
    }

    /// Midnight UTC of a date in microseconds; nil beyond the timestamp range (±292,000 years).
    static func dateToMicros(_ d: Int32) -> Int64? {
        let (m, o) = Int64(d).multipliedReportingOverflow(by: Temporal.microsPerDay)
        return o ? nil : m
    }

    static func toTimestamp(_ v: Value, from: DataType, to: DataType) -> Value {
        switch v {
        case let .date(d): return dateToMicros(d).map { .timestamp($0) } ?? .null
        case .timestamp: return v
        case let .string(s):
            guard let t = parseTimestamp(s.trimmedWhitespace), !(to == .timestampNtz && t.hasZone) else { return .null }
            return .timestamp(t.micros)
        case let .int(i):
            let (m, o) = i.multipliedReportingOverflow(by: Temporal.microsPerSecond)
            return o ? .null : .timestamp(m)
        case .float, .double:
            guard let d = toDouble(v, from: from), d.isFinite else { return .null }
            let micros = (d * 1_000_000).rounded(.towardZero)
            return abs(micros) < 9.2e18 ? .timestamp(Int64(micros)) : .null
        case let .decimal(u):
            guard case let .decimal(_, s) = from, let m = ExprDecimal.rescale(u, from: s, to: 6, truncate: true) else { return .null }
            return Int64(exactly: m).map { .timestamp($0) } ?? .null
        default: return .null
        }
    }
}
