// WritePlan: one write's work from input batches to the actions of its commit: schema
// evolution and alignment, the idempotency check, data files per partition, and the removals
// of overwrite and replaceWhere (files partly matching replaceWhere are rewritten without the
// matching rows).
import Foundation
import TarnDelta

struct WritePlan {
    let table: Table
    let snapshot: Snapshot?
    let options: WriteOptions
    var schema: StructType
    var partitionColumns: [String]
    var metadataActions: [Action] = []
    var batches: [RecordBatch] = []
    var adds: [AddFile] = []
    var removes: [RemoveFile] = []
    var readFiles: Set<String> = []
    var rows = 0
    /// Rows removed by replaceWhere.
    var matchedRows = 0
    var changeFiles: [AddCDCFile] = []
    /// The replaceWhere's row changes (its files are deleted again on abort).
    var rowChanges: RowChangeWriter?
    var alreadyCommitted: WriteResult?
    let mapping: ColumnMapping

    init(table: Table, snapshot: Snapshot?, batches input: [RecordBatch], options: WriteOptions) throws {
        self.table = table
        self.snapshot = snapshot
        self.options = options
        let incoming = input.first?.schema ?? snapshot?.schema ?? StructType([])
        if let s = snapshot {
            try TableFeatures.checkWrite(s.protocolAction, s.metadata, table: table.location)
            if let txn = options.txn, let done = s.state.transactions[txn.appId], done.version >= txn.version {
                alreadyCommitted = WriteResult(version: s.version, committed: false, filesAdded: 0, filesRemoved: 0, rowsWritten: 0,
                                               bytesWritten: 0, retries: 0)
            }
            if TableProperties(s.configuration).appendOnly && (options.mode == .overwrite || options.replaceWhere != nil) {
                throw TarnError(.invalidArgument, "the table is append-only (delta.appendOnly=true): only appends are allowed",
                                table: table.location)
            }
            schema = try SchemaAlignment.evolved(s.schema, incoming, mergeSchema: options.mergeSchema, tableName: table.location)
            partitionColumns = s.partitionColumns
            if schema != s.schema {
                var m = s.metadata
                m.schemaString = schema.jsonString
                metadataActions = [.metaData(m)]
            }
            mapping = ColumnMapping(configuration: s.configuration)
        } else {
            schema = incoming
            partitionColumns = options.partitionBy
            metadataActions = try TableCreation.actions(schema: incoming, partitionBy: options.partitionBy, properties: options.properties,
                                                        table: table.location)
            if case let .metaData(m)? = metadataActions.last {
                schema = try m.schema()
                partitionColumns = m.partitionColumns
                mapping = ColumnMapping(configuration: m.configuration)
            } else {
                mapping = ColumnMapping(configuration: [:])
            }
        }
        batches = try input.map { try SchemaAlignment.align($0, to: schema, tableName: table.location) }
        if batches.contains(where: { $0.count > 0 }) { try TableConstraints(schema: schema, configuration: configuration, table: table.location).check(batches) }
        if let cond = options.replaceWhere {
            for b in batches {
                let ok = try cond.evaluate(b)
                if let bad = (0 ..< b.count).first(where: { !ok[$0] }) {
                    throw TarnError(.invalidArgument, "row \(bad) of the data does not satisfy replaceWhere (\(cond.text))", table: table.location, row: bad)
                }
            }
        }
    }

    var configuration: [String: String] {
        if case let .metaData(m)? = metadataActions.last { return m.configuration }
        return snapshot?.configuration ?? [:]
    }

    /// Writes the batches as data files, one writer per partition.
    mutating func writeFiles() throws {
        var writers: [[String?]: DataFileWriter] = [:]
        let layout = try FileLayout(schema: schema, partitionColumns: partitionColumns, mapping: mapping,
                                    properties: TableProperties(configuration), options: options)
        defer { for w in writers.values { w.abort() } }
        for batch in batches {
            rows += batch.count
            let data = try layout.dataBatch(batch)
            for (key, selection) in try layout.split(batch) {
                var w = writers[key] ?? layout.writer(store: table.store, partition: key)
                try w.write(data, rows: selection)
                writers[key] = w
            }
        }
        // Finish every partition's last file in parallel (each also encodes its columns in parallel).
        let keys = writers.keys.sorted(by: { $0.map { $0 ?? "" }.lexicographicallyPrecedes($1.map { $0 ?? "" }) })
        let pending = keys.compactMap { writers[$0] }
        writers = [:]
        adds += try DataFileWriter.finishAll(pending)
    }
}
