// TransformTests: each transform against a row-by-row reference written here, on seeded random
// rows: select, rename, cast (with TYPE_CAST_ERROR rejections), derive, filter, dedup (also
// under shuffling), aggregate (with nulls) and join (missing and duplicate dimension keys).
import Foundation
import Testing
import TarnPipeline
import TarnTestSupport

enum TX {
    static let schema = StructType([
        StructField("id", .long, nullable: false), StructField("grp", .string), StructField("amount", .long),
        StructField("price", .double), StructField("text", .string), StructField("dec", .decimal(precision: 9, scale: 2)),
    ])

    static func rows(_ rng: inout SeededRandom, count: Int) -> [[Value]] {
        let texts = ["12", "-7", "abc", "", "2147483648", "0", "x1"]
        return (0 ..< count).map { i in
            [.int(Int64(i)), rng.chance(0.15) ? .null : .string(["a", "b", "c"].randomElement(using: &rng) ?? "a"),
             rng.chance(0.2) ? .null : .int(Int64.random(in: -20 ... 40, using: &rng)),
             rng.chance(0.2) ? .null : .double(Double(Int.random(in: -400 ... 400, using: &rng)) / 8),
             rng.chance(0.15) ? .null : .string(texts.randomElement(using: &rng) ?? ""),
             rng.chance(0.2) ? .null : .decimal(Int128(Int.random(in: -9999 ... 9999, using: &rng)))]
        }
    }

    static func run(_ t: [TransformSpec], _ batch: RecordBatch, dims: [String: RecordBatch] = [:]) throws -> TransformOutput {
        try Transforms.apply(t, to: [batch], sourceName: "src.jsonl") { path in
            guard let d = dims[path] else { throw TarnError(.notFound, "no table \(path)") }
            return [d]
        }
    }

    static func outRows(_ o: TransformOutput) -> [[Value]] { o.batches.flatMap(\.rows) }
}

@Suite struct TransformTests {
    @Test(arguments: SeededRandom.seeds(count: 3, base: 61))
    func selectRenameDeriveFilterMatchReference(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let rows = TX.rows(&rng, count: 200)
        let batch = try RecordBatch(schema: TX.schema, rows: rows)

        let sel = try TX.run([.select(["price", "id"])], batch)
        #expect(sel.batches[0].schema.fieldNames == ["price", "id"])
        #expect(TX.outRows(sel) == rows.map { [$0[3], $0[0]] })

        let ren = try TX.run([.rename(["amount": "amt"])], batch)
        #expect(ren.batches[0].schema.fieldNames == ["id", "grp", "amt", "price", "text", "dec"])
        #expect(TX.outRows(ren) == rows)

        let der = try TX.run([.derive(column: "twice", expression: "amount * 2 + 1"), .derive(column: "amount", expression: "amount + 1")], batch)
        #expect(der.batches[0].schema.fieldNames == ["id", "grp", "amount", "price", "text", "dec", "twice"])
        let expected = rows.map { r -> [Value] in
            var o = r
            if case let .int(a) = r[2] { o[2] = .int(a + 1); o.append(.int(a * 2 + 1)) } else { o.append(.null) }
            return o
        }
        #expect(TX.outRows(der) == expected)

        let fil = try TX.run([.filter("amount > 10 AND grp = 'a'")], batch)
        let kept = rows.filter { r in
            if case let .int(a) = r[2], a > 10, r[1] == .string("a") { return true }
            return false
        }
        #expect(TX.outRows(fil) == kept)
        #expect(!kept.isEmpty)
    }

    @Test(arguments: SeededRandom.seeds(count: 3, base: 67))
    func castRejectsWhatItCannotRepresent(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let rows = TX.rows(&rng, count: 150)
        let batch = try RecordBatch(schema: TX.schema, rows: rows)
        let out = try TX.run([.cast(column: "text", to: .integer), .cast(column: "amount", to: .string)], batch)
        var kept: [[Value]] = [], rejectedIds: [Value] = []
        for r in rows {
            var o = r
            o[2] = r[2] == .null ? .null : .string(r[2] == .null ? "" : "\(r[2])")
            switch r[4] {
            case .null: o[4] = .null
            case let .string(s):
                guard let v = Int32(s) else { rejectedIds.append(r[0]); continue }
                o[4] = .int(Int64(v))
            default: Issue.record("unexpected text value")
            }
            kept.append(o)
        }
        #expect(out.batches[0].schema.field(named: "text")?.type == .integer)
        #expect(TX.outRows(out) == kept)
        #expect(out.rejected.count == rejectedIds.count)
        #expect(!rejectedIds.isEmpty)
        for (rej, id) in zip(out.rejected, rejectedIds) {
            #expect(rej.code == .typeCastError)
            #expect(rej.column == "text")
            #expect(rej.sourceFile == "src.jsonl")
            #expect(rej.raw.hasPrefix("{\"id\":\(id),"))
        }
    }

    @Test(arguments: SeededRandom.seeds(count: 4, base: 71))
    func dedupKeepsTheReferenceRowInAnyOrder(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let schema = StructType([StructField("k1", .long), StructField("k2", .string), StructField("ts", .long),
                                 StructField("tb", .long), StructField("payload", .long)])
        var rows: [[Value]] = (0 ..< 300).map { i in
            [.int(Int64.random(in: 0 ... 5, using: &rng)), rng.chance(0.1) ? .null : .string(["x", "y"].randomElement(using: &rng) ?? "x"),
             rng.chance(0.2) ? .null : .int(Int64.random(in: 0 ... 3, using: &rng)),
             rng.chance(0.2) ? .null : .int(Int64.random(in: 0 ... 2, using: &rng)), .int(Int64(i % 150))]
        }
        rows += rows.prefix(20)
        // Reference: per key the greatest ts (null lowest), then smallest tb (null lowest), then smallest payload.
        var best: [[Value]: [Value]] = [:]
        func rank(_ v: Value) -> Int64 { if case let .int(x) = v { return x }; return Int64.min }
        for r in rows {
            let key = [r[0], r[1]]
            guard let b = best[key] else { best[key] = r; continue }
            let (rt, bt) = (rank(r[2]), rank(b[2])), (rr, br) = (rank(r[3]), rank(b[3])), (rp, bp) = (rank(r[4]), rank(b[4]))
            if rt > bt || (rt == bt && (rr < br || (rr == br && rp < bp))) { best[key] = r }
        }
        let expected = best.values.sorted { $0.description < $1.description }
        for attempt in 0 ..< 3 {
            let input = attempt == 0 ? rows : rows.shuffled(using: &rng)
            let out = try TX.run([.dedup(keys: ["k1", "k2"], orderBy: "ts", tieBreaker: "tb")], try RecordBatch(schema: schema, rows: input))
            #expect(TX.outRows(out).sorted { $0.description < $1.description } == expected)
            #expect(out.duplicatesDropped == rows.count - expected.count)
        }
    }

    @Test(arguments: SeededRandom.seeds(count: 3, base: 73))
    func aggregateMatchesReference(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let rows = TX.rows(&rng, count: 250)
        let batch = try RecordBatch(schema: TX.schema, rows: rows)
        let aggs = [AggregateSpec(function: .count, column: nil, alias: "n"), AggregateSpec(function: .count, column: "amount", alias: "n_amount"),
                    AggregateSpec(function: .sum, column: "amount", alias: "s_amount"), AggregateSpec(function: .sum, column: "price", alias: "s_price"),
                    AggregateSpec(function: .sum, column: "dec", alias: "s_dec"), AggregateSpec(function: .min, column: "amount", alias: "lo"),
                    AggregateSpec(function: .max, column: "text", alias: "hi"), AggregateSpec(function: .avg, column: "amount", alias: "mean"),
                    AggregateSpec(function: .avg, column: "dec", alias: "mean_dec"),
                    AggregateSpec(function: .countDistinct, column: "amount", alias: "nd")]
        let out = try TX.run([.aggregate(groupBy: ["grp"], aggregates: aggs)], batch)
        let b = out.batches[0]
        #expect(b.schema.fieldNames == ["grp"] + aggs.map(\.alias))
        #expect(b.schema.fields.map(\.type) == [.string, .long, .long, .long, .double, .decimal(precision: 19, scale: 2), .long, .string,
                                                .double, .double, .long])
        let groups: [Value] = [.null, .string("a"), .string("b"), .string("c")].filter { g in rows.contains { $0[1] == g } }
        let expected = groups.map { g -> [Value] in
            let m = rows.filter { $0[1] == g }
            let amounts = m.compactMap { r -> Int64? in if case let .int(a) = r[2] { return a }; return nil }
            let prices = m.compactMap { r -> Double? in if case let .double(p) = r[3] { return p }; return nil }
            let texts = m.compactMap { r -> String? in if case let .string(t) = r[4] { return t }; return nil }
            let decs = m.compactMap { r -> Int128? in if case let .decimal(d) = r[5] { return d }; return nil }
            func orNull<T>(_ xs: [T], _ f: ([T]) -> Value) -> Value { xs.isEmpty ? .null : f(xs) }
            return [g, .int(Int64(m.count)), .int(Int64(amounts.count)), orNull(amounts) { .int($0.reduce(0, +)) },
                    orNull(prices) { .double($0.reduce(0, +)) }, orNull(decs) { .decimal($0.reduce(0, +)) },
                    orNull(amounts) { .int($0.min() ?? 0) },
                    orNull(texts) { xs in .string(xs.max { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } ?? "") },
                    orNull(amounts) { .double(Double($0.reduce(0, +)) / Double($0.count)) },
                    orNull(decs) { xs in .double(xs.reduce(0.0) { $0 + Double($1) / 100 } / Double(xs.count)) },
                    .int(Int64(Set(amounts).count))]
        }
        #expect(b.rows.count == expected.count)
        for (got, want) in zip(b.rows, expected) {
            #expect(Array(got[0 ..< 8]) == Array(want[0 ..< 8]))
            #expect(got[10] == want[10])
            for c in [8, 9] { #expect(close(got[c], want[c]), "column \(c) of group \(want[0])") }
        }
    }

    func close(_ a: Value, _ b: Value) -> Bool {
        guard case let .double(x) = a, case let .double(y) = b else { return a == b }
        return abs(x - y) <= 1e-9 * max(1, abs(y))
    }

    @Test func aggregateWithoutGroupsGivesOneRowEvenForNoInput() throws {
        let empty = try RecordBatch(schema: TX.schema, rows: [])
        let out = try TX.run([.aggregate(groupBy: [], aggregates: [AggregateSpec(function: .count, column: nil, alias: "n"),
                                                                  AggregateSpec(function: .sum, column: "amount", alias: "s")])], empty)
        #expect(TX.outRows(out) == [[.int(0), .null]])
        #expect(throws: TarnError.self) {
            try TX.run([.aggregate(groupBy: [], aggregates: [AggregateSpec(function: .sum, column: "grp", alias: "s")])], empty)
        }
    }

    @Test(arguments: SeededRandom.seeds(count: 3, base: 79))
    func joinAddsDimensionColumnsOrNulls(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let rows = TX.rows(&rng, count: 120)
        let batch = try RecordBatch(schema: TX.schema, rows: rows)
        let dimSchema = StructType([StructField("grp", .string), StructField("label", .string), StructField("weight", .integer)])
        let dimRows: [[Value]] = [[.string("a"), .string("Alpha"), .int(1)], [.string("c"), .null, .int(3)], [.null, .string("nothing"), .int(9)]]
        let dim = try RecordBatch(schema: dimSchema, rows: dimRows)
        let out = try TX.run([.join(table: "dims/grp", on: ["grp"], columns: ["label", "weight"])], batch, dims: ["dims/grp": dim])
        let expected = rows.map { r -> [Value] in
            let match = dimRows.first { $0[0] != .null && $0[0] == r[1] }
            return r + [match?[1] ?? .null, match?[2] ?? .null]
        }
        #expect(TX.outRows(out) == expected)
        #expect(out.batches[0].schema.fieldNames == TX.schema.fieldNames + ["label", "weight"])

        let dup = try RecordBatch(schema: dimSchema, rows: dimRows + [[.string("c"), .string("again"), .int(4)]])
        do {
            _ = try TX.run([.join(table: "d", on: ["grp"], columns: ["label"])], batch, dims: ["d": dup])
            Issue.record("a dimension with a duplicate key must be refused")
        } catch let e as TarnError {
            #expect(e.message.contains("grp='c'"))
        }
    }

    @Test func unknownColumnsAreErrorsNamingTheColumn() throws {
        let batch = try RecordBatch(schema: TX.schema, rows: [])
        for t: TransformSpec in [.select(["nope"]), .rename(["nope": "x"]), .cast(column: "nope", to: .long), .filter("nope > 1"),
                                 .dedup(keys: ["nope"], orderBy: "id", tieBreaker: "id")] {
            #expect(throws: TarnError.self) { try TX.run([t], batch) }
        }
    }
}
