// RunLog: one JSON line per stage per run (spec/pipeline.md "Run log"): pipeline, run_id, stage,
// times, status, row counts, expectation results, watermarks, maintenance decision, error. The
// file is appended to (one write per run); `summary` reads it back for `tarn pipeline status`.
import Foundation
import TarnCodecs

public enum StageStatus: String, Sendable, Equatable {
    case succeeded
    /// No new input since the watermark: nothing was written.
    case noNewData = "no_new_data"
    case failed
    /// Not run because an earlier stage failed (nothing of this run was committed).
    case notRun = "not_run"
    /// A dry run: computed, nothing committed.
    case planned
}

public struct StageReport: Sendable {
    public var pipeline: String
    public var runId: String
    public var stage: String
    public var startedAtMicros: Int64
    public var completedAtMicros: Int64 = 0
    /// Time spent on this stage itself (computing and committing), not waiting for the others.
    public var activeMicros: Int64 = 0
    public var status: StageStatus = .notRun
    public var rowsRead = 0
    public var rowsLoaded = 0
    public var rowsRejected = 0
    public var rowsDuplicate = 0
    public var rowsFiltered = 0
    public var rowsWritten = 0
    public var expectations: [ExpectationResult] = []
    public var watermarkBefore: Int64?
    public var watermarkAfter: Int64?
    /// The target's version after the run (nil when not committed).
    public var version: Int64?
    public var maintenance: [String] = []
    public var errorMessage: String?

    public init(pipeline: String, runId: String, stage: String, startedAtMicros: Int64) {
        self.pipeline = pipeline
        self.runId = runId
        self.stage = stage
        self.startedAtMicros = startedAtMicros
    }

    /// The stage's own computing and committing time (the run computes every stage before it
    /// commits any, so completed_at − started_at also counts the other stages).
    public var durationSeconds: Double { Double(max(0, activeMicros)) / 1e6 }

    /// rows_read = rows_loaded + rows_rejected + rows_duplicate + rows_filtered.
    public var countsBalance: Bool { rowsRead == rowsLoaded + rowsRejected + rowsDuplicate + rowsFiltered }

    func json() -> JSONValue {
        func time(_ micros: Int64) -> JSONValue { .string(RunLog.iso(micros)) }
        func opt(_ v: Int64?) -> JSONValue { v.map { .int($0) } ?? .null }
        let checks: [JSONValue] = expectations.map { e in
            .object([("name", .string(e.name)), ("kind", .string(e.kind)), ("action", .string(e.action.rawValue)),
                     ("owner", .string(e.owner)), ("passed", .bool(e.passed)), ("failing_rows", .int(Int64(e.failingRows))),
                     ("message", .string(e.message))])
        }
        var fields: [(String, JSONValue)] = [
            ("pipeline", .string(pipeline)), ("run_id", .string(runId)), ("stage", .string(stage)),
            ("started_at", time(startedAtMicros)), ("completed_at", time(completedAtMicros)), ("status", .string(status.rawValue)),
        ]
        let counts: [(String, Int)] = [("rows_read", rowsRead), ("rows_loaded", rowsLoaded), ("rows_rejected", rowsRejected),
                                       ("rows_duplicate", rowsDuplicate), ("rows_filtered", rowsFiltered), ("rows_written", rowsWritten)]
        fields += counts.map { ($0.0, JSONValue.int(Int64($0.1))) }
        fields.append(("expectations", .array(checks)))
        fields.append(("watermark_before", opt(watermarkBefore)))
        fields.append(("watermark_after", opt(watermarkAfter)))
        fields.append(("version", opt(version)))
        fields.append(("maintenance", .array(maintenance.map { JSONValue.string($0) })))
        fields.append(("duration_seconds", .number(String(format: "%.3f", durationSeconds))))
        fields.append(("error_message", errorMessage.map { JSONValue.string($0) } ?? .null))
        return .object(fields)
    }
}

public enum RunLog {
    /// Appends the reports as JSON lines to `path` (creating it and its directory).
    public static func append(_ reports: [StageReport], to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var text = ""
        for r in reports { text += r.json().serialized() + "\n" }
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let h = FileHandle(forWritingAtPath: path) else { throw TarnError(.io, "cannot open the run log \(path)", file: path) }
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
    }

    /// The run log's records (each a JSON object), oldest first; bad lines are skipped and counted.
    public static func read(_ path: String) throws -> (records: [[String: JSONValue]], badLines: Int) {
        guard FileManager.default.fileExists(atPath: path) else { return ([], 0) }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var out: [[String: JSONValue]] = [], bad = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            if case let .object(fields)? = try? JSONParser.parse(Array(line)) {
                out.append(Dictionary(fields, uniquingKeysWith: { a, _ in a }))
            } else {
                bad += 1
            }
        }
        return (out, bad)
    }

    static func iso(_ micros: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date(timeIntervalSince1970: Double(micros) / 1e6))
    }
}
