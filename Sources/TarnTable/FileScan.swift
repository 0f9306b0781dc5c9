// FileScan: reads one data file of a scan: resolves the object key (refusing paths outside the
// table root), skips row groups by statistics, removes rows a deletion vector deletes, adds
// partition columns, conforms file columns to the table schema, applies the row filter.
import TarnDelta

struct FileScan {
    let scan: Scan
    let add: AddFile
    /// Columns read from the file by exact name and appended after the scan's columns, null when
    /// the file lacks them (the change feed's `_change_type`).
    var extraFields: [StructField] = []

    /// The object key of a log path, which must name a file inside the table.
    static func key(_ path: String, table: String) throws -> String {
        let decoded = LogPath.decode(path)
        guard !decoded.hasPrefix("/"), !decoded.contains("://"), !decoded.hasPrefix("file:") else {
            throw TarnError(.unsupportedFeature, "data file '\(decoded)' is an absolute path; Tarn reads only files inside the table root",
                            file: decoded, table: table)
        }
        try ObjectKey.validate(decoded)
        return decoded
    }

    func read(_ each: (RecordBatch) throws -> Void) throws {
        try readRowGroups(skipping: true) { raw, firstRow, deleted in
            var batch = raw
            if let deleted {
                batch = batch.filter(DeletionVectors.keepMask(deleted, firstRow: firstRow, count: batch.count))
            }
            if let filter = scan.rowFilter { batch = batch.filter(try filter(batch)) }
            if scan.readFields.count != scan.fields.count { batch = try batch.project(names: (scan.fields + extraFields).map(\.name)) }
            if batch.count > 0 { try each(batch) }
        }
    }

    /// Every row of the file in physical order, one batch per row group, with the index of the
    /// batch's first row and the live-row mask (nil when no row is deleted): for DML, which must
    /// see every row (no skipping, no row filter) and address rows by position.
    func readPhysical(_ each: (RecordBatch, _ firstRow: Int, _ live: Bitmap?) throws -> Void) throws {
        try readRowGroups(skipping: false) { batch, firstRow, deleted in
            try each(batch, firstRow, deleted.map { DeletionVectors.keepMask($0, firstRow: firstRow, count: batch.count) })
        }
    }

    /// The row groups as table-schema batches (readFields), before deletion vectors and filters.
    private func readRowGroups(skipping: Bool, _ each: (RecordBatch, Int, RoaringBitmap64?) throws -> Void) throws {
        let snapshot = scan.snapshot
        let key = try FileScan.key(add.path, table: snapshot.table)
        let file = try ParquetFile(source: try scan.store.source(key))
        let deleted = try DeletionVectors.deletedRows(add, store: scan.store, table: snapshot.table)
        let partitionValues = try partitionValueMap()
        // Data columns to read, by file column index.
        var fileColumns: [Int] = []
        for f in scan.readFields where partitionValues[f.name] == nil {
            if let i = scan.mapping.index(of: f, in: file.schema), !fileColumns.contains(i) { fileColumns.append(i) }
        }
        let extra = extraFields.map { f in file.schema.fields.firstIndex { $0.name == f.name } }
        for case let i? in extra where !fileColumns.contains(i) { fileColumns.append(i) }
        var firstRow = 0
        for g in 0 ..< file.rowGroupCount {
            let rows = Int(file.metadata.rowGroups[g].numRows)
            defer { firstRow += rows }
            if skipping, let p = scan.predicate, scan.mapping.mode == .none, !file.rowGroupMayMatch(g, p) { continue }
            let raw = try file.readRowGroup(g, columnIndices: fileColumns)
            try each(try assemble(raw, file: file, partitionValues: partitionValues, fileColumns: fileColumns, extra: extra,
                                  key: key), firstRow, deleted)
        }
    }

    private func partitionValueMap() throws -> [String: Value] {
        var out: [String: Value] = [:]
        for name in scan.snapshot.partitionColumns {
            guard let f = scan.snapshot.schema.field(named: name) else { continue }
            let raw = add.partitionValues[scan.mapping.physicalName(f)] ?? add.partitionValues[f.name] ?? nil
            out[f.name] = try PartitionValues.parse(raw, f.type, column: f.name)
        }
        return out
    }

    private func assemble(_ raw: RecordBatch, file: ParquetFile, partitionValues: [String: Value], fileColumns: [Int],
                          extra: [Int?], key: String) throws -> RecordBatch {
        var columns: [Column] = []
        for f in scan.readFields {
            if let v = partitionValues[f.name] {
                columns.append(try Column.repeating(v, type: f.type, count: raw.count))
            } else if let i = scan.mapping.index(of: f, in: file.schema), let k = fileColumns.firstIndex(of: i) {
                columns.append(try ColumnConform.conform(raw.columns[k], to: f.type, mapping: scan.mapping, column: f.name, file: key))
            } else {
                columns.append(Column.allNull(f.type, count: raw.count))
            }
        }
        for (f, i) in zip(extraFields, extra) {
            guard let i, let k = fileColumns.firstIndex(of: i) else { columns.append(Column.allNull(f.type, count: raw.count)); continue }
            columns.append(try ColumnConform.conform(raw.columns[k], to: f.type, mapping: scan.mapping, column: f.name, file: key))
        }
        return RecordBatch(schema: StructType(scan.readFields + extraFields), columns: columns, count: raw.count)
    }
}
