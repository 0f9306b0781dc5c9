// Typing of arithmetic (Spark's rules: integer ops keep the wider integer type and wrap, `/` on
// integers is double, decimal results follow Spark's precision/scale formulas capped at 38),
// unary minus, ||, CASE and the functions of ExprFunctions.

extension ExprBinder {
    func arithmetic(_ op: Expr.Arithmetic, _ a: BoundExpr, _ b: BoundExpr) throws -> BoundExpr {
        var (a, b) = (a, b)
        let aNull = a.literalValue?.isNull == true, bNull = b.literalValue?.isNull == true
        if aNull && bNull { return literal(.null, .integer) }
        if aNull { a = literal(.null, b.type == .date ? .integer : b.type) }
        if bNull { b = literal(.null, a.type == .date ? .integer : a.type) }
        if op == .add, ExprBinder.integralRank(a.type) != nil, b.type == .date { swap(&a, &b) }
        if a.type == .date, ExprBinder.integralRank(b.type) != nil, op == .add || op == .subtract {
            return BoundExpr(type: .date, node: .arithmetic(op, a, try cast(b, .integer)))
        }
        guard a.type.isNumeric, b.type.isNumeric else {
            throw error("cannot apply \(op.rawValue) to \(a.type) and \(b.type) (arithmetic needs numbers, or a date ± an integer)")
        }
        if op == .divide, ExprBinder.integralRank(a.type) != nil, ExprBinder.integralRank(b.type) != nil {
            return BoundExpr(type: .double, node: .arithmetic(op, try cast(a, .double), try cast(b, .double)))
        }
        guard let t = ExprBinder.numericWiden(a.type, b.type) else { throw mismatch(a.type, b.type, "combine") }
        guard case .decimal = t else {
            return BoundExpr(type: t, node: .arithmetic(op, try cast(a, t), try cast(b, t)))
        }
        let x = try cast(a, ExprBinder.decimalOf(a.type)), y = try cast(b, ExprBinder.decimalOf(b.type))
        guard case let .decimal(p1, s1) = x.type, case let .decimal(p2, s2) = y.type else { throw mismatch(a.type, b.type, "combine") }
        return BoundExpr(type: ExprBinder.decimalResult(op, p1, s1, p2, s2), node: .arithmetic(op, x, y))
    }

    /// Spark's decimal result type (DecimalPrecision with allowPrecisionLoss).
    static func decimalResult(_ op: Expr.Arithmetic, _ p1: Int, _ s1: Int, _ p2: Int, _ s2: Int) -> DataType {
        switch op {
        case .add, .subtract:
            let s = max(s1, s2)
            return adjusted(max(p1 - s1, p2 - s2) + s + 1, s)
        case .multiply: return adjusted(p1 + p2 + 1, s1 + s2)
        case .divide:
            let s = max(6, s1 + p2 + 1)
            return adjusted(p1 - s1 + s2 + s, s)
        case .remainder:
            let s = max(s1, s2)
            return .decimal(precision: min(min(p1 - s1, p2 - s2) + s, 38), scale: min(s, 38))
        }
    }

    static func adjusted(_ p: Int, _ s: Int) -> DataType {
        if p <= 38 { return .decimal(precision: p, scale: s) }
        let intDigits = p - s
        return .decimal(precision: 38, scale: max(38 - intDigits, min(s, 6)))
    }

    func negate(_ a: BoundExpr) throws -> BoundExpr {
        if a.literalValue?.isNull == true { return literal(.null, a.type.isNumeric ? a.type : .integer) }
        guard a.type.isNumeric else { throw error("cannot negate \(a.type) (unary minus needs a number)") }
        return BoundExpr(type: a.type, node: .negate(a))
    }

    /// Operands of || (nested concatenations flattened); non-string primitives are cast to string.
    func concat(_ parts: [Expr]) throws -> BoundExpr {
        var flat: [Expr] = []
        func collect(_ e: Expr) {
            if case let .concat(a, b) = e { collect(a); collect(b) } else { flat.append(e) }
        }
        parts.forEach(collect)
        let ops = try flat.map { try toString(bind($0), "||") }
        return BoundExpr(type: .string, node: .concat(ops))
    }

    func toString(_ b: BoundExpr, _ op: String) throws -> BoundExpr {
        if b.literalValue?.isNull == true { return literal(.null, .string) }
        guard b.type.isPrimitive, b.type != .binary else { throw error("\(op) cannot take \(b.type)") }
        return try cast(b, .string)
    }

    func caseWhen(_ whens: [Expr.WhenClause], _ otherwise: Expr?) throws -> BoundExpr {
        let conditions = try whens.map { try boolean($0.condition, "WHEN") }
        var results = try whens.map { try bind($0.result) }
        if let otherwise { results.append(try bind(otherwise)) }
        results = try unify(results, comparison: false, "mix CASE results of types")
        let type = results.first?.type ?? .boolean
        let pairs = zip(conditions, results).map { (condition: $0, result: $1) }
        let elseResult = otherwise == nil ? nil : results.last
        return BoundExpr(type: type, node: .caseWhen(pairs, else: elseResult))
    }

    func function(_ name: String, _ args: [BoundExpr]) throws -> BoundExpr {
        guard let sig = ExprFunctions.signature(name), sig.arguments.contains(args.count) else {
            throw error("unknown function \(name) with \(args.count) arguments (known: \(ExprFunctions.knownNames))")
        }
        func make(_ f: BoundExpr.Function, _ t: DataType, _ a: [BoundExpr]) -> BoundExpr {
            BoundExpr(type: t, node: .function(f, a))
        }
        switch sig.name {
        case "lower": return make(.lower, .string, [try toString(args[0], name)])
        case "upper": return make(.upper, .string, [try toString(args[0], name)])
        case "trim": return make(.trim, .string, [try toString(args[0], name)])
        case "ltrim": return make(.ltrim, .string, [try toString(args[0], name)])
        case "rtrim": return make(.rtrim, .string, [try toString(args[0], name)])
        case "length":
            let a = args[0].type == .binary ? args[0] : try toString(args[0], name)
            return make(.length, .integer, [a])
        case "concat": return BoundExpr(type: .string, node: .concat(try args.map { try toString($0, name) }))
        case "substring":
            let rest = try args.dropFirst().map { try integerArgument($0, name) }
            return make(.substring, .string, [try toString(args[0], name)] + rest)
        case "coalesce":
            let ops = try unify(args, comparison: false, "mix coalesce arguments of types")
            return make(.coalesce, ops.first?.type ?? .boolean, ops)
        case "abs":
            let a = try numeric(args[0], name)
            return make(.abs, a.type, [a])
        case "round": return try round(args)
        default: return try dateFunction(sig.name, args[0])
        }
    }

    func numeric(_ b: BoundExpr, _ name: String) throws -> BoundExpr {
        if b.literalValue?.isNull == true { return literal(.null, .integer) }
        guard b.type.isNumeric else { throw error("\(name) needs a number, found \(b.type)") }
        return b
    }

    func integerArgument(_ b: BoundExpr, _ name: String) throws -> BoundExpr {
        if b.literalValue?.isNull == true { return literal(.null, .integer) }
        guard ExprBinder.integralRank(b.type) != nil else { throw error("\(name) needs integer positions, found \(b.type)") }
        return try cast(b, .integer)
    }

    func round(_ args: [BoundExpr]) throws -> BoundExpr {
        let x = try numeric(args[0], "round")
        var digits = 0
        if args.count == 2 {
            guard case let .int(d)? = args[1].literalValue, ExprBinder.integralRank(args[1].type) != nil, abs(d) <= 38 else {
                throw error("round needs a constant integer number of digits between -38 and 38")
            }
            digits = Int(d)
        }
        var type = x.type
        if case let .decimal(p, s) = x.type {
            let newScale = digits < 0 ? 0 : min(s, digits)
            let precision = digits < 0 ? max(p - s + 1, -digits + 1) : p - s + newScale + 1
            type = .decimal(precision: min(precision, 38), scale: newScale)
        }
        return BoundExpr(type: type, node: .function(.round(digits: digits), [x]))
    }

    func dateFunction(_ name: String, _ a: BoundExpr) throws -> BoundExpr {
        var x = a
        if a.literalValue?.isNull == true { x = literal(.null, .date) }
        if case let .string(s)? = x.literalValue, name != "date" { x = try parseStringLiteral(s, toward: .date, "read \(name)") }
        switch x.type {
        case .date, .timestamp, .timestampNtz: break
        case .string where name == "date": break
        default: throw error("\(name) needs a date or timestamp, found \(x.type)")
        }
        if name == "date" { return try cast(x, .date) }
        let d = try cast(x, .date)
        let f: BoundExpr.Function = name == "year" ? .year : name == "month" ? .month : .day
        return BoundExpr(type: .integer, node: .function(f, [d]))
    }
}
