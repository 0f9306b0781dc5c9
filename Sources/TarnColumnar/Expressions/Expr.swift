// Expr: the syntax tree of Tarn's expression language (spec/expressions.md): column references,
// typed literals, comparisons, three-valued boolean logic, arithmetic, CASE, CAST and a small
// function set. `ExprParser` builds it from text, `bind(to:)` type-checks it against a schema
// (BoundExpr), and `toPredicate()` converts what statistics can prune (Expr+Predicate.swift).

public indirect enum Expr: Sendable, Hashable {
    /// A column, or a field inside struct columns: `a`, `a.b`, `` `my col`.x ``.
    case column([String])
    /// A non-null or typed-null literal; the value is in its type's representation (Value.swift).
    case literal(Value, DataType)
    /// The untyped `NULL` literal: the binder gives it the type its context needs.
    case null
    case compare(Comparison, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case not(Expr)
    case isNull(Expr, negated: Bool)
    case inList(Expr, [Expr], negated: Bool)
    case between(Expr, low: Expr, high: Expr, negated: Bool)
    /// `value LIKE pattern`: `%` any run, `_` one character, backslash escapes the next character.
    case like(Expr, pattern: Expr, negated: Bool)
    case arithmetic(Arithmetic, Expr, Expr)
    case negate(Expr)
    /// String concatenation `a || b`.
    case concat(Expr, Expr)
    /// Searched CASE; `CASE x WHEN v THEN …` is parsed into conditions `x = v`.
    case caseWhen([WhenClause], else: Expr?)
    case cast(Expr, DataType)
    /// A call of a function of `ExprFunctions.catalog`; the name is lower-case and canonical.
    case function(String, [Expr])

    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        case eq = "=", ne = "<>", lt = "<", le = "<=", gt = ">", ge = ">="
        /// Null-safe equality: true when both sides are null, false when one is.
        case nullSafeEq = "<=>"

        /// The operator with its operands swapped (`5 < x` is `x > 5`).
        public var flipped: Comparison {
            switch self {
            case .lt: return .gt
            case .le: return .ge
            case .gt: return .lt
            case .ge: return .le
            default: return self
            }
        }
    }

    public enum Arithmetic: String, Sendable, Hashable, CaseIterable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    }

    public struct WhenClause: Sendable, Hashable {
        public var condition: Expr
        public var result: Expr
        public init(_ condition: Expr, _ result: Expr) {
            self.condition = condition
            self.result = result
        }
    }
}

extension Expr {
    /// A column reference from a dotted path without quoting (`Expr.col("a.b")`); use the
    /// `.column([...])` case for names containing dots.
    public static func col(_ dotted: String) -> Expr {
        .column(dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
    }

    public static func int(_ v: Int32) -> Expr { .literal(.int(Int64(v)), .integer) }
    public static func long(_ v: Int64) -> Expr { .literal(.int(v), .long) }
    public static func double(_ v: Double) -> Expr { .literal(.double(v), .double) }
    public static func string(_ v: String) -> Expr { .literal(.string(v), .string) }
    public static func bool(_ v: Bool) -> Expr { .literal(.bool(v), .boolean) }

    /// The conjuncts of a chain of ANDs (`a AND (b AND c)` gives [a, b, c]).
    public var conjuncts: [Expr] {
        if case let .and(a, b) = self { return a.conjuncts + b.conjuncts }
        return [self]
    }

    /// Every column path the expression references, in first-use order, without duplicates.
    public var referencedColumns: [[String]] {
        var out: [[String]] = []
        visit { if case let .column(p) = $0, !out.contains(p) { out.append(p) } }
        return out
    }

    /// Calls `body` on this node and every node below it (pre-order).
    public func visit(_ body: (Expr) -> Void) {
        body(self)
        for c in children { c.visit(body) }
    }

    /// The direct sub-expressions.
    public var children: [Expr] {
        switch self {
        case .column, .literal, .null: return []
        case let .compare(_, a, b), let .and(a, b), let .or(a, b), let .arithmetic(_, a, b), let .concat(a, b):
            return [a, b]
        case let .not(a), let .isNull(a, _), let .negate(a), let .cast(a, _): return [a]
        case let .inList(a, items, _): return [a] + items
        case let .between(a, lo, hi, _): return [a, lo, hi]
        case let .like(a, p, _): return [a, p]
        case let .caseWhen(ws, e): return ws.flatMap { [$0.condition, $0.result] } + (e.map { [$0] } ?? [])
        case let .function(_, args): return args
        }
    }
}
