// PipelineStatusReport: what `tarn pipeline status` shows: the recent runs from the run log (each
// stage's status and counts), each stage's watermark read from its target's log (txn), and each
// target's freshness (the time of its latest commit).
import Foundation
import TarnTable

public struct PipelineStatusReport {
    public struct StageState {
        public let stage: String
        public let target: String
        public let version: Int64?
        public let watermark: Int64?
        public let lastCommitMillis: Int64?
        /// File sources: the watermark is the newest loaded file's modification time (ms).
        public let fileSource: Bool

        /// The watermark as a reader wants it: a time for file sources, a version for tables.
        public var watermarkText: String {
            guard let w = watermark else { return "-" }
            return fileSource ? "files up to \(RunLog.iso(w * 1000))" : "source version \(w)"
        }
    }
    public let pipeline: String
    public let runs: [(runId: String, records: [[String: JSONValue]])]
    public let stages: [StageState]
    public let badLogLines: Int
    public let nowMillis: Int64

    public init(runner: PipelineRunner, recentRuns: Int, nowMillis: Int64? = nil) throws {
        pipeline = runner.spec.name
        self.nowMillis = nowMillis ?? Int64(Date().timeIntervalSince1970 * 1000)
        let log = try RunLog.read(runner.runLogPath)
        badLogLines = log.badLines
        var order: [String] = [], byRun: [String: [[String: JSONValue]]] = [:]
        for r in log.records {
            guard case let .string(id)? = r["run_id"] else { continue }
            if byRun[id] == nil { order.append(id) }
            byRun[id, default: []].append(r)
        }
        runs = order.suffix(max(0, recentRuns)).reversed().map { ($0, byRun[$0] ?? []) }
        stages = try PipelineValidation.order(runner.spec).map { s in
            let path = PipelineRunner.resolve(s.target.path, base: runner.baseDirectory)
            let files = { if case .files = s.source { return true }; return false }()
            guard let t = try PipelineRunner.existingTable(path) else {
                return StageState(stage: s.name, target: s.target.path, version: nil, watermark: nil, lastCommitMillis: nil, fileSource: files)
            }
            return StageState(stage: s.name, target: s.target.path, version: try t.snapshot().version,
                              watermark: try t.transactionVersion(appId: PipelineRunner.appId(runner.spec.name, s.name)),
                              lastCommitMillis: try t.commitTimestamps().last?.millis, fileSource: files)
        }
    }

    public func text() -> String {
        var out = "pipeline \(pipeline)\n\ntables:\n"
        for s in stages {
            let fresh = s.lastCommitMillis.map { "last commit \(Self.age(nowMillis - $0)) ago" } ?? "not written yet"
            out += "  \(s.stage) → \(s.target): version \(s.version.map(String.init) ?? "-"), watermark: \(s.watermarkText), \(fresh)\n"
        }
        out += "\nrecent runs (newest first):\n"
        if runs.isEmpty { out += "  none\n" }
        for run in runs {
            out += "  \(run.runId)\n"
            for r in run.records {
                func s(_ k: String) -> String {
                    switch r[k] { case let .string(v)?: return v; case let .number(v)?: return v; default: return "-" }
                }
                out += "    \(s("stage")): \(s("status")), read \(s("rows_read")), loaded \(s("rows_loaded")), rejected \(s("rows_rejected")), "
                    + "duplicates \(s("rows_duplicate")), \(s("duration_seconds")) s" + (r["error_message"].flatMap { if case let .string(e) = $0 { return " — \(e)" }; return nil } ?? "") + "\n"
            }
        }
        if badLogLines > 0 { out += "warning: \(badLogLines) unreadable line(s) in the run log\n" }
        return out
    }

    public func json() -> JSONValue {
        func opt(_ v: Int64?) -> JSONValue { v.map { .int($0) } ?? .null }
        let tables: [JSONValue] = stages.map { s in
            .object([("stage", .string(s.stage)), ("target", .string(s.target)), ("version", opt(s.version)),
                     ("watermark", opt(s.watermark)), ("last_commit_ms", opt(s.lastCommitMillis)),
                     ("age_seconds", opt(s.lastCommitMillis.map { (nowMillis - $0) / 1000 }))])
        }
        let recent: [JSONValue] = runs.map { run in
            .object([("run_id", .string(run.runId)), ("stages", .array(run.records.map { .object($0.sorted { $0.key < $1.key }) }))])
        }
        return .object([("pipeline", .string(pipeline)), ("tables", .array(tables)), ("runs", .array(recent))])
    }

    static func age(_ millis: Int64) -> String {
        let s = max(0, millis / 1000)
        if s < 120 { return "\(s) s" }
        if s < 7200 { return "\(s / 60) min" }
        if s < 172_800 { return "\(s / 3600) h" }
        return "\(s / 86400) days"
    }
}
