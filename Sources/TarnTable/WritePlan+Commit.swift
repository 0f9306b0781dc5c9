// WritePlan, second half: removals for overwrite and replaceWhere, the transaction to commit,
// the result, and cleaning up written files when the write fails.
import Foundation
import TarnDelta

extension WritePlan {
    mutating func planRemovals() throws {
        guard let s = snapshot else { return }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        if options.mode == .overwrite && options.replaceWhere == nil {
            for add in s.files {
                removes.append(RemoveFile(removing: add, at: now, dataChange: true))
                readFiles.insert(TableState.normalized(add.key).path)
            }
            return
        }
        guard let cond = options.replaceWhere else { return }
        let scan = try Scan(snapshot: s, store: table.store, predicate: cond.predicate)
        let layout = try FileLayout(schema: schema, partitionColumns: partitionColumns, mapping: mapping,
                                    properties: TableProperties(configuration), options: options)
        for add in try scan.plannedFiles().files {
            readFiles.insert(TableState.normalized(add.key).path)
            var kept: [RecordBatch] = []
            var matched = 0
            try FileScan(scan: try Scan(snapshot: s, store: table.store), add: add).read { batch in
                let hit = try cond.evaluate(batch)
                matched += hit.popcount
                var keep = hit
                for i in 0 ..< keep.count { keep[i] = !hit[i] }
                if keep.popcount > 0 { kept.append(batch.filter(keep)) }
            }
            guard matched > 0 else { continue }
            matchedRows += matched
            copiedRows += kept.reduce(0) { $0 + $1.count }
            removes.append(RemoveFile(removing: add, at: now, dataChange: true))
            for batch in kept {
                let aligned = try SchemaAlignment.align(batch, to: schema, tableName: table.location)
                let data = try layout.dataBatch(aligned)
                for (key, selection) in try layout.split(aligned) {
                    var w = layout.writer(store: table.store, partition: key)
                    do {
                        try w.write(data, rows: selection)
                        try w.finishFile()
                    } catch {
                        w.abort()
                        throw error
                    }
                    adds += w.adds
                }
            }
        }
    }

    func transaction() -> Transaction {
        if options.isDelete { return deleteTransaction() }
        var tx = Transaction(table: table, readSnapshot: snapshot, operation: snapshot == nil ? "CREATE TABLE AS SELECT" : "WRITE")
        tx.actions = metadataActions + adds.map { .add($0) } + removes.map { .remove($0) }
        if let txn = options.txn {
            tx.actions.append(.txn(SetTransaction(appId: txn.appId, version: txn.version, lastUpdated: Int64(Date().timeIntervalSince1970 * 1000))))
        }
        tx.isBlindAppend = options.mode == .append && options.replaceWhere == nil && metadataActions.isEmpty
        tx.readFiles = readFiles
        tx.readWholeTable = options.mode == .overwrite && options.replaceWhere == nil
        var params = ["mode": options.mode == .overwrite ? "Overwrite" : "Append",
                      "partitionBy": JSONValue.array(partitionColumns.map { .string($0) }).serialized()]
        if let r = options.replaceWhere { params["predicate"] = r.text }
        tx.operationParameters = params
        tx.operationMetrics = ["numFiles": String(adds.count), "numOutputRows": String(rows),
                               "numOutputBytes": String(adds.reduce(0) { $0 + $1.size }), "numRemovedFiles": String(removes.count)]
        return tx
    }

    /// A DELETE: the removals and rewritten files of the condition, Spark's operation metrics.
    func deleteTransaction() -> Transaction {
        var tx = Transaction(table: table, readSnapshot: snapshot, operation: "DELETE")
        tx.actions = adds.map { .add($0) } + removes.map { .remove($0) }
        tx.readFiles = readFiles
        tx.operationParameters = ["predicate": JSONValue.array([.string(options.replaceWhere?.text ?? "true")]).serialized()]
        tx.operationMetrics = ["numDeletedRows": String(matchedRows), "numRemovedFiles": String(removes.count),
                               "numAddedFiles": String(adds.count), "numCopiedRows": String(copiedRows),
                               "numRemovedBytes": String(removes.reduce(0) { $0 + ($1.size ?? 0) }),
                               "numAddedBytes": String(adds.reduce(0) { $0 + $1.size })]
        return tx
    }

    func result(_ outcome: CommitOutcome) -> WriteResult {
        WriteResult(version: outcome.version, committed: outcome.committed, filesAdded: outcome.committed ? adds.count : 0,
                    filesRemoved: outcome.committed ? removes.count : 0, rowsWritten: outcome.committed ? rows : 0,
                    bytesWritten: outcome.committed ? adds.reduce(0) { $0 + $1.size } : 0, retries: outcome.retries)
    }

    /// Deletes the data files this write created (it committed nothing).
    func abort() {
        for a in adds { try? table.store.delete(LogPath.decode(a.path)) }
    }
}
