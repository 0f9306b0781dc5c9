// Table.inspect against an independent model of a table built on a simulated clock: small files
// in one partition, a Z-ordered partition with later appends, deletion vectors, files removed
// past the retention and an orphan. The counts, histogram, clustering, OPTIMIZE and VACUUM dry
// runs, retained versions, checkpoint state and recommendations must be exactly as expected;
// inspect never writes; after OPTIMIZE and VACUUM the table recommends NONE.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

/// The scenario: partitions a (5 small files), b (one large write), c (3 small files Z-ordered
/// 20 days ago, 2 small appends since), d (one large write, a quarter of its rows deleted by a
/// deletion vector), and an old orphan file.
struct InspectScenario {
    static let day: Int64 = 86_400_000
    static let target: Int64 = 3000
    let table: Table
    let store: MemoryStore
    let t0: Int64
    let zOrderVersion: Int64
    let zOrderedFiles: Int

    init() throws {
        (table, store) = T.memoryTable()
        t0 = Int64(Date().timeIntervalSince1970 * 1000) - 20 * Self.day
        store.setClock(t0)
        var o = WriteOptions()
        o.partitionBy = ["cat"]
        o.properties = ["delta.enableDeletionVectors": "true", "delta.targetFileSize": String(Self.target)]
        _ = try table.write([try T.batch((0 ..< 400).map { T.row($0, cat: "b", amount: Int128($0 * 7919 % 1000)) })], options: o)
        for k in 0 ..< 3 { try Self.append(table, cat: "c", from: 1000 + Int64(k) * 2, count: 2) }
        var z = OptimizeOptions()
        z.zOrderBy = ["id", "amount"]
        z.condition = try RowCondition.parse("cat = 'c'", schema: T.schema)
        let zr = try table.optimize(z)
        zOrderVersion = zr.version
        zOrderedFiles = zr.filesAdded
        try store.put("orphan.parquet", Array(repeating: 7, count: 100))

        store.setClock(t0 + 10 * Self.day)
        for k in 0 ..< 5 { try Self.append(table, cat: "a", from: 2000 + Int64(k) * 3, count: 3) }
        for k in 0 ..< 2 { try Self.append(table, cat: "c", from: 3000 + Int64(k) * 2, count: 2) }
        _ = try table.write([try T.batch((0 ..< 400).map { T.row(4000 + $0, cat: "d", amount: Int128($0 * 104_729 % 1000)) })])
        _ = try table.delete(where: try RowCondition.parse("cat = 'd' AND id % 4 = 0", schema: T.schema))
    }

    static func append(_ table: Table, cat: String, from id: Int64, count: Int64) throws {
        _ = try table.write([try T.batch((id ..< id + count).map { T.row($0, cat: cat, amount: Int128($0 % 100)) })])
    }
}

@Suite struct InspectTests {
    /// The model's file-size bucket: bounds t/128, t/16, t/4, t/2, t.
    static func bucket(_ size: Int64, target t: Int64) -> Int {
        [t / 128, t / 16, t / 4, t / 2, t].firstIndex { size < $0 } ?? 5
    }

    @Test func inspectReportsTheScenarioExactly() throws {
        let sc = try InspectScenario()
        let (table, store) = (sc.table, sc.store)
        let s = try table.snapshot()
        let keys = Set(try store.list(prefix: "").map(\.key))
        let before = store.stats
        let r = try table.inspect()
        #expect(store.stats.puts == before.puts && store.stats.deletes == before.deletes, "inspect wrote")
        let keysAfter = Set(try store.list(prefix: "").map(\.key))
        let versionAfter = try table.snapshot().version
        #expect(keysAfter == keys && versionAfter == s.version)

        #expect(r.version == s.version && r.targetFileSizeBytes == InspectScenario.target && r.partitionColumns == ["cat"])
        #expect(r.partitions.map(\.label) == ["cat=a", "cat=b", "cat=c", "cat=d"])
        let dry = try table.optimize({ var o = OptimizeOptions(); o.dryRun = true; return o }())
        for p in r.partitions {
            let cat = p.values.first?.value ?? ""
            let files = s.files.filter { $0.partitionValues["cat"] == cat }
            let sizes = files.map(\.size)
            var histogram = [Int](repeating: 0, count: 6)
            for size in sizes { histogram[Self.bucket(size, target: InspectScenario.target)] += 1 }
            let rows = try T.rows(table).filter { $0[2] == .string(cat) }.count
            let stored = files.compactMap { DeltaStats.parse($0.stats)?.numRecords }.reduce(0, +)
            let dv = files.compactMap(\.deletionVector)
            let m = p.summary
            #expect(m.files == files.count && m.bytes == sizes.reduce(0, +) && m.histogram.counts == histogram, "\(cat)")
            #expect(m.rows == Int64(rows) && m.storedRows == stored, "\(cat): rows \(String(describing: m.rows)) vs \(rows)")
            #expect(m.smallFiles == sizes.filter { $0 < InspectScenario.target }.count, "\(cat)")
            #expect(m.deletionVectorFiles == dv.count && m.deletedRows == dv.reduce(0) { $0 + $1.cardinality }, "\(cat)")
            let bin = dry.plan.bins.first { $0.partitionValues["cat"] == cat }
            #expect(p.optimizeFiles == (bin?.files.count ?? 0) && p.optimizeBytes == (bin?.bytes ?? 0), "\(cat)")
            let tagged = files.filter { $0.tags?["tarn.zOrderBy"] != nil }
            #expect(m.unclusteredFiles == files.count - tagged.count && m.clusterings.map(\.files) == (tagged.isEmpty ? [] : [tagged.count]), "\(cat)")
        }
        print("inspect scenario:", r.partitions.map { "\($0.label) \($0.summary.files) files \($0.summary.bytes) B" })
        // The model's numbers for this scenario.
        let (a, b, c, d) = (r.partitions[0].summary, r.partitions[1].summary, r.partitions[2].summary, r.partitions[3].summary)
        #expect(a.files == 5 && a.smallFiles == 5 && a.rows == 15)
        #expect(b.smallFiles <= 1 && b.rows == 400 && b.deletionVectorFiles == 0)
        #expect(c.files == sc.zOrderedFiles + 2 && c.clusterings.first?.tag == "morton:id,amount" && c.clusterings.first?.columns == ["id", "amount"])
        #expect(c.unclusteredFiles == 2)
        #expect(d.deletionVectorFiles >= 1 && d.deletedRows == 100 && d.rows == 300 && d.deletedFraction == 0.25)
        #expect(r.totals.files == s.files.count && r.totals.rows == 15 + 400 + 10 + 300)
        #expect(r.totals.histogram.counts == (0 ..< 6).map { i in r.partitions.reduce(0) { $0 + $1.summary.histogram.counts[i] } })
        #expect(r.optimizeFiles == dry.plan.fileCount && r.optimizeBytes == dry.plan.bytes && r.optimizePartitions == dry.plan.bins.count)

        // VACUUM: the dry runs' totals; the 3 files Z-order removed 20 days ago, and the orphan in full mode.
        let vacuum = try #require(r.vacuum)
        let lite = try table.vacuum(VacuumOptions(dryRun: true))
        let full = try table.vacuum(VacuumOptions(dryRun: true, mode: .full))
        #expect(vacuum.files == lite.files.count && vacuum.bytes == lite.totalBytes && vacuum.files == 3 && vacuum.counts == [.data: 3])
        #expect(vacuum.fullModeFiles == full.files.count && vacuum.fullModeBytes == full.totalBytes && vacuum.fullModeFiles == 4)
        #expect(r.retention.oldestVersionAfterVacuum == lite.oldestRetainedVersion && r.retention.earliestVersion == 0)
        #expect(r.retention.oldestVersionAfterLogCleanup == 0 && r.checkpoint.lastCheckpointVersion == nil)
        #expect(r.checkpoint.commitsSinceCheckpoint == s.version + 1 && r.checkpoint.checkpointInterval == 100)
        #expect(r.lastOptimize?.version == sc.zOrderVersion && r.lastOptimize?.auto == false && r.lastVacuum == nil)
        #expect(r.lastOptimize?.parameters["zOrderBy"] == "[\"id\",\"amount\"]")

        let loc = table.location
        let expected: [(Recommendation.Code, String?)] = [
            (.compact, "tarn optimize \(loc) --where \"cat = 'a'\""),
            (.zOrder, "tarn optimize \(loc) --zorder-by id,amount --curve morton --full --where \"cat = 'c'\""),
            (.purgeDeletionVectors, "tarn optimize \(loc) --where \"cat = 'd'\""),
            (.vacuum, "tarn vacuum \(loc) --full"),
        ]
        #expect(r.recommendations.map(\.code) == expected.map(\.0), "\(r.recommendations)")
        #expect(r.recommendations.map(\.command) == expected.map(\.1), "\(r.recommendations.map(\.command))")
        #expect(r.recommendations.map(\.partition) == ["cat=a", "cat=c", "cat=d", nil])
        let messages = r.recommendations.map(\.message)
        #expect(messages[0].hasPrefix("partition cat=a has 5 files below 2.9 KiB ("), "\(messages[0])")
        #expect(messages[1].contains("2 files (") && messages[1].contains("not Z-ordered by id, amount (morton)") && messages[1].hasSuffix("re-cluster it whole"), "\(messages[1])")
        #expect(messages[2] == "partition cat=d has 1 file with deletion vectors hiding 100 of 400 rows (25%)", "\(messages[2])")
        #expect(messages[3].hasPrefix("vacuum would delete 3 files (") && messages[3].contains("with --full 1 unreferenced file (100 B)"), "\(messages[3])")
        for rec in r.recommendations { print("inspect:", rec.code.rawValue, rec.message, rec.command ?? "") }

        // After OPTIMIZE and a full VACUUM there is nothing to do.
        _ = try table.optimize()
        var v = VacuumOptions(retentionHours: 0, mode: .full, force: true)
        v.nowMillis = Int64(Date().timeIntervalSince1970 * 1000) + 1000
        _ = try table.vacuum(v)
        let after = try table.inspect()
        #expect(after.recommendations.map(\.code) == [.none] && after.recommendations.first?.message == "nothing to do", "\(after.recommendations)")
        let latest = try table.snapshot().version
        #expect(after.lastVacuum?.parameters["status"] == "COMPLETED" && after.lastVacuum?.version == latest)
        #expect(after.totals.rows == r.totals.rows && after.optimizeFiles == 0 && after.vacuum?.fullModeFiles == 0)
    }

    /// Log cleanup, VACUUM and checkpoints on a simulated clock: v0–v3 20 days ago (a checkpoint at
    /// 2 lets cleanup drop v0 and v1), v4 (checkpoint) and v5 a day ago.
    @Test func retainedVersionsAndCheckpoints() throws {
        let (table, store) = T.memoryTable()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        store.setClock(now - 20 * InspectScenario.day)
        var o = WriteOptions()
        o.properties = ["delta.checkpointInterval": "2", "delta.logRetentionDuration": "interval 10 days"]
        _ = try table.write([try T.batch([T.row(0)])], options: o)
        for id in 1 ... 3 { _ = try table.write([try T.batch([T.row(Int64(id))])]) }
        store.setClock(now - InspectScenario.day)
        for id in 4 ... 5 { _ = try table.write([try T.batch([T.row(Int64(id))])]) }
        #expect(!(try store.list(prefix: "").map(\.key).contains(LogNames.commit(1))), "log cleanup did not run")

        let r = try table.inspect(nowMillis: now)
        #expect(r.retention.earliestVersion == 2 && r.retention.oldestVersionAfterLogCleanup == 2 && r.retention.oldestVersionAfterVacuum == 3)
        #expect(r.checkpoint.lastCheckpointVersion == 4 && r.checkpoint.commitsSinceCheckpoint == 1 && r.checkpoint.checkpointInterval == 2)
        let later = try table.inspect(nowMillis: now + 15 * InspectScenario.day)
        #expect(later.retention.oldestVersionAfterLogCleanup == 4 && later.retention.oldestVersionAfterVacuum == 5)
        #expect(later.retention.oldestTimeTravelVersion == 5 && later.retention.earliestVersion == 2)
        #expect(!r.recommendations.map(\.code).contains(.checkpoint))

        // Without checkpoint 4, readers replay 3 commits after checkpoint 2: more than the interval.
        try store.delete(LogNames.checkpoint(4))
        let reopened = Table(store: store)
        let stale = try reopened.inspect(nowMillis: now)
        #expect(stale.checkpoint.lastCheckpointVersion == 2 && stale.checkpoint.commitsSinceCheckpoint == 3)
        let checkpoint = try #require(stale.recommendations.first { $0.code == .checkpoint })
        #expect(checkpoint.command == "tarn checkpoint \(table.location)" && checkpoint.partition == nil)
        #expect(checkpoint.message == "3 commits since the last checkpoint (version 2), more than delta.checkpointInterval (2): every reader replays them")
        try Checkpoints.write(reopened, try reopened.snapshot())
        let fresh = try reopened.inspect(nowMillis: now)
        #expect(fresh.checkpoint.lastCheckpointVersion == 5 && !fresh.recommendations.map(\.code).contains(.checkpoint))
    }

    /// Seven date partitions of two small files each: one folded COMPACT for the table; with a
    /// higher limit one per partition, whose --where selects exactly that partition.
    @Test func manyPartitionsFoldIntoOneRecommendation() throws {
        let (table, _) = T.memoryTable()
        var o = WriteOptions()
        o.partitionBy = ["day"]
        for k in 0 ..< 14 {
            _ = try table.write([try T.batch([T.row(Int64(k), day: 19_000 + Int32(k % 7))])], options: o)
        }
        let r = try table.inspect()
        #expect(r.recommendations.count == 1 && r.recommendations.first?.code == .compact && r.recommendations.first?.partition == nil)
        #expect(r.recommendations.first?.command == "tarn optimize \(table.location)")
        #expect(r.recommendations.first?.message.hasPrefix("7 partitions have files below 128 MiB to compact (14 files, ") == true,
                "\(r.recommendations)")
        #expect(r.totals.histogram.counts == [14, 0, 0, 0, 0, 0] && r.totals.smallFiles == 14 && r.partitions.count == 7)

        var limits = InspectThresholds()
        limits.maxPartitionRecommendations = 10
        let each = try table.inspect(thresholds: limits)
        #expect(each.recommendations.map(\.partition) == (0 ..< 7).map { "day=2022-01-\(String(format: "%02d", 8 + $0))" })
        let first = try #require(each.recommendations.first)
        #expect(first.command == "tarn optimize \(table.location) --where \"day = '2022-01-08'\"")
        #expect(first.message.hasPrefix("partition day=2022-01-08 has 2 files below 128 MiB (") && first.message.hasSuffix("merge into about 1 file"))
        var only = OptimizeOptions()
        only.condition = try RowCondition.parse("day = '2022-01-08'", schema: T.schema)
        let done = try table.optimize(only)
        #expect(done.filesRemoved == 2 && done.partitionsOptimized == 1)
        let next = try table.inspect(thresholds: limits)
        #expect(next.recommendations.count == 6 && !next.recommendations.contains { $0.partition == "day=2022-01-08" })
        #expect(next.lastOptimize?.version == done.version && next.lastOptimize?.parameters["predicate"]?.contains("2022-01-08") == true)
        _ = try table.optimize()
        #expect(try table.inspect().recommendations.map(\.code) == [.none])
    }

    /// An unpartitioned Z-ordered table with one later append: an incremental ZORDER (no --full,
    /// as at most one file is below the target); running it leaves nothing unclustered.
    @Test func incrementalZOrderOnAnUnpartitionedTable() throws {
        let (table, _) = T.memoryTable()
        var o = WriteOptions()
        o.properties = ["delta.targetFileSize": "1000"]
        _ = try table.write([try T.batch((0 ..< 200).map { T.row($0, amount: Int128($0 * 37 % 100)) })], options: o)
        var z = OptimizeOptions()
        z.zOrderBy = ["amount"]
        z.curve = .hilbert
        _ = try table.optimize(z)
        _ = try table.write([try T.batch((200 ..< 400).map { T.row($0, amount: Int128($0 % 100)) })])
        let r = try table.inspect()
        let files = try table.snapshot().files
        print("incremental z-order files:", files.map { "\($0.size) \($0.tags?["tarn.zOrderBy"] ?? "-")" })
        #expect(files.filter { $0.size < 1000 }.count <= 1, "the scenario needs at most one small file")
        #expect(r.partitions.count == 1 && r.partitions.first?.label == "" && r.totals.clusterings.map(\.tag) == ["hilbert:amount"])
        #expect(r.totals.unclusteredFiles == 1 && r.totals.clusterings.first?.files == files.count - 1)
        let rec = try #require(r.recommendations.first)
        #expect(r.recommendations.count == 1 && rec.code == .zOrder && rec.partition == "", "\(r.recommendations)")
        #expect(rec.command == "tarn optimize \(table.location) --zorder-by amount --curve hilbert")
        #expect(rec.message.hasPrefix("the table has 1 file (") && rec.message.hasSuffix("not Z-ordered by amount (hilbert)"), "\(rec.message)")
        _ = try table.optimize(z)
        let after = try table.inspect()
        #expect(after.totals.unclusteredFiles == 0 && !after.recommendations.map(\.code).contains(.zOrder), "\(after.recommendations)")
    }

    @Test func anEmptyTableHasNothingToDo() throws {
        let (table, store) = T.memoryTable()
        _ = try table.create(schema: T.schema, partitionBy: ["cat"])
        let keys = try store.list(prefix: "").map(\.key)
        let r = try table.inspect()
        #expect(r.version == 0 && r.partitions.isEmpty && r.totals.files == 0 && r.totals.rows == 0 && r.totals.bytes == 0)
        #expect(r.recommendations.map(\.code) == [.none] && r.recommendations.first?.command == nil)
        #expect(r.vacuum?.files == 0 && r.lastOptimize == nil && r.lastVacuum == nil && r.checkpoint.commitsSinceCheckpoint == 1)
        #expect(try store.list(prefix: "").map(\.key) == keys)
        let missing = Table(store: MemoryStore(name: "none"))
        expectTarnCode(.notFound) { try missing.inspect() }
    }

    /// A log naming files of chosen sizes (inspect reads no data file, so none exist): every
    /// bucket edge of the histogram, the compaction and purge thresholds on both sides, and a file
    /// without statistics.
    @Test func histogramEdgesAndThresholdsFromTheLog() throws {
        let (table, _) = T.memoryTable()
        let s0 = try table.create(schema: T.schema, partitionBy: ["cat"], properties: ["delta.enableDeletionVectors": "true"])
        let mib: Int64 = 1 << 20
        var adds: [AddFile] = []
        func add(_ cat: String, _ size: Int64, rows: Int64? = 10, deleted: Int64? = nil) {
            var f = AddFile(path: "cat=\(cat)/f\(adds.count).parquet", partitionValues: ["cat": cat], size: size, modificationTime: 0,
                            dataChange: true, stats: rows.map { "{\"numRecords\":\($0)}" })
            f.deletionVector = deleted.map { DeletionVectorDescriptor(storageType: .inline, pathOrInlineDv: "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L",
                                                                      offset: nil, sizeInBytes: 40, cardinality: $0) }
            adds.append(f)
        }
        let edges: [Int64] = [0, mib - 1, mib, 8 * mib - 1, 8 * mib, 32 * mib - 1, 32 * mib, 64 * mib - 1, 64 * mib, 128 * mib - 1, 128 * mib, 1024 * mib]
        for size in edges { add("h", size) }
        // Statistics not starting with numRecords (a column named numRecords, spaces) are parsed in full.
        adds[0].stats = "{ \"minValues\": {\"numRecords\": 99}, \"numRecords\": 10 }"
        add("n", 5000, rows: nil)
        for _ in 0 ..< 2 { add("v", 200 * mib, rows: 100, deleted: 5) }          // 5 % deleted: no purge
        add("w", 200 * mib, rows: 100, deleted: 10)                                // 10 %: purge
        for _ in 0 ..< 18 { add("x", 200 * mib) }                                  // 20 files, 2 small: saves 1 < 2
        for _ in 0 ..< 2 { add("x", mib) }
        for _ in 0 ..< 8 { add("y", 200 * mib) }                                   // 10 files, 2 small: saves 1 >= 1
        for _ in 0 ..< 2 { add("y", mib) }
        var tx = Transaction(table: table, readSnapshot: s0, operation: "WRITE")
        tx.actions = adds.map { .add($0) }
        _ = try tx.commit()

        let r = try table.inspect()
        #expect(r.partitions.map(\.label) == ["cat=h", "cat=n", "cat=v", "cat=w", "cat=x", "cat=y"])
        #expect(r.totals.histogram.upperBoundsBytes == [mib, 8 * mib, 32 * mib, 64 * mib, 128 * mib])
        let h = r.partitions[0].summary
        #expect(h.histogram.counts == [2, 2, 2, 2, 2, 2] && h.smallFiles == 10 && h.smallFileBytes == edges.prefix(10).reduce(0, +))
        #expect(h.rows == 120 && r.partitions[1].summary.rows == nil && r.totals.rows == nil && r.totals.storedRows == nil)
        #expect(r.partitions[2].summary.deletedFraction == 0.05 && r.partitions[2].summary.deletedFractionOfDeletionVectorFiles == 0.05)
        #expect(r.partitions[3].summary.deletedRows == 10 && r.totals.deletedRows == 20 && r.totals.deletionVectorFiles == 3)
        #expect(r.totals.rows == nil && r.totals.files == adds.count)
        let loc = table.location
        #expect(r.recommendations.map(\.code) == [.compact, .purgeDeletionVectors, .compact], "\(r.recommendations)")
        #expect(r.recommendations.map(\.partition) == ["cat=h", "cat=w", "cat=y"])
        #expect(r.recommendations.map(\.command) == ["h", "w", "y"].map { "tarn optimize \(loc) --where \"cat = '\($0)'\"" })
        #expect(r.recommendations[0].message == "partition cat=h has 10 files below 128 MiB (338 MiB) that compaction would merge into about 3 files")
        #expect(r.recommendations[1].message == "partition cat=w has 1 file with deletion vectors hiding 10 of 100 rows (10%)")
        #expect(r.vacuum?.files == 0 && r.vacuum?.fullModeFiles == 0 && r.vacuumError == nil)
    }
}
