// StageExecution: the compute half of a stage (spec/pipeline.md "Runs"): read the new input
// since the stage's watermark (files newer than it, or the rows a source table appended after
// it, plus what an upstream stage of this run is about to write), apply the transforms and the
// expectations, and count every row. Nothing is committed here.
import Foundation
import TarnTable

/// A computed stage waiting to be committed.
struct StagePlan {
    var stage: StageSpec
    var targetPath: String
    var batches: [RecordBatch] = []
    var rejected: [Rejected] = []
    var report: StageReport
    /// The watermark to record; for a table source fed by an upstream stage of this run, the
    /// upstream's committed version is used instead (known only after it commits).
    var watermarkAfter: Int64?
    var upstream: String?
    var hasInput = false
}

struct StageExecution {
    let pipeline: PipelineSpec
    let stage: StageSpec
    let base: String
    let runId: String
    let nowMicros: Int64
    let options: RunOptions

    var appId: String { PipelineRunner.appId(pipeline.name, stage.name) }

    func path(_ p: String) -> String { PipelineRunner.resolve(p, base: base) }

    /// Computes the stage. `pending` holds the plans of stages already computed in this run.
    func compute(pending: [String: StagePlan]) throws -> StagePlan {
        let started = PipelineRunner.nowMicros()
        var report = StageReport(pipeline: pipeline.name, runId: runId, stage: stage.name, startedAtMicros: started)
        let target = path(stage.target.path)
        let before = options.backfill == nil ? try PipelineRunner.existingTable(target)?.transactionVersion(appId: appId) : nil
        report.watermarkBefore = before
        var plan = StagePlan(stage: stage, targetPath: target, report: report)
        var batches: [RecordBatch]
        switch stage.source {
        case let .files(directory, pattern, format):
            let all = try SourceFiles.list(directory: path(directory), pattern: pattern)
            let new = all.filter { options.backfill != nil || $0.modifiedMillis > (before ?? Int64.min) }
            guard !new.isEmpty else { return finishedWithoutInput(plan, before) }
            let ingest = try FileIngest.read(new, format: format, contract: stage.contract, runId: runId, ingestedAtMicros: nowMicros)
            plan.report.rowsRead = ingest.rowsRead
            plan.rejected = ingest.rejected
            plan.watermarkAfter = max(before ?? Int64.min, new.map(\.modifiedMillis).max() ?? Int64.min)
            batches = ingest.batches
        case let .table(sourcePath, read):
            let source = path(sourcePath)
            let upstream = pending.values.first { PipelineValidation.normalize($0.targetPath) == PipelineValidation.normalize(source) }
            let table = try PipelineRunner.existingTable(source)
            let committedVersion = try table?.snapshot().version
            // Only versions that changed rows count: OPTIMIZE, VACUUM and watermark commits do not.
            var moved = false
            var appended: [RecordBatch] = []
            if let table, let v = committedVersion, v > (before ?? -1) {
                if read == .appended && options.backfill == nil {
                    // One pass over the new commits gives both the rows and whether rows changed.
                    let added = try table.addedRows(after: before ?? -1, through: v)
                    (moved, appended) = (added.changedRows, added.batches)
                } else {
                    moved = try table.hasDataChanges(after: before ?? -1)
                }
            }
            let fed = upstream?.hasInput ?? false
            guard moved || fed || options.backfill != nil else { return finishedWithoutInput(plan, before) }
            if read == .full || options.backfill != nil {
                let needed = options.backfill == nil ? aggregateInputs : nil
                let committed = try table.map { try Scan(snapshot: try $0.snapshot(), store: $0.store,
                                                         columns: try scanColumns(needed, upstream, $0)).batches() } ?? []
                batches = try upstream.map { try UpstreamRows.after($0, committed: committed) } ?? committed
                if let needed { batches = try batches.map { try $0.project(names: needed) } }
            } else {
                batches = read == .changeFeed ? try table.map { try changeFeedRows($0, after: before) } ?? [] : appended
                if let upstream, upstream.hasInput { batches += upstream.batches }
            }
            if fed { plan.upstream = upstream?.stage.name }
            plan.report.rowsRead = batches.reduce(0) { $0 + $1.count }
            plan.watermarkAfter = committedVersion
        }
        plan.hasInput = true
        batches = try backfillFilter(batches, &plan.report)
        batches = try transform(batches, &plan)
        try expect(batches: &batches, plan: &plan)
        plan.batches = batches
        plan.report.rowsRejected = plan.rejected.count
        if !isAggregating { plan.report.rowsLoaded = batches.reduce(0) { $0 + $1.count } }
        plan.report.rowsWritten = batches.reduce(0) { $0 + $1.count }
        guard plan.report.countsBalance else {
            let r = plan.report
            throw TarnError(.corruption, "stage '\(stage.name)': rows do not add up: read \(r.rowsRead) ≠ loaded \(r.rowsLoaded) + rejected \(r.rowsRejected) + duplicates \(r.rowsDuplicate) + filtered \(r.rowsFiltered)")
        }
        return plan
    }

    private func finishedWithoutInput(_ plan: StagePlan, _ watermark: Int64?) -> StagePlan {
        var p = plan
        p.report.status = .noNewData
        p.watermarkAfter = watermark
        return p
    }

    /// Inserted and post-update rows from the source's change feed after `after`.
    private func changeFeedRows(_ table: Table, after: Int64?) throws -> [RecordBatch] {
        let latest = try table.snapshot().version
        guard latest > (after ?? -1) else { return [] }
        let cdf: Set<String> = ["_change_type", "_commit_version", "_commit_timestamp"]
        return try table.changes(fromVersion: (after ?? -1) + 1, toVersion: latest).batches().map { b -> RecordBatch in
            guard let type = b.column(named: "_change_type") else { return b }
            let keep = Bitmap(flags: (0 ..< b.count).map { i in
                if case let .string(t) = type.value(at: i) { return t == "insert" || t == "update_postimage" }
                return false
            })
            return try b.filter(keep).project(names: b.schema.fields.map(\.name).filter { !cdf.contains($0) })
        }
    }

    /// The columns an aggregating stage reads when the aggregate comes first (a `read: full` gold
    /// stage then keeps only those of the source's columns); nil when it needs every column.
    var aggregateInputs: [String]? {
        guard case let .aggregate(groupBy, aggregates)? = stage.transforms.first else { return nil }
        var names = groupBy
        for a in aggregates { if let c = a.column, !names.contains(c) { names.append(c) } }
        return names
    }

    /// The source columns to read for `needed`: also the upstream's merge keys (its pending rows
    /// replace committed ones by key); every column when the upstream replaces by a condition.
    private func scanColumns(_ needed: [String]?, _ upstream: StagePlan?, _ table: Table) throws -> [String]? {
        guard var columns = needed else { return nil }
        switch upstream?.stage.target.mode {
        case let .merge(keys)?: for k in keys where !columns.contains(k) { columns.append(k) }
        case .replaceWhere?: return nil
        default: break
        }
        let names = Set(try table.snapshot().schema.fields.map(\.name))
        return columns.allSatisfy(names.contains) ? columns : nil
    }

    private var isAggregating: Bool {
        stage.transforms.contains { if case .aggregate = $0 { return true }; return false }
    }

    /// Backfill: only rows whose first partition column lies in the range.
    private func backfillFilter(_ batches: [RecordBatch], _ report: inout StageReport) throws -> [RecordBatch] {
        guard let range = options.backfill, let column = stage.target.partitionBy.first, let schema = batches.first?.schema else { return batches }
        let condition = try RowCondition.parse(PipelineRunner.rangeCondition(column, range), schema: schema)
        let out = try batches.map { try $0.filter(condition.evaluate($0)) }
        report.rowsFiltered += batches.reduce(0) { $0 + $1.count } - out.reduce(0) { $0 + $1.count }
        return out
    }

    /// The transforms one at a time, so filtered, duplicate and rejected rows are each counted.
    private func transform(_ input: [RecordBatch], _ plan: inout StagePlan) throws -> [RecordBatch] {
        var batches = input
        for t in stage.transforms {
            let rowsIn = batches.reduce(0) { $0 + $1.count }
            let out = try Transforms.apply([t], to: batches, sourceName: stage.name) { p in
                guard let table = try PipelineRunner.existingTable(path(p)) else {
                    throw TarnError(.notFound, "stage '\(stage.name)': table \(p) does not exist")
                }
                return try Scan(snapshot: try table.snapshot(), store: table.store).batches()
            }
            let rowsOut = out.batches.reduce(0) { $0 + $1.count }
            plan.rejected += out.rejected
            plan.report.rowsDuplicate += out.duplicatesDropped
            switch t {
            case .filter: plan.report.rowsFiltered += rowsIn - rowsOut - out.rejected.count
            case .aggregate: plan.report.rowsLoaded += rowsIn - out.rejected.count
            default: break
            }
            batches = out.batches
        }
        return batches
    }

    private func expect(batches: inout [RecordBatch], plan: inout StagePlan) throws {
        guard let suite = stage.expectations else { return }
        let outcome = try Expectations.evaluate(suite, batches, sourceName: stage.name, nowMicros: nowMicros) { p in
            guard let table = try PipelineRunner.existingTable(path(p)) else { return [] }
            return try Scan(snapshot: try table.snapshot(), store: table.store).batches()
        }
        plan.report.expectations = outcome.results
        if isAggregating && !outcome.rejected.isEmpty {
            throw TarnError(.invalidArgument, "stage '\(stage.name)': an aggregating stage cannot drop rows by expectation (use warn or fail)")
        }
        plan.rejected += outcome.rejected
        batches = outcome.batches
        if outcome.failed {
            let failed = outcome.results.filter { !$0.passed && $0.action == .fail }
            throw TarnError(.constraintViolation, "stage '\(stage.name)': expectations failed (owner \(suite.owner)): "
                + failed.map { "\($0.name): \($0.message)" }.joined(separator: "; "))
        }
    }
}
