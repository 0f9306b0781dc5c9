// RESTORE (spec/dml.md "Restore"): a new commit that gives the latest version the live files and
// metadata of an earlier version (by version or by timestamp), upgrading but never downgrading
// the protocol. Files it would re-add (and their deletion-vector files) must still exist; when
// any is gone nothing is committed. Commits through Transaction like every other write.
import Foundation
import TarnDelta

public struct RestoreResult: Sendable {
    /// The version committed, or the latest version when nothing was committed.
    public let version: Int64
    /// The version whose state was restored.
    public let restoredVersion: Int64
    /// False when the latest version already had the restored version's files and metadata
    /// (always so when restoring the latest version): nothing was committed.
    public let committed: Bool
    public let numRestoredFiles: Int
    public let numRemovedFiles: Int
    public let restoredFilesSize: Int64
    public let removedFilesSize: Int64
    public let tableSizeAfterRestore: Int64
    public let numOfFilesAfterRestore: Int
    /// The commit carries the restored version's metaData / a protocol upgrade.
    public let metadataRestored: Bool
    public let protocolUpgraded: Bool
    public let retries: Int

    /// Spark's RESTORE operation metrics, as written to commitInfo.
    public var operationMetrics: [String: String] {
        ["numRestoredFiles": String(numRestoredFiles), "numRemovedFiles": String(numRemovedFiles),
         "restoredFilesSize": String(restoredFilesSize), "removedFilesSize": String(removedFilesSize),
         "tableSizeAfterRestore": String(tableSizeAfterRestore), "numOfFilesAfterRestore": String(numOfFilesAfterRestore)]
    }
}

extension Table {
    /// Restores the table to `version` with a new RESTORE commit. `versionNotFound` when the
    /// version is after the latest or before the oldest reconstructible one; `notFound` when a
    /// file it needs was removed (by VACUUM); nothing is committed on any error.
    public func restore(toVersion version: Int64) throws -> RestoreResult {
        try restore(version: version, target: nil, parameters: ["version": String(version)])
    }

    /// Restores the table to the version current at `millis` (ms since the epoch), chosen as
    /// `snapshot(timestampMillis:)` does; a time before the first commit is `versionNotFound`.
    public func restore(toTimestampMillis millis: Int64) throws -> RestoreResult {
        let target = try snapshot(timestampMillis: millis)
        let (micros, overflow) = millis.multipliedReportingOverflow(by: 1000)
        let text = overflow ? "\(millis) ms" : Temporal.formatTimestamp(micros, utc: true)
        return try restore(version: target.version, target: target, parameters: ["timestamp": text])
    }

    /// `loaded` is the target snapshot when the caller already has it.
    private func restore(version: Int64, target loaded: Snapshot?, parameters: [String: String]) throws -> RestoreResult {
        guard let latest = try latestIfAny() else {
            throw TarnError(.notFound, "no table at \(location): nothing to restore", table: location)
        }
        guard version <= latest.version else {
            throw TarnError(.versionNotFound, "cannot restore version \(version): it does not exist; the latest version is \(latest.version)",
                            table: location, version: version)
        }
        let target = try loaded ?? snapshot(version: version)
        let plan = try RestorePlan(table: self, latest: latest, target: target)
        guard !plan.isEmpty else { return plan.result(version: latest.version, committed: false, retries: 0) }
        try plan.checkFilesExist()
        let outcome = try plan.transaction(parameters: parameters).commit()
        try? Checkpoints.afterCommit(self, version: outcome.version, configuration: plan.configuration)
        return plan.result(version: outcome.version, committed: outcome.committed, retries: outcome.retries)
    }
}

/// The actions of one restore: the target's files that are not live, the live files the target
/// lacks, and the metaData / protocol to commit (nil when unchanged).
struct RestorePlan {
    let table: Table
    let latest: Snapshot
    let target: Snapshot
    let adds: [AddFile]
    let removes: [RemoveFile]
    let metadata: MetadataAction?
    let protocolAction: ProtocolAction?

    init(table: Table, latest: Snapshot, target: Snapshot) throws {
        self.table = table
        self.latest = latest
        self.target = target
        try TableFeatures.checkWrite(latest.protocolAction, latest.metadata, table: table.location)
        let live = latest.state.files, wanted = target.state.files
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        adds = wanted.filter { live[$0.key] == nil }.values.sorted { $0.path < $1.path }.map { add in
            var a = add
            a.dataChange = true
            return a
        }
        removes = live.filter { wanted[$0.key] == nil }.values.sorted { $0.path < $1.path }
            .map { RemoveFile(removing: $0, at: now, dataChange: true) }
        let m = RestorePlan.restoredMetadata(target: target.metadata, latest: latest.metadata)
        metadata = m == latest.metadata ? nil : m
        let p = ProtocolUnion.union(latest.protocolAction, target.protocolAction)
        protocolAction = ProtocolUnion.same(p, latest.protocolAction) ? nil : p
        try TableFeatures.checkWrite(p, m, table: table.location)
        if !removes.isEmpty && TableProperties(latest.configuration).appendOnly {
            throw TarnError(.invalidArgument,
                            "cannot restore version \(target.version): the table is append-only (delta.appendOnly=true) and the restore would remove \(removes.count) file(s)",
                            table: table.location, version: target.version)
        }
    }

    var isEmpty: Bool { adds.isEmpty && removes.isEmpty && metadata == nil && protocolAction == nil }

    /// The table configuration after the restore.
    var configuration: [String: String] { (metadata ?? latest.metadata).configuration }

    /// The target's metaData with the table id, the in-commit-timestamp settings and the
    /// column-mapping id high-water mark of the latest one (restore never turns in-commit
    /// timestamps on or off, and never lets column ids be reused).
    static func restoredMetadata(target: MetadataAction, latest: MetadataAction) -> MetadataAction {
        var m = target
        m.id = latest.id
        for key in ["delta.enableInCommitTimestamps", "delta.inCommitTimestampEnablementVersion", "delta.inCommitTimestampEnablementTimestamp"] {
            m.configuration[key] = latest.configuration[key]
        }
        let maxId = "delta.columnMapping.maxColumnId"
        if let now = latest.configuration[maxId].flatMap({ Int64($0) }), let then = m.configuration[maxId].flatMap({ Int64($0) }), now > then {
            m.configuration[maxId] = String(now)
        }
        return m
    }

    /// Throws notFound naming the first missing file when a data file or a relative
    /// deletion-vector file the restore would re-add is no longer in the store.
    func checkFilesExist() throws {
        var dataKeys: [String] = [], dvKeys = Set<String>()
        for add in adds {
            dataKeys.append(try FileScan.key(add.path, table: table.location))
            if let dv = add.deletionVector, let rel = try dv.relativePath() {
                try ObjectKey.validate(rel)
                dvKeys.insert(rel)
            }
        }
        let dvList = dvKeys.sorted()
        let keys = dataKeys + dvList
        let store = table.store
        let found = ParallelMap.run(count: keys.count, parallel: true) { i in try store.exists(keys[i]) }
        var missingData: [String] = [], missingDVs: [String] = []
        for (i, r) in found.enumerated() {
            guard !(try r.get()) else { continue }
            if i < dataKeys.count { missingData.append(keys[i]) } else { missingDVs.append(keys[i]) }
        }
        guard let first = missingData.first ?? missingDVs.first else { return }
        func count(_ n: Int, _ what: String) -> String { "\(n) \(what) file\(n == 1 ? "" : "s")" }
        let parts = (missingData.isEmpty ? [] : [count(missingData.count, "data")])
            + (missingDVs.isEmpty ? [] : [count(missingDVs.count, "deletion vector")])
        let verb = missingData.count + missingDVs.count == 1 ? "was" : "were"
        throw TarnError(.notFound,
                        "cannot restore version \(target.version): \(parts.joined(separator: " and ")) it needs \(verb) removed by VACUUM or deleted (first: \(first))",
                        file: first, table: table.location, version: target.version)
    }

    /// The RESTORE commit: it read the whole latest version, so concurrent changes to its files
    /// or non-blind appends make it fail (spec/delta.md "Commits and conflicts").
    func transaction(parameters: [String: String]) -> Transaction {
        var tx = Transaction(table: table, readSnapshot: latest, operation: "RESTORE")
        tx.actions = (protocolAction.map { [Action.protocol($0)] } ?? []) + (metadata.map { [Action.metaData($0)] } ?? [])
            + removes.map { .remove($0) } + adds.map { .add($0) }
        tx.readFiles = Set(latest.state.files.keys.map(\.path))
        tx.readWholeTable = true
        tx.operationParameters = parameters
        tx.operationMetrics = result(version: 0, committed: true, retries: 0).operationMetrics
        return tx
    }

    func result(version: Int64, committed: Bool, retries: Int) -> RestoreResult {
        let files = target.state.files.values
        return RestoreResult(version: version, restoredVersion: target.version, committed: committed,
                             numRestoredFiles: committed ? adds.count : 0, numRemovedFiles: committed ? removes.count : 0,
                             restoredFilesSize: committed ? adds.reduce(0) { $0 + $1.size } : 0,
                             removedFilesSize: committed ? removes.reduce(0) { $0 + ($1.size ?? 0) } : 0,
                             tableSizeAfterRestore: files.reduce(0) { $0 + $1.size }, numOfFilesAfterRestore: files.count,
                             metadataRestored: committed && metadata != nil, protocolUpgraded: committed && protocolAction != nil,
                             retries: retries)
    }
}

/// The smallest protocol that supports everything two protocols support (PROTOCOL.md "Table
/// Features"; legacy versions stand for the features they imply).
enum ProtocolUnion {
    static func union(_ a: ProtocolAction, _ b: ProtocolAction) -> ProtocolAction {
        let reader = max(a.minReaderVersion, b.minReaderVersion), writer = max(a.minWriterVersion, b.minWriterVersion)
        guard reader >= 3 || writer >= 7 else { return ProtocolAction(minReaderVersion: reader, minWriterVersion: writer) }
        var readerFeatures = Set<String>(), writerFeatures = Set<String>()
        for p in [a, b] {
            if writer >= 7 { writerFeatures.formUnion(p.minWriterVersion >= 7 ? p.writerFeatures ?? [] : impliedWriterFeatures(p.minWriterVersion)) }
            if reader >= 3 { readerFeatures.formUnion(p.minReaderVersion >= 3 ? p.readerFeatures ?? [] : (p.minReaderVersion >= 2 ? ["columnMapping"] : [])) }
        }
        return ProtocolAction(minReaderVersion: reader, minWriterVersion: writer,
                              readerFeatures: reader >= 3 ? readerFeatures.sorted() : nil,
                              writerFeatures: writer >= 7 ? writerFeatures.sorted() : nil)
    }

    /// Features a legacy writer version implies.
    static func impliedWriterFeatures(_ version: Int) -> [String] {
        let byVersion: [(Int, [String])] = [(2, ["appendOnly", "invariants"]), (3, ["checkConstraints"]),
                                            (4, ["changeDataFeed", "generatedColumns"]), (5, ["columnMapping"]), (6, ["identityColumns"])]
        return byVersion.filter { $0.0 <= version }.flatMap(\.1)
    }

    /// Equal versions and equal feature sets (feature order does not matter).
    static func same(_ a: ProtocolAction, _ b: ProtocolAction) -> Bool {
        a.minReaderVersion == b.minReaderVersion && a.minWriterVersion == b.minWriterVersion
            && Set(a.readerFeatures ?? []) == Set(b.readerFeatures ?? []) && Set(a.writerFeatures ?? []) == Set(b.writerFeatures ?? [])
    }
}
