// PipelineRunner: runs a pipeline (spec/pipeline.md "Runs"). Every stage is computed first, in
// dependency order, with nothing committed; only when all succeed are the targets committed, in
// the same order, each with its watermark as a txn action (appId `tarn.pipeline/<p>/<stage>`),
// so a failure anywhere before the commits leaves every target at its previous version and a
// re-run of the same input finds nothing new. Maintenance follows each committed target.
import Foundation
import TarnTable

public struct RunOptions: Sendable {
    /// Run only this stage (its inputs are read from the committed tables).
    public var stage: String?
    /// Rewrite the partitions of the targets' first partition column from…to (inclusive),
    /// ignoring watermarks.
    public var backfill: (from: String, to: String)?
    /// Compute every stage and report; commit nothing.
    public var dryRun = false
    public var nowMicros: Int64?
    public var runId: String?
    /// Test hook: fail the run after computing this stage (nothing has been committed yet).
    public var injectFailureAfter: String?
    /// Test hook: fail the run after committing this stage's target (later stages are not committed).
    public var injectFailureAfterCommitOf: String?
    /// Called with the fraction of the run done (each stage's compute and commit count as one
    /// step each), on the calling thread.
    public var progress: (@Sendable (Double) -> Void)?

    public init() {}
}

public struct RunReport: Sendable {
    public let runId: String
    public let stages: [StageReport]
    public var succeeded: Bool { stages.allSatisfy { $0.status != .failed && $0.status != .notRun } }
}

public final class PipelineRunner {
    public let spec: PipelineSpec
    /// Relative paths in the spec are resolved against this directory.
    public let baseDirectory: String

    public init(spec: PipelineSpec, baseDirectory: String) throws {
        try PipelineValidation.validate(spec)
        self.spec = spec
        self.baseDirectory = baseDirectory
    }

    /// Reads, parses and validates a pipeline file.
    public static func load(file: String) throws -> PipelineRunner {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw TarnError(.notFound, "cannot read the pipeline file \(file)", file: file)
        }
        let spec = try PipelineYAML.parse(text, file: file)
        try PipelineValidation.validate(spec, file: file)
        return try PipelineRunner(spec: spec, baseDirectory: (file as NSString).deletingLastPathComponent)
    }

    static func appId(_ pipeline: String, _ stage: String) -> String { "tarn.pipeline/\(pipeline)/\(stage)" }

    static func resolve(_ path: String, base: String) -> String {
        path.hasPrefix("/") || base.isEmpty ? path : (base as NSString).appendingPathComponent(path)
    }

    /// The table at `path`, or nil when it has no log yet.
    static func existingTable(_ path: String) throws -> Table? {
        guard FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("_delta_log")) else { return nil }
        let t = try Table.open(path: path)
        return try t.logFiles().isEmpty ? nil : t
    }

    static func rangeCondition(_ column: String, _ range: (from: String, to: String)) -> String {
        "\(column) >= '\(range.from.replacingOccurrences(of: "'", with: "''"))' AND \(column) <= '\(range.to.replacingOccurrences(of: "'", with: "''"))'"
    }

    public var runLogPath: String { PipelineRunner.resolve(spec.runLog ?? "_runs/\(spec.name).jsonl", base: baseDirectory) }

    /// Runs the pipeline; the returned report says what each stage did. A failed run throws after
    /// its records are written to the run log.
    @discardableResult
    public func run(_ options: RunOptions = RunOptions()) throws -> RunReport {
        let now = options.nowMicros ?? Int64(Date().timeIntervalSince1970 * 1e6)
        let runId = options.runId ?? PipelineRunner.newRunId(now)
        var stages = try PipelineValidation.order(spec)
        if let only = options.stage {
            guard let s = stages.first(where: { $0.name == only }) else { throw TarnError(.invalidArgument, "no stage named '\(only)'") }
            stages = [s]
        }
        var plans: [String: StagePlan] = [:], ordered: [StagePlan] = []
        var failure: (stage: String, error: any Error)?
        for stage in stages {
            let exec = StageExecution(pipeline: spec, stage: stage, base: baseDirectory, runId: runId, nowMicros: now, options: options)
            defer { options.progress?(Double(ordered.count) / Double(2 * stages.count)) }
            do {
                var plan = try exec.compute(pending: plans)
                plan.report.activeMicros = PipelineRunner.nowMicros() - plan.report.startedAtMicros
                plans[PipelineValidation.normalize(plan.targetPath)] = plan
                ordered.append(plan)
                if options.injectFailureAfter == stage.name { throw TarnError(.io, "injected failure after computing stage '\(stage.name)'") }
            } catch {
                failure = (stage.name, error)
                break
            }
        }
        var reports: [StageReport]
        if let failure {
            reports = report(stages, ordered, failed: failure, now: now, runId: runId)
        } else {
            reports = commitAll(ordered, options: options, now: now)
        }
        try RunLog.append(reports, to: runLogPath)
        if let bad = reports.first(where: { $0.status == .failed }) {
            throw TarnError(.invalidArgument, "pipeline '\(spec.name)' run \(runId) failed at stage '\(bad.stage)': \(bad.errorMessage ?? "")")
        }
        return RunReport(runId: runId, stages: reports)
    }

    /// Reports for a run that failed before committing anything.
    private func report(_ stages: [StageSpec], _ computed: [StagePlan], failed: (stage: String, error: any Error),
                        now: Int64, runId: String) -> [StageReport] {
        let end = Int64(Date().timeIntervalSince1970 * 1e6)
        return stages.map { s in
            var r = computed.first { $0.stage.name == s.name }?.report ?? StageReport(pipeline: spec.name, runId: runId, stage: s.name, startedAtMicros: now)
            r.completedAtMicros = end
            if s.name == failed.stage {
                r.status = .failed
                r.errorMessage = PipelineRunner.message(failed.error)
            } else {
                r.status = .notRun
                r.errorMessage = "not committed: stage '\(failed.stage)' failed"
            }
            return r
        }
    }

    static func nowMicros() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e6) }

    static func message(_ error: any Error) -> String { (error as? TarnError)?.description ?? "\(error)" }

    static func newRunId(_ micros: Int64) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd'T'HHmmss"
        f.timeZone = TimeZone(identifier: "UTC")
        let suffix = String(UInt32.random(in: 0 ... 0xFFFFFF), radix: 16)
        return "run-\(f.string(from: Date(timeIntervalSince1970: Double(micros) / 1e6)))-\(suffix)"
    }
}
