// LoadTests: the CI-sized load runs (16 writers for a few seconds, with and without deletion
// vectors) and proofs that the checker fails when the table and the acknowledged-writes log
// disagree (a row lost, a row duplicated, a stale value, a row never acknowledged).
import Foundation
import Testing
import TarnReliability
import TarnStorage
import TarnTable
import TarnTestSupport

@Suite(.serialized) struct LoadTests {
    static func run(seconds: Double, deletionVectors: Bool, seed: UInt64) throws -> LoadReport {
        var o = LoadOptions()
        o.writers = 16
        o.seconds = seconds
        o.seed = seed
        o.deletionVectors = deletionVectors
        o.finalVersionSample = 40
        let report = try LoadHarness(o).run()
        print(report.description)
        return report
    }

    static func expectSound(_ r: LoadReport) {
        #expect(r.rowsLost == 0 && r.rowsDuplicated == 0 && r.rowsWrong == 0 && r.rowsUnexpected == 0, "\(r)")
        #expect(r.totalAcknowledged > 50, "too little load to mean anything: \(r)")
        #expect((r.acknowledged["append"] ?? 0) > 0 && (r.acknowledged["merge"] ?? 0) > 0, "\(r)")
        #expect((r.acknowledged["update"] ?? 0) + (r.acknowledged["delete"] ?? 0) > 0, "\(r)")
        #expect(r.lastVersion > 20 && r.readerVersionsChecked > 0 && r.finalVersionsScanned > 0, "\(r)")
        // Compaction makes writers share files, so DML conflicts must have been met and retried.
        #expect(r.totalConflicts > 0, "no conflict was exercised: \(r)")
    }

    @Test func sixteenWritersLoseNothing() throws {
        for seed in SeededRandom.seeds(count: 1, base: 701) {
            Self.expectSound(try Self.run(seconds: 8, deletionVectors: false, seed: seed))
        }
    }

    @Test func sixteenWritersWithDeletionVectors() throws {
        for seed in SeededRandom.seeds(count: 1, base: 907) {
            Self.expectSound(try Self.run(seconds: 8, deletionVectors: true, seed: seed))
        }
    }

    /// A small table written by hand, with the log that describes it.
    static func smallTable() throws -> (Table, URL, [AckedOp]) {
        let dir = try Peer.temporaryDirectory("tarn-load-check")
        let table = Table(store: try LocalStore.open(root: dir.path))
        _ = try table.create(schema: LoadSchema.schema, partitionBy: LoadSchema.partitionBy)
        let rows = [LoadRow(id: 1, val: 10), LoadRow(id: 2, val: 20), LoadRow(id: 3, val: 30)]
        _ = try table.write([try LoadSchema.batch(rows)])
        var append = AckedOp(writer: 0, seq: 1, kind: .append)
        append.rows = rows
        append.version = 1
        return (table, dir, [append])
    }

    @Test func checkerPassesAMatchingLog() throws {
        let (table, dir, log) = try Self.smallTable()
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = try LoadChecker.check(table, log: log, seed: 5)
        #expect(d.rows == 3 && d.isClean)
    }

    @Test func checkerNamesARowTheTableLost() throws {
        let (table, dir, log) = try Self.smallTable()
        defer { try? FileManager.default.removeItem(at: dir) }
        var extra = AckedOp(writer: 0, seq: 2, kind: .merge)
        extra.rows = [LoadRow(id: 424_242, val: 7)]
        expectFailure(table, log + [extra], mentions: ["seed 5", "1 rows lost", "id 424242", "writer 0 step 2 merge"])
    }

    @Test func checkerNamesAStaleValueAndAnUnacknowledgedRow() throws {
        let (table, dir, log) = try Self.smallTable()
        defer { try? FileManager.default.removeItem(at: dir) }
        var update = AckedOp(writer: 0, seq: 2, kind: .update)
        update.lo = 2
        update.hi = 3
        update.add = 5
        expectFailure(table, log + [update], mentions: ["wrong value", "id 2 (expected 25"])
        var delete = AckedOp(writer: 0, seq: 2, kind: .delete)
        delete.lo = 3
        delete.hi = 4
        expectFailure(table, log + [delete], mentions: ["unexpected rows", "id 3"])
    }

    @Test func checkerNamesAVersionAcknowledgedByTheWrongOperation() throws {
        let (table, dir, log) = try Self.smallTable()
        defer { try? FileManager.default.removeItem(at: dir) }
        try LoadChecker.checkAcknowledgedVersions(table, log: log, seed: 5)
        var merge = log[0]
        merge.kind = .merge
        #expect(throws: HarnessFailure.self) { try LoadChecker.checkAcknowledgedVersions(table, log: [merge], seed: 5) }
        #expect(throws: HarnessFailure.self) { try LoadChecker.checkAcknowledgedVersions(table, log: log + log, seed: 5) }
    }

    @Test func checkerNamesADuplicatedRow() throws {
        let (table, dir, log) = try Self.smallTable()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try table.write([try LoadSchema.batch([LoadRow(id: 2, val: 20)])])
        expectFailure(table, log, mentions: ["rows duplicated", "id 2"])
        #expect(throws: HarnessFailure.self) { try LoadChecker.checkVersions(table, sample: 10, seed: 5) }
    }

    @Test func logFileRoundTrips() throws {
        let dir = try Peer.temporaryDirectory("tarn-load-log")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("acked.jsonl").path
        let file = try LoadLogFile(path: path)
        var op = AckedOp(writer: 3, seq: 9, kind: .update)
        op.lo = 3_000_000_001
        op.hi = 3_000_000_004
        op.add = 17
        op.version = 12
        try file.append(op)
        file.close()
        let back = try LoadLogFile.read(path: path)
        #expect(back.count == 1 && back[0].writer == 3 && back[0].seq == 9 && back[0].kind == .update)
        #expect(back[0].lo == op.lo && back[0].hi == op.hi && back[0].add == 17 && back[0].version == 12)
    }

    private func expectFailure(_ table: Table, _ log: [AckedOp], mentions: [String]) {
        do {
            try LoadChecker.check(table, log: log, seed: 5)
            Issue.record("the checker accepted a log the table does not match")
        } catch let f as HarnessFailure {
            for m in mentions { #expect(f.description.contains(m), "\(f.description) should mention \(m)") }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
