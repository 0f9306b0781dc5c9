// Copy-on-write DELETE against a reference model: after random appends and deletes (partitioned
// and not) every version equals the model; only files holding matching rows are rewritten; the
// commit carries Spark's DELETE metrics; a delete that matches nothing commits nothing.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct DeleteTests {
    @Test func randomDeletesMatchTheModelAtEveryVersion() throws {
        for seed in SeededRandom.seeds(count: 5, base: 4040) {
            var rng = SeededRandom(seed: seed)
            let (table, _) = T.memoryTable()
            var options = WriteOptions()
            options.partitionBy = rng.chance(0.5) ? ["cat"] : []
            var model: [[[Value]]] = []
            var current: [[Value]] = []
            var nextId: Int64 = 0
            for step in 0 ..< 8 {
                if step % 2 == 0 || current.isEmpty {
                    let rows = (0 ..< Int.random(in: 1 ... 40, using: &rng)).map { _ -> [Value] in
                        nextId += 1
                        return T.row(nextId, cat: ["a", "b", "c"].randomElement(using: &rng)!, amount: Int128(Int.random(in: -50 ... 50, using: &rng)))
                    }
                    _ = try table.write([try T.batch(rows)], options: options)
                    current += rows
                } else {
                    let limit = Int128(Int.random(in: -50 ... 50, using: &rng))
                    let text = "amount < \(limit)"
                    let s = try table.snapshot()
                    let r = try table.delete(where: try RowCondition.parse(text, schema: s.schema))
                    let kept = current.filter { row in
                        if case let .decimal(v) = row[3] { return !(v < limit * 100) }
                        return true
                    }
                    #expect(r.committed == (kept.count != current.count), "seed \(seed): \(text)")
                    if !r.committed { continue }
                    #expect(r.rowsDeleted == current.count - kept.count, "seed \(seed)")
                    current = kept
                }
                model.append(current)
            }
            for (v, rows) in model.enumerated() {
                #expect(try T.rows(table, version: Int64(v)) == T.sorted(rows), "seed \(seed) version \(v)")
            }
        }
    }

    @Test func onlyFilesWithMatchingRowsAreRewritten() throws {
        let (table, _) = T.memoryTable()
        var o = WriteOptions()
        o.partitionBy = ["cat"]
        _ = try table.write([try T.batch([T.row(1, cat: "a"), T.row(2, cat: "a"), T.row(3, cat: "b"), T.row(4, cat: "c")])], options: o)
        let before = Set(try table.snapshot().files.map(\.path))
        let r = try table.delete(where: try RowCondition.parse("cat = 'a' AND id = 2", schema: T.schema))
        #expect(r.committed && r.rowsDeleted == 1 && r.filesRemoved == 1 && r.filesAdded == 1)
        let after = Set(try table.snapshot().files.map(\.path))
        #expect(before.intersection(after).count == 2)     // the b and c files are untouched
        #expect(try T.rows(table).map { $0[0] } == [Value.int(1), .int(3), .int(4)])
        let info = try #require(try table.history(limit: 1).first?.commitInfo)
        #expect(info.operation == "DELETE")
        #expect(info["operationMetrics"]?["numDeletedRows"]?.stringValue == "1")
        #expect(info["operationMetrics"]?["numCopiedRows"]?.stringValue == "1")
        // A whole partition goes without a rewrite.
        let whole = try table.delete(where: try RowCondition.parse("cat = 'b'", schema: T.schema))
        #expect(whole.filesRemoved == 1 && whole.filesAdded == 0 && whole.rowsDeleted == 1)
        // Nothing matches: nothing is committed.
        let none = try table.delete(where: try RowCondition.parse("id > 100", schema: T.schema))
        #expect(!none.committed && none.version == whole.version)
    }
}
