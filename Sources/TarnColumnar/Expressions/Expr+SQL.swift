// SQL text of an Expr: every binary node parenthesised, names back-quoted where needed, literals
// in forms ExprParser reads back to the same literal (so parse(e.sql) == e for parsed trees).

extension Expr: CustomStringConvertible {
    public var description: String { sql }

    public var sql: String {
        switch self {
        case let .column(path): return path.map(Expr.quoteName).joined(separator: ".")
        case let .literal(v, t): return Expr.literalSQL(v, t)
        case .null: return "NULL"
        case let .compare(op, a, b): return "(\(a.sql) \(op.rawValue) \(b.sql))"
        case let .and(a, b): return "(\(a.sql) AND \(b.sql))"
        case let .or(a, b): return "(\(a.sql) OR \(b.sql))"
        case let .not(a): return "(NOT \(a.sql))"
        case let .isNull(a, n): return "(\(a.sql) IS \(n ? "NOT " : "")NULL)"
        case let .inList(a, items, n):
            return "(\(a.sql) \(n ? "NOT " : "")IN (\(items.map(\.sql).joined(separator: ", "))))"
        case let .between(a, lo, hi, n): return "(\(a.sql) \(n ? "NOT " : "")BETWEEN \(lo.sql) AND \(hi.sql))"
        case let .like(a, p, n): return "(\(a.sql) \(n ? "NOT " : "")LIKE \(p.sql))"
        case let .arithmetic(op, a, b): return "(\(a.sql) \(op.rawValue) \(b.sql))"
        case let .negate(a): return "(-(\(a.sql)))"
        case let .concat(a, b): return "(\(a.sql) || \(b.sql))"
        case let .caseWhen(ws, e):
            let whens = ws.map { "WHEN \($0.condition.sql) THEN \($0.result.sql)" }.joined(separator: " ")
            return "CASE \(whens)\(e.map { " ELSE \($0.sql)" } ?? "") END"
        case let .cast(a, t): return "CAST(\(a.sql) AS \(SchemaParser.format(t)))"
        case let .function(name, args): return "\(name)(\(args.map(\.sql).joined(separator: ", ")))"
        }
    }

    /// A name as written in an expression: bare when it is a plain word, else `back-quoted`.
    public static func quoteName(_ name: String) -> String {
        let plain = name.first.map(ExprLexer.isNameStart) == true && name.allSatisfy(ExprLexer.isNameChar)
            && !ExprParser.reservedWords.contains(name.lowercased())
        return plain ? name : "`" + name.replacingAll("`", with: "``") + "`"
    }

    static func literalSQL(_ v: Value, _ t: DataType) -> String {
        switch (v, t) {
        case (.null, _): return "CAST(NULL AS \(SchemaParser.format(t)))"
        case let (.bool(b), _): return b ? "TRUE" : "FALSE"
        case let (.int(i), .byte): return "\(i)Y"
        case let (.int(i), .short): return "\(i)S"
        case let (.int(i), .long): return "\(i)L"
        case let (.int(i), _): return "\(i)"
        case let (.float(f), _): return f.isFinite ? "\(f)F" : "CAST('\(f)' AS float)"
        case let (.double(d), _): return d.isFinite ? "\(d)D" : "CAST('\(d)' AS double)"
        case let (.decimal(u), .decimal(p, s)):
            let text = Decimal128.format(u, scale: s) + "BD"
            let natural = max(String(u.magnitude).count, s, 1)
            return natural == p ? text : "CAST(\(text) AS decimal(\(p),\(s)))"
        case let (.string(s), _): return "'" + s.replacingAll("'", with: "''") + "'"
        case let (.binary(b), _):
            let digits = Array("0123456789abcdef")
            return "X'" + String(b.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }) + "'"
        case let (.date(d), _): return "DATE '\(Temporal.formatDate(d))'"
        case let (.timestamp(m), .timestampNtz): return "TIMESTAMP_NTZ '\(Temporal.formatTimestamp(m, utc: false))'"
        case let (.timestamp(m), _): return "TIMESTAMP '\(Temporal.formatTimestamp(m, utc: true))'"
        default: return v.description
        }
    }
}
