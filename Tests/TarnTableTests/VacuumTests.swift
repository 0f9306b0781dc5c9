// VACUUM against a reference model over simulated days (MemoryStore clock): seeded appends, overwrites,
// DELETE / UPDATE / MERGE (copy-on-write, deletion vectors, change data), RESTORE and checkpoints, then
// vacuum at a random cutoff, twice per history. The oracle (commit times from the store, each retained
// version's files, change-data paths from the raw commit JSON) says what must survive; retained versions,
// time travel by timestamp and the change feed must read exactly as before.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

/// A table whose commits happen at simulated times, with the rows of every version.
final class VacuumHistory {
    static let hour: Int64 = 3_600_000
    let table: Table
    let store: MemoryStore
    var model: [Int64: [[Value]]] = [:]
    var current: [[Value]] = []
    var ids: Int64 = 0
    var clock: Int64

    init(properties: [String: String], partitioned: Bool) throws {
        (table, store) = T.memoryTable()
        clock = Int64(Date().timeIntervalSince1970 * 1000) - 20 * 24 * VacuumHistory.hour
        store.setClock(clock)
        var rng = SeededRandom(seed: 1)
        current = DMLModelTests.randomRows(40, ids: &ids, &rng)
        var o = WriteOptions()
        o.partitionBy = partitioned ? ["cat"] : []
        o.properties = properties
        o.targetFileSizeBytes = 1 << 12
        model[try table.write([try T.batch(current)], options: o).version] = current
    }

    var latest: Int64 { get throws { try table.snapshot().version } }

    /// The commit time of `version`: its commit file's modification time (no in-commit timestamps here).
    func time(_ version: Int64) throws -> Int64 { try store.head(LogNames.commit(version)).lastModifiedMillis }

    /// Moves the simulated clock on by 1 to 30 hours and applies one random operation.
    func step(_ rng: inout SeededRandom, restoreFrom oldest: Int64, context: String) throws {
        clock += Int64.random(in: 1 ... 30, using: &rng) * VacuumHistory.hour + Int64.random(in: 0 ..< 60_000, using: &rng)
        store.setClock(clock)
        switch Int.random(in: 0 ..< 7, using: &rng) {
        case 0:
            let rows = DMLModelTests.randomRows(Int.random(in: 1 ... 30, using: &rng), ids: &ids, &rng)
            let r = try table.write([try T.batch(rows)], options: WriteOptions(mode: .overwrite))
            record(r.version, rows)
        case 1:
            let last = try latest
            guard oldest < last else { return }
            let target = Int64.random(in: oldest ..< last, using: &rng)
            guard let rows = model[target] else { return }
            let r = try table.restore(toVersion: target)
            if r.committed { record(r.version, rows) }
        default:
            let (next, r) = try DMLModelTests.randomStep(table, current, &ids, &rng, context: context)
            if r.committed { record(r.version, next) }
        }
    }

    func record(_ version: Int64, _ rows: [[Value]]) {
        model[version] = rows
        current = rows
    }

    /// The oracle: every key a version from `oldest` on needs: its live data files and their
    /// deletion-vector files, and the change-data files of the commits after `oldest` (read from
    /// the raw commit JSON).
    func needed(from oldest: Int64) throws -> Set<String> {
        var keys = Set<String>()
        let last = try latest
        for v in oldest ... last {
            for add in try table.snapshot(version: v).files {
                keys.insert(LogPath.decode(add.path))
                if let dv = add.deletionVector, let p = try dv.relativePath() { keys.insert(p) }
            }
        }
        guard oldest < last else { return keys }
        for v in oldest + 1 ... last {
            let text = String(decoding: try store.get(LogNames.commit(v)), as: UTF8.self)
            for line in text.split(separator: "\n") {
                if let path = try JSONParser.parse(Array(line.utf8))["cdc"]?["path"]?.stringValue { keys.insert(LogPath.decode(path)) }
            }
        }
        return keys
    }

    /// Every stored key outside `_delta_log/`.
    func dataKeys() throws -> Set<String> {
        Set(try store.list(prefix: "").map(\.key).filter { !$0.hasPrefix("_delta_log/") })
    }
}

@Suite struct VacuumTests {
    static let configurations: [(partitioned: Bool, properties: [String: String])] = [
        (false, [:]),
        (true, ["delta.checkpointInterval": "3"]),
        (true, ["delta.enableDeletionVectors": "true", "delta.enableChangeDataFeed": "true"]),
        (false, ["delta.enableChangeDataFeed": "true", "delta.checkpointInterval": "4"]),
        (false, ["delta.enableDeletionVectors": "true", "delta.checkpointInterval": "2"]),
    ]

    @Test(arguments: 0 ..< 5)
    func neverDeletesWhatARetainedVersionNeeds(configuration: Int) throws {
        let config = VacuumTests.configurations[configuration]
        var deleted: [VacuumFile.Kind: Int] = [:]
        for seed in SeededRandom.seeds(count: 3, base: UInt64(5300 + configuration * 10)) {
            var rng = SeededRandom(seed: seed)
            let h = try VacuumHistory(properties: config.properties, partitioned: config.partitioned)
            var oldest: Int64 = 0
            for round in 0 ..< 2 {
                let context = "seed \(seed) config \(configuration) round \(round)"
                for step in 0 ..< 9 { try h.step(&rng, restoreFrom: oldest, context: "\(context) step \(step)") }
                let mode: VacuumMode = rng.chance(0.5) ? .full : .lite
                let r = try vacuumAndCheck(h, from: oldest, mode: mode, &rng, context: "\(context) \(mode)")
                oldest = r.oldestRetainedVersion
                deleted.merge(r.counts, uniquingKeysWith: +)
            }
        }
        print("vacuum model config \(configuration): deleted \(deleted.map { "\($0.value) \($0.key)" }.sorted())")
        #expect((deleted[.data] ?? 0) > 0, "config \(configuration): no data file was ever vacuumed")
        #expect((deleted[.deletionVector] ?? 0 > 0) == (config.properties["delta.enableDeletionVectors"] != nil), "config \(configuration)")
        #expect((deleted[.changeData] ?? 0 > 0) == (config.properties["delta.enableChangeDataFeed"] != nil), "config \(configuration)")
        #expect(deleted[.untracked] == nil, "config \(configuration): Tarn's own writes left orphans")
    }

    /// Vacuums at a random cutoff between two commits (or before the first one still readable)
    /// and checks the result against the oracle; returns the result.
    func vacuumAndCheck(_ h: VacuumHistory, from earliest: Int64, mode: VacuumMode, _ rng: inout SeededRandom,
                        context: String) throws -> VacuumResult {
        let last = try h.latest
        // The first round may put the cutoff before the first commit (version 0 is the oldest then).
        let k = Int64.random(in: (earliest == 0 ? -1 : earliest) ... last, using: &rng)
        let cutoff: Int64
        if k < 0 {
            cutoff = try h.time(0) - 1000
        } else {
            let gap = k < last ? try h.time(k + 1) - h.time(k) : 5 * VacuumHistory.hour
            cutoff = try h.time(k) + Int64.random(in: 0 ..< gap, using: &rng)
        }
        let expectedOldest = max(k, 0)
        let hours: Double? = rng.chance(0.4) ? nil : [1.0, 12, 48, 200].randomElement(using: &rng)
        let retention = hours.map { Int64($0 * 3_600_000) } ?? 7 * 24 * VacuumHistory.hour
        var options = VacuumOptions(retentionHours: hours, mode: mode, force: true)
        options.nowMillis = cutoff + retention

        // Before: what each retained version reads, the change feed, the oracle's sets.
        let retained = Array(expectedOldest ... last)
        let before = try retained.map { try T.rows(h.table, version: $0) }
        for (v, rows) in zip(retained, before) { #expect(rows == T.sorted(h.model[v] ?? []), "\(context): model at \(v) before vacuum") }
        let cdf = h.table.isChangeFeedEnabled && expectedOldest < last
        let feedBefore = cdf ? try h.table.changes(fromVersion: expectedOldest + 1, toVersion: last).batches().flatMap(\.rows).map(\.description).sorted() : []
        let keys = try h.dataKeys()
        let expected = keys.subtracting(try h.needed(from: expectedOldest))

        let dry = try h.table.vacuum({ var o = options; o.dryRun = true; return o }())
        #expect(try h.latest == last, "\(context): a dry run committed")
        #expect(try h.dataKeys() == keys, "\(context): a dry run deleted files")
        let r = try h.table.vacuum(options)
        #expect(dry.files.map(\.key) == r.files.map(\.key), "\(context): dry run and run differ")
        #expect(r.oldestRetainedVersion == expectedOldest, "\(context): oldest retained version")
        #expect(Set(r.files.map(\.key)) == expected,
                "\(context): deleted \(Set(r.files.map(\.key)).subtracting(expected).sorted()) too many, \(expected.subtracting(r.files.map(\.key)).sorted()) missed")
        #expect(try h.dataKeys() == keys.subtracting(expected), "\(context): the store does not hold exactly the kept files")
        #expect(r.skipped.isEmpty && r.failed.isEmpty, "\(context): \(r.skipped) \(r.failed)")
        #expect(r.warnings.isEmpty == (hours.map { $0 >= 168 } ?? true), "\(context): warnings \(r.warnings)")
        let (start, end) = (try #require(r.startVersion), try #require(r.endVersion))
        #expect(start == last + 1 && end == last + 2, "\(context): START/END versions \(start) \(end)")
        h.record(start, h.current)
        h.record(end, h.current)

        // After: every retained version, time travel by timestamp and the change feed read as before.
        for (v, rows) in zip(retained, before) { #expect(try T.rows(h.table, version: v) == rows, "\(context): version \(v) after vacuum") }
        let times = try (expectedOldest ... end).map { ($0, try h.time($0)) }
        for t in [cutoff, cutoff + 1, Int64.random(in: cutoff ... max(cutoff, times.last?.1 ?? cutoff), using: &rng)] {
            guard let v = times.last(where: { $0.1 <= t })?.0 else { continue }   // before the oldest retained commit
            let s = try h.table.snapshot(timestampMillis: t)
            #expect(s.version == v, "\(context): time travel to \(t)")
            #expect(try T.rows(h.table, version: s.version) == T.sorted(h.model[v] ?? []), "\(context): time travel to \(t) (version \(v))")
        }
        if cdf {
            let feed = try h.table.changes(fromVersion: expectedOldest + 1, toVersion: last).batches().flatMap(\.rows).map(\.description).sorted()
            #expect(feed == feedBefore, "\(context): the change feed of retained versions changed")
        }
        return r
    }
}

extension Table {
    var isChangeFeedEnabled: Bool { ((try? snapshot())?.configuration["delta.enableChangeDataFeed"] ?? "") == "true" }
}
