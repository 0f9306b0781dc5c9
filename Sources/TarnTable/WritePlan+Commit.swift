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
        // The rows matching the condition go as a DELETE would (rewrite or deletion vector),
        // with their change data; the new rows' change data is recorded as inserts.
        var w = try RowChangeWriter(table: table, snapshot: s, options: options)
        do {
            for add in try Scan(snapshot: s, store: table.store, predicate: cond.predicate).plannedFiles().files {
                if !w.writesChangeData, let rows = try DMLFiles.wholeFileMatch(add, cond, s) {
                    if rows > 0 { w.removeWhole(add, rows: rows) }
                    continue
                }
                try w.rewrite(add, deleteOnlyColumns: cond.columns) { batch, live in
                    BatchChanges(deleted: try cond.evaluate(batch).intersection(live), updated: Bitmap(count: batch.count, value: false), postimage: nil)
                }
            }
            if w.writesChangeData && w.hasChanges {
                for b in batches { try w.recordInserted(b.schema == s.schema ? b : try b.project(names: s.schema.fieldNames)) }
            }
            try w.finish()
        } catch {
            w.abort()
            throw error
        }
        rowChanges = w
        matchedRows = w.counts.rowsDeleted
        readFiles.formUnion(w.readFiles)
        adds += w.adds
        removes += w.removes
        changeFiles = w.changeFiles
    }

    func transaction() -> Transaction {
        var tx = Transaction(table: table, readSnapshot: snapshot, operation: snapshot == nil ? "CREATE TABLE AS SELECT" : "WRITE")
        tx.actions = metadataActions + adds.map { .add($0) } + removes.map { .remove($0) } + changeFiles.map { .cdc($0) }
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

    func result(_ outcome: CommitOutcome) -> WriteResult {
        WriteResult(version: outcome.version, committed: outcome.committed, filesAdded: outcome.committed ? adds.count : 0,
                    filesRemoved: outcome.committed ? removes.count : 0, rowsWritten: outcome.committed ? rows : 0,
                    bytesWritten: outcome.committed ? adds.reduce(0) { $0 + $1.size } : 0, retries: outcome.retries)
    }

    /// Deletes the data files this write created (it committed nothing).
    func abort() {
        rowChanges?.abort()
        for a in adds where a.deletionVector == nil { try? table.store.delete(LogPath.decode(a.path)) }
    }
}
