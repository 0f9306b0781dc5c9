// VacuumInteropTests: Tarn's VACUUM judged by deltalake (delta-rs 1.6.6): (a) after Tarn vacuums its own
// table (copy-on-write and deletion vectors) deltalake reads every retained version with Tarn's pre-vacuum
// rows; (b) on a table deltalake wrote (escaped partition values, predicate overwrite, delete, update,
// optimize, restore, an orphan, a hidden file) Tarn's dry-run lists equal deltalake's dry-run vacuum with
// retention 0, lite and full. A missing python3 or deltalake fails the tests, never skips them.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite(.serialized) struct VacuumInteropTests {
    static let schema = StructType([StructField("id", .long, nullable: false), StructField("cat", .string), StructField("amount", .double)])

    static func rows(_ ids: ClosedRange<Int64>) -> [[Value]] {
        ids.map { [.int($0), .string(["a", "b", "c d"][Int($0 % 3)]), .double(Double($0) * 1.5)] }
    }

    static func batch(_ ids: ClosedRange<Int64>) throws -> RecordBatch { try RecordBatch(schema: schema, rows: rows(ids)) }

    /// A Tarn history of ten versions: appends, DELETE, UPDATE, MERGE, overwrite, RESTORE.
    static func tarnHistory(_ table: Table, deletionVectors: Bool) throws {
        var o = WriteOptions()
        o.partitionBy = deletionVectors ? [] : ["cat"]
        o.properties = deletionVectors ? ["delta.enableDeletionVectors": "true"] : [:]
        _ = try table.write([try batch(1 ... 30)], options: o)
        _ = try table.write([try batch(31 ... 50)])
        func condition(_ text: String) throws -> RowCondition { try RowCondition.parse(text, schema: schema) }
        _ = try table.delete(where: try condition("id % 4 = 0"))
        _ = try table.update(set: "amount = amount * 2", where: try condition("cat = 'b'"))
        let source = try RecordBatch(schema: schema, rows: rows(45 ... 60).map { r in var x = r; x[2] = .double(-1); return x })
        _ = try table.merge(source: [source], on: "target.id = source.id",
                            clauses: [.matchedUpdate(set: "amount = source.amount"), .notMatchedInsert()])
        _ = try table.write([try batch(100 ... 120)], options: WriteOptions(mode: .overwrite))
        _ = try table.restore(toVersion: 4)
        _ = try table.delete(where: try condition("id < 20"))
        _ = try table.write([try batch(200 ... 210)])
    }

    @Test(arguments: [false, true])
    func deltalakeReadsEveryRetainedVersionAfterTarnsVacuum(deletionVectors: Bool) throws {
        let dir = try Peer.temporaryDirectory("tarn-vacuum-interop")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t").path
        let table = Table(store: try LocalStore.create(root: path))
        try Self.tarnHistory(table, deletionVectors: deletionVectors)
        let latest = try table.snapshot().version
        let times = try table.commitTimestamps()
        let oldest = latest - 3
        let rowsDir = dir.appendingPathComponent("rows")
        try FileManager.default.createDirectory(at: rowsDir, withIntermediateDirectories: true)
        _ = try DeltaInterop.dumpVersions(table, first: oldest, last: latest, to: rowsDir)

        // The default retention (7 days), with "now" a week after version `oldest` was committed.
        var options = VacuumOptions(mode: .full)
        options.nowMillis = try #require(times.first { $0.version == oldest }).millis + 7 * 86_400_000
        let r = try table.vacuum(options)
        #expect(r.oldestRetainedVersion == oldest && r.files.count > 0 && r.failed.isEmpty && r.skipped.isEmpty, "\(r)")
        let end = try #require(r.endVersion)
        _ = try DeltaInterop.dumpVersions(table, first: latest + 1, last: end, to: rowsDir)     // START and END: same rows
        let out = try DeltaInterop.json(try Peer.run(["delta-check", path, "--tarn-rows", rowsDir.path, "--first", String(oldest)]))
        #expect((out["versions"] as? NSNumber)?.int64Value == end - oldest + 1, "\(out)")
        #expect((out["mismatches"] as? NSNumber)?.intValue == 0, "\(out)")
        print("vacuum interop (deletion vectors \(deletionVectors)): deleted \(r.files.count) files \(r.counts), deltalake read versions \(oldest)...\(end)")
    }

    @Test func tarnsDryRunMatchesDeltalakesOnADeltalakeTable() throws {
        let dir = try Peer.temporaryDirectory("tarn-vacuum-deltalake")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t").path
        func gen(_ name: String, _ args: [String]) throws -> String {
            let file = dir.appendingPathComponent(name + ".parquet").path
            try Peer.run(["delta-gen-parquet", file] + args)
            return file
        }
        try Peer.run(["delta-write", path, "--input", try gen("p0", ["--seed", "41", "--rows", "60"]), "--partition-by", "part"])
        try Peer.run(["delta-write", path, "--input", try gen("p1", ["--seed", "42", "--rows", "30", "--id-start", "1000"])])
        try Peer.run(["delta-write", path, "--input", try gen("p2", ["--seed", "43", "--rows", "20", "--id-start", "2000", "--part", "b b"]),
                      "--mode", "overwrite", "--predicate", "part = 'b b'"])
        try Peer.run(["delta-dml", path, "delete", "--predicate", "pk = 1"])
        try Peer.run(["delta-dml", path, "update", "--predicate", "pk = 2", "--set", "c_int16=7"])
        try Peer.run(["delta-dml", path, "optimize"])
        try Peer.run(["delta-dml", path, "restore", "--version", "3"])
        let old = Date(timeIntervalSinceNow: -3600)
        for name in ["orphan.parquet", "_hidden/orphan.parquet"] {
            let file = path + "/" + name
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: file)
        }
        let table = Table(store: try LocalStore.open(root: path))
        let version = try table.snapshot().version
        for mode in [VacuumMode.lite, .full] {
            var options = VacuumOptions(retentionHours: 0, dryRun: true, mode: mode, force: true)
            options.nowMillis = Int64(Date().timeIntervalSince1970 * 1000) + 1000
            let tarn = try table.vacuum(options).files.map(\.key)
            let out = try DeltaInterop.json(try Peer.python([Peer.repoRoot.appendingPathComponent("Tests/InteropTests/py/vacuum_peer.py").path,
                                                             "list", path] + (mode == .full ? ["--full"] : [])))
            let deltalake = (out["files"] as? [String]) ?? []
            #expect(!deltalake.isEmpty, "\(mode): deltalake would delete nothing: \(out)")
            #expect(Set(tarn) == Set(deltalake),
                    "\(mode): only Tarn \(Set(tarn).subtracting(deltalake).sorted()), only deltalake \(Set(deltalake).subtracting(tarn).sorted())")
            #expect(tarn.contains("orphan.parquet") == (mode == .full) && !tarn.contains("_hidden/orphan.parquet"))
            print("vacuum interop on a deltalake table, \(mode): Tarn \(tarn.count) files, deltalake \(deltalake.count)")
        }
        #expect(try Table(store: try LocalStore.open(root: path)).snapshot().version == version, "a dry run committed")
    }
}
