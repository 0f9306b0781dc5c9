// ChangeFeedInteropTests: Tarn's change data feed reader against deltalake (delta-rs 1.6.6, via
// Tests/InteropTests/py/cdf_peer.py) as the oracle. deltalake builds CDF tables with a seeded mix of
// appends, deletes, updates and merges (which write change data files), overwrites and restores
// (inferred from add/remove) and compactions (dataChange=false); Tarn's rows of every range equal
// deltalake's load_cdf rows as multisets, _change_type and _commit_version included. A missing
// python3 or deltalake fails the tests, never skips them. TARN_SEED=<seed> reruns one seed.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite(.serialized) struct ChangeFeedInteropTests {
    static let seeds: [UInt64] = ProcessInfo.processInfo.environment["TARN_SEED"].flatMap(UInt64.init).map { [$0] }
        ?? SeededRandom.seeds(count: 4, base: 0xCDF1)

    static let script = Peer.repoRoot.appendingPathComponent("Tests/InteropTests/py/cdf_peer.py").path

    /// Tarn's change rows of `from ... to` as canonical JSON lines without `_commit_timestamp`, and
    /// the timestamp (ms) of each version that has rows.
    static func tarnLines(_ table: Table, from: Int64, to: Int64?) throws -> (lines: [String], millis: [Int64: Int64]) {
        let feed = try table.changes(fromVersion: from, toVersion: to)
        let names = feed.schema.fieldNames.filter { $0 != ChangeFeed.commitTimestampColumn }
        var out: [UInt8] = []
        var millis: [Int64: Int64] = [:]
        try feed.read { batch in
            RowJSON.write(try batch.project(names: names), into: &out)
            guard let v = batch.column(named: ChangeFeed.commitVersionColumn), let t = batch.column(named: ChangeFeed.commitTimestampColumn) else { return }
            for i in 0 ..< batch.count {
                if case let .int(version) = v.value(at: i), case let .timestamp(micros) = t.value(at: i) { millis[version] = micros / 1000 }
            }
        }
        return (String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init), millis)
    }

    /// Runs `cdf_peer.py cdf` comparing Tarn's rows of the range; returns deltalake's timestamps by version.
    static func compare(_ table: Table, path: String, from: Int64, to: Int64?, dir: URL, context: String) throws -> [Int64: Int64] {
        let (lines, _) = try tarnLines(table, from: from, to: to)
        let file = dir.appendingPathComponent("tarn-\(from)-\(to ?? -1).jsonl")
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: file)
        var args = [script, "cdf", path, "--from", String(from), "--tarn-rows", file.path]
        if let to { args += ["--to", String(to)] }
        let out: [String: Any]
        do {
            out = try DeltaInterop.json(try Peer.python(args))
        } catch {
            Issue.record("\(context): versions \(from)...\(to.map(String.init) ?? "latest"): Tarn's change rows differ from deltalake's load_cdf: \(error)")
            return [:]
        }
        #expect((out["rows"] as? NSNumber)?.intValue == lines.count, "\(context): \(out)")
        let times = out["timestamps"] as? [String: Any] ?? [:]
        return Dictionary(times.compactMap { k, v in Int64(k).flatMap { key in (v as? NSNumber).map { (key, $0.int64Value) } } },
                          uniquingKeysWith: { a, _ in a })
    }

    @Test(arguments: seeds) func tarnReadsDeltalakeChangeFeeds(seed: UInt64) throws {
        let dir = try Peer.temporaryDirectory("tarn-cdf-interop-\(seed)")
        defer { if ProcessInfo.processInfo.environment["TARN_INTEROP_KEEP"] == nil { try? FileManager.default.removeItem(at: dir) } }
        let path = dir.appendingPathComponent("table").path
        var args = [ChangeFeedInteropTests.script, "build", path, "--seed", String(seed)]
        if seed % 2 == 0 { args.append("--partitioned") }
        let built = try DeltaInterop.json(try Peer.python(args))
        let latest = try #require((built["version"] as? NSNumber)?.int64Value, "build: \(built)")
        let context = "seed \(seed) (TARN_SEED=\(seed)), partitioned \(seed % 2 == 0): \((built["ops"] as? [String] ?? []).joined(separator: "; "))"
        let table = try Table.open(path: path)
        #expect(try table.snapshot().version == latest, "\(context)")

        // The whole feed, a middle range, and single versions at both ends.
        let deltaTimes = try ChangeFeedInteropTests.compare(table, path: path, from: 0, to: nil, dir: dir, context: context)
        _ = try ChangeFeedInteropTests.compare(table, path: path, from: 2, to: latest - 2, dir: dir, context: context)
        _ = try ChangeFeedInteropTests.compare(table, path: path, from: latest, to: latest, dir: dir, context: context)

        // _commit_timestamp: Tarn's is the commit time Tarn's time travel uses (the commit file's
        // modification time here); deltalake's is commitInfo.timestamp. Both are checked, and the
        // gap between them is reported.
        let tarnTimes = try ChangeFeedInteropTests.tarnLines(table, from: 0, to: nil).millis
        let rule = Dictionary(try table.commitTimestamps().map { ($0.version, $0.millis) }, uniquingKeysWith: { a, _ in a })
        let info = Dictionary(try table.history().map { ($0.version, $0.commitInfo?.timestamp ?? -1) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(tarnTimes.keys) == Set(deltaTimes.keys), "\(context): versions with changes")
        var gap: Int64 = 0
        for (v, t) in tarnTimes {
            #expect(t == rule[v], "\(context): version \(v): Tarn's _commit_timestamp \(t), commit time \(rule[v] ?? -1)")
            if let d = deltaTimes[v] {
                #expect(d == info[v], "\(context): version \(v): deltalake's _commit_timestamp \(d), commitInfo.timestamp \(info[v] ?? -1)")
                gap = max(gap, abs(d - t))
            }
        }
        print("cdf interop seed \(seed): \(latest + 1) versions, largest _commit_timestamp gap to deltalake \(gap) ms; \(context)")
    }

    /// Range errors agree: both refuse a start after the latest version and an end before the start.
    @Test func rangeErrorsAgree() throws {
        let dir = try Peer.temporaryDirectory("tarn-cdf-interop-errors")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("table").path
        try Peer.python([ChangeFeedInteropTests.script, "build", path, "--seed", "7"])
        let table = try Table.open(path: path)
        let latest = try table.snapshot().version
        for (from, to) in [(latest + 1, Int64?.none), (Int64(3), Int64?.some(1))] {
            var args = [ChangeFeedInteropTests.script, "cdf", path, "--from", String(from)]
            if let to { args += ["--to", String(to)] }
            #expect(throws: (any Error).self, "deltalake reads versions \(from)...\(String(describing: to))") { try Peer.python(args) }
            #expect(throws: TarnError.self, "Tarn reads versions \(from)...\(String(describing: to))") { _ = try table.changes(fromVersion: from, toVersion: to) }
        }
    }
}
