// PartitionRow: one row holding a data file's partition values (other columns null), to decide
// a condition on partition columns from the log alone, without reading the file.
import TarnDelta

enum PartitionRow {
    static func make(_ add: AddFile, _ s: Snapshot) throws -> RecordBatch {
        let partitions = Set(s.partitionColumns.map { $0.lowercased() })
        let mapping = ColumnMapping(configuration: s.configuration)
        let columns = try s.schema.fields.map { f -> Column in
            guard partitions.contains(f.name.lowercased()) else { return Column.allNull(f.type, count: 1) }
            let raw = add.partitionValues[mapping.physicalName(f)] ?? add.partitionValues[f.name] ?? nil
            return try Column.repeating(try PartitionValues.parse(raw, f.type, column: f.name), type: f.type, count: 1)
        }
        return RecordBatch(schema: s.schema, columns: columns, count: 1)
    }
}
