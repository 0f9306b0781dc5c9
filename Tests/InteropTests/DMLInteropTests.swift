// DMLInteropTests: Tarn's DELETE / UPDATE / MERGE / RESTORE / ADD CONSTRAINT against deltalake (delta-rs 1.6.6,
// Tests/InteropTests/py/dml_peer.py and delta_peer.py's delta-check). (1) seeded sequences over {partitioned, not} ×
// {copy-on-write, deletion vectors} × {CDF on, off}: every version equals a plain model and deltalake's read of it,
// and deltalake's load_cdf equals Tarn's change feed for every range [v, latest]; (2) one target and source merged by
// both engines: equal rows, row metrics and change rows; (3) duplicate source keys. A missing deltalake fails.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct DMLInteropTests {
    static let script = Peer.repoRoot.appendingPathComponent("Tests/InteropTests/py/dml_peer.py").path
    static let env = ProcessInfo.processInfo.environment["TARN_SEED"].flatMap(UInt64.init)

    static func peer(_ args: [String]) throws -> [String: Any] { try DeltaInterop.json(try Peer.python([script] + args)) }

    static func int(_ any: Any?) -> Int? { (any as? NSNumber)?.intValue }

    static func writeLines(_ lines: [String], _ url: URL) throws { try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: url) }

    /// TARN_INTEROP_KEEP=1 keeps the tables for inspection.
    static func cleanUp(_ dir: URL) {
        if ProcessInfo.processInfo.environment["TARN_INTEROP_KEEP"] == nil { try? FileManager.default.removeItem(at: dir) } else { print("kept \(dir.path)") }
    }

    static func localTable(_ dir: URL) throws -> Table { Table(store: try LocalStore.create(root: dir.path, durable: false)) }

    // MARK: 1. random sequences, read back by deltalake

    struct Config: CustomStringConvertible {
        let partitioned: Bool, deletionVectors: Bool, changeFeed: Bool
        init(_ i: Int) { partitioned = i & 1 != 0; deletionVectors = i & 2 != 0; changeFeed = i & 4 != 0 }
        var properties: [String: String] {
            var p: [String: String] = [:]
            if deletionVectors { p["delta.enableDeletionVectors"] = "true" }
            if changeFeed { p["delta.enableChangeDataFeed"] = "true" }
            return p
        }
        var description: String { "\(partitioned ? "partitioned by cat" : "unpartitioned"), \(deletionVectors ? "deletion vectors" : "copy-on-write"), CDF \(changeFeed ? "on" : "off")" }
    }

    /// Two seeds per configuration (one with TARN_SEED).
    static let rounds = env == nil ? [0, 1] : [0]

    @Test(arguments: 0 ..< 8, rounds) func randomSequencesReadByDeltalake(configuration: Int, round: Int) throws {
        let config = Config(configuration)
        let seed = Self.env ?? UInt64(0xD3A1_0000 + configuration + 8 * round)
        let dir = try Peer.temporaryDirectory("tarn-dml-interop-\(seed)")
        defer { Self.cleanUp(dir) }
        let path = dir.appendingPathComponent("table")
        var s = DMLSequence(seed: seed, config: config, table: try Self.localTable(path))
        do { try s.run() } catch {
            Issue.record("Tarn failed during the sequence: \(error)\n\(s.description)")
            return
        }
        let context = s.description
        let latest = s.latest
        for v in 0 ... latest {
            let want = try DMLRows.lines(s.expected[v] ?? [])
            if let diff = DeltaInterop.multisetDifference(want, try DeltaInterop.tarnLines(s.table, version: v)) {
                Issue.record("version \(v): Tarn's scan differs from the model: \(diff)\n\(context)")
            }
        }
        // deltalake reads every version (DV tables through DataFusion: its pyarrow path refuses them).
        let rowsDir = dir.appendingPathComponent("rows")
        try FileManager.default.createDirectory(at: rowsDir, withIntermediateDirectories: true)
        try DeltaInterop.dumpVersions(s.table, last: latest, to: rowsDir)
        let check: [String: Any]
        do {
            check = try DeltaInterop.json(try Peer.run(["delta-check", path.path, "--tarn-rows", rowsDir.path]))
        } catch {
            Issue.record("deltalake's reads differ from Tarn's scans: \(error)\n\(context)")
            return
        }
        let perVersion = check["per_version"] as? [[String: Any]] ?? []
        #expect(check["ok"] as? Bool == true && perVersion.count == Int(latest + 1), "delta-check: \(check)\n\(context)")
        var logical: [Int64: Int] = [:], physical: [Int64: Int] = [:], vectors = 0, changeFiles = 0
        for entry in perVersion {
            guard let v = Self.int(entry["version"]).map(Int64.init), let rows = Self.int(entry["delta_rows"]) else { continue }
            let snap = try s.table.snapshot(version: v)
            logical[v] = rows
            physical[v] = snap.files.reduce(0) { $0 + Int(DeltaStats.parse($1.stats)?.numRecords ?? 0) }
            vectors += snap.files.filter { $0.deletionVector != nil }.count
            let reader = entry["reader"] as? String ?? "?"
            #expect(!config.deletionVectors || reader == "datafusion", "version \(v) of a DV table read by deltalake's \(reader) path\n\(context)")
        }
        if config.changeFeed {
            let cdc = FileManager.default.enumerator(atPath: path.appendingPathComponent("_change_data").path)?.compactMap { $0 as? String } ?? []
            changeFiles = cdc.filter { $0.hasSuffix(".parquet") }.count
        }
        let shrunk = logical.keys.filter { (physical[$0] ?? 0) > (logical[$0] ?? 0) }
        if config.deletionVectors {
            // deltalake applied the deletion vectors: its row count is below the files' physical count somewhere.
            #expect(vectors > 0 && !shrunk.isEmpty, "no version where deltalake's rows (\(logical)) are fewer than the files' (\(physical)); \(vectors) DVs\n\(context)")
        } else {
            #expect(vectors == 0 && shrunk.isEmpty, "copy-on-write table: \(vectors) DVs, versions \(shrunk.sorted()) with deleted rows in files\n\(context)")
        }
        #expect(config.changeFeed == (changeFiles > 0), "\(changeFiles) change data files\n\(context)")
        if config.changeFeed { try checkChangeFeed(s, path: path, dir: dir, context: context) }
        print("dml interop \(config) seed \(seed): \(latest + 1) versions, deltalake rows per version \(logical.sorted { $0.key < $1.key }.map(\.value)), "
            + "\(vectors) file versions with DVs, \(changeFiles) change files")
    }

    /// Tarn's change rows of each version turn the model's rows of the version before into its rows; deltalake's
    /// load_cdf(v, latest) equals Tarn's changes(fromVersion: v, toVersion: latest) for every v, except the rows of
    /// RESTORE commits over deletion vectors, which deltalake 1.6.6 misreads (see restoresOverVectors).
    func checkChangeFeed(_ s: DMLSequence, path: URL, dir: URL, context: String) throws {
        let latest = s.latest
        for v in 0 ... latest {
            let c = try Self.changes(s.table, version: v)
            var bag: [String: Int] = [:]
            for l in try DMLRows.lines(v > 0 ? s.expected[v - 1] ?? [] : []) { bag[l, default: 0] += 1 }
            for l in (c["delete"] ?? []) + (c["update_preimage"] ?? []) { bag[l, default: 0] -= 1 }
            for l in (c["insert"] ?? []) + (c["update_postimage"] ?? []) { bag[l, default: 0] += 1 }
            let got = bag.filter { $0.value != 0 }.flatMap { Array(repeating: $0.key, count: max(0, $0.value)) }
            let negative = bag.filter { $0.value < 0 }.keys
            let diff = DeltaInterop.multisetDifference(try DMLRows.lines(s.expected[v] ?? []), got)
            let message = "version \(v): version \(v - 1) plus Tarn's change rows \(c.mapValues(\.count)) is not the version: "
                + "\(negative.count) rows deleted that were not there; \(diff ?? "")\n\(context)"
            #expect(negative.isEmpty && diff == nil, "\(message)")
        }
        let cdfDir = dir.appendingPathComponent("cdf")
        try FileManager.default.createDirectory(at: cdfDir, withIntermediateDirectories: true)
        for v in 0 ... latest {
            try Self.writeLines(try ChangeFeedInteropTests.tarnLines(s.table, from: v, to: latest).lines, cdfDir.appendingPathComponent("cdf-\(v)-\(latest).jsonl"))
        }
        let skip = try Self.restoresOverVectors(path, latest: latest)
        let out = try Self.peer(["cdf-ranges", path.path, "--tarn-dir", cdfDir.path, "--skip-versions", skip.map(String.init).joined(separator: ",")])
        let ranges = out["ranges"] as? [[String: Any]] ?? []
        #expect(out["ok"] as? Bool == true && ranges.count == Int(latest + 1),
                "change feed (versions \(skip) left out): \((out["problems"] as? [String] ?? []).prefix(12).joined(separator: "\n"))\n\(context)")
        #expect(ranges.contains { (Self.int($0["delta_rows"]) ?? 0) > 0 }, "deltalake's change feed is empty\n\(context)")
        if !skip.isEmpty, let first = ranges.first?["skipped_rows"] as? [String: Any] {
            print("dml interop seed \(s.seed): RESTORE versions \(skip) over deletion vectors left out of the load_cdf comparison: "
                + "deltalake \(first["delta"] ?? "?") change rows, Tarn \(first["tarn"] ?? "?") (checked against the model above)")
        }
    }

    /// Tarn's change rows of version `v` (table columns only) by change type.
    static func changes(_ table: Table, version v: Int64) throws -> [String: [String]] {
        let feed = try table.changes(fromVersion: v, toVersion: v)
        let names = feed.schema.fieldNames.filter { ![ChangeFeed.changeTypeColumn, ChangeFeed.commitVersionColumn, ChangeFeed.commitTimestampColumn].contains($0) }
        var out: [String: [String]] = [:]
        try feed.read { batch in
            guard let types = batch.column(named: ChangeFeed.changeTypeColumn) else { return }
            for (i, line) in RowJSON.lines(try batch.project(names: names)).enumerated() {
                if case let .string(t) = types.value(at: i) { out[t, default: []].append(line) }
            }
        }
        return out
    }

    /// RESTORE commits that add or remove files with deletion vectors. deltalake 1.6.6's load_cdf infers their
    /// changes from add / remove without applying the vectors: its deletes then do not match the versions'
    /// rows (e.g. 107 rows - 86 deleted + 109 inserted for a version deltalake itself reads as 120 rows).
    static func restoresOverVectors(_ path: URL, latest: Int64) throws -> [Int64] {
        try (0 ... latest).filter { v in
            let name = String(repeating: "0", count: 20 - String(v).count) + String(v) + ".json"
            let actions = try String(contentsOf: path.appendingPathComponent("_delta_log/" + name), encoding: .utf8).split(separator: "\n")
                .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            let restore = actions.contains { ($0["commitInfo"] as? [String: Any])?["operation"] as? String == "RESTORE" }
            return restore && actions.contains { a in ["add", "remove"].contains { ((a[$0] as? [String: Any])?["deletionVector"] as? [String: Any]) != nil } }
        }
    }

    // MARK: 2. the same MERGE by both engines

    @Test(arguments: Self.env.map { [$0] } ?? SeededRandom.seeds(count: 6, base: 0x3E6E))
    func mergeEqualsDeltalakeMerge(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let partitioned = seed % 2 == 0, cdf = rng.chance(0.5)
        let dir = try Peer.temporaryDirectory("tarn-dml-merge-\(seed)")
        defer { Self.cleanUp(dir) }
        let (a, b) = (dir.appendingPathComponent("tarn"), dir.appendingPathComponent("deltalake"))
        var ids: Int64 = 0
        var target: [[Value]] = []
        let tarn = try Self.localTable(a)
        for _ in 0 ..< 3 {
            let rows = DMLRows.random(Int.random(in: 40 ... 80, using: &rng), ids: &ids, &rng)
            var o = WriteOptions()
            o.partitionBy = partitioned ? ["cat"] : []
            o.properties = cdf ? ["delta.enableChangeDataFeed": "true"] : [:]
            _ = try tarn.write([try DMLRows.batch(rows)], options: o)
            target += rows
        }
        try FileManager.default.copyItem(at: a, to: b)
        let source = DMLRows.source(from: target, ids: &ids, &rng)
        let merge = MergeCase.random(&rng, maxId: ids, conditionalInserts: !cdf)
        let context = "seed \(seed) (TARN_SEED=\(seed)), \(partitioned ? "partitioned" : "unpartitioned"), CDF \(cdf): \(merge)"
        let expected = try merge.model(target: target, source: source)
        let r = try tarn.merge(source: [try DMLRows.batch(source)], on: merge.on, clauses: merge.clauses.map(\.clause))
        #expect(r.committed && r.version == 3, "\(context): \(r)")
        let tarnRows = try DeltaInterop.tarnLines(tarn, version: r.version)
        if let diff = DeltaInterop.multisetDifference(try DMLRows.lines(expected.rows), tarnRows) { Issue.record("\(context): Tarn vs the model: \(diff)") }
        let counts: [Int] = [r.rowsInserted, r.rowsUpdated, r.rowsDeleted], want: [Int] = [expected.inserted, expected.updated, expected.deleted]
        #expect(counts == want, "\(context): Tarn's inserted / updated / deleted \(counts), the model's \(want)")

        let parquet = dir.appendingPathComponent("source.parquet")
        try DeltaInterop.writeParquet(try DMLRows.batch(source), to: parquet)
        let rowsFile = dir.appendingPathComponent("tarn-rows.jsonl"), cdfFile = dir.appendingPathComponent("tarn-cdf.jsonl")
        try Self.writeLines(tarnRows, rowsFile)
        var args = ["merge", b.path, "--source", parquet.path, "--spec", merge.specJSON, "--tarn-rows", rowsFile.path]
        if cdf {
            try Self.writeLines(try ChangeFeedInteropTests.tarnLines(tarn, from: r.version, to: r.version).lines, cdfFile)
            args += ["--tarn-cdf", cdfFile.path]
        }
        let out = try Self.peer(args)
        #expect(out["merged"] as? Bool == true && Self.int(out["version"]) == 3, "\(context): deltalake: \(out)")
        #expect(out["ok"] as? Bool == true, "\(context): deltalake's MERGE differs from Tarn's:\n\((out["problems"] as? [String] ?? []).joined(separator: "\n"))")
        // Tarn reads deltalake's result as its own.
        let theirs = try DeltaInterop.tarnLines(try Table.open(path: b.path), version: 3)
        if let diff = DeltaInterop.multisetDifference(tarnRows, theirs) { Issue.record("\(context): Tarn's read of deltalake's MERGE: \(diff)") }
        // Metrics both report (deltalake's snake_case names in camelCase): row counts agree exactly.
        let delta = (out["commit_metrics"] as? [String: Any] ?? [:]).compactMapValues { Self.int($0) }
        let shared = r.metrics.keys.filter { delta[$0] != nil }.sorted()
        for name in ["numSourceRows", "numTargetRowsInserted", "numTargetRowsUpdated", "numTargetRowsDeleted"] {
            #expect(shared.contains(name) && Int(r.metrics[name] ?? "") == delta[name],
                    "\(context): \(name): Tarn \(r.metrics[name] ?? "nil"), deltalake \(delta[name].map(String.init) ?? "nil")")
        }
        let differ = shared.filter { Int(r.metrics[$0] ?? "") != delta[$0] }
        let rowsDiffer = differ.filter { $0.contains("Rows") }
        #expect(rowsDiffer.isEmpty, "\(context): row metrics differ: \(rowsDiffer.map { "\($0) Tarn \(r.metrics[$0] ?? "") deltalake \(delta[$0] ?? -1)" })")
        print("dml interop merge seed \(seed): \(expected.inserted) inserted, \(expected.updated) updated, \(expected.deleted) deleted; shared metrics \(shared); "
            + "differing (files, bytes, time): \(differ.map { "\($0) \(r.metrics[$0] ?? "")/\(delta[$0] ?? -1)" })")
    }

    // MARK: 3. duplicate source keys

    @Test func duplicateSourceKeys() throws {
        var rng = SeededRandom(seed: 0xD0B1)
        let dir = try Peer.temporaryDirectory("tarn-dml-duplicates")
        defer { Self.cleanUp(dir) }
        var ids: Int64 = 0
        let target = DMLRows.random(50, ids: &ids, &rng)
        let base = dir.appendingPathComponent("base")
        _ = try Self.localTable(base).write([try DMLRows.batch(target)])
        // Ids 7 and 19 twice each (matching target rows), id 1000 twice (matching nothing).
        var source = [7, 19, 7, 19, 23].map { target[$0 - 1] } + [target[0], target[0]].map { r in var r = r; r[0] = .int(1000); return r }
        for i in source.indices { source[i][2] = .int(Int64(i)) }
        let parquet = dir.appendingPathComponent("source.parquet")
        try DeltaInterop.writeParquet(try DMLRows.batch(source), to: parquet)
        let update = MergeCase.Clause(kind: .matched, action: "update", condition: nil, set: [("qty", "source.qty")])
        let conditional = MergeCase.Clause(kind: .matched, action: "update", condition: Cond(text: "source.qty >= 0") { _, s in DMLRows.int(s?[DMLRows.qty]).map { $0 >= 0 } ?? false }, set: [("qty", "source.qty")])
        let delete = MergeCase.Clause(kind: .matched, action: "delete", condition: nil, set: nil)
        let insert = MergeCase.Clause(kind: .notMatched, action: "insert", condition: nil, set: nil)
        let cases: [(String, [MergeCase.Clause], Bool)] = [
            ("update", [update, insert], true), ("conditional update, then delete", [conditional, delete], true),
            ("unconditional delete only", [delete, insert], false),
        ]
        for (i, (name, clauses, fails)) in cases.enumerated() {
            let m = MergeCase(on: "target.id = source.id", extra: nil, clauses: clauses)
            let (a, b) = (dir.appendingPathComponent("tarn\(i)"), dir.appendingPathComponent("deltalake\(i)"))
            try FileManager.default.copyItem(at: base, to: a)
            try FileManager.default.copyItem(at: base, to: b)
            let table = try Self.localTable(a)
            let before = try DeltaInterop.tarnLines(table, version: 0)
            let out = try Self.peer(["merge", b.path, "--source", parquet.path, "--spec", m.specJSON])
            if fails {
                #expect(throws: TarnError.self, "\(name): the model") { try m.model(target: target, source: source) }
                #expect(out["merged"] as? Bool == false && Self.int(out["version"]) == 0, "\(name): deltalake: \(out)")
                #expect((out["error"] as? String ?? "").contains("multiple source rows"), "\(name): deltalake: \(out)")
                let e = try #require(throws: TarnError.self, "\(name)") {
                    try table.merge(source: [try DMLRows.batch(source)], on: m.on, clauses: m.clauses.map(\.clause))
                }
                #expect(e.code == .invalidArgument && e.message.contains("(7)") && e.message.contains("(19)") && !e.message.contains("(1000)"), "\(name): \(e)")
                #expect(try table.snapshot().version == 0 && DeltaInterop.tarnLines(table, version: 0) == before, "\(name): the table changed")
                let leftovers = try FileManager.default.contentsOfDirectory(atPath: a.path).filter { !$0.hasPrefix("_delta_log") }
                let original = try FileManager.default.contentsOfDirectory(atPath: base.path).filter { !$0.hasPrefix("_delta_log") }
                #expect(leftovers.sorted() == original.sorted(), "\(name): files left behind: \(Set(leftovers).subtracting(original))")
            } else {
                let r = try table.merge(source: [try DMLRows.batch(source)], on: m.on, clauses: m.clauses.map(\.clause))
                let expected = try m.model(target: target, source: source)
                #expect(r.rowsDeleted == 3 && r.rowsInserted == 2 && expected.deleted == 3, "\(name): \(r)")
                #expect(out["merged"] as? Bool == true, "\(name): deltalake: \(out)")
                let mine = try DeltaInterop.tarnLines(table, version: 1), theirs = try DeltaInterop.tarnLines(try Table.open(path: b.path), version: 1)
                #expect(DeltaInterop.multisetDifference(try DMLRows.lines(expected.rows), mine) == nil, "\(name): Tarn vs the model")
                #expect(DeltaInterop.multisetDifference(mine, theirs) == nil, "\(name): Tarn vs deltalake: \(DeltaInterop.multisetDifference(mine, theirs) ?? "")")
            }
        }
    }
}
