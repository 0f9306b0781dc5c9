// The pruning bridge: Expr → Predicate for statistics (min / max / null count) skipping. The
// result is implied by the expression: whenever the expression is TRUE for a row, the predicate
// may match that row's statistics. NOT is pushed down first (De Morgan, operator negation);
// then an unconvertible conjunct is dropped from an AND, and an unconvertible disjunct makes the
// whole OR unconvertible (nil = cannot prune). Rule and examples: spec/expressions.md "Pruning".

extension Expr {
    /// The statistics predicate implied by this expression, or nil when nothing can be pruned.
    /// With `schema`, column names are resolved to their exact spelling (case-insensitively, as
    /// binding does) and literals are converted exactly to the column types, which lets decimal
    /// literals prune double and decimal columns; without it, pruning stays sound but coarser.
    public func toPredicate(schema: StructType? = nil) -> Predicate? {
        ExprPruning(schema: schema).convert(self, negated: false)
    }
}

struct ExprPruning {
    let schema: StructType?

    func convert(_ e: Expr, negated: Bool) -> Predicate? {
        switch e {
        case let .and(a, b):
            return negated ? any(convert(a, negated: true), convert(b, negated: true))
                : all(convert(a, negated: false), convert(b, negated: false))
        case let .or(a, b):
            return negated ? all(convert(a, negated: true), convert(b, negated: true))
                : any(convert(a, negated: false), convert(b, negated: false))
        case let .not(a): return convert(a, negated: !negated)
        case let .literal(.bool(b), _): return .literal(b != negated)
        case .null, .literal(.null, _): return .literal(false)        // NULL and NOT NULL are never TRUE
        case .column: return comparison(.eq, e, .bool(!negated), negated: false)
        case let .isNull(x, n):
            guard let c = column(x)?.name else { return nil }
            return n != negated ? .isNotNull(column: c) : .isNull(column: c)
        case let .compare(op, a, b): return comparison(op, a, b, negated: negated)
        case let .between(x, lo, hi, n):
            return convert(.and(.compare(.ge, x, lo), .compare(.le, x, hi)), negated: negated != n)
        case let .inList(x, items, n): return inList(x, items, negated: negated != n)
        case let .like(x, p, n): return negated != n ? nil : likePrefix(x, p)
        default: return nil
        }
    }

    func all(_ a: Predicate?, _ b: Predicate?) -> Predicate? {
        guard let a else { return b }
        guard let b else { return a }
        return .and(a, b)
    }

    func any(_ a: Predicate?, _ b: Predicate?) -> Predicate? {
        guard let a, let b else { return nil }
        return .or(a, b)
    }

    /// A column reference: its statistics name (nested paths joined with '.') and type if known.
    func column(_ e: Expr) -> (name: String, type: DataType?)? {
        guard case let .column(path) = e else { return nil }
        guard let schema else { return (path.joined(separator: "."), nil) }
        guard let b = try? ExprBinder(schema: schema).column(path), case let .column(indices, _) = b.node else { return nil }
        var fields = schema.fields
        var names: [String] = []
        for i in indices {
            names.append(fields[i].name)
            if case let .struct(s) = fields[i].type { fields = s.fields }
        }
        return (names.joined(separator: "."), b.type)
    }

    /// A literal operand (also anything that folds to one: CAST(literal AS t), -(1), 1 + 2),
    /// with its type; nil type = untyped NULL.
    func literal(_ e: Expr) -> (value: Value, type: DataType?)? {
        switch e {
        case let .literal(v, t): return (v, t)
        case .null: return (.null, nil)
        default:
            guard let b = try? ExprBinder(schema: StructType([])).bind(e), let v = b.literalValue else { return nil }
            return (v, b.type)
        }
    }

    /// The literal as a Value the statistics compare correctly with a column of `columnType`.
    func statsValue(_ v: Value, _ type: DataType?, columnType: DataType?) -> Value? {
        guard let type, !v.isNull else { return .null }
        if let columnType {
            if let exact = ExprBinder.exactLiteral(v, from: type, to: columnType) { return exact }
            if columnType == .double, type.isNumeric { return ExprCast.cast(v, from: type, to: .double) }
            if case let .string(text) = v, columnType != .string {
                guard let parsed = try? ExprBinder(schema: StructType([])).parseStringLiteral(text, toward: columnType, ""),
                      let pv = parsed.literalValue else { return v }
                return statsValue(pv, parsed.type, columnType: columnType)
            }
            if case .decimal = type { return nil }
        }
        if case let .decimal(_, s) = type, case let .decimal(u) = v { return .string(Decimal128.format(u, scale: s)) }
        // Text with more fraction digits than statistics hold (7–9) is not used for pruning:
        // coercing it against a timestamp column would cut it, and pruning stays conservative.
        if case let .string(text) = v, ExprCast.hasSubMicrosecondFraction(text) { return nil }
        return v
    }

    func comparison(_ op: Expr.Comparison, _ a: Expr, _ b: Expr, negated: Bool) -> Predicate? {
        var op = op
        var (colExpr, litExpr) = (a, b)
        if column(a) == nil { (colExpr, litExpr) = (b, a); op = op.flipped }
        guard let c = column(colExpr), let (v, t) = literal(litExpr) else { return nil }
        guard let value = statsValue(v, t, columnType: c.type) else { return nil }
        if op == .nullSafeEq {
            if value.isNull { return negated ? .isNotNull(column: c.name) : .isNull(column: c.name) }
            return negated ? .or(.isNull(column: c.name), .compare(column: c.name, op: .ne, value: value))
                : .compare(column: c.name, op: .eq, value: value)
        }
        if value.isNull { return .literal(false) }
        guard let base = ExprPruning.ops[op] else { return nil }
        return .compare(column: c.name, op: negated ? base.negated : base, value: value)
    }

    static let ops: [Expr.Comparison: ComparisonOp] = [.eq: .eq, .ne: .ne, .lt: .lt, .le: .le, .gt: .gt, .ge: .ge]

    func inList(_ x: Expr, _ items: [Expr], negated: Bool) -> Predicate? {
        guard let c = column(x) else { return nil }
        var values: [Value] = []
        for item in items {
            guard let (v, t) = literal(item) else { return nil }
            guard let value = statsValue(v, t, columnType: c.type) else {
                if negated { continue }          // dropping a `!=` conjunct only weakens the AND
                return nil
            }
            values.append(value)
        }
        guard negated else { return .inList(column: c.name, values: values) }
        if values.contains(where: \.isNull) { return .literal(false) }   // x NOT IN (…, NULL) is never TRUE
        return values.map { Predicate.compare(column: c.name, op: .ne, value: $0) }.reduce(nil, all) ?? nil
    }

    /// x LIKE 'abc%…' implies 'abc' <= x < 'abd' (the upper bound when the last byte is ASCII).
    func likePrefix(_ x: Expr, _ p: Expr) -> Predicate? {
        guard let c = column(x), c.type == nil || c.type == .string, case let .literal(.string(pattern), _) = p else { return nil }
        let tokens = LikePattern(Array(pattern.utf8)).tokens
        var prefix: [UInt8] = []
        for t in tokens {
            guard case let .byte(b) = t else { break }
            prefix.append(b)
        }
        if prefix.count == tokens.count { return .compare(column: c.name, op: .eq, value: .string(pattern.likeUnescaped)) }
        guard !prefix.isEmpty else { return nil }
        let low = Predicate.compare(column: c.name, op: .ge, value: .string(String(decoding: prefix, as: UTF8.self)))
        guard let last = prefix.last, last < 0x7F else { return low }
        prefix[prefix.count - 1] = last + 1
        return .and(low, .compare(column: c.name, op: .lt, value: .string(String(decoding: prefix, as: UTF8.self))))
    }
}

extension String {
    /// The text a wildcard-free LIKE pattern matches (backslash escapes removed).
    var likeUnescaped: String {
        let tokens = LikePattern(Array(utf8)).tokens
        return String(decoding: tokens.compactMap { if case let .byte(b) = $0 { return b }; return nil }, as: UTF8.self)
    }
}
