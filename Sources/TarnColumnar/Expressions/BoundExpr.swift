// BoundExpr: an Expr resolved against a schema: columns are index paths, every node has its
// result type, implicit casts are explicit nodes and constant sub-trees are folded to literals.
// Built by `Expr.bind(to:)` (ExprBinder.swift), evaluated over batches by `evaluate` / `filter`
// (ExprEval.swift). Typing rules: spec/expressions.md "Types".

public struct BoundExpr: Sendable {
    /// The result type.
    public let type: DataType
    public let node: Node

    public indirect enum Node: Sendable {
        /// Field indices: the batch column, then fields of nested structs. `name` is for messages.
        case column(path: [Int], name: String)
        /// A value in `type`'s representation (`.null` for a null literal).
        case literal(Value)
        /// Conversion of the operand to this node's type (ExprCast semantics).
        case cast(BoundExpr)
        /// Operands of one type, except decimals of different scales (compared exactly).
        case compare(Expr.Comparison, BoundExpr, BoundExpr)
        case and(BoundExpr, BoundExpr)
        case or(BoundExpr, BoundExpr)
        case not(BoundExpr)
        case isNull(BoundExpr, negated: Bool)
        /// Items have the value's type (decimals: possibly other scales).
        case inList(BoundExpr, [BoundExpr], negated: Bool)
        case like(BoundExpr, pattern: BoundExpr, negated: Bool)
        /// Operands of one numeric type (decimals: their own types; the node's type is the
        /// result's), or a date and an integer for date ± days.
        case arithmetic(Expr.Arithmetic, BoundExpr, BoundExpr)
        case negate(BoundExpr)
        /// String operands.
        case concat([BoundExpr])
        case caseWhen([(condition: BoundExpr, result: BoundExpr)], else: BoundExpr?)
        case function(Function, [BoundExpr])
    }

    public enum Function: Sendable, Hashable {
        case lower, upper, length, trim, ltrim, rtrim, substring, coalesce, abs, date, year, month, day
        /// round(x, digits) with the digits fixed at bind time.
        case round(digits: Int)
    }

    public init(type: DataType, node: Node) {
        self.type = type
        self.node = node
    }

    /// The literal value when this is a literal node.
    public var literalValue: Value? {
        if case let .literal(v) = node { return v }
        return nil
    }

    /// True for boolean expressions, which `filter` accepts.
    public var isPredicate: Bool { type == .boolean }

    /// The direct operands.
    public var children: [BoundExpr] {
        switch node {
        case .column, .literal: return []
        case let .cast(a), let .not(a), let .isNull(a, _), let .negate(a): return [a]
        case let .compare(_, a, b), let .and(a, b), let .or(a, b), let .arithmetic(_, a, b), let .like(a, b, _):
            return [a, b]
        case let .inList(a, items, _): return [a] + items
        case let .concat(items), let .function(_, items): return items
        case let .caseWhen(ws, e): return ws.flatMap { [$0.condition, $0.result] } + (e.map { [$0] } ?? [])
        }
    }

    /// True when a NULL operand always makes the result NULL.
    var propagatesNull: Bool {
        switch node {
        case let .compare(op, _, _): return op != .nullSafeEq
        case .cast, .arithmetic, .negate, .like, .concat: return true
        case let .function(f, _): return f != .coalesce
        default: return false
        }
    }

    /// The column paths read (index paths into the batch schema).
    public var referencedPaths: [[Int]] {
        if case let .column(path, _) = node { return [path] }
        var out: [[Int]] = []
        for c in children { for p in c.referencedPaths where !out.contains(p) { out.append(p) } }
        return out
    }
}
