// StageCommit: the commit half of a run (spec/pipeline.md "Runs"): each computed stage's dead
// letters and target rows are committed in dependency order with the stage's watermark as a txn
// (so the same input is never loaded twice), then its maintenance policy is applied. A commit
// that fails stops the run: later stages are not committed, and the next run completes them.
import Foundation
import TarnStorage
import TarnTable

extension PipelineRunner {
    func commitAll(_ plans: [StagePlan], options: RunOptions, now: Int64) -> [StageReport] {
        var reports: [StageReport] = []
        var versions: [String: Int64] = [:]       // stage → its target's version after commit
        var failed: String?
        for plan in plans {
            var r = plan.report
            let commitStart = PipelineRunner.nowMicros()
            defer {
                r.completedAtMicros = PipelineRunner.nowMicros()
                r.activeMicros += r.completedAtMicros - commitStart
                reports.append(r)
                options.progress?(Double(plans.count + reports.count) / Double(2 * plans.count))
            }
            if let failed {
                r.status = .notRun
                r.errorMessage = "not committed: stage '\(failed)' failed"
                continue
            }
            do {
                let watermark = try self.watermark(plan, versions)
                r.watermarkAfter = watermark
                if options.dryRun {
                    r.status = plan.report.status == .noNewData ? .noNewData : .planned
                    continue
                }
                try commit(plan, watermark: watermark, options: options, report: &r)
                versions[plan.stage.name] = r.version
                if options.injectFailureAfterCommitOf == plan.stage.name {
                    throw TarnError(.io, "injected failure after committing stage '\(plan.stage.name)'")
                }
            } catch {
                r.status = .failed
                r.errorMessage = PipelineRunner.message(error)
                failed = plan.stage.name
            }
        }
        return reports
    }

    /// The watermark to record: the source's, or the upstream stage's committed version.
    private func watermark(_ plan: StagePlan, _ versions: [String: Int64]) throws -> Int64? {
        guard let upstream = plan.upstream, case let .table(path, _) = plan.stage.source else { return plan.watermarkAfter }
        if let v = versions[upstream] { return v }
        return try PipelineRunner.existingTable(PipelineRunner.resolve(path, base: baseDirectory))?.snapshot().version ?? plan.watermarkAfter
    }

    private func commit(_ plan: StagePlan, watermark: Int64?, options: RunOptions, report r: inout StageReport) throws {
        let appId = PipelineRunner.appId(spec.name, plan.stage.name)
        let txn = options.backfill == nil ? watermark.map { (appId: appId, version: $0) } : nil
        try writeDeadLetters(plan, txn: txn, backfill: options.backfill != nil, report: r)
        guard plan.report.status != .noNewData else {
            // Nothing new: nothing is committed (a healthy table's nightly run changes no version).
            r.version = try PipelineRunner.existingTable(plan.targetPath)?.snapshot().version
            return
        }
        let table = try PipelineRunner.table(plan.targetPath)
        try writeTarget(plan, table: table, txn: txn, options: options)
        r.version = try table.snapshot().version
        r.status = .succeeded
        if let policy = plan.stage.maintenance { r.maintenance = MaintenanceDecision.apply(policy, to: table) }
    }

    /// Appends the stage's rejections to its dead-letter table. A backfill re-reads all of the
    /// stage's input, so its rejections replace the stage's earlier ones instead.
    private func writeDeadLetters(_ plan: StagePlan, txn: (appId: String, version: Int64)?, backfill: Bool, report r: StageReport) throws {
        let path = PipelineRunner.resolve(plan.stage.target.deadLetter ?? plan.stage.target.path + "_dead_letter", base: baseDirectory)
        let existing = try PipelineRunner.existingTable(path)
        guard !plan.rejected.isEmpty || (backfill && existing != nil) else { return }
        let table = try existing ?? PipelineRunner.table(path)
        let ours = "stage = '\(plan.stage.name.replacingOccurrences(of: "'", with: "''"))'"
        guard !plan.rejected.isEmpty else {
            _ = try table.delete(where: try RowCondition.parse(ours, schema: DeadLetter.schema))
            return
        }
        var o = WriteOptions()
        o.txn = txn
        if backfill && existing != nil {
            o.mode = .overwrite
            o.replaceWhere = try RowCondition.parse(ours, schema: DeadLetter.schema)
        }
        _ = try table.write([try DeadLetter.batch(plan.rejected, runId: r.runId, stage: plan.stage.name, atMicros: r.startedAtMicros)], options: o)
    }

    private func writeTarget(_ plan: StagePlan, table: Table, txn: (appId: String, version: Int64)?, options: RunOptions) throws {
        let batches = plan.batches.filter { $0.count > 0 }
        let exists = try !table.logFiles().isEmpty
        func recordWatermark() throws {
            guard let txn else { return }
            let hasLog = try exists || !table.logFiles().isEmpty
            if hasLog { try table.recordTransaction(appId: txn.appId, version: txn.version) }
        }
        guard !batches.isEmpty else { return try recordWatermark() }
        var o = WriteOptions()
        o.partitionBy = plan.stage.target.partitionBy
        o.txn = txn
        o.mergeSchema = plan.stage.contract?.onDrift == .evolve
        if let range = options.backfill, let column = plan.stage.target.partitionBy.first, exists {
            o.mode = .overwrite
            o.replaceWhere = try RowCondition.parse(PipelineRunner.rangeCondition(column, range), schema: try table.snapshot().schema)
            _ = try table.write(batches, options: o)
            return
        }
        switch plan.stage.target.mode {
        case .append:
            _ = try table.write(batches, options: o)
        case .overwrite:
            o.mode = .overwrite
            _ = try table.write(batches, options: o)
        case let .replaceWhere(condition):
            o.mode = .overwrite
            if exists { o.replaceWhere = try RowCondition.parse(condition, schema: try table.snapshot().schema) }
            _ = try table.write(batches, options: o)
        case let .merge(keys):
            guard exists else { _ = try table.write(batches, options: o); return }
            let on = keys.map { "target.\($0) = source.\($0)" }.joined(separator: " AND ")
            let r = try table.merge(source: batches, on: on, clauses: [.matchedUpdate(set: "*"), .notMatchedInsert()], txn: txn)
            if !r.committed { try recordWatermark() }
        case let .scd2(keys, sequence):
            _ = try SCD2.apply(batches, to: table, keys: keys, sequence: sequence)
            try recordWatermark()
        }
    }

    /// The table at `path`, its directory created when needed (the first write creates the log).
    static func table(_ path: String) throws -> Table {
        Table(store: try LocalStore.create(root: path))
    }
}
