// Writes against a reference model: append, overwrite, replaceWhere, partitions, schema
// enforcement and evolution, idempotent txn writes, time travel to every version.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct TableWriteTests {
    @Test func randomOperationsMatchTheModelAtEveryVersion() throws {
        for seed in SeededRandom.seeds(count: 6, base: 900) {
            var rng = SeededRandom(seed: seed)
            let (table, _) = T.memoryTable()
            var options = WriteOptions()
            options.partitionBy = rng.chance(0.5) ? ["cat"] : []
            var model: [[[Value]]] = []    // rows per version
            var current: [[Value]] = []
            var nextId: Int64 = 0
            for step in 0 ..< 10 {
                let n = Int.random(in: 0 ... 30, using: &rng)
                let rows = (0 ..< n).map { _ -> [Value] in
                    nextId += 1
                    return T.row(nextId, day: Int32.random(in: 19_000 ... 19_003, using: &rng),
                                 cat: ["a", "b", "c d/é"].randomElement(using: &rng)!, amount: Int128(Int.random(in: -999 ... 999, using: &rng)))
                }
                var o = options
                switch (step, Int.random(in: 0 ..< 4, using: &rng)) {
                case (0, _), (_, 0), (_, 1):
                    o.mode = .append
                    current += rows
                case (_, 2):
                    o.mode = .overwrite
                    current = rows
                default:
                    let cat = Value.string(["a", "b"].randomElement(using: &rng)!)
                    o.mode = .overwrite
                    o.replaceWhere = T.equals("cat", cat)
                    let kept = rows.filter { $0[2] == cat }
                    current = current.filter { $0[2] != cat } + kept
                    _ = try table.write([try T.batch(kept)], options: o)
                    model.append(current)
                    continue
                }
                _ = try table.write([try T.batch(rows)], options: o)
                model.append(current)
            }
            for (v, rows) in model.enumerated() {
                let got = try T.rows(table, version: Int64(v))
                #expect(got == T.sorted(rows), "seed \(seed) version \(v): \(got.count) rows, model \(rows.count)")
            }
        }
    }

    @Test func partitionedFilesLiveInHiveDirectories() throws {
        let (table, dir) = try T.localTable()
        defer { try? FileManager.default.removeItem(at: dir) }
        var o = WriteOptions()
        o.partitionBy = ["cat", "day"]
        _ = try table.write([try T.batch([T.row(1, cat: "x y/z"), T.row(2, cat: "b"), T.row(3, day: 19_001, cat: "b")])], options: o)
        let s = try table.snapshot()
        #expect(s.files.count == 3)
        for f in s.files {
            let key = LogPath.decode(f.path)
            #expect(key.hasPrefix("cat="))
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(key).path), "\(key)")
            #expect(f.partitionValues.keys.sorted() == ["cat", "day"])
        }
        #expect(s.files.contains { (f: AddFile) in LogPath.decode(f.path).hasPrefix("cat=x%20y%2Fz/day=2022-01-08/") })
        #expect(try T.rows(table).count == 3)
    }

    @Test func schemaMismatchNamesTheColumnAndBothTypes() throws {
        let (table, _) = T.memoryTable()
        _ = try table.write([try T.batch([T.row(1)])])
        let other = StructType([StructField("id", .string, nullable: false)])
        do {
            _ = try table.write([try T.batch([[.string("x")]], schema: other)])
            Issue.record("accepted a string id")
        } catch let e as TarnError {
            #expect(e.code == .schemaMismatch)
            #expect(e.column == "id" && e.message.contains("long") && e.message.contains("string"), "\(e)")
        }
        #expect(try table.snapshot().version == 0)
    }

    @Test func mergeSchemaAddsColumnsAndOldRowsReadNull() throws {
        let (table, _) = T.memoryTable()
        _ = try table.write([try T.batch([T.row(1)])])
        let wider = StructType(T.schema.fields + [StructField("note", .string)])
        let row2 = T.row(2) + [.string("hi")]
        #expect(throws: TarnError.self) { _ = try table.write([try T.batch([row2], schema: wider)]) }
        var o = WriteOptions()
        o.mergeSchema = true
        _ = try table.write([try T.batch([row2], schema: wider)], options: o)
        #expect(try table.snapshot().schema == wider.withNullable("note"))
        #expect(try T.rows(table) == T.sorted([T.row(1) + [.null], row2]))
    }

    @Test func idempotentTransactionsWriteOnce() throws {
        let (table, _) = T.memoryTable()
        var o = WriteOptions()
        o.txn = ("loader", 7)
        let first = try table.write([try T.batch([T.row(1)])], options: o)
        #expect(first.committed)
        let again = try table.write([try T.batch([T.row(1)])], options: o)
        #expect(!again.committed && again.version == first.version)
        o.txn = ("loader", 3)    // older versions are skipped too
        #expect(try !table.write([try T.batch([T.row(1)])], options: o).committed)
        o.txn = ("loader", 8)
        #expect(try table.write([try T.batch([T.row(2)])], options: o).committed)
        #expect(try T.rows(table).count == 2)
        #expect(try table.snapshot().state.transactions["loader"]?.version == 8)
    }

    @Test func notNullViolationCommitsNothing() throws {
        let (table, store) = T.memoryTable()
        _ = try table.write([try T.batch([T.row(1)])])
        let before = store.count
        let loose = StructType([StructField("id", .long), StructField("cat", .string)])
        #expect(throws: TarnError.self) { _ = try table.write([try T.batch([[.null, .string("x")]], schema: loose)]) }
        #expect(store.count == before)
        #expect(try table.snapshot().version == 0)
    }

    @Test func replaceWhereRefusesRowsOutsideThePredicate() throws {
        let (table, _) = T.memoryTable()
        _ = try table.write([try T.batch([T.row(1, cat: "a"), T.row(2, cat: "b")])])
        var o = WriteOptions(mode: .overwrite)
        o.replaceWhere = T.equals("cat", .string("a"))
        #expect(throws: TarnError.self) { _ = try table.write([try T.batch([T.row(3, cat: "b")])], options: o) }
        _ = try table.write([try T.batch([T.row(4, cat: "a")])], options: o)
        #expect(try T.rows(table).map { $0[0] } == [Value.int(2), Value.int(4)])
    }

    @Test func filesSplitAtTheTargetSize() throws {
        let (table, _) = T.memoryTable()
        var o = WriteOptions()
        o.targetFileSizeBytes = 20_000
        let rows = (0 ..< 20_000).map { T.row(Int64($0), cat: "c\($0 % 977)", amount: Int128($0)) }
        _ = try table.write(stride(from: 0, to: rows.count, by: 1000).map { try T.batch(Array(rows[$0 ..< $0 + 1000])) }, options: o)
        let s = try table.snapshot()
        #expect(s.files.count > 3, "\(s.files.count) files")
        #expect(s.files.allSatisfy { DeltaStats.parse($0.stats)?.numRecords ?? 0 > 0 })
        #expect(try T.rows(table).count == 20_000)
    }
}

extension StructType {
    func withNullable(_ name: String) -> StructType {
        StructType(fields.map { f in var g = f; if f.name == name { g.nullable = true }; return g })
    }
}
