// ExprBinder: Expr → BoundExpr against a schema. Resolves column paths (case-insensitively, as
// Delta does), checks and infers types with Spark-like implicit widening (ExprBinder+Types.swift),
// inserts casts, and folds sub-trees without columns into literals. Rules: spec/expressions.md.

extension Expr {
    /// Resolves and type-checks the expression against `schema` (the batch schema it will run on).
    public func bind(to schema: StructType) throws -> BoundExpr {
        try ExprBinder(schema: schema).bind(self)
    }

    /// Like `bind(to:)`, and requires a boolean result (a WHERE / ON / CHECK condition).
    public func bindPredicate(to schema: StructType) throws -> BoundExpr {
        let b = try bind(to: schema)
        guard b.type == .boolean else {
            throw TarnError(.invalidArgument, "a condition must be boolean, but \(sql) is \(b.type)")
        }
        return b
    }
}

extension Expr {
    /// Binds a value stored into a column of `type` (UPDATE SET, MERGE INSERT, generated
    /// values): the result is converted to `type` when that is a safe widening (integer → wider
    /// integer / decimal / floating point, date → timestamp, float → double) or a literal that
    /// converts exactly; anything else is refused with both types named (CAST explicitly).
    public func bind(to schema: StructType, resultType type: DataType) throws -> BoundExpr {
        let binder = ExprBinder(schema: schema)
        let b = try binder.bind(self)
        if b.type == type { return b }
        if let v = b.literalValue, let x = ExprBinder.exactLiteral(v, from: b.type, to: type) {
            return BoundExpr(type: type, node: .literal(x))
        }
        if case let .string(text)? = b.literalValue, let parsed = try? binder.parseStringLiteral(text, toward: type, ""),
           let v = parsed.literalValue, let x = ExprBinder.exactLiteral(v, from: parsed.type, to: type) {
            return BoundExpr(type: type, node: .literal(x))
        }
        guard ExprBinder.widen(b.type, type) == type, ExprCast.canCast(b.type, type) else {
            throw TarnError(.invalidArgument, "cannot store \(b.type) value \(sql) in a \(type) column without a CAST")
        }
        return try binder.cast(b, type)
    }
}

struct ExprBinder {
    let schema: StructType

    func error(_ message: String, column: String? = nil) -> TarnError {
        TarnError(.invalidArgument, message, column: column)
    }

    func bind(_ e: Expr) throws -> BoundExpr {
        try fold(try bindNode(e))
    }

    func literal(_ v: Value, _ t: DataType) -> BoundExpr { BoundExpr(type: t, node: .literal(v)) }

    func bindNode(_ e: Expr) throws -> BoundExpr {
        switch e {
        case let .column(path): return try column(path)
        case let .literal(v, t): return try checkedLiteral(v, t)
        case .null: return literal(.null, .boolean)
        case let .compare(op, a, b): return try compare(op, bind(a), bind(b))
        case let .and(a, b):
            return BoundExpr(type: .boolean, node: .and(try boolean(a, "AND"), try boolean(b, "AND")))
        case let .or(a, b):
            return BoundExpr(type: .boolean, node: .or(try boolean(a, "OR"), try boolean(b, "OR")))
        case let .not(a): return BoundExpr(type: .boolean, node: .not(try boolean(a, "NOT")))
        case let .isNull(a, n): return BoundExpr(type: .boolean, node: .isNull(try bind(a), negated: n))
        case let .inList(a, items, n): return try inList(bind(a), items.map(bind), negated: n)
        case let .between(a, lo, hi, n):
            let x = try bind(a)
            let both = BoundExpr(type: .boolean, node: .and(try compare(.ge, x, bind(lo)), try compare(.le, x, bind(hi))))
            return n ? BoundExpr(type: .boolean, node: .not(both)) : both
        case let .like(a, p, n):
            let ops = try strings([bind(a), bind(p)], "LIKE")
            return BoundExpr(type: .boolean, node: .like(ops[0], pattern: ops[1], negated: n))
        case let .arithmetic(op, a, b): return try arithmetic(op, bind(a), bind(b))
        case let .negate(a): return try negate(bind(a))
        case let .concat(a, b): return try concat([a, b])
        case let .caseWhen(ws, otherwise): return try caseWhen(ws, otherwise)
        case let .cast(a, t): return try cast(bind(a), t)
        case let .function(name, args): return try function(name, args.map(bind))
        }
    }

    func checkedLiteral(_ v: Value, _ t: DataType) throws -> BoundExpr {
        guard (try? Column(type: t, values: [v])) != nil else {
            throw error("literal \(v) is not a value of type \(t)")
        }
        return literal(v, t)
    }

    // MARK: columns

    func column(_ path: [String]) throws -> BoundExpr {
        var fields = schema.fields
        var indices: [Int] = []
        var type = DataType.boolean
        for (k, name) in path.enumerated() {
            let prefix = path[..<k].map(Expr.quoteName).joined(separator: ".")
            guard let i = try resolve(name, in: fields, inside: prefix, path: path) else {
                throw unknownColumn(name, among: fields.map(\.name), inside: prefix, path: path)
            }
            indices.append(i)
            type = fields[i].type
            if k + 1 < path.count {
                guard case let .struct(s) = type else {
                    let here = (path[...k]).map(Expr.quoteName).joined(separator: ".")
                    throw error("column \(here) is \(type), not a struct, so it has no field '\(path[k + 1])'",
                                column: path.joined(separator: "."))
                }
                fields = s.fields
            }
        }
        return BoundExpr(type: type, node: .column(path: indices, name: path.map(Expr.quoteName).joined(separator: ".")))
    }

    /// Exact name first, then a unique case-insensitive match.
    func resolve(_ name: String, in fields: [StructField], inside prefix: String, path: [String]) throws -> Int? {
        if let i = fields.firstIndex(where: { $0.name == name }) { return i }
        let lower = name.lowercased()
        let matches = fields.indices.filter { fields[$0].name.lowercased() == lower }
        if matches.count > 1 {
            let names = matches.map { "'\(fields[$0].name)'" }.joined(separator: ", ")
            throw error("column name '\(name)' is ambiguous: \(names) differ only in case", column: path.joined(separator: "."))
        }
        return matches.first
    }

    func unknownColumn(_ name: String, among names: [String], inside prefix: String, path: [String]) -> TarnError {
        let ranked = names.sorted { ExprBinder.distance($0.lowercased(), name.lowercased()) < ExprBinder.distance($1.lowercased(), name.lowercased()) }
        let shown = ranked.prefix(12).map(Expr.quoteName).joined(separator: ", ") + (names.count > 12 ? ", …" : "")
        let place = prefix.isEmpty ? "" : " in struct \(prefix)"
        let list = names.isEmpty ? "there are no columns" : (prefix.isEmpty ? "columns: " : "fields: ") + shown
        return error("unknown column '\(name)'\(place) (\(list))", column: path.joined(separator: "."))
    }

    /// Levenshtein distance, to list the closest names first.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        var row = Array(0 ... y.count)
        for i in 1 ... max(x.count, 1) where !x.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in 1 ... max(y.count, 1) where !y.isEmpty {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (x[i - 1] == y[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[y.count]
    }

    // MARK: constant folding

    /// A node whose operands are all literals, evaluated once at bind time.
    func fold(_ b: BoundExpr) throws -> BoundExpr {
        switch b.node {
        case .column, .literal: return b
        default: break
        }
        if b.propagatesNull, b.children.contains(where: { $0.literalValue?.isNull == true }) { return literal(.null, b.type) }
        guard b.children.allSatisfy({ $0.literalValue != nil }) else { return b }
        let one = RecordBatch(schema: StructType([]), columns: [], count: 1)
        let c = try b.evaluate(one)
        return literal(c.value(at: 0), b.type)
    }
}
