// VACUUM behaviours on MemoryStore with a simulated clock: lite vs full (orphans, hidden paths,
// partition directories starting with '_', files newer than the cutoff, `_delta_log`), the
// retention check, dry runs, the VACUUM START / END commits, RESTORE to a vacuumed version,
// failed deletions, progress, tombstones known only from a checkpoint, a commit racing VACUUM
// START that re-adds a planned file, and tables Tarn cannot write.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct VacuumBehaviourTests {
    static let hour: Int64 = 3_600_000
    static let week = 7 * 24 * hour

    /// v0 writes one file, v1 overwrites it (one tombstone); the clock starts at `t0` and moves an hour per commit.
    static func twoVersions(schema: StructType = T.schema, rows: [[Value]]? = nil, partitionBy: [String] = [],
                            properties: [String: String] = [:]) throws -> (Table, MemoryStore, t0: Int64) {
        let (table, store) = T.memoryTable()
        let t0 = Int64(Date().timeIntervalSince1970 * 1000) - 10 * 24 * hour
        store.setClock(t0)
        var o = WriteOptions()
        o.partitionBy = partitionBy
        o.properties = properties
        _ = try table.write([try T.batch(rows ?? [T.row(1), T.row(2)], schema: schema)], options: o)
        store.setClock(t0 + hour)
        _ = try table.write([try T.batch(rows ?? [T.row(3)], schema: schema)], options: WriteOptions(mode: .overwrite))
        return (table, store, t0)
    }

    static func keys(_ store: MemoryStore) throws -> Set<String> { Set(try store.list(prefix: "").map(\.key)) }

    static func options(_ mode: VacuumMode = .lite, now: Int64, dryRun: Bool = false, hours: Double? = nil, force: Bool = false) -> VacuumOptions {
        var o = VacuumOptions(retentionHours: hours, dryRun: dryRun, mode: mode, force: force)
        o.nowMillis = now
        return o
    }

    @Test func liteDeletesRemovedFilesFullAlsoOldOrphans() throws {
        let schema = StructType([StructField("id", .long), StructField("_p", .string)])
        let rows: [[Value]] = [[.int(1), .string("x")]]
        let (table, store, t0) = try Self.twoVersions(schema: schema, rows: rows, partitionBy: ["_p"])
        let removed = try table.snapshot(version: 0).files.map { LogPath.decode($0.path) }
        store.setClock(t0 + 2 * Self.hour)
        let old = ["orphan.parquet", "_p=x/orphan.parquet", "_change_data/orphan.parquet", "_delta_index/x.bin",
                   "deletion_vector_0000.bin", "sub/dir/orphan.txt"]
        let hidden = ["_q=1/orphan.parquet", ".hidden/orphan.parquet", "dir/.orphan.parquet", "_SUCCESS", "_delta_log/junk.txt",
                      "_delta_log/_sidecars/junk.parquet"]
        for k in old + hidden { try store.put(k, Array("orphan".utf8)) }
        store.setClock(t0 + 5 * Self.hour)
        try store.put("recent.parquet", Array("new".utf8))
        let now = t0 + 3 * Self.hour + Self.week          // cutoff between the old orphans and the recent one

        let lite = try table.vacuum(Self.options(now: now, dryRun: true))
        #expect(lite.files.map(\.key) == removed && lite.counts == [.data: 1], "\(lite.files)")
        #expect(lite.oldestRetainedVersion == 1 && lite.filesNewerThanCutoff == 0)
        let dry = try table.vacuum(Self.options(.full, now: now, dryRun: true))
        #expect(Set(dry.files.map(\.key)) == Set(removed + old), "\(dry.files.map(\.key))")
        #expect(dry.counts == [.data: 1, .untracked: 4, .changeData: 1, .deletionVector: 1], "\(dry.counts)")
        #expect(dry.filesNewerThanCutoff == 1)
        let before = try Self.keys(store)
        let full = try table.vacuum(Self.options(.full, now: now))
        #expect(full.files.map(\.key) == dry.files.map(\.key))
        let after = try Self.keys(store)
        #expect(before.subtracting(after) == Set(removed + old))
        #expect(after.isSuperset(of: hidden + ["recent.parquet"]))
        #expect(full.vacuumedDirectories == 5, "\(full.vacuumedDirectories)")     // "", _p=x, _change_data, _delta_index, sub/dir
        #expect(try T.rows(table, version: 1).count == 1)
    }

    @Test func retentionShorterThanTheTablesIsRefusedWithoutForce() throws {
        let (table, store, t0) = try Self.twoVersions()
        let before = try Self.keys(store)
        for dryRun in [false, true] {
            let e = expectTarnCode(.invalidArgument) { try table.vacuum(Self.options(now: t0 + Self.week, dryRun: dryRun, hours: 1)) }
            #expect(e?.message.contains("delta.deletedFileRetentionDuration of 168 hours") == true, "\(String(describing: e))")
            #expect(e?.message.contains("force") == true)
        }
        for bad in [-1.0, .nan, .infinity] {
            expectTarnCode(.invalidArgument) { try table.vacuum(Self.options(now: t0, hours: bad, force: true)) }
        }
        #expect(try table.snapshot().version == 1 && Self.keys(store) == before)
        let forced = try table.vacuum(Self.options(now: t0 + 2 * Self.hour, hours: 0.5, force: true))
        #expect(forced.files.count == 1 && forced.warnings.count == 1 && forced.retentionMillis == 1_800_000)
        // A table whose own retention is one hour: 2 hours needs no force; nil uses the table's.
        let (short, _, s0) = try Self.twoVersions(properties: ["delta.deletedFileRetentionDuration": "interval 1 hours"])
        let two = try short.vacuum(Self.options(now: s0 + 4 * Self.hour, dryRun: true, hours: 2))
        #expect(two.warnings.isEmpty && two.files.count == 1 && two.configuredRetentionMillis == Self.hour)
        let table1h = try short.vacuum(Self.options(now: s0 + 4 * Self.hour, dryRun: true))
        #expect(table1h.retentionMillis == Self.hour && table1h.files.count == 1)
    }

    @Test func dryRunTouchesNothing() throws {
        let (table, store, t0) = try Self.twoVersions()
        let stats = store.stats
        let r = try table.vacuum(Self.options(.full, now: t0 + 2 * Self.hour + Self.week, dryRun: true))
        #expect(r.dryRun && r.files.count == 1 && r.startVersion == nil && r.endVersion == nil)
        #expect(store.stats.deletes == stats.deletes && store.stats.puts == stats.puts)
        #expect(try table.snapshot().version == 1)
    }

    @Test func startAndEndCommitsCarrySparksParametersAndMetrics() throws {
        let (table, _, t0) = try Self.twoVersions()
        let size = try table.snapshot(version: 0).files.reduce(0) { $0 + $1.size }
        let r = try table.vacuum(Self.options(now: t0 + 2 * Self.hour + Self.week))
        #expect(r.startVersion == 2 && r.endVersion == 3 && r.files.count == 1 && r.totalBytes == size)
        let h = try table.history(limit: 2)
        let end = try #require(h.first?.commitInfo), start = try #require(h.last?.commitInfo)
        #expect(start.operation == "VACUUM START" && end.operation == "VACUUM END")
        #expect(start["operationParameters"]?["retentionCheckEnabled"]?.stringValue == "true")
        #expect(start["operationParameters"]?["defaultRetentionMillis"]?.stringValue == "604800000")
        #expect(start["operationParameters"]?["specifiedRetentionMillis"] == nil)
        #expect(start["operationMetrics"]?["numFilesToDelete"]?.stringValue == "1")
        #expect(start["operationMetrics"]?["sizeOfDataToDelete"]?.stringValue == String(size))
        #expect(end["operationParameters"]?["status"]?.stringValue == "COMPLETED")
        #expect(end["operationMetrics"]?["numDeletedFiles"]?.stringValue == "1")
        #expect(end["operationMetrics"]?["numVacuumedDirectories"]?.stringValue == "1")
        // Nothing left to delete: START and END are still recorded (as Spark does), with zero metrics.
        let again = try table.vacuum(Self.options(now: t0 + 2 * Self.hour + Self.week, hours: 200))
        #expect(again.files.isEmpty && again.startVersion == 4 && again.endVersion == 5)
        let info = try #require(try table.history(limit: 2).last?.commitInfo)
        #expect(info["operationParameters"]?["specifiedRetentionMillis"]?.stringValue == "720000000")
        #expect(info["operationMetrics"]?["numFilesToDelete"]?.stringValue == "0")
        #expect(try T.rows(table) == [T.row(3)])
    }

    @Test func restoreToAVacuumedVersionFailsClearly() throws {
        let (table, store, t0) = try Self.twoVersions()
        _ = try table.vacuum(Self.options(now: t0 + 2 * Self.hour, hours: 0, force: true))
        let before = try Self.keys(store)
        let e = expectTarnCode(.notFound) { try table.restore(toVersion: 0) }
        #expect(e?.message.contains("removed by VACUUM") == true, "\(String(describing: e))")
        #expect(try table.snapshot().version == 3 && Self.keys(store) == before)
        expectTarnCode(.notFound) { try T.rows(table, version: 0) }
        #expect(try T.rows(table, version: 1) == [T.row(3)])
    }

    @Test func failedDeletionsAreReportedAndTheRestGoes() throws {
        let (table, store, t0) = try Self.twoVersions()
        store.setClock(t0 + 90 * 60_000)
        _ = try table.write([try T.batch([T.row(4)])], options: WriteOptions(mode: .overwrite))
        let doomed = try [0, 1].flatMap { try table.snapshot(version: $0).files.map { LogPath.decode($0.path) } }.sorted()
        store.inject(.failDelete(.exact(doomed[0])))
        var seen: [Double] = []
        var o = Self.options(now: t0 + 3 * Self.hour + Self.week)
        o.progress = { seen.append($0) }
        let r = try table.vacuum(o)
        #expect(r.files.map(\.key) == [doomed[1]] && r.failed.map(\.path) == [doomed[0]])
        #expect(seen.first == 0 && seen.last == 1 && seen == seen.sorted(), "\(seen)")
        #expect(try table.history(limit: 1).first?.commitInfo?["operationParameters"]?["status"]?.stringValue == "FAILED")
        #expect(try store.exists(doomed[0]) && !store.exists(doomed[1]))
        let second = try table.vacuum(Self.options(now: t0 + 3 * Self.hour + Self.week))
        #expect(second.files.map(\.key) == [doomed[0]] && second.failed.isEmpty)
    }

    @Test func tombstonesKnownOnlyFromACheckpointAreVacuumed() throws {
        let (table, store, t0) = try Self.twoVersions(properties: ["delta.checkpointInterval": "2"])
        store.setClock(t0 + 2 * Self.hour)
        _ = try table.write([try T.batch([T.row(4)])])
        #expect(try store.exists(LogNames.checkpoint(2)))
        let removed = try table.snapshot(version: 0).files.map { LogPath.decode($0.path) }
        for v in Int64(0) ... 1 { try store.delete(LogNames.commit(v)) }    // as log cleanup would
        let fresh = Table(store: store)
        let r = try fresh.vacuum(Self.options(now: t0 + 3 * Self.hour, hours: 0, force: true))
        #expect(r.oldestRetainedVersion == 2 && r.files.map(\.key) == removed)
        #expect(try T.rows(fresh) == T.sorted([T.row(3), T.row(4)]))
    }

    @Test func aCommitRacingVacuumStartKeepsTheFilesItReferences() throws {
        let (table, store, t0) = try Self.twoVersions()
        let old = try #require(try table.snapshot(version: 0).files.first)
        // A RESTORE-like commit lands at version 2 just before VACUUM START: it re-adds the planned file.
        var readd = old
        readd.dataChange = true
        let rival = ActionCodec.commitBytes([.commitInfo(CommitInfo(members: [("operation", .string("RESTORE"))])), .add(readd)])
        store.inject(.lostRace(rival: rival, .exact(LogNames.commit(2))))
        let r = try table.vacuum(Self.options(now: t0 + 2 * Self.hour + Self.week))
        #expect(r.startVersion == 3 && r.files.isEmpty, "\(r.files)")
        #expect(try store.exists(LogPath.decode(old.path)))
        #expect(try T.rows(table, version: 2) == T.sorted([T.row(1), T.row(2), T.row(3)]))
    }

    @Test func tablesTarnCannotWriteAreOnlyDryRun() throws {
        let (table, _, t0) = try Self.twoVersions()
        var tx = Transaction(table: table, readSnapshot: try table.snapshot(), operation: "UPGRADE PROTOCOL")
        tx.actions = [.protocol(ProtocolAction(minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["madeUpFeature"]))]
        _ = try tx.commit()
        expectTarnCode(.unsupportedFeature) { try table.vacuum(Self.options(now: t0 + 3 * Self.hour + Self.week)) }
        #expect(try table.snapshot().version == 2)
        #expect(try table.vacuum(Self.options(now: t0 + 3 * Self.hour + Self.week, dryRun: true)).files.count == 1)
    }
}

/// Expects `body` to throw a TarnError with `code`; returns it.
@discardableResult
func expectTarnCode<T>(_ code: TarnError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> TarnError? {
    do {
        _ = try body()
        Issue.record("expected a \(code) error, got success", sourceLocation: sourceLocation)
    } catch let e as TarnError {
        #expect(e.code == code, "\(e)", sourceLocation: sourceLocation)
        return e
    } catch {
        Issue.record("expected a TarnError \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
