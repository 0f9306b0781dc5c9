// Compaction beside writers, across processes (issue 5): 4 `tarn write` processes each append 20
// batches of 3 rows with unique ids while another process runs `tarn optimize` over and over. No
// append or optimize fails; every version reads; each append version adds exactly one batch to the
// previous version's ids and each OPTIMIZE version holds the previous version's ids; every id is
// in the final table exactly once; a final optimize leaves nothing to do.
import Foundation
import Testing
import TarnTestSupport
import TarnColumnar

@Suite struct OptimizeConcurrencyTests {
    static let writers = 4
    static let appends = 20
    static let rowsPerAppend = 3

    /// The ids of writer `w`'s append `c`.
    static func batch(_ w: Int, _ c: Int) -> Set<Int64> {
        Set((0 ..< rowsPerAppend).map { Int64(w * 10_000 + c * 10 + $0) })
    }

    @Test(arguments: [false, true])
    func compactionWhileFourProcessesAppend(partitioned: Bool) throws {
        guard let tarn = TarnBinary.path else { throw MissingBinary() }
        let box = try Sandbox()
        let table = box.path("t")
        var create = ["create", table, "--schema", "id long not null, writer long not null, part long not null"]
        if partitioned { create += ["--partition-by", "part"] }
        #expect(try box.tarn(create).status == 0)
        var scripts: [String] = []
        for w in 0 ..< Self.writers {
            var lines = ""
            for c in 0 ..< Self.appends {
                let rows = Self.batch(w, c).sorted().map { "{\"id\":\($0),\"writer\":\(w),\"part\":\($0 % 2)}\n" }.joined()
                let file = try box.write("w\(w)-\(c).jsonl", rows)
                lines += "\"\(tarn)\" write \"\(table)\" --input \"\(file)\" > /dev/null || exit 1\n"
            }
            scripts.append(lines + "touch \"\(box.path("done-\(w)"))\"\n")
        }
        // Optimizes until every appender is done (at most 40 times); each result is one JSON line.
        let log = box.path("optimize.jsonl")
        scripts.append("""
            for i in $(seq 1 40); do
              [ $(ls "\(box.dir.path)" | grep -c '^done-') -ge \(Self.writers) ] && break
              "\(tarn)" optimize "\(table)" --json >> "\(log)" || exit 1
              sleep 0.1
            done
            """)
        let statuses = ParallelRuns.run(scripts)
        #expect(statuses.dropLast().allSatisfy { $0 == 0 }, "appender exit statuses \(statuses.dropLast())")
        #expect(statuses.last == 0, "the optimize loop failed (status \(statuses.last ?? -1)): \((try? box.read("optimize.jsonl")) ?? "")")

        let ops = try operations(box, table)
        let latest = Int64(ops.count - 1)
        #expect(ops.keys.sorted() == Array(0 ... latest), "versions are not contiguous: \(ops.keys.sorted())")
        let optimized = ops.filter { $0.value == "OPTIMIZE" }.keys.sorted()
        let lastWrite = ops.filter { $0.value == "WRITE" }.keys.max() ?? 0
        #expect(optimized.contains { $0 < lastWrite }, "no OPTIMIZE committed while appends were still running: optimize versions \(optimized), last append \(lastWrite)")
        try checkEveryVersion(box, table, ops, latest: latest)

        // After the appenders: one more compaction, then nothing is left to do.
        let final = try box.tarn(["optimize", table, "--json"])
        #expect(final.status == 0, "\(final.stderr)")
        let again = try box.tarn(["optimize", table, "--json"])
        let committed = try JSONParser.parse(again.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["committed"]
        #expect(again.status == 0 && committed == .bool(false), "a second optimize after the appends still had work: \(again.stdout)")
        let all = try ids(box, table, version: nil)
        let want = (0 ..< Self.writers).flatMap { w in (0 ..< Self.appends).flatMap { Self.batch(w, $0) } }
        #expect(all.sorted() == want.sorted(), "final table: \(all.count) rows, \(Set(all).count) distinct ids, expected \(want.count)")
        print("optimize beside 4 appenders (partitioned \(partitioned)): \(latest + 1) versions, OPTIMIZE at \(optimized)")
    }

    /// Each version's ids follow from the previous version's: an append adds one whole batch not seen
    /// before, an OPTIMIZE changes nothing; no version holds an id twice.
    func checkEveryVersion(_ box: Sandbox, _ table: String, _ ops: [Int64: String], latest: Int64) throws {
        var previous = Set<Int64>()
        var seen = Set<Set<Int64>>()
        let batches = Set((0 ..< Self.writers).flatMap { w in (0 ..< Self.appends).map { Self.batch(w, $0) } })
        for v in 0 ... latest {
            let list = try ids(box, table, version: v)
            let now = Set(list)
            #expect(list.count == now.count, "version \(v) (\(ops[v] ?? "?")) holds \(list.count - now.count) duplicate rows")
            #expect(now.isSuperset(of: previous), "version \(v) (\(ops[v] ?? "?")) lost ids \(previous.subtracting(now).sorted().prefix(10))")
            let added = now.subtracting(previous)
            switch ops[v] {
            case "OPTIMIZE", "CREATE TABLE":
                #expect(added.isEmpty, "version \(v) (\(ops[v] ?? "?")) added ids \(added.sorted().prefix(10))")
            default:
                #expect(batches.contains(added) && !seen.contains(added), "version \(v) (\(ops[v] ?? "?")) added \(added.sorted()), not one new batch")
                seen.insert(added)
            }
            previous = now
        }
        #expect(seen.count == batches.count, "\(seen.count) of \(batches.count) appends are in the log")
    }

    /// version → commitInfo.operation, from `tarn history --json`.
    func operations(_ box: Sandbox, _ table: String) throws -> [Int64: String] {
        let history = try box.tarn(["history", table, "--json"])
        #expect(history.status == 0, "\(history.stderr)")
        var out: [Int64: String] = [:]
        for line in history.stdout.split(separator: "\n") {
            let obj = try JSONParser.parse(String(line))
            if let v = obj["version"]?.int64Value { out[v] = obj["operation"]?.stringValue ?? "?" }
        }
        return out
    }

    /// The ids of a version (the latest when nil), as `tarn scan --format csv` prints them.
    func ids(_ box: Sandbox, _ table: String, version: Int64?) throws -> [Int64] {
        let r = try box.tarn(["scan", table, "--columns", "id", "--format", "csv"] + (version.map { ["--version", String($0)] } ?? []))
        #expect(r.status == 0, "scan of version \(version.map(String.init) ?? "latest") failed: \(r.stderr)")
        return r.stdout.split(separator: "\n").dropFirst().compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
    }
}
