// `tarn pipeline validate|run|status FILE` (spec/cli.md "pipeline", spec/pipeline.md): validate
// checks the file without touching data; run executes it (one stage, a backfill range, or a dry
// run), printing one line per stage (or the run's JSON records) and exiting 1 when the run failed,
// with a progress bar on stderr when it is a terminal;
// status summarises the run log: recent runs, each stage's watermark and each target's freshness.
import ArgumentParser
import Foundation
import TarnCodecs
import TarnPipeline
import TarnTable

struct PipelineGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline", abstract: "Validate, run and watch bronze → silver → gold pipelines.",
        subcommands: [PipelineValidate.self, PipelineRun.self, PipelineStatus.self])
}

struct PipelineValidate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check a pipeline file (nothing is read or written).")
    @Argument(help: "The pipeline YAML file.") var file: String
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            let runner = try PipelineRunner.load(file: file)
            let order = try PipelineValidation.order(runner.spec).map(\.name)
            if json {
                print(JSONValue.object([("pipeline", .string(runner.spec.name)), ("valid", .bool(true)),
                                        ("stages", .array(order.map { .string($0) }))]).serialized())
            } else {
                print("pipeline '\(runner.spec.name)' is valid: \(order.count) stage\(order.count == 1 ? "" : "s") in order \(order.joined(separator: " → "))")
            }
        }
    }
}

struct PipelineRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a pipeline: only the input that is new since each stage's watermark.",
        discussion: "Every stage is computed before any target is committed, so a failed run changes no table.")
    @Argument(help: "The pipeline YAML file.") var file: String
    @Option(help: "Run only this stage.") var stage: String?
    @Option(help: "Rewrite the partitions FROM..TO (inclusive) of the targets' first partition column, e.g. 2024-01-01..2024-01-07.")
    var backfill: String?
    @Flag(name: .customLong("dry-run"), help: "Compute every stage and report; commit nothing.") var dryRun = false
    @Flag(help: "Print the run's records as JSON lines.") var json = false

    func run() throws {
        try reportingErrors {
            let runner = try PipelineRunner.load(file: file)
            var options = RunOptions()
            options.stage = stage
            options.dryRun = dryRun
            if let backfill {
                let parts = backfill.components(separatedBy: "..")
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw TarnError(.invalidArgument, "--backfill takes FROM..TO, e.g. 2024-01-01..2024-01-07 (got '\(backfill)')")
                }
                options.backfill = (parts[0], parts[1])
            }
            let progress = Progress(label: "pipeline \(runner.spec.name)")
            options.progress = { progress.update($0) }
            let report: RunReport
            do {
                report = try runner.run(options)
                progress.finish()
            } catch {
                progress.finish()
                throw error
            }
            for s in report.stages { print(json ? PipelineText.json(s) : PipelineText.line(s)) }
        }
    }
}

struct PipelineStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Recent runs, watermarks and the freshness of each table.")
    @Argument(help: "The pipeline YAML file.") var file: String
    @Option(help: "How many recent runs to show.") var runs = 5
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            let runner = try PipelineRunner.load(file: file)
            let status = try PipelineStatusReport(runner: runner, recentRuns: runs)
            print(json ? status.json().serialized() : status.text())
        }
    }
}

enum PipelineText {
    static func line(_ s: StageReport) -> String {
        var out = "\(s.stage): \(s.status.rawValue)"
        if s.status != .noNewData || s.rowsRead > 0 {
            out += " — read \(s.rowsRead), loaded \(s.rowsLoaded), rejected \(s.rowsRejected), duplicates \(s.rowsDuplicate), filtered \(s.rowsFiltered), wrote \(s.rowsWritten)"
        }
        if let v = s.version { out += "; version \(v)" }
        let failed = s.expectations.filter { !$0.passed }
        if !failed.isEmpty { out += "; expectations failed: " + failed.map { "\($0.name) (\($0.action.rawValue), \($0.failingRows) rows)" }.joined(separator: ", ") }
        for m in s.maintenance { out += "\n  maintenance: \(m)" }
        if let e = s.errorMessage { out += "\n  error: \(e)" }
        return out
    }

    static func json(_ s: StageReport) -> String {
        var o: [(String, JSONValue)] = [("stage", .string(s.stage)), ("run_id", .string(s.runId)), ("status", .string(s.status.rawValue))]
        let counts: [(String, Int)] = [("rows_read", s.rowsRead), ("rows_loaded", s.rowsLoaded), ("rows_rejected", s.rowsRejected),
                                       ("rows_duplicate", s.rowsDuplicate), ("rows_filtered", s.rowsFiltered), ("rows_written", s.rowsWritten)]
        o += counts.map { ($0.0, JSONValue.int($0.1)) }
        o.append(("version", s.version.map { JSONValue.int($0) } ?? .null))
        o.append(("watermark_after", s.watermarkAfter.map { JSONValue.int($0) } ?? .null))
        o.append(("error_message", s.errorMessage.map { JSONValue.string($0) } ?? .null))
        return JSONValue.object(o).serialized()
    }
}
