// PipelineRunTests: whole runs of a bronze → silver → gold pipeline against a reference model
// kept in the test (good records, dedup winners by id, daily aggregates): malformed records land
// in the dead-letter table with their codes, counts add up for every stage, a re-run changes
// nothing, new files are processed incrementally, and an injected failure — before the commits
// or between two of them — leaves the tables as the model says, the next run completing the work.
import Foundation
import Testing
import TarnPipeline
import TarnTable
import TarnTestSupport

@Suite struct PipelineRunTests {
    static let yaml = """
    pipeline: events
    stages:
      - name: bronze
        source: {files: landing, pattern: "*.jsonl", format: jsonl}
        contract:
          fields:
            - {name: id, type: long, nullable: false}
            - {name: ts, type: timestamp}
            - {name: event_date, type: date}
            - {name: customer_id, type: long}
            - {name: category, type: string}
            - {name: amount, type: double}
        target: {path: tables/bronze, partition_by: [event_date]}
      - name: silver
        source: {table: tables/bronze}
        transforms:
          - dedup: {keys: [id], order_by: ts, tie_breaker: _source_file}
          - filter: "amount >= 0"
        expectations:
          owner: data@example.com
          checks:
            - {name: known_category, accepted_values: {column: category, values: [books, games, music]}, action: drop}
        target: {path: tables/silver, mode: merge, keys: [id]}
      - name: gold
        source: {table: tables/silver, read: full}
        transforms:
          - aggregate: {group_by: [event_date], aggregates: [{fn: count, as: events}, {fn: sum, column: amount, as: revenue}]}
        target: {path: tables/gold, mode: overwrite}
    """

    struct Event { var id: Int64; var tsSeconds: Int64; var day: Int; var customer: Int64; var category: String; var amount: Int }

    /// The model: every good record, the silver row per id (the run's winner replaces earlier runs').
    struct Model {
        var bronze = 0
        var silver: [Int64: Event] = [:]
        var rejected: [String: Int] = [:]

        mutating func run(_ files: [(name: String, events: [Event], bad: [(String, String)])]) {
            var winners: [Int64: (Event, String)] = [:]
            for f in files {
                bronze += f.events.count
                for (_, code) in f.bad { rejected[code, default: 0] += 1 }
                for e in f.events {
                    if let (w, wf) = winners[e.id] {
                        // greatest ts wins, then the smallest source file, then the smallest remaining columns
                        let rest = { (x: Event) in (x.day, x.customer, x.category, x.amount) }
                        if e.tsSeconds > w.tsSeconds || (e.tsSeconds == w.tsSeconds && f.name < wf)
                            || (e.tsSeconds == w.tsSeconds && f.name == wf && rest(e) < rest(w)) { winners[e.id] = (e, f.name) }
                    } else {
                        winners[e.id] = (e, f.name)
                    }
                }
            }
            for (id, (e, _)) in winners {
                guard e.amount >= 0 else { continue }
                guard ["books", "games", "music"].contains(e.category) else { rejected["EXPECTATION_FAILED", default: 0] += 1; continue }
                silver[id] = e
            }
        }

        var gold: [Int: (count: Int64, revenue: Double)] {
            var out: [Int: (Int64, Double)] = [:]
            for e in silver.values { out[e.day, default: (0, 0)].0 += 1; out[e.day, default: (0, 0)].1 += Double(e.amount) }
            return out.mapValues { (count: $0.0, revenue: $0.1) }
        }
    }

    struct Fixture {
        let dir: String
        var rng: SeededRandom
        var model = Model()
        var nextFile = 0
        var nextId: Int64 = 0

        init(seed: UInt64) throws {
            dir = NSTemporaryDirectory() + "tarn-pipeline-\(UUID().uuidString)"
            rng = SeededRandom(seed: seed)
            try FileManager.default.createDirectory(atPath: dir + "/landing", withIntermediateDirectories: true)
            try PipelineRunTests.yaml.write(toFile: dir + "/pipeline.yaml", atomically: true, encoding: .utf8)
        }

        func event(_ e: Event) -> String {
            let ts = Date(timeIntervalSince1970: Double(e.tsSeconds))
            let f = ISO8601DateFormatter()
            return "{\"id\": \(e.id), \"ts\": \"\(f.string(from: ts))\", \"event_date\": \"2024-01-0\(e.day)\", \"customer_id\": \(e.customer), \"category\": \"\(e.category)\", \"amount\": \(e.amount)}"
        }

        /// Lands `count` files of new events, some re-sending earlier or same-file ids, with malformed lines.
        mutating func land(files count: Int, rows: Int) throws -> [(name: String, events: [Event], bad: [(String, String)])] {
            var out: [(name: String, events: [Event], bad: [(String, String)])] = []
            for _ in 0 ..< count {
                let name = String(format: "events-%04d.jsonl", nextFile)
                nextFile += 1
                var events: [Event] = [], lines: [String] = [], bad: [(String, String)] = []
                for _ in 0 ..< rows {
                    let reuse = nextId > 0 && rng.chance(0.2)
                    let id = reuse ? Int64.random(in: 0 ..< nextId, using: &rng) : { defer { nextId += 1 }; return nextId }()
                    let e = Event(id: id, tsSeconds: 1_704_067_200 + Int64(nextFile * 1000) + Int64.random(in: 0 ..< 50, using: &rng),
                                  day: Int.random(in: 1 ... 5, using: &rng), customer: Int64.random(in: 0 ..< 20, using: &rng),
                                  category: ["books", "games", "music", "toys"][Int.random(in: 0 ..< 4, using: &rng)],
                                  amount: Int.random(in: -5 ... 100, using: &rng))
                    events.append(e)
                    lines.append(event(e))
                }
                for (line, code) in [("{\"id\": 1, \"ts\": ", "JSON_PARSE_ERROR"), ("{\"ts\": \"2024-01-01T00:00:00Z\", \"amount\": 1}", "MISSING_REQUIRED_FIELD"),
                                     ("{\"id\": 5, \"amount\": \"lots\"}", "TYPE_CAST_ERROR")] where rng.chance(0.7) {
                    lines.insert(line, at: Int.random(in: 0 ... lines.count, using: &rng))
                    bad.append((line, code))
                }
                let path = dir + "/landing/" + name
                try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_800_000_000 + Double(nextFile))], ofItemAtPath: path)
                out.append((name, events, bad))
            }
            return out
        }

        func rows(_ table: String) throws -> [[String: Value]] {
            let t = try Table.open(path: dir + "/tables/" + table)
            let s = try t.snapshot()
            return try Scan(snapshot: s, store: t.store).batches().flatMap { b in
                b.rows.map { r in Dictionary(uniqueKeysWithValues: zip(b.schema.fields.map(\.name), r)) }
            }
        }

        func version(_ table: String) throws -> Int64? {
            guard FileManager.default.fileExists(atPath: dir + "/tables/" + table + "/_delta_log") else { return nil }
            return try Table.open(path: dir + "/tables/" + table).snapshot().version
        }

        func check() throws {
            #expect(try rows("bronze").count == model.bronze)
            let silver = try rows("silver")
            #expect(silver.count == model.silver.count)
            for r in silver {
                guard case let .int(id)? = r["id"], let e = model.silver[id] else { Issue.record("unexpected silver row \(r)"); continue }
                #expect(r["amount"] == .double(Double(e.amount)) && r["category"] == .string(e.category), "silver id \(id)")
            }
            let gold = try rows("gold")
            let expected = model.gold
            #expect(gold.count == expected.count)
            for r in gold {
                guard case let .date(d)? = r["event_date"], let want = expected[Int(d) - 19722] else { Issue.record("unexpected gold row \(r)"); continue }
                #expect(r["events"] == .int(want.count) && r["revenue"] == .double(want.revenue), "gold day \(d)")
            }
            let rejected = (try? rows("bronze_dead_letter")) ?? []
            for (code, n) in model.rejected where code != "EXPECTATION_FAILED" {
                #expect(rejected.filter { $0["error_code"] == .string(code) }.count == n, "dead letters \(code)")
            }
            let dropped = (try? rows("silver_dead_letter")) ?? []
            #expect(dropped.count == model.rejected["EXPECTATION_FAILED", default: 0])
        }

        var versions: [Int64?] { get throws { try ["bronze", "silver", "gold"].map { try version($0) } } }
    }

    static func runner(_ f: Fixture) throws -> PipelineRunner { try PipelineRunner.load(file: f.dir + "/pipeline.yaml") }

    @Test(arguments: [1, 2])
    func incrementalIdempotentRuns(seed: UInt64) throws {
        var f = try Fixture(seed: seed)
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        let first = try f.land(files: 3, rows: 60)
        f.model.run(first)
        let report = try PipelineRunTests.runner(f).run()
        #expect(report.stages.map(\.status) == [.succeeded, .succeeded, .succeeded])
        for s in report.stages { #expect(s.countsBalance, "\(s.stage): \(s)") }
        #expect(report.stages[0].rowsRejected == f.model.rejected.values.reduce(0, +) - f.model.rejected["EXPECTATION_FAILED", default: 0])
        try f.check()

        let before = try f.versions
        let again = try PipelineRunTests.runner(f).run()
        #expect(again.stages.map(\.status) == [.noNewData, .noNewData, .noNewData])
        #expect(try f.versions == before, "a re-run changed a table")
        // Maintenance on bronze (dataChange=false commits) is not new input either.
        _ = try Table.open(path: f.dir + "/tables/bronze").optimize()
        let afterOptimize = try f.versions
        let quiet = try PipelineRunTests.runner(f).run()
        #expect(quiet.stages.map(\.status) == [.noNewData, .noNewData, .noNewData])
        #expect(try f.versions == afterOptimize, "a run after OPTIMIZE of its source changed a table")

        let second = try f.land(files: 2, rows: 40)
        f.model.run(second)
        let third = try PipelineRunTests.runner(f).run()
        #expect(third.stages.allSatisfy { $0.countsBalance })
        #expect(third.stages[0].rowsRead == second.reduce(0) { $0 + $1.events.count + $1.bad.count })
        try f.check()
    }

    @Test func failureBeforeCommitsLeavesEveryTableAsItWas() throws {
        var f = try Fixture(seed: 7)
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        f.model.run(try f.land(files: 2, rows: 50))
        try PipelineRunTests.runner(f).run()
        let before = try f.versions
        let more = try f.land(files: 2, rows: 50)
        var options = RunOptions()
        options.injectFailureAfter = "silver"
        #expect(throws: TarnError.self) { try PipelineRunTests.runner(f).run(options) }
        #expect(try f.versions == before, "a failed run committed something")
        f.model.run(more)
        let done = try PipelineRunTests.runner(f).run()
        #expect(done.stages.map(\.status) == [.succeeded, .succeeded, .succeeded])
        try f.check()
    }

    @Test func failureBetweenCommitsIsCompletedByTheNextRun() throws {
        var f = try Fixture(seed: 9)
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        f.model.run(try f.land(files: 2, rows: 50))
        try PipelineRunTests.runner(f).run()
        let more = try f.land(files: 1, rows: 50)
        var options = RunOptions()
        options.injectFailureAfterCommitOf = "bronze"
        #expect(throws: TarnError.self) { try PipelineRunTests.runner(f).run(options) }
        f.model.run(more)
        let done = try PipelineRunTests.runner(f).run()
        #expect(done.stages.map(\.status) == [.noNewData, .succeeded, .succeeded])
        try f.check()
        // The run log has one record per stage per run, the failed runs included.
        let log = try RunLog.read(f.dir + "/_runs/events.jsonl")
        #expect(log.records.count == 9 && log.badLines == 0)
    }

    @Test func backfillRewritesExactlyThePartitionsInRange() throws {
        var f = try Fixture(seed: 11)
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        f.model.run(try f.land(files: 3, rows: 80))
        try PipelineRunTests.runner(f).run()
        let bronze = try Table.open(path: f.dir + "/tables/bronze")
        func files() throws -> [String: String] {   // path → partition date
            Dictionary(uniqueKeysWithValues: try bronze.snapshot().files.map { ($0.path, $0.partitionValues["event_date"].flatMap { $0 } ?? "") })
        }
        let before = try files()
        var options = RunOptions()
        options.backfill = (from: "2024-01-02", to: "2024-01-03")
        let report = try PipelineRunTests.runner(f).run(options)
        #expect(report.stages.allSatisfy { $0.countsBalance })
        let after = try files()
        let inRange: Set<String> = ["2024-01-02", "2024-01-03"]
        #expect(before.filter { !inRange.contains($0.value) } == after.filter { !inRange.contains($0.value) }, "files outside the range changed")
        #expect(Set(before.filter { inRange.contains($0.value) }.keys).isDisjoint(with: after.filter { inRange.contains($0.value) }.keys),
                "files inside the range were not rewritten")
        try f.check()   // same rows: nothing lost or duplicated by the backfill
    }

    @Test func piiFieldsAreMarkedInTheTableSchema() throws {
        let dir = NSTemporaryDirectory() + "tarn-pii-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        try "{\"id\": 1, \"email\": \"a@example.com\"}\n".write(toFile: dir + "/in/a.jsonl", atomically: true, encoding: .utf8)
        let spec = PipelineSpec(name: "pii", stages: [StageSpec(
            name: "bronze", source: .files(directory: "in", pattern: "*.jsonl", format: .jsonl),
            contract: Contract(fields: [ContractField(name: "id", type: .long, nullable: false), ContractField(name: "email", type: .string, pii: true)]),
            target: TargetSpec(path: "bronze"))])
        try PipelineRunner(spec: spec, baseDirectory: dir).run()
        let schema = try Table.open(path: dir + "/bronze").snapshot().schema
        #expect(schema.field(named: "email")?.metadata["tarn.pii"] == .bool(true))
        #expect(schema.field(named: "id")?.metadata["tarn.pii"] == nil)
    }

    @Test func maintenancePolicyRunsOnlyWhenThresholdsSaySo() throws {
        let dir = NSTemporaryDirectory() + "tarn-maint-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        func land(_ name: String, _ second: Double) throws {
            let lines = (0 ..< 20).map { "{\"id\": \($0), \"day\": \"2024-01-0\($0 % 2 + 1)\"}" }.joined(separator: "\n")
            try lines.write(toFile: dir + "/in/" + name, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_800_000_000 + second)], ofItemAtPath: dir + "/in/" + name)
        }
        var policy = MaintenancePolicy()
        policy.compactMinSmallFiles = 2
        policy.vacuumMinReclaimableBytes = 1 << 40
        let spec = PipelineSpec(name: "m", stages: [StageSpec(
            name: "bronze", source: .files(directory: "in", pattern: "*.jsonl", format: .jsonl),
            contract: Contract(fields: [ContractField(name: "id", type: .long), ContractField(name: "day", type: .date)]),
            target: TargetSpec(path: "t", partitionBy: ["day"]), maintenance: policy)])
        try land("a.jsonl", 1)
        let first = try PipelineRunner(spec: spec, baseDirectory: dir).run()
        #expect(first.stages[0].maintenance.first?.hasPrefix("optimize skipped") == true, "\(first.stages[0].maintenance)")
        try land("b.jsonl", 2)
        let second = try PipelineRunner(spec: spec, baseDirectory: dir).run()
        #expect(second.stages[0].maintenance.first?.hasPrefix("compaction ran") == true, "\(second.stages[0].maintenance)")
        #expect(second.stages[0].maintenance.last?.hasPrefix("vacuum skipped") == true)
        let files = try Table.open(path: dir + "/t").snapshot().files.count
        #expect(files == 2, "one file per partition after compaction")
        let quiet = try PipelineRunner(spec: spec, baseDirectory: dir).run()
        #expect(quiet.stages[0].status == .noNewData && quiet.stages[0].maintenance.isEmpty)
    }
}
