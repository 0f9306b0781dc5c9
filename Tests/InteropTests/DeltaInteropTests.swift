// DeltaInteropTests: Tarn ⇄ deltalake (delta-rs 1.6.6, via Tests/InteropTests/py/delta_peer.py) over seeded
// random operation sequences: each version's scan equals deltalake's read (multiset of canonical rows), deltalake
// opens every version Tarn wrote and accepts its statistics, time travel by timestamp agrees, each side appends to
// the other's tables, and Tarn's file skipping by deltalake's statistics loses no rows. A missing python3 or
// deltalake fails the tests (Peer.run throws), never skips them. TARN_SEED=<seed> reruns one seed.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite(.serialized) struct DeltaInteropTests {
    /// Even seeds get a timestamp_ntz column (protocol (3,7)) and (seed / 2) % 3 partition columns: these six
    /// seeds cover every combination.
    static let seeds = SeededRandom.seeds(count: 6, base: 0xDE17A0)

    // MARK: a. Tarn → deltalake

    @Test(arguments: seeds) func tarnWritesDeltalakeReads(seed: UInt64) throws {
        let start = Date()
        let s = try DeltaScenario(seed: seed, config: ScenarioConfig(ntz: seed % 2 == 0, partitionCount: Int((seed / 2) % 3)))
        do {
            try s.run()
        } catch {
            Issue.record("Tarn failed during the operation sequence: \(error)\n\(s.description)")
            return
        }
        let latest = try s.table.snapshot().version
        #expect(latest == s.latest, "Tarn's latest version \(latest), the model's \(s.latest); \(s.description)")
        try withExtendedLifetime(s) {     // the scenario owns (and on deinit removes) the table directory
            try checkModel(s, through: latest)
            try checkAgainstDeltalake(s, latest: latest)
        }
        print("delta interop seed \(seed): \(latest + 1) versions, keys \(s.keys.map { "\($0.name) \($0.type)" }), partitionBy \(s.partitionBy), ntz \(s.config.ntz), "
            + "\(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }

    // MARK: b. deltalake → Tarn

    @Test func deltalakeWritesTarnReads() throws {
        let dir = try Peer.temporaryDirectory("tarn-deltalake-writes")
        defer { try? FileManager.default.removeItem(at: dir) }
        func gen(_ name: String, _ args: [String]) throws -> String {
            let path = dir.appendingPathComponent(name + ".parquet").path
            try Peer.run(["delta-gen-parquet", path] + args)
            return path
        }
        var steps: [String: [String]] = [:]   // table path -> "vN: what" (for failure messages)
        func write(_ table: String, _ input: String, _ args: [String], _ what: String) throws {
            let out = try DeltaInterop.json(try Peer.run(["delta-write", table, "--input", input] + args))
            steps[table, default: []].append("v\((out["version"] as? NSNumber)?.int64Value ?? -1): \(what)")
        }
        // Partitioned by a string with characters that need escaping; append, predicate overwrite of one
        // partition, a deltalake checkpoint, schema evolution, full overwrite.
        let partitioned = dir.appendingPathComponent("partitioned").path
        try write(partitioned, try gen("p0", ["--seed", "11", "--rows", "60"]), ["--mode", "append", "--partition-by", "part"],
                  "create partitioned by part")
        try write(partitioned, try gen("p1", ["--seed", "12", "--rows", "40", "--id-start", "1000"]), ["--mode", "append"], "append")
        try write(partitioned, try gen("p2", ["--seed", "13", "--rows", "30", "--id-start", "2000", "--part", "b b"]),
                  ["--mode", "overwrite", "--predicate", "part = 'b b'"], "overwrite where part = 'b b'")
        try Peer.run(["delta-checkpoint", partitioned])
        try write(partitioned, try gen("p3", ["--seed", "14", "--rows", "25", "--id-start", "3000", "--extra"]),
                  ["--mode", "append", "--schema-mode", "merge"], "append adding c_extra (schema merge), after a checkpoint")
        try write(partitioned, try gen("p4", ["--seed", "15", "--rows", "50", "--id-start", "4000", "--extra", "--no-edges"]),
                  ["--mode", "overwrite"], "overwrite")
        // Unpartitioned, timestamp_ntz (protocol (3,7)); a predicate overwrite on a data column makes deltalake
        // rewrite files through DataFusion.
        let flat = dir.appendingPathComponent("flat").path
        try write(flat, try gen("f0", ["--seed", "21", "--rows", "80", "--ntz"]), ["--mode", "append"], "create unpartitioned")
        try write(flat, try gen("f1", ["--seed", "22", "--rows", "30", "--ntz", "--pk", "2,3", "--id-start", "1000"]),
                  ["--mode", "overwrite", "--predicate", "pk >= 2"], "overwrite where pk >= 2")
        try write(flat, try gen("f2", ["--seed", "23", "--rows", "40", "--ntz", "--id-start", "2000"]), ["--mode", "append"], "append")
        try Peer.run(["delta-checkpoint", flat])
        try write(flat, try gen("f3", ["--seed", "24", "--rows", "20", "--ntz", "--id-start", "3000"]), ["--mode", "append"],
                  "append after a checkpoint")

        // deltalake's other writers: optimize (dataChange=false rewrite), delete and update (DataFusion rewrites),
        // restore, then a checkpoint with log cleanup (versions before it are gone) and vacuum (two commits).
        let dml = dir.appendingPathComponent("dml").path
        func dmlStep(_ args: [String], _ what: String) throws {
            let out = try DeltaInterop.json(try Peer.run(["delta-dml", dml] + args))
            steps[dml, default: []].append("v\((out["version"] as? NSNumber)?.int64Value ?? -1): \(what)")
        }
        try write(dml, try gen("d0", ["--seed", "31", "--rows", "60"]),
                  ["--mode", "append", "--partition-by", "part", "--configuration", "delta.logRetentionDuration=interval 0 seconds"],
                  "create partitioned by part, logRetentionDuration 0")
        try write(dml, try gen("d1", ["--seed", "32", "--rows", "60", "--id-start", "1000"]), ["--mode", "append"], "append")
        try dmlStep(["optimize"], "optimize (compaction)")
        try dmlStep(["delete", "--predicate", "pk = 1"], "delete where pk = 1")
        try dmlStep(["update", "--predicate", "pk = 2", "--set", "c_int16=7", "--set", "c_string=concat(c_string, '!')"], "update where pk = 2")
        try dmlStep(["restore", "--version", "2"], "restore version 2")
        try write(dml, try gen("d2", ["--seed", "33", "--rows", "30", "--id-start", "2000"]), ["--mode", "append"], "append")
        try dmlStep(["cleanup"], "checkpoint, log cleanup")
        try dmlStep(["vacuum"], "vacuum")
        do {
            let old = try Table.open(path: dml).snapshot(version: 0)
            Issue.record("Tarn loaded version 0 of a table whose log starts at its checkpoint 6 (\(old.files.count) files)")
        } catch {
            print("deltalake interop: Tarn refuses a cleaned-up version: \(error)")
        }

        for (name, path, first, versions) in [("partitioned", partitioned, Int64(0), Int64(4)), ("flat", flat, 0, 3), ("dml", dml, 6, 8)] {
            let context = "deltalake-written table \(name): \((steps[path] ?? []).joined(separator: "; "))"
            let table = try Table.open(path: path)
            let latest = try table.snapshot().version
            #expect(latest == versions, "\(context): Tarn sees version \(latest), expected \(versions)")
            let rowsDir = dir.appendingPathComponent("rows-\(name)")
            try FileManager.default.createDirectory(at: rowsDir, withIntermediateDirectories: true)
            try DeltaInterop.dumpVersions(table, first: first, last: latest, to: rowsDir)
            do {
                let out = try DeltaInterop.json(try Peer.run(["delta-check", path, "--tarn-rows", rowsDir.path, "--first", String(first)]))
                #expect((out["versions"] as? NSNumber)?.int64Value == latest + 1 - first, "\(context): \(out)")
            } catch {
                Issue.record("\(context): Tarn's scans differ from deltalake's reads: \(error)")
            }
            let travel = try DeltaInterop.timeTravel(table, path: path).probes.filter { $0.tarn != $0.deltalake }
            #expect(travel.isEmpty, "\(context): time travel: \(travel.map(DeltaInterop.describe).joined(separator: "\n"))")
            // Projection: deltalake's read of two columns equals Tarn's projected scan.
            let cols = ["id", "c_dec_38_10"]
            let delta = try Peer.run(["delta-read", path, "--columns", cols.joined(separator: ",")])
                .split(separator: "\n").map(String.init)
            var bytes: [UInt8] = []
            for b in try Scan(snapshot: try table.snapshot(), store: table.store, columns: cols).batches() { RowJSON.write(b, into: &bytes) }
            let tarn = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
            #expect(DeltaInterop.multisetDifference(delta, tarn) == nil,
                    "\(context): projected scan: \(DeltaInterop.multisetDifference(delta, tarn) ?? "")")
        }
    }

    // MARK: c. Tarn → deltalake append → Tarn

    @Test(arguments: [(UInt64(0xC0FFEE), true), (UInt64(0xC0FFEF), false)])
    func deltalakeAppendsToTarnTables(seed: UInt64, ntz: Bool) throws {
        let config = ScenarioConfig(ntz: ntz, partitionCount: ntz ? 1 : 0, keyTypes: [.integer, .string], operations: 7)
        let s = try DeltaScenario(seed: seed, config: config)
        do {
            try s.run()
        } catch {
            Issue.record("Tarn failed during the operation sequence: \(error)\n\(s.description)")
            return
        }
        // deltalake appends a file Tarn wrote (Parquet, every column including partition columns).
        let input = s.root.appendingPathComponent("deltalake-append.parquet")
        let appended = s.makeRows(37)
        try DeltaInterop.writeParquet(try s.batch(appended), to: input)
        var out = try DeltaInterop.json(try Peer.run(["delta-write", s.tablePath, "--input", input.path, "--mode", "append"]))
        var v = (out["version"] as? NSNumber)?.int64Value ?? -1
        #expect(v == s.latest + 1, "deltalake appended as version \(v), expected \(s.latest + 1); \(s.description)")
        s.recordForeignAppend(appended, version: v, what: "deltalake append of 37 rows")
        // deltalake overwrites the rows where k0 = 7 (a partition column in the ntz case, a data column otherwise).
        let cond = KeyCondition(column: "k0", op: .eq, value: .int(7), type: .integer)
        let replacement = s.makeRows(12) { k in k.name == "k0" ? [.int(7)] : k.domain }
        let input2 = s.root.appendingPathComponent("deltalake-replace.parquet")
        try DeltaInterop.writeParquet(try s.batch(replacement), to: input2)
        out = try DeltaInterop.json(try Peer.run(["delta-write", s.tablePath, "--input", input2.path, "--mode", "overwrite",
                                                   "--predicate", "k0 = 7"]))
        v = (out["version"] as? NSNumber)?.int64Value ?? -1
        #expect(v == s.latest + 1, "deltalake's predicate overwrite is version \(v), expected \(s.latest + 1); \(s.description)")
        s.recordForeignReplace(cond, replacement, version: v, what: "deltalake overwrite where k0 = 7 with 12 rows")
        // Tarn writes after deltalake's commits, and checkpoints them.
        try s.appendByTarn(21)
        try s.checkpoint()
        let latest = try s.table.snapshot().version
        try checkModel(s, through: latest)
        try checkAgainstDeltalake(s, latest: latest)
        // Commit times that repeat or go backwards (copied or clock-skewed logs): Tarn must follow Spark's rule;
        // deltalake 1.6.6 does not always (it binary-searches the raw times), so its differences are printed.
        let raw = try DeltaInterop.scrambleCommitTimes(s.tablePath, latest: latest)
        let travel = try DeltaInterop.timeTravel(s.table, path: s.tablePath, rawMillis: raw)
        let wrong = travel.probes.filter { $0.tarn != $0.model }
        #expect(wrong.isEmpty, "time travel with commit file times \(raw):\n\(wrong.map(DeltaInterop.describe).joined(separator: "\n"))\n\(s.description)")
        let differ = travel.probes.filter { $0.tarn != $0.deltalake }
        if !differ.isEmpty {
            print("delta interop seed \(seed): with commit file times \(raw.map { $0 - raw[0] }) (ms after the first), deltalake differs from "
                + "Tarn at \(differ.count) of \(travel.probes.count) timestamps: " + differ.prefix(4).map(DeltaInterop.describe).joined(separator: "; "))
        }
    }

    // MARK: d. Tarn's file skipping by deltalake's statistics

    /// deltalake writes decimal statistics through float64 (protocol.md §0.1 item 7), so a bound can be narrower
    /// than the data (max 92398124165549.98 for a value 92398124165549.9848). A reader that skips files by such a
    /// bound loses rows; Tarn's scans with a predicate must return what its full scan filtered row by row returns.
    @Test func fileSkippingByDeltalakeStatistics() throws {
        let dir = try Peer.temporaryDirectory("tarn-deltalake-stats")
        defer { try? FileManager.default.removeItem(at: dir) }
        var report: [String] = []
        for (name, args, groupBy) in [("partitioned", ["--seed", "11", "--rows", "60"], "part"),
                                      ("flat", ["--seed", "21", "--rows", "80", "--ntz"], "pk")] {
            let input = dir.appendingPathComponent(name + ".parquet").path
            let path = dir.appendingPathComponent(name).path
            try Peer.run(["delta-gen-parquet", input] + args)
            try Peer.run(["delta-write", path, "--input", input, "--mode", "append"] + (name == "partitioned" ? ["--partition-by", "part"] : []))
            let table = try Table.open(path: path)
            let pruning = try DeltaInterop.pruningProblems(table, groupBy: groupBy)
            #expect(pruning.scans > 50, "table \(name): only \(pruning.scans) filtered scans")
            report += pruning.problems.map { "table \(name) (written by deltalake from delta-gen-parquet \(args.joined(separator: " "))): \($0)" }
        }
        let lost = report.prefix(12).joined(separator: "\n")
        #expect(report.isEmpty, "Tarn's file skipping by deltalake-written statistics changes \(report.count) scan results:\n\(lost)")
    }

    // MARK: checks

    /// Tarn's scan of every version equals the model of what the operations wrote.
    func checkModel(_ s: DeltaScenario, through latest: Int64) throws {
        for v in 0 ... latest {
            guard let (schema, rows) = s.expected[v] else {
                Issue.record("no model for version \(v); \(s.description)")
                continue
            }
            let want = RowJSON.lines(try RecordBatch(schema: schema, rows: rows))
            let got = try DeltaInterop.tarnLines(s.table, version: v)
            if let diff = DeltaInterop.multisetDifference(want, got) {
                Issue.record("Tarn's scan of version \(v) differs from the rows written: \(diff)\n\(s.description)")
            }
        }
    }

    /// deltalake reads every version with Tarn's rows, opens it with the same files and accepts the statistics,
    /// and lands on the same version for commit timestamps and the midpoints between them.
    func checkAgainstDeltalake(_ s: DeltaScenario, latest: Int64) throws {
        try DeltaInterop.dumpVersions(s.table, last: latest, to: s.rowsDir)
        var readers: [String: Int] = [:]
        do {
            let out = try DeltaInterop.json(try Peer.run(["delta-check", s.tablePath, "--tarn-rows", s.rowsDir.path]))
            #expect(out["ok"] as? Bool == true && (out["versions"] as? NSNumber)?.int64Value == latest + 1, "delta-check: \(out); \(s.description)")
            for v in out["per_version"] as? [[String: Any]] ?? [] { readers[v["reader"] as? String ?? "?", default: 0] += 1 }
        } catch {
            Issue.record("deltalake's read differs from Tarn's scan: \(error)\n\(s.description)")
        }

        let view = try DeltaInterop.json(try Peer.run(["delta-versions", s.tablePath, "--only-writer", "Tarn", "--exact"]))
        let problems = view["problems"] as? [String] ?? ["no problems list in \(view.keys.sorted())"]
        #expect(problems.isEmpty, "deltalake's view of Tarn's table: \(problems.count) problems:\n\(problems.prefix(15).joined(separator: "\n"))\n\(s.description)")
        #expect(((view["stats_checked"] as? NSNumber)?.intValue ?? 0) > 0, "deltalake parsed no statistics; \(s.description)")
        print("delta interop seed \(s.seed): deltalake read the versions with \(readers.sorted { $0.key < $1.key }) "
            + "and checked \((view["stats_checked"] as? NSNumber)?.intValue ?? 0) statistics of Tarn's files against the data "
            + "(\((view["notes"] as? [String])?.count ?? 0) notes)")
        let versions = view["versions"] as? [[String: Any]] ?? []
        #expect(versions.count == Int(latest + 1), "deltalake opened \(versions.count) versions of \(latest + 1); \(s.description)")
        for entry in versions {
            guard let v = (entry["version"] as? NSNumber)?.int64Value else { continue }
            if let error = entry["error"] {
                Issue.record("deltalake cannot open version \(v): \(error); \(s.description)")
                continue
            }
            let snap = try s.table.snapshot(version: v)
            let files = entry["files"] as? [[String: Any]] ?? []
            let tarnRows = snap.files.reduce(Int64(0)) { $0 + (DeltaStats.parse($1.stats)?.numRecords ?? 0) }
            #expect(files.count == snap.files.count, "version \(v): deltalake sees \(files.count) files, Tarn \(snap.files.count); \(s.description)")
            #expect((entry["rows"] as? NSNumber)?.int64Value == tarnRows, "version \(v): deltalake counts \(entry["rows"] ?? "nil") rows, Tarn's stats \(tarnRows)")
            let p = entry["protocol"] as? [String: Any] ?? [:]
            #expect((p["minReaderVersion"] as? NSNumber)?.intValue == snap.protocolAction.minReaderVersion
                    && (p["minWriterVersion"] as? NSNumber)?.intValue == snap.protocolAction.minWriterVersion,
                    "version \(v): deltalake reads protocol \(p), Tarn wrote \(snap.protocolAction)")
            let partitions = entry["partition_columns"] as? [String] ?? []
            #expect(partitions == snap.partitionColumns, "version \(v): deltalake's partition columns \(partitions), Tarn's \(snap.partitionColumns)")
        }
        if s.config.ntz, let last = versions.last, let p = last["protocol"] as? [String: Any] {
            #expect((p["readerFeatures"] as? [String] ?? []).contains("timestampNtz"), "timestamp_ntz table without the timestampNtz feature: \(p)")
        }

        let travel = try DeltaInterop.timeTravel(s.table, path: s.tablePath)
        let differ = travel.probes.filter { $0.tarn != $0.deltalake }
        let commits = try s.table.commitTimestamps().map { "v\($0.version)@\($0.millis)" }
        #expect(differ.isEmpty, "time travel (commit times \(commits)):\n\(differ.map(DeltaInterop.describe).joined(separator: "\n"))\n\(s.description)")
        if travel.before.tarn != travel.before.deltalake { print("delta interop seed \(s.seed): 1 ms before the first commit, \(DeltaInterop.describe(travel.before))") }
    }
}
