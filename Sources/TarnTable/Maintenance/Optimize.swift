// OPTIMIZE (spec/maintenance.md): compaction and Z-ordering as one commit of `dataChange=false`
// removes and adds. It runs beside writers: the commit reads only the files it removes, so
// appends never make it fail; when another commit removed one of its files, the bins whose files
// are all still live are committed again and the others dropped (their new files deleted).
import Foundation
import TarnDelta

public struct OptimizeResult: Sendable {
    /// The committed version, or the version read when nothing was committed.
    public let version: Int64
    public let committed: Bool
    public let plan: OptimizePlan
    public var filesRemoved = 0
    public var filesAdded = 0
    public var bytesRemoved: Int64 = 0
    public var bytesAdded: Int64 = 0
    public var partitionsOptimized = 0
    /// Bins dropped because a concurrent commit removed one of their files.
    public var binsDropped = 0
    public var retries = 0
    public var durationMs: Int64 = 0
    public var metrics: [String: String] = [:]
}

extension Table {
    /// Compacts small files (or Z-orders with `options.zOrderBy`); a dry run only plans.
    public func optimize(_ options: OptimizeOptions = OptimizeOptions()) throws -> OptimizeResult {
        let start = DispatchTime.now().uptimeNanoseconds
        let s = try snapshot()
        try TableFeatures.checkWrite(s.protocolAction, s.metadata, table: location)
        let plan = try OptimizePlanner.plan(s, options)
        guard !options.dryRun, !plan.bins.isEmpty else { return OptimizeResult(version: s.version, committed: false, plan: plan) }
        let outputs = try OptimizeRewrite(table: self, snapshot: s, options: options, plan: plan).run(plan.bins)
        var result = try OptimizeCommit(table: self, options: options, plan: plan, startNanos: start)
            .commit(Array(zip(plan.bins, outputs)), read: s)
        result.durationMs = Int64((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
        return result
    }
}

struct OptimizeCommit {
    let table: Table
    let options: OptimizeOptions
    let plan: OptimizePlan
    /// When the OPTIMIZE started (its metrics' executionTimeMs covers planning and rewriting).
    var startNanos = DispatchTime.now().uptimeNanoseconds
    static let maxRebases = 10

    /// Commits the bins; after a conflict, keeps the bins whose files are all still live.
    func commit(_ rewritten: [(OptimizeBin, [AddFile])], read first: Snapshot) throws -> OptimizeResult {
        var bins = rewritten
        var s = first
        var dropped = 0, rebases = 0
        while true {
            let tx = transaction(bins, s)
            do {
                let outcome = try tx.commit()
                var r = result(bins, outcome, tx)
                r.binsDropped = dropped
                r.retries = outcome.retries + rebases
                try? Checkpoints.afterCommit(table, version: outcome.version, configuration: s.configuration)
                return r
            } catch let e as TarnError where e.code == .concurrentModification && rebases < OptimizeCommit.maxRebases {
                let latest = try table.snapshot()
                guard latest.metadata == s.metadata, latest.protocolAction == s.protocolAction else {
                    OptimizeRewrite.delete(bins.flatMap(\.1), table)
                    throw e
                }
                let live = Set(latest.state.files.keys)
                let stillLive = bins.map { $0.0.files.allSatisfy { live.contains(TableState.normalized($0.key)) } }
                OptimizeRewrite.delete(zip(bins, stillLive).filter { !$0.1 }.flatMap(\.0.1), table)
                dropped += stillLive.filter { !$0 }.count
                bins = zip(bins, stillLive).filter(\.1).map(\.0)
                s = latest
                rebases += 1
                guard !bins.isEmpty else {
                    var r = OptimizeResult(version: latest.version, committed: false, plan: plan)
                    r.binsDropped = dropped
                    return r
                }
            } catch {
                OptimizeRewrite.delete(bins.flatMap(\.1), table)
                throw error
            }
        }
    }

    private func transaction(_ bins: [(OptimizeBin, [AddFile])], _ s: Snapshot) -> Transaction {
        var tx = Transaction(table: table, readSnapshot: s, operation: "OPTIMIZE")
        let now = RowChangeWriter.nowMillis
        let removed = bins.flatMap(\.0.files)
        tx.actions = removed.map { .remove(RemoveFile(removing: $0, at: now, dataChange: false)) } + bins.flatMap(\.1).map { .add($0) }
        tx.readFiles = Set(removed.map { TableState.normalized($0.key).path })
        var parameters = ["predicate": JSONValue.array(options.condition.map { [.string($0.text)] } ?? []).serialized(),
                          "zOrderBy": JSONValue.array(options.zOrderBy.map { .string($0) }).serialized(),
                          "targetSize": String(plan.targetFileSizeBytes), "auto": String(options.auto)]
        if !options.zOrderBy.isEmpty { parameters["curve"] = options.curve.rawValue }
        tx.operationParameters = parameters
        tx.operationMetrics = metrics(bins)
        return tx
    }

    /// Spark's OPTIMIZE metrics plus the partitions touched.
    private func metrics(_ bins: [(OptimizeBin, [AddFile])]) -> [String: String] {
        let added = bins.flatMap(\.1).map(\.size).sorted()
        let removed = bins.flatMap(\.0.files)
        func percentile(_ p: Double) -> Int64 { added.isEmpty ? 0 : added[min(added.count - 1, Int(Double(added.count - 1) * p))] }
        return ["numRemovedFiles": String(removed.count), "numRemovedBytes": String(removed.reduce(0) { $0 + $1.size }),
                "numAddedFiles": String(added.count), "numAddedBytes": String(added.reduce(0, +)),
                "minFileSize": String(added.first ?? 0), "p25FileSize": String(percentile(0.25)), "p50FileSize": String(percentile(0.5)),
                "p75FileSize": String(percentile(0.75)), "maxFileSize": String(added.last ?? 0),
                "numDeletionVectorsRemoved": String(removed.filter { $0.deletionVector != nil }.count),
                "partitionsOptimized": String(bins.count), "totalConsideredFiles": String(plan.consideredFiles),
                "totalFilesSkipped": String(plan.consideredFiles - removed.count),
                "executionTimeMs": String((DispatchTime.now().uptimeNanoseconds - startNanos) / 1_000_000)]
    }

    private func result(_ bins: [(OptimizeBin, [AddFile])], _ outcome: CommitOutcome, _ tx: Transaction) -> OptimizeResult {
        var r = OptimizeResult(version: outcome.version, committed: outcome.committed, plan: plan)
        let added = bins.flatMap(\.1)
        r.filesRemoved = bins.reduce(0) { $0 + $1.0.files.count }
        r.filesAdded = added.count
        r.bytesRemoved = bins.reduce(0) { $0 + $1.0.bytes }
        r.bytesAdded = added.reduce(0) { $0 + $1.size }
        r.partitionsOptimized = bins.count
        r.metrics = tx.operationMetrics
        return r
    }
}
