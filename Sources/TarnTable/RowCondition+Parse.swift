// A RowCondition from predicate text (spec/expressions.md), bound to a table schema: the
// expression's pruning form for skipping files and its vectorized filter for the rows.
import TarnDelta

extension RowCondition {
    public static func parse(_ text: String, schema: StructType) throws -> RowCondition {
        let expr = try ExprParser.parse(text)
        let bound = try expr.bindPredicate(to: schema)
        return RowCondition(text: text, predicate: expr.toPredicate(schema: schema)) { batch in try bound.filter(batch) }
    }
}
