// Predicate: a boolean condition over columns, the form filters take after parsing. It can be
// evaluated against per-column statistics (min, max, null count) to decide whether a row group
// or a file may hold matching rows; "may match" is conservative: true unless provably false.

public enum ComparisonOp: String, Sendable, CaseIterable {
    case eq = "=", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="

    public var negated: ComparisonOp {
        switch self {
        case .eq: return .ne
        case .ne: return .eq
        case .lt: return .ge
        case .le: return .gt
        case .gt: return .le
        case .ge: return .lt
        }
    }
}

public indirect enum Predicate: Sendable, Hashable {
    case literal(Bool)
    /// `column op value`; the value is coerced to the column's type before use.
    case compare(column: String, op: ComparisonOp, value: Value)
    case isNull(column: String)
    case isNotNull(column: String)
    case inList(column: String, values: [Value])
    case and(Predicate, Predicate)
    case or(Predicate, Predicate)
    case not(Predicate)
}

/// What statistics say about one column of a row group or file. Missing bounds are unknown.
public struct ColumnStatistics: Sendable {
    public var min: Value?
    public var max: Value?
    public var nullCount: Int64?
    public var rowCount: Int64

    public init(min: Value?, max: Value?, nullCount: Int64?, rowCount: Int64) {
        self.min = min
        self.max = max
        self.nullCount = nullCount
        self.rowCount = rowCount
    }
}

extension Predicate {
    /// False only when the statistics prove no row can satisfy the predicate.
    /// `stats` returns the statistics and type of a column, or nil when unknown.
    public func mayMatch(_ stats: (String) -> (ColumnStatistics, DataType)?) -> Bool {
        switch self {
        case let .literal(b): return b
        case let .and(a, b): return a.mayMatch(stats) && b.mayMatch(stats)
        case let .or(a, b): return a.mayMatch(stats) || b.mayMatch(stats)
        case let .not(p): return p.negatedForPruning.map { $0.mayMatch(stats) } ?? true
        case let .isNull(c):
            guard let (s, _) = stats(c), let n = s.nullCount else { return true }
            return n > 0
        case let .isNotNull(c):
            guard let (s, _) = stats(c), let n = s.nullCount else { return true }
            return n < s.rowCount
        case let .inList(c, values):
            return values.contains { Predicate.compare(column: c, op: .eq, value: $0).mayMatch(stats) }
        case let .compare(c, op, v):
            guard let (s, type) = stats(c) else { return true }
            if let n = s.nullCount, n == s.rowCount { return false }   // all null: comparisons are never true
            guard let value = v.coerced(to: type), !value.isNull else { return v.isNull ? false : true }
            return Predicate.boundsMayMatch(op, value, s)
        }
    }

    private static func boundsMayMatch(_ op: ComparisonOp, _ v: Value, _ s: ColumnStatistics) -> Bool {
        let lo = s.min.flatMap { Value.compare($0, v) }    // sign of (min - v)
        let hi = s.max.flatMap { Value.compare($0, v) }    // sign of (max - v)
        switch op {
        case .eq: return !(lo == 1 || hi == -1)
        case .ne: return !(lo == 0 && hi == 0)
        case .lt: return lo.map { $0 < 0 } ?? true
        case .le: return lo.map { $0 <= 0 } ?? true
        case .gt: return hi.map { $0 > 0 } ?? true
        case .ge: return hi.map { $0 >= 0 } ?? true
        }
    }

    /// NOT pushed one level down where that is exact for pruning; nil when it is not.
    var negatedForPruning: Predicate? {
        switch self {
        case let .literal(b): return .literal(!b)
        case let .compare(c, op, v): return .compare(column: c, op: op.negated, value: v)
        case let .isNull(c): return .isNotNull(column: c)
        case let .isNotNull(c): return .isNull(column: c)
        case let .and(a, b): return .or(.not(a), .not(b))
        case let .or(a, b): return .and(.not(a), .not(b))
        case let .not(p): return p
        case .inList: return nil
        }
    }
}
