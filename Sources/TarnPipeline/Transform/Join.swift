// Join: a left join of the stage's rows with a dimension table on equal key columns, adding the
// named dimension columns (null when no dimension row matches or a key is null). A dimension
// with two rows for one key is an error naming the key: the result would depend on row order.
import TarnColumnar

enum Join {
    static func apply(_ batch: RecordBatch, dimension batches: [RecordBatch], path: String,
                      on: [String], columns: [String]) throws -> RecordBatch {
        guard let dim = try RowOrder.single(batches) else {
            throw TarnError(.invalidArgument, "join: dimension table \(path) gave no batches, so its columns are unknown", table: path)
        }
        guard !on.isEmpty else { throw TarnError(.invalidArgument, "join with \(path) needs at least one key column", table: path) }
        let leftKeys = try on.map { try RowOrder.index($0, in: batch.schema, "join key") }
        let dimKeys = try on.map { try RowOrder.index($0, in: dim.schema, "join key of dimension \(path)") }
        let dimCols = try columns.map { try RowOrder.index($0, in: dim.schema, "join column of dimension \(path)") }
        for c in columns where batch.schema.index(of: c) != nil {
            throw TarnError(.invalidArgument, "join: column '\(c)' from \(path) is already in the stage's rows", column: c)
        }
        let keyTypes = leftKeys.map { batch.schema.fields[$0].type }
        let index = try lookup(dim, keys: dimKeys, types: keyTypes, path: path)
        let dimRows = dim.rows
        let added = batch.rows.map { row -> [Value] in
            let key = leftKeys.map { row[$0] }
            guard let d = index[key] else { return dimCols.map { _ in .null } }
            return dimCols.map { dimRows[d][$0] }
        }
        let fields = dimCols.map { i -> StructField in
            var f = dim.schema.fields[i]
            f.nullable = true
            return f
        }
        let addedBatch = try RecordBatch(schema: StructType(fields), rows: added)
        return RecordBatch(schema: StructType(batch.schema.fields + fields), columns: batch.columns + addedBatch.columns, count: batch.count)
    }

    /// Dimension key (converted to the stage's key types) → its row; keys with a null are skipped.
    static func lookup(_ dim: RecordBatch, keys: [Int], types: [DataType], path: String) throws -> [[Value]: Int] {
        var index: [[Value]: Int] = [:]
        for (r, row) in dim.rows.enumerated() {
            let raw = keys.map { row[$0] }
            if raw.contains(where: \.isNull) { continue }
            let key = zip(raw, types).map { v, t in v.coerced(to: t) ?? v }
            if index[key] != nil {
                let text = zip(keys, raw).map { "\(dim.schema.fields[$0].name)=\($1)" }.joined(separator: ", ")
                throw TarnError(.invalidArgument, "join: dimension \(path) has more than one row for key \(text)", table: path)
            }
            index[key] = r
        }
        return index
    }
}
