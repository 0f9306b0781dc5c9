// FileScan: reads one data file of a scan: resolves the object key (refusing paths outside the
// table root), skips row groups by statistics, removes rows a deletion vector deletes, adds
// partition columns, conforms file columns to the table schema, applies the row filter.
import TarnDelta

struct FileScan {
    let scan: Scan
    let add: AddFile

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
        var firstRow = 0
        for g in 0 ..< file.rowGroupCount {
            let rows = Int(file.metadata.rowGroups[g].numRows)
            defer { firstRow += rows }
            if let p = scan.predicate, scan.mapping.mode == .none, !file.rowGroupMayMatch(g, p) { continue }
            let raw = try file.readRowGroup(g, columnIndices: fileColumns)
            var batch = try assemble(raw, file: file, partitionValues: partitionValues, fileColumns: fileColumns, key: key)
            if let deleted {
                batch = batch.filter(DeletionVectors.keepMask(deleted, firstRow: firstRow, count: rows))
            }
            if let filter = scan.rowFilter { batch = batch.filter(try filter(batch)) }
            if scan.readFields.count != scan.fields.count { batch = try batch.project(names: scan.fields.map(\.name)) }
            if batch.count > 0 { try each(batch) }
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
                          key: String) throws -> RecordBatch {
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
        return RecordBatch(schema: StructType(scan.readFields), columns: columns, count: raw.count)
    }
}
