// A RowCondition from predicate text (spec/expressions.md), bound to a table schema: the
// expression's pruning form for skipping files and its vectorized filter for the rows.
import TarnDelta

extension RowCondition {
    public static func parse(_ text: String, schema: StructType) throws -> RowCondition {
        let expr = try ExprParser.parse(text)
        let bound = try expr.bindPredicate(to: schema)
        let columns = Array(Set(expr.referencedColumns.compactMap(\.first)))
        // Bound by position: a batch with other columns (a projection) is bound to its own schema.
        return RowCondition(text: text, predicate: expr.toPredicate(schema: schema), columns: columns) { batch in
            try (batch.schema == schema ? bound : try expr.bindPredicate(to: batch.schema)).filter(batch)
        }
    }
}
