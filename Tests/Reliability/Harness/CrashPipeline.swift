// CrashPipeline: the pipeline step of the crash harness: a `tarn pipeline run` whose bronze stage
// ingests JSON-lines landing files into a second table (`bronze`), with its own model: rows
// committed, and rows landed but not yet ingested (a killed run leaves them for the next run).
import Foundation
import TarnTestSupport

/// The bronze table's model.
struct CrashBronze {
    let work: String
    var rows: CrashRows = [:]
    var pending: [CrashRow] = []
    var landed: [String] = []
    /// The bronze table's latest version; -1 before its first commit.
    var latest: Int64 = -1

    var pipelineFile: String { work + "/pipeline.yaml" }
    var table: String { work + "/bronze" }

    static let yaml = """
    pipeline: crash
    stages:
      - name: bronze
        source: {files: landing, pattern: "*.jsonl", format: jsonl}
        contract:
          fields:
            - {name: id, type: long, nullable: false}
            - {name: k, type: long}
            - {name: v, type: long}
            - {name: s, type: string}
        target: {path: bronze}

    """

    init(work: String) throws {
        self.work = work
        try FileManager.default.createDirectory(atPath: work + "/landing", withIntermediateDirectories: true)
        try Data(CrashBronze.yaml.utf8).write(to: URL(fileURLWithPath: pipelineFile))
    }

    /// Lands a new file of fresh rows for step `n`.
    mutating func land(step n: Int, planner: inout CrashPlanner, rng: inout SeededRandom) throws {
        let rows = (0 ..< Int.random(in: 5 ... 40, using: &rng)).map { _ in planner.fresh(&rng) }
        let path = work + "/landing/" + String(format: "f-%08d.jsonl", n)
        try Data(planner.lines(rows).utf8).write(to: URL(fileURLWithPath: path))
        pending += rows
        landed.append(path)
    }

    /// Whether the bronze table has a commit yet.
    func exists() -> Bool {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: table + "/_delta_log")) ?? []
        return files.contains { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
    }

    /// Checks bronze after a pipeline step: its rows are the committed model, or that plus every
    /// pending row when the run committed. Returns whether it committed.
    mutating func check(context: String, killed: Bool) throws -> Bool {
        let checker = CrashChecker(tablePath: table, context: context + " (bronze)")
        guard exists() else {
            if !killed { throw checker.fail("pipeline run completed but bronze has no commit") }
            if latest >= 0 { throw checker.fail("bronze lost its log after version \(latest)") }
            return false
        }
        let log = try checker.checkLog()
        guard log.latest >= latest else { throw checker.fail("bronze went back from version \(latest) to \(log.latest)") }
        let committed = log.latest > latest
        var expected = rows
        if committed { for r in pending { expected[r.id] = r } }
        if !killed && !committed && !pending.isEmpty { throw checker.fail("pipeline run completed but bronze committed nothing") }
        try checker.expect(try checker.rows().rows, equals: expected, "bronze after \(killed ? "a killed" : "a") pipeline run (committed \(committed))")
        if committed {
            rows = expected
            pending = []
            for path in landed { try? FileManager.default.removeItem(atPath: path) }
            landed = []
        }
        latest = log.latest
        return committed
    }
}
