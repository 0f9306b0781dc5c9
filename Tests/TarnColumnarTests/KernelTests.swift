// Kernel tests over random schemas with nesting (struct, array, map, nulls at every level):
// filter, take, slice, concatenate, gather and interleave agree with the same operations on rows, and
// their results keep Column's invariants; projection by name; validity helpers.
import Testing
import TarnColumnar
import TarnTestSupport

@Suite struct KernelTests {
    @Test(arguments: SeededRandom.seeds(count: 60, base: 0x4B52_4E4C))
    func roundTripsAgainstRows(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let schema = RandomData.schema(&rng, columns: 1 ... 5, nested: true)
        let n = Int.random(in: 0 ... 40, using: &rng)
        let rows = RandomData.rows(schema, count: n, &rng, nullRate: 0.25)
        let batch = try RecordBatch(schema: schema, rows: rows)

        let flags = (0 ..< n).map { _ in rng.chance(0.5) }
        let filtered = batch.filter(Bitmap(flags: flags))
        #expect(filtered.rows == rows.indices.filter { flags[$0] }.map { rows[$0] }, "seed \(seed): filter")
        #expect(try KernelTests.rebuilt(filtered).rows == filtered.rows, "seed \(seed): filter output is well-formed")

        let indices = n == 0 ? [] : (0 ..< Int.random(in: 0 ... 50, using: &rng)).map { _ in Int32.random(in: 0 ..< Int32(n), using: &rng) }
        #expect(batch.take(indices).rows == indices.map { rows[Int($0)] }, "seed \(seed): take")

        let cut = Int.random(in: 0 ... n, using: &rng)
        let (left, right) = (batch.slice(0 ..< cut), batch.slice(cut ..< n))
        #expect(left.rows == Array(rows[..<cut]) && right.rows == Array(rows[cut...]), "seed \(seed): slice")
        let joined = try RecordBatch.concatenate([left, right, batch.slice(0 ..< 0), filtered])
        #expect(joined.rows == rows + filtered.rows, "seed \(seed): concatenate")
        #expect(try KernelTests.rebuilt(joined).rows == joined.rows, "seed \(seed): concatenated output is well-formed")

        // gather from several parts: the same rows as take over their concatenation
        let parts = [left, right, filtered, batch.slice(0 ..< 0)]
        let partOf = (0 ..< Int.random(in: 0 ... 50, using: &rng)).compactMap { _ -> (UInt16, Int32)? in
            let p = Int.random(in: 0 ..< parts.count, using: &rng)
            return parts[p].count == 0 ? nil : (UInt16(p), Int32.random(in: 0 ..< Int32(parts[p].count), using: &rng))
        }
        let refs = PartRows(part: partOf.map(\.0), row: partOf.map(\.1))
        for c in batch.schema.fields.indices {
            let gathered = try Column.gather(parts.map { $0.columns[c] }, refs)
            #expect(gathered.values == partOf.map { parts[Int($0.0)].rows[Int($0.1)][c] }, "seed \(seed): gather")
            let rebuilt = Column(type: gathered.type, count: gathered.count, validity: gathered.validity, storage: gathered.storage)
            #expect(rebuilt.values == gathered.values, "seed \(seed): gathered output is well-formed")
        }

        for (i, c) in batch.columns.enumerated() {
            let choice = (0 ..< n).map { _ in Int32.random(in: 0 ... 1, using: &rng) }
            let other = c.take((0 ..< n).map { Int32(n - 1 - $0) })
            let mixed = try Column.interleave([c, other], choice: choice)
            #expect(mixed.values == (0 ..< n).map { choice[$0] == 0 ? rows[$0][i] : rows[n - 1 - $0][i] }, "seed \(seed): interleave")
        }
    }

    /// Rebuilds a batch through the public initializer, which checks every buffer invariant.
    static func rebuilt(_ b: RecordBatch) throws -> RecordBatch {
        RecordBatch(schema: b.schema, columns: b.columns.map {
            Column(type: $0.type, count: $0.count, validity: $0.validity, storage: $0.storage)
        }, count: b.count)
    }

    @Test func repeatingStringsFillEveryRow() throws {
        for text in ["", "a", "path/to/part-00001.jsonl"] {
            for n in [0, 1, 2, 7, 1000] {
                let c = try Column.repeating(.string(text), type: .string, count: n)
                #expect(c.values == Array(repeating: .string(text), count: n), "'\(text)' × \(n)")
            }
        }
    }

    @Test func nestedTakeKeepsChildrenAligned() throws {
        let type = DataType.array(element: .map(key: .string, value: .array(element: .integer, containsNull: true), valueContainsNull: true),
                                  containsNull: true)
        let values: [Value] = [
            .array([.map([.init(.string("a"), .array([.int(1), .null]))]), .null]),
            .null,
            .array([]),
            .array([.map([.init(.string("b"), .null), .init(.string("c"), .array([]))])]),
        ]
        let c = try Column(type: type, values: values)
        #expect(c.take([3, 0, 3, 1]).values == [values[3], values[0], values[3], values[1]])
        #expect(c.slice(1 ..< 4).values == Array(values[1...]))
        #expect(c.filter(Bitmap(flags: [false, true, false, true])).values == [values[1], values[3]])
        #expect(try Column.concatenate([c.slice(2 ..< 4), c.slice(0 ..< 2)]).values == Array(values[2...] + values[..<2]))
    }

    @Test func projectionAndErrors() throws {
        let schema = StructType([StructField("Id", .long), StructField("name", .string)])
        let b = try RecordBatch(schema: schema, rows: [[.int(1), .string("x")]])
        let p = try b.project(names: ["NAME", "id"])
        #expect(p.schema.fieldNames == ["name", "Id"] && p.rows == [[.string("x"), .int(1)]])
        #expect(throws: TarnError.self) { try b.project(names: ["nope"]) }
        let other = try RecordBatch(schema: StructType([StructField("Id", .integer)]), rows: [[.int(1)]])
        #expect(throws: TarnError.self) { try RecordBatch.concatenate([b.project(names: ["Id"]), other]) }
        #expect(throws: TarnError.self) { try RecordBatch.concatenate([]) }
        #expect(try RecordBatch.concatenate([], schema: schema).count == 0)
        #expect(throws: TarnError.self) { try Column.concatenate([]) }
    }

    @Test func bitmapHelpers() {
        let flags = (0 ..< 130).map { $0 % 3 == 0 || $0 == 129 }
        let b = Bitmap(flags: flags)
        #expect(b.setIndices == flags.indices.filter { flags[$0] }.map(Int32.init))
        var unset: [Int] = []
        b.forEachUnset { unset.append($0) }
        #expect(unset == flags.indices.filter { !flags[$0] })
        #expect(b.inverted.popcount == 130 - b.popcount)
        #expect(b.intersection(b.inverted).popcount == 0 && b.union(b.inverted).allSet)
        #expect(b.slice(60 ..< 70) == Bitmap(flags: Array(flags[60 ..< 70])))
        #expect(b.gather([129, 1, 0]) == Bitmap(flags: [true, false, true]))
        #expect(Bitmap.intersect(nil, b) == b && Bitmap(count: 5, value: true).nilIfAllSet == nil)
    }

    @Test func repeatingAndAllNull() throws {
        for t in RandomData.primitiveTypes {
            var rng = SeededRandom(seed: 7)
            let v = RandomData.value(t, nullable: false, &rng)
            #expect(try Column.repeating(v, type: t, count: 3).values == [v, v, v])
            #expect(Column.allNull(t, count: 2).values == [.null, .null])
        }
        let st = DataType.struct(StructType([StructField("a", .integer)]))
        #expect(Column.allNull(st, count: 2).nullCount == 2)
    }

    /// PartLocator finds the same part and row as a binary search of the starts, with parts of
    /// every size: long ones (block table), empty ones, and ones under 16 rows (binary search).
    @Test(arguments: SeededRandom.seeds(count: 12, base: 0x504C_4F43))
    func partLocatorAgreesWithBinarySearch(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let shortest = [1, 15, 16, 100, 5_000][Int(seed % 5)]
        var starts: [Int] = [], total = 0
        for _ in 0 ..< Int.random(in: 1 ... 60, using: &rng) {
            starts.append(total)
            total += Int.random(in: 0 ..< 8, using: &rng) == 0 ? 0 : shortest + Int.random(in: 0 ... 3 * shortest, using: &rng)
        }
        guard total > 0 else { return }
        let locator = PartLocator(starts: starts, total: total)
        for g in Swift.stride(from: 0, to: total, by: max(1, total / 5_000)) + [total - 1] {
            let want = PartRows.locate(g, starts: starts), got = locator.locate(g)
            #expect(got == want, "position \(g) of \(total), shortest part \(shortest)")
            #expect(got.row >= 0 && got.row < total && (got.part + 1 == starts.count || starts[got.part + 1] > g))
        }
    }
}
