// Incremental reads for pipelines (spec/pipeline.md "Incremental runs"): the rows appended by
// the versions after a watermark (files added with dataChange=true, each read as its add action
// left it, deletion vector included), the txn version of an app, and a txn-only commit that
// records a watermark when a run changed no rows.
import Foundation
import TarnDelta

extension Table {
    /// The rows of data files added (dataChange=true) by versions `after`+1 … `through` (the latest
    /// when nil), in version order, in the schema of the version read up to. A file removed since
    /// (OPTIMIZE, a DELETE) is still read from its own version's add, so later deletes are not
    /// reflected (use the change feed for that). Returns the version read up to.
    public func addedRows(after: Int64, through: Int64? = nil) throws -> (version: Int64, batches: [RecordBatch]) {
        let latest = try snapshot(version: through)
        guard latest.version > after else { return (latest.version, []) }
        let commits = try logFiles(startAfter: LogNames.commit(max(-1, after)))
            .filter { $0.kind == .commit && $0.version > after && $0.version <= latest.version }
            .sorted { $0.version < $1.version }
        guard commits.count == Int(latest.version - after) else {
            throw TarnError(.notFound, "versions \(after + 1)…\(latest.version) are not all in the log (cleaned up?); run a backfill",
                            table: location)
        }
        let scan = try Scan(snapshot: latest, store: store)
        var out: [RecordBatch] = []
        for actions in try Snapshot.readCommits(self, commits) {
            for case let .add(add) in actions where add.dataChange {
                try FileScan(scan: scan, add: add).read { out.append($0) }
            }
        }
        return (latest.version, out)
    }

    /// Whether any version after `after` changed the table's rows (an add, remove or cdc action
    /// with dataChange=true): OPTIMIZE, VACUUM and txn-only commits do not.
    public func hasDataChanges(after: Int64) throws -> Bool {
        let commits = try logFiles(startAfter: LogNames.commit(max(-1, after)))
            .filter { $0.kind == .commit && $0.version > after }
        for actions in try Snapshot.readCommits(self, commits) {
            for a in actions {
                switch a {
                case let .add(x) where x.dataChange: return true
                case let .remove(x) where x.dataChange: return true
                case .cdc: return true
                case .metaData: return true
                default: continue
                }
            }
        }
        return false
    }

    /// The committed txn version of `appId`, or nil.
    public func transactionVersion(appId: String) throws -> Int64? {
        guard try !logFiles().isEmpty else { return nil }
        return try snapshot().state.transactions[appId]?.version
    }

    /// Commits only a txn action (appId, version), recording a watermark; nothing when it is
    /// already at or past `version`. Returns the commit's version, or nil when skipped.
    @discardableResult
    public func recordTransaction(appId: String, version: Int64, operation: String = "SET TRANSACTION") throws -> Int64? {
        let s = try snapshot()
        if let done = s.state.transactions[appId], done.version >= version { return nil }
        var tx = Transaction(table: self, readSnapshot: s, operation: operation)
        tx.isBlindAppend = true
        tx.actions.append(.txn(SetTransaction(appId: appId, version: version, lastUpdated: Int64(Date().timeIntervalSince1970 * 1000))))
        let outcome = try tx.commit()
        return outcome.committed ? outcome.version : nil
    }
}
