// SCD2Apply: writes an SCD2 plan to a Tarn table with one MERGE on keys + valid_from (matched:
// update valid_to and is_current; not matched: insert), creating the table on first use. The
// current versions are read by scanning the table for the incoming keys.
import TarnColumnar
import TarnTable

extension SCD2 {
    /// Applies the plan to the table with one MERGE on keys + valid_from (matched: update valid_to and is_current; not matched: insert). Creates the table if it does not exist. Returns the new version or nil when nothing changed.
    public static func apply(_ incoming: [RecordBatch], to table: Table, keys: [String], sequence: String) throws -> Int64? {
        guard let input = try RowOrder.single(incoming), input.count > 0 else { return nil }
        let schema = try targetSchema(incoming: input.schema, sequence: sequence)
        if try table.logFiles().isEmpty { try table.create(schema: schema) }
        let snapshot = try table.snapshot()
        try check(snapshot.schema, against: schema, table: table.location)
        let current = try currentRows(table, snapshot, input: input, keys: keys)
        let upserts = try plan(current: current, incoming: [input], keys: keys, sequence: sequence)
        guard !upserts.isEmpty else { return nil }
        let on = (keys + [validFrom]).map { "target.\(Expr.quoteName($0)) = source.\(Expr.quoteName($0))" }.joined(separator: " AND ")
        let set = [validTo, isCurrent].map { "\($0) = source.\($0)" }.joined(separator: ", ")
        let r = try table.merge(source: upserts, on: on, clauses: [.matchedUpdate(set: set), .notMatchedInsert()])
        return r.committed ? r.version : nil
    }

    /// The table's rows whose key appears in `input`.
    static func currentRows(_ table: Table, _ snapshot: Snapshot, input: RecordBatch, keys: [String]) throws -> [RecordBatch] {
        let inIdx = try keys.map { try RowOrder.index($0, in: input.schema, "scd2 key") }
        let wanted = Set(input.rows.map { row in inIdx.map { row[$0] } })
        let filter: @Sendable (RecordBatch) throws -> Bitmap = { batch in
            let idx = try keys.map { try RowOrder.index($0, in: batch.schema, "scd2 target key") }
            return Bitmap((0 ..< batch.count).map { r in wanted.contains(idx.map { batch.columns[$0].value(at: r) }) })
        }
        return try Scan(snapshot: snapshot, store: table.store, rowFilter: filter).batches()
    }

    /// The table must have every column of the SCD2 schema with the same type.
    static func check(_ actual: StructType, against expected: StructType, table: String) throws {
        for f in expected.fields {
            guard let a = actual.field(named: f.name), a.type == f.type else {
                let found = actual.field(named: f.name).map { "is \($0.type)" } ?? "is missing"
                throw TarnError(.schemaMismatch, "scd2 target \(table): column '\(f.name)' \(found), expected \(f.type)",
                                table: table, column: f.name)
            }
        }
    }
}
