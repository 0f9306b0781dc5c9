// SchemaAlignment: schema enforcement and evolution for writes (spec/delta.md "Writes"):
// incoming columns are matched to table columns by name (case-insensitively); a type mismatch is
// refused naming the column and both types; missing nullable columns become nulls; extra
// columns are refused unless mergeSchema adds them (as nullable columns) to the table schema.
import TarnDelta

enum SchemaAlignment {
    /// The table schema after evolution for `incoming` (unchanged when nothing is added).
    static func evolved(_ table: StructType, _ incoming: StructType, mergeSchema: Bool, tableName: String) throws -> StructType {
        var fields = table.fields
        for f in incoming.fields {
            if let existing = table.field(named: f.name) {
                if existing.type != f.type && !compatible(f.type, existing.type) {
                    throw TarnError(.schemaMismatch, "column '\(f.name)' is \(existing.type) in the table but \(f.type) in the data",
                                    table: tableName, column: f.name)
                }
            } else if mergeSchema {
                fields.append(StructField(f.name, f.type, nullable: true, metadata: [:]))
            } else {
                throw TarnError(.schemaMismatch, "column '\(f.name)' (\(f.type)) is not in the table schema; write with mergeSchema to add it",
                                table: tableName, column: f.name)
            }
        }
        return StructType(fields)
    }

    /// Types that may be written into a column of `target` without loss.
    static func compatible(_ source: DataType, _ target: DataType) -> Bool {
        switch (source, target) {
        case (.byte, .short), (.byte, .integer), (.byte, .long), (.short, .integer), (.short, .long), (.integer, .long), (.float, .double):
            return true
        default: return false
        }
    }

    /// `batch` reshaped to `schema`: columns in schema order, widened where needed, nulls for
    /// missing columns; non-nullable columns must be present (nulls in them are TableConstraints' job).
    static func align(_ batch: RecordBatch, to schema: StructType, tableName: String) throws -> RecordBatch {
        var columns: [Column] = []
        for f in schema.fields {
            guard let i = batch.schema.fields.firstIndex(where: { $0.name.lowercased() == f.name.lowercased() }) else {
                guard f.nullable else {
                    throw TarnError(.schemaMismatch, "non-nullable column '\(f.name)' is missing from the data", table: tableName, column: f.name)
                }
                columns.append(Column.allNull(f.type, count: batch.count))
                continue
            }
            var c = batch.columns[i]
            if c.type != f.type {
                guard let w = ColumnConform.widen(c, to: f.type) else {
                    throw TarnError(.schemaMismatch, "column '\(f.name)' is \(f.type) in the table but \(c.type) in the data",
                                    table: tableName, column: f.name)
                }
                c = w
            }
            columns.append(c)
        }
        return RecordBatch(schema: schema, columns: columns, count: batch.count)
    }
}
