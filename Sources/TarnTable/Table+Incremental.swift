// Incremental reads for pipelines (spec/pipeline.md "Incremental runs"): the rows appended by
// the versions after a watermark (files added with dataChange=true, each read as its add action
// left it, deletion vector included), the txn version of an app, and a txn-only commit that
// records a watermark when a run changed no rows.
import Foundation
import TarnDelta

/// What `Table.addedRows` read.
public struct AddedRows: Sendable {
    /// The version read up to.
    public let version: Int64
    public let batches: [RecordBatch]
    /// Whether the versions read changed any rows (see `Table.hasDataChanges`).
    public let changedRows: Bool
}

extension Table {
    /// The rows of data files added (dataChange=true) by versions `after`+1 … `through` (the latest
    /// when nil), in version order, in the schema of the version read up to. A file removed since
    /// (OPTIMIZE, a DELETE) is still read from its own version's add, so later deletes are not
    /// reflected (use the change feed for that).
    public func addedRows(after: Int64, through: Int64? = nil) throws -> AddedRows {
        let latest = try snapshot(version: through)
        guard latest.version > after else { return AddedRows(version: latest.version, batches: [], changedRows: false) }
        let versions = try commitActions(after: after, through: latest.version)
        guard versions.count == Int(latest.version - after) else {
            throw TarnError(.notFound, "versions \(after + 1)…\(latest.version) are not all in the log (cleaned up?); run a backfill",
                            table: location)
        }
        let scan = try Scan(snapshot: latest, store: store)
        var out: [RecordBatch] = []
        for actions in versions {
            for case let .add(add) in actions where add.dataChange {
                try FileScan(scan: scan, add: add).read { out.append($0) }
            }
        }
        return AddedRows(version: latest.version, batches: out, changedRows: versions.contains(where: Table.changesRows))
    }

    /// Whether any version after `after` changed the table's rows (an add, remove or cdc action
    /// with dataChange=true, or new metadata): OPTIMIZE, VACUUM and txn-only commits do not.
    public func hasDataChanges(after: Int64) throws -> Bool {
        try commitActions(after: after, through: nil).contains(where: Table.changesRows)
    }

    static func changesRows(_ actions: [Action]) -> Bool {
        actions.contains { a in
            switch a {
            case let .add(x): return x.dataChange
            case let .remove(x): return x.dataChange
            case .cdc, .metaData: return true
            default: return false
            }
        }
    }

    /// The actions of the commits in the log after `after` (up to `through`), in version order.
    private func commitActions(after: Int64, through: Int64?) throws -> [[Action]] {
        let commits = try logFiles(startAfter: LogNames.commit(max(-1, after)))
            .filter { $0.kind == .commit && $0.version > after && $0.version <= (through ?? Int64.max) }
            .sorted { $0.version < $1.version }
        return try Snapshot.readCommits(self, commits)
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
