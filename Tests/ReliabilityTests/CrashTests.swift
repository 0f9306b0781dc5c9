// CrashTests: the CI-sized crash runs (a fixed seed and a date-derived one, printed) against the
// built `tarn`, and tests showing the crash checker fails on a torn commit and on rows that differ
// from the model.
import Foundation
import Testing
import TarnReliability
import TarnStorage
import TarnTestSupport

@Suite(.serialized) struct CrashTests {
    static func run(seed: UInt64, kills: Int) throws -> CrashReport {
        let options = CrashOptions(tarn: try TarnBinary.require(), seed: seed, kills: kills)
        print("crash test: seed \(seed), \(kills) kills (repeat with TARN_SEED=\(seed))")
        let report = try CrashHarness(options).run()
        print(report.description)
        return report
    }

    static func check(_ report: CrashReport, kills: Int) {
        #expect(report.kills == kills, "seed \(report.seed)")
        #expect(report.killsCommitted + report.killsNotCommitted == report.kills, "seed \(report.seed)")
        #expect(report.checksPassed >= 4 * report.kills, "seed \(report.seed)")
        #expect(report.stepsCompleted > 0 && report.finalVersion > 0, "seed \(report.seed)")
    }

    @Test func fixedSeedSurvivesKills() throws {
        let seed = SeededRandom.seeds(count: 1, base: 7_001)[0]
        Self.check(try Self.run(seed: seed, kills: 30), kills: 30)
    }

    @Test func dateSeedSurvivesKills() throws {
        let day = UInt64(Date().timeIntervalSince1970 / 86_400)
        let seed = SeededRandom.seeds(count: 1, base: 9_000_000 + day)[0]
        Self.check(try Self.run(seed: seed, kills: 15), kills: 15)
    }

    /// A small table made by the real binary: create plus one append of ids 1…3.
    static func smallTable() throws -> (dir: String, table: String) {
        let tarn = try TarnBinary.require()
        let dir = NSTemporaryDirectory() + "tarn-crash-checker-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let rows = (1 ... 3).map { CrashRow(id: $0, k: $0 % 2, v: $0 * 10, s: "s\($0)").jsonLine }
        try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/in.jsonl"))
        let table = dir + "/t"
        for args in [["create", table, "--schema", "id long not null, k long, v long, s string"], ["write", table, "--input", dir + "/in.jsonl"]] {
            let p = try Process.run(URL(fileURLWithPath: tarn), arguments: args)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "tarn \(args)")
        }
        return (dir, table)
    }

    static let model: CrashRows = Dictionary(uniqueKeysWithValues: (Int64(1) ... 3).map { ($0, CrashRow(id: $0, k: $0 % 2, v: $0 * 10, s: "s\($0)")) })

    @Test func checkerAcceptsTheSmallTable() throws {
        let t = try Self.smallTable()
        defer { try? FileManager.default.removeItem(atPath: t.dir) }
        let checker = CrashChecker(tablePath: t.table, context: "checker test")
        #expect(try checker.checkLog().latest == 1)
        let rows = try checker.rows()
        try checker.expect(rows.rows, equals: Self.model, "the small table")
    }

    @Test func checkerRejectsATornCommit() throws {
        let t = try Self.smallTable()
        defer { try? FileManager.default.removeItem(atPath: t.dir) }
        let path = t.table + "/_delta_log/00000000000000000001.json"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: path))
        let checker = CrashChecker(tablePath: t.table, context: "seed 0 step 1 kill 1")
        let error = #expect(throws: HarnessFailure.self) { try checker.checkLog() }
        #expect(error?.description.contains("seed 0 step 1 kill 1") == true)
    }

    @Test func checkerRejectsRowsThatDifferFromTheModel() throws {
        let t = try Self.smallTable()
        defer { try? FileManager.default.removeItem(atPath: t.dir) }
        let checker = CrashChecker(tablePath: t.table, context: "seed 0 step 2 kill 1")
        var wrong = Self.model
        wrong[2]?.v = 21
        #expect(throws: HarnessFailure.self) { try checker.expect(try checker.rows().rows, equals: wrong, "changed row") }
        wrong = Self.model
        wrong[4] = CrashRow(id: 4, k: 0, v: 40, s: "s4")
        #expect(throws: HarnessFailure.self) { try checker.expect(try checker.rows().rows, equals: wrong, "missing row") }
    }

    @Test func checkerRejectsAVersionGap() throws {
        let t = try Self.smallTable()
        defer { try? FileManager.default.removeItem(atPath: t.dir) }
        let log = t.table + "/_delta_log/"
        try FileManager.default.moveItem(atPath: log + "00000000000000000001.json", toPath: log + "00000000000000000002.json")
        let checker = CrashChecker(tablePath: t.table, context: "seed 0 step 3 kill 1")
        #expect(throws: HarnessFailure.self) { try checker.checkLog() }
    }
}
