// Implicit typing (spec/expressions.md "Types and implicit casts"): integer types widen, integer
// with decimal gives decimal, anything with float/double gives floating point, dates meet
// timestamps as timestamps; a literal that fits the other side's type exactly is converted
// instead of the column, and a string literal is parsed as the other side's type.

extension ExprBinder {
    static func integralRank(_ t: DataType) -> Int? {
        switch t {
        case .byte: return 1
        case .short: return 2
        case .integer: return 3
        case .long: return 4
        default: return nil
        }
    }

    /// The decimal that holds every value of an integer type.
    static func decimalOf(_ t: DataType) -> DataType {
        switch t {
        case .byte: return .decimal(precision: 3, scale: 0)
        case .short: return .decimal(precision: 5, scale: 0)
        case .integer: return .decimal(precision: 10, scale: 0)
        case .long: return .decimal(precision: 20, scale: 0)
        default: return t
        }
    }

    /// The narrowest type both numeric types convert to.
    static func numericWiden(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        if let ra = integralRank(a), let rb = integralRank(b) { return ra >= rb ? a : b }
        if a == .double || b == .double { return .double }
        if a == .float || b == .float {
            if case .decimal = a { return .double }
            if case .decimal = b { return .double }
            return .float
        }
        guard case let .decimal(p1, s1) = decimalOf(a), case let .decimal(p2, s2) = decimalOf(b) else { return nil }
        let s = max(s1, s2)
        return .decimal(precision: min(max(p1 - s1, p2 - s2) + s, DataType.maxDecimalPrecision), scale: s)
    }

    /// The common type of two types, or nil when they do not mix.
    static func widen(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        if a.isNumeric && b.isNumeric { return numericWiden(a, b) }
        switch (a, b) {
        case (.date, .timestamp), (.timestamp, .date), (.timestamp, .timestampNtz), (.timestampNtz, .timestamp): return .timestamp
        case (.date, .timestampNtz), (.timestampNtz, .date): return .timestampNtz
        default: return nil
        }
    }

    /// The literal `v` of type `from` as an exactly equal value of type `to`, or nil.
    static func exactLiteral(_ v: Value, from: DataType, to: DataType) -> Value? {
        if from == to || v.isNull { return v }
        switch (v, to) {
        case let (.int(i), _) where integralRank(to) != nil: return TextValues.fitsInteger(i, to) ? v : nil
        case (.decimal, _) where integralRank(to) != nil: return roundTrips(v, from, to)
        case (.int, .decimal), (.decimal, .decimal): return roundTrips(v, from, to)
        case let (.int(i), .double): return Double(exactly: i).map { .double($0) }
        case let (.int(i), .float): return Float(exactly: i).map { .float($0) }
        case let (.float(f), .double): return .double(Double(f))
        case let (.double(d), .float): return Float(exactly: d).map { .float($0) }
        case (.date, .timestamp), (.date, .timestampNtz), (.timestamp, .timestamp), (.timestamp, .timestampNtz):
            return ExprCast.cast(v, from: from, to: to)
        default: return nil
        }
    }

    /// `v` cast to `to` when casting back gives `v` again.
    static func roundTrips(_ v: Value, _ from: DataType, _ to: DataType) -> Value? {
        let x = ExprCast.cast(v, from: from, to: to)
        return !x.isNull && ExprCast.cast(x, from: to, to: from) == v ? x : nil
    }

    /// A string literal read as a value for a `target`-typed context (numbers keep their own
    /// literal type, e.g. '1.25' is decimal(3,2)).
    func parseStringLiteral(_ s: String, toward target: DataType, _ context: String) throws -> BoundExpr {
        let text = s.trimmedWhitespace
        if target.isNumeric, let e = try? ExprParser.parse(text), case let .literal(v, t) = e, t.isNumeric {
            return literal(v, t)
        }
        if !target.isNumeric, target.isPrimitive {
            let v = ExprCast.cast(.string(s), from: .string, to: target)
            if !v.isNull { return literal(v, target) }
        }
        throw error("cannot \(context): '\(s.prefix(40))' is not a valid \(target)")
    }

    /// A cast node, folded right away for literals.
    func cast(_ e: BoundExpr, _ t: DataType) throws -> BoundExpr {
        if e.type == t { return e }
        guard ExprCast.canCast(e.type, t) else { throw error("cannot cast \(e.type) to \(t)") }
        if let v = e.literalValue { return literal(ExprCast.cast(v, from: e.type, to: t), t) }
        return BoundExpr(type: t, node: .cast(e))
    }

    /// Converts `items` to one common type. With `comparison`, decimals keep their own scales
    /// (compared exactly) and integers become the decimal that holds them.
    func unify(_ items: [BoundExpr], comparison: Bool, _ context: String) throws -> [BoundExpr] {
        var items = items
        let isNullLit: (BoundExpr) -> Bool = { $0.literalValue?.isNull == true }
        var target: DataType? = nil
        for e in items where e.literalValue == nil {
            target = try target.map { t in try ExprBinder.widen(t, e.type) ?? { throw mismatch(t, e.type, context) }() } ?? e.type
        }
        if target == nil { target = items.first { !isNullLit($0) && $0.type != .string }?.type }
        if target == nil, items.contains(where: { !isNullLit($0) }) { target = .string }
        guard var t = target else {                         // all NULL: one type for all of them
            let t = items.dropFirst().reduce(items.first?.type ?? .boolean) { ExprBinder.widen($0, $1.type) ?? $0 }
            return items.map { _ in literal(.null, t) }
        }
        for (i, e) in items.enumerated() {
            guard let v = e.literalValue, !v.isNull else { continue }
            var lit = e
            if case let .string(s) = v, t != .string { lit = try parseStringLiteral(s, toward: t, context) }
            if let x = ExprBinder.exactLiteral(lit.literalValue ?? .null, from: lit.type, to: t) {
                items[i] = literal(x, t)
                continue
            }
            items[i] = lit
            t = try ExprBinder.widen(t, lit.type) ?? { throw mismatch(t, lit.type, context) }()
        }
        return try items.map { e in
            if isNullLit(e) { return literal(.null, t) }
            if comparison, case .decimal = t {
                if case .decimal = e.type { return e }
                if ExprBinder.integralRank(e.type) != nil { return try cast(e, ExprBinder.decimalOf(e.type)) }
            }
            return try cast(e, t)
        }
    }

    func mismatch(_ a: DataType, _ b: DataType, _ context: String) -> TarnError {
        error("cannot \(context) \(a) and \(b) (add a CAST to convert one side)")
    }

    func boolean(_ e: Expr, _ op: String) throws -> BoundExpr {
        let b = try bind(e)
        if b.literalValue?.isNull == true { return literal(.null, .boolean) }
        guard b.type == .boolean else { throw error("\(op) needs boolean operands, but \(e.sql) is \(b.type)") }
        return b
    }

    /// String operands; NULL becomes a string null.
    func strings(_ items: [BoundExpr], _ op: String) throws -> [BoundExpr] {
        try items.map { b in
            if b.literalValue?.isNull == true { return literal(.null, .string) }
            guard b.type == .string else { throw error("\(op) needs string operands, found \(b.type)") }
            return b
        }
    }

    func compare(_ op: Expr.Comparison, _ a: BoundExpr, _ b: BoundExpr) throws -> BoundExpr {
        for x in [a, b] where !x.type.isPrimitive {
            throw error("cannot compare values of type \(x.type) (only primitive types are comparable)")
        }
        let ops = try unify([a, b], comparison: true, "compare")
        return BoundExpr(type: .boolean, node: .compare(op, ops[0], ops[1]))
    }

    func inList(_ a: BoundExpr, _ items: [BoundExpr], negated: Bool) throws -> BoundExpr {
        for x in [a] + items where !x.type.isPrimitive {
            throw error("IN needs primitive values, found \(x.type)")
        }
        let ops = try unify([a] + items, comparison: true, "compare (IN)")
        return BoundExpr(type: .boolean, node: .inList(ops[0], Array(ops.dropFirst()), negated: negated))
    }
}
