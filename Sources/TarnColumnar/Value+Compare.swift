// Ordering of Values of one Delta type, as the statistics and predicates need it: numbers by
// value (integers and floating point compare across widths), strings and binary byte-wise
// unsigned, dates, timestamps and decimals (same scale) by their integer form. Nil = incomparable.

extension Value {
    /// -1, 0 or 1, or nil when the values are not comparable (different kinds, NaN, null).
    public static func compare(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case let (.int(x), .int(y)): return cmp(x, y)
        case let (.bool(x), .bool(y)): return cmp(x ? 1 : 0, y ? 1 : 0)
        case let (.date(x), .date(y)): return cmp(x, y)
        case let (.timestamp(x), .timestamp(y)): return cmp(x, y)
        case let (.decimal(x), .decimal(y)): return cmp(x, y)
        case let (.string(x), .string(y)): return lexCompare(Array(x.utf8), Array(y.utf8))
        case let (.binary(x), .binary(y)): return lexCompare(x, y)
        default:
            guard let x = a.doubleValue, let y = b.doubleValue, !x.isNaN, !y.isNaN else { return nil }
            return x < y ? -1 : x > y ? 1 : 0
        }
    }

    public var doubleValue: Double? {
        switch self {
        case let .int(v): return Double(v)
        case let .float(v): return Double(v)
        case let .double(v): return v
        default: return nil
        }
    }

    private static func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : x > y ? 1 : 0 }

    private static func lexCompare(_ x: [UInt8], _ y: [UInt8]) -> Int {
        for (p, q) in zip(x, y) where p != q { return p < q ? -1 : 1 }
        return cmp(x.count, y.count)
    }

    /// This value converted to the representation of `type` (e.g. an integer literal for a
    /// decimal(10,2) column becomes its unscaled value), or nil when it cannot be represented exactly.
    public func coerced(to type: DataType) -> Value? {
        switch (self, type) {
        case (.null, _): return .null
        case let (.int(v), .decimal(p, s)):
            let (scaled, o) = Int128(v).multipliedReportingOverflow(by: Decimal128.powersOfTen[s])
            return !o && Decimal128.fits(scaled, precision: p) ? .decimal(scaled) : nil
        case let (.int(v), .float): return .float(Float(v))
        case let (.int(v), .double): return .double(Double(v))
        case let (.double(v), .float): return Float(exactly: v).map { .float($0) }
        case let (.float(v), .double): return .double(Double(v))
        case let (.string(s), .date): return Temporal.parseDate(s).map { .date($0) }
        case let (.string(s), .timestamp), let (.string(s), .timestampNtz): return Temporal.parseTimestamp(s).map { .timestamp($0.micros) }
        case let (.date(d), .timestamp), let (.date(d), .timestampNtz): return .timestamp(Int64(d) * Temporal.microsPerDay)
        case let (.string(s), .decimal(p, sc)):
            return Decimal128.parse(s, scale: sc).flatMap { Decimal128.fits($0, precision: p) ? .decimal($0) : nil }
        case (.int, .byte), (.int, .short), (.int, .integer), (.int, .long), (.float, .float), (.double, .double),
             (.string, .string), (.binary, .binary), (.bool, .boolean), (.date, .date), (.timestamp, .timestamp),
             (.timestamp, .timestampNtz), (.decimal, .decimal):
            return self
        default: return nil
        }
    }
}
