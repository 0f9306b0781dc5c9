// ZOrderKeyTests: the Z-order key construction (spec/maintenance.md "Z-order key construction").
// Curves against naive references and the Hilbert curve's defining properties; ranks monotone in
// every type against the test's own total order; sampling, determinism, validation. The equal
// weighting check (file skipping on events-like data) is in ZOrderQualityTests.swift.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct ZOrderCurveTests {
    /// Bit by bit from the top level down, coordinate 0 first.
    static func naiveMorton(_ x: [UInt32], bits: Int) -> UInt64 {
        var key: UInt64 = 0
        for level in (0 ..< bits).reversed() {
            for c in x { key = key << 1 | UInt64((c >> UInt32(level)) & 1) }
        }
        return key
    }

    /// The 2-D Hilbert curve by its recursive definition: quadrants lower-left (transposed),
    /// upper-left, upper-right, lower-right (anti-transposed), each a curve of one order less.
    static func recursiveHilbert2D(_ x: UInt64, _ y: UInt64, order: Int) -> UInt64 {
        guard order > 0 else { return 0 }
        let h = UInt64(1) << UInt64(order - 1)
        let cell = h * h
        switch (x < h, y < h) {
        case (true, true): return recursiveHilbert2D(y, x, order: order - 1)
        case (true, false): return cell + recursiveHilbert2D(x, y - h, order: order - 1)
        case (false, false): return 2 * cell + recursiveHilbert2D(x - h, y - h, order: order - 1)
        case (false, true): return 3 * cell + recursiveHilbert2D(h - 1 - y, h - 1 - (x - h), order: order - 1)
        }
    }

    /// Every point of a grid of `dims` coordinates of `bits` bits.
    static func grid(dims: Int, bits: Int) -> [[UInt32]] {
        let side = 1 << bits
        return (0 ..< Int(pow(Double(side), Double(dims)))).map { i in
            (0 ..< dims).map { d in UInt32((i / Int(pow(Double(side), Double(d)))) % side) }
        }
    }

    @Test func mortonMatchesNaiveInterleave() {
        var rng = SeededRandom(seed: 11)
        for dims in 1 ... 8 {
            let bits = min(32, 64 / dims)
            let top = bits == 32 ? UInt32.max : (UInt32(1) << UInt32(bits)) - 1
            var points = [[UInt32]](repeating: [UInt32](repeating: top, count: dims), count: 1)
            points.append([UInt32](repeating: 0, count: dims))
            for _ in 0 ..< 500 { points.append((0 ..< dims).map { _ in UInt32.random(in: 0 ... top, using: &rng) }) }
            for p in points {
                #expect(ZOrderCurve.morton.index(p, bitsPerDimension: bits) == Self.naiveMorton(p, bits: bits), "\(p) bits \(bits)")
            }
        }
    }

    @Test(arguments: [(1, 6), (2, 1), (2, 5), (3, 3), (4, 2), (5, 2), (8, 1), (3, 4)])
    func hilbertIsABijectionOfNeighbours(dims: Int, bits: Int) {
        let points = Self.grid(dims: dims, bits: bits)
        var byIndex = [[UInt32]?](repeating: nil, count: points.count)
        for p in points {
            let h = Int(ZOrderCurve.hilbert.index(p, bitsPerDimension: bits))
            guard h < points.count, byIndex[h] == nil else {
                Issue.record("index \(h) of \(p) is out of range or taken (dims \(dims), bits \(bits))")
                return
            }
            byIndex[h] = p
        }
        #expect(byIndex[0] == [UInt32](repeating: 0, count: dims), "the curve starts at the origin")
        for h in 1 ..< points.count {
            guard let a = byIndex[h - 1], let b = byIndex[h] else { continue }
            let steps = zip(a, b).map { abs(Int($0) - Int($1)) }
            #expect(steps.reduce(0, +) == 1, "indexes \(h - 1) → \(h): \(a) → \(b) are not grid neighbours")
        }
    }

    @Test func hilbert2DMatchesRecursiveDefinition() {
        for order in 1 ... 6 {
            for p in Self.grid(dims: 2, bits: order) {
                let expected = Self.recursiveHilbert2D(UInt64(p[0]), UInt64(p[1]), order: order)
                #expect(ZOrderCurve.hilbert.index(p, bitsPerDimension: order) == expected, "\(p) order \(order)")
            }
        }
        var rng = SeededRandom(seed: 12)
        for _ in 0 ..< 2000 {
            let p = [UInt32.random(in: 0 ... .max, using: &rng), UInt32.random(in: 0 ... .max, using: &rng)]
            #expect(ZOrderCurve.hilbert.index(p, bitsPerDimension: 32) == Self.recursiveHilbert2D(UInt64(p[0]), UInt64(p[1]), order: 32))
        }
    }
}

@Suite struct ZOrderRankTests {
    /// The test's own total order: null first, numbers by value with −0.0 = 0.0 and NaN last,
    /// strings and binary byte-wise unsigned.
    static func order(_ a: Value, _ b: Value) -> Int {
        func cmp<C: Comparable>(_ x: C, _ y: C) -> Int { x < y ? -1 : x > y ? 1 : 0 }
        func floating(_ x: Double, _ y: Double) -> Int {
            if x.isNaN || y.isNaN { return x.isNaN && y.isNaN ? 0 : x.isNaN ? 1 : -1 }
            return cmp(x, y)
        }
        func bytes(_ x: [UInt8], _ y: [UInt8]) -> Int {
            x == y ? 0 : x.lexicographicallyPrecedes(y) ? -1 : 1
        }
        switch (a, b) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case let (.bool(x), .bool(y)): return cmp(x ? 1 : 0, y ? 1 : 0)
        case let (.int(x), .int(y)): return cmp(x, y)
        case let (.date(x), .date(y)): return cmp(x, y)
        case let (.timestamp(x), .timestamp(y)): return cmp(x, y)
        case let (.decimal(x), .decimal(y)): return cmp(x, y)
        case let (.float(x), .float(y)): return floating(Double(x), Double(y))
        case let (.double(x), .double(y)): return floating(x, y)
        case let (.string(x), .string(y)): return bytes(Array(x.utf8), Array(y.utf8))
        case let (.binary(x), .binary(y)): return bytes(x, y)
        default:
            Issue.record("incomparable \(a) and \(b)")
            return 0
        }
    }

    static func values(_ type: DataType, count: Int, _ rng: inout SeededRandom) -> [Value] {
        (0 ..< count).map { _ in
            if type == .string, !rng.chance(0.1) {     // shared prefixes, prefixes of each other
                let prefix = ["", "a", "ab", "abc", "abd", "b", "é", "a\u{0}", "12345678", "123456789", "1234567\u{0}", "1234567"].randomElement(using: &rng) ?? ""
                let suffix = (0 ..< Int.random(in: 0 ... 3, using: &rng)).map { _ in ["a", "b", "\u{0}", "z", "é"].randomElement(using: &rng) ?? "" }
                return .string(prefix + suffix.joined())
            }
            if type == .long, rng.chance(0.3) { return .int(Int64.random(in: -3 ... 3, using: &rng)) }
            return RandomData.value(type, nullable: true, &rng, nullRate: 0.1)
        }
    }

    static func fit(_ column: Column, copies: Int, sample: [Column], capacity: Int = ZOrderRanker.defaultSampleCapacity) -> ZOrderRanks {
        var ranker = ZOrderRanker(types: Array(repeating: column.type, count: copies), sampleCapacity: capacity)
        for s in sample { ranker.addSample(Array(repeating: s, count: copies)) }
        return ranker.finish()
    }

    @Test(arguments: RandomData.primitiveTypes)
    func ranksAreMonotoneInTheValue(type: DataType) throws {
        for seed in SeededRandom.seeds(count: 2, base: 40) {
            var rng = SeededRandom(seed: seed)
            let values = Self.values(type, count: 2000, &rng)
            let column = try Column(type: type, values: values)
            // The first 1000 values are the sample, added in two batches; the rest are unseen.
            let sample = try [Array(values[0 ..< 400]), Array(values[400 ..< 1000])].map { try Column(type: type, values: $0) }
            for copies in [1, 3, 8] {
                let ranked = Self.fit(column, copies: copies, sample: sample)
                let ranks = ranked.ranks(column, index: 0)
                let bits = ranked.bitsPerColumn
                #expect(bits == min(ZOrderRanker.maxBitsPerColumn, 64 / copies))
                let top = UInt64(1) << UInt64(bits)
                let sorted = values.indices.sorted { Self.order(values[$0], values[$1]) < 0 }
                for (i, j) in zip(sorted, sorted.dropFirst()) {
                    let o = Self.order(values[i], values[j])
                    #expect(o == 0 ? ranks[i] == ranks[j] : ranks[i] <= ranks[j],
                            "\(type) seed \(seed) bits \(bits): \(values[i]) → \(ranks[i]), \(values[j]) → \(ranks[j])")
                }
                for (v, r) in zip(values, ranks) {
                    #expect((r == 0) == v.isNull && UInt64(r) < top, "\(type) \(v) has rank \(r) of \(bits) bits")
                }
                let present = ranks.filter { $0 > 0 }.map { Double($0) / Double(top) }
                let seen = values[0 ..< 1000].filter { !$0.isNull }.sorted { Self.order($0, $1) < 0 }
                let distinct = seen.isEmpty ? 0 : 1 + zip(seen, seen.dropFirst()).filter { Self.order($0, $1) != 0 }.count
                if distinct > 20 {                 // the ranks cover the whole range
                    #expect((present.min() ?? 1) < 0.1 && (present.max() ?? 0) > 0.9, "\(type) bits \(bits)")
                }
                if distinct <= min((1 << bits) - 1, ZOrderRanker.maxBuckets) {    // few values: one rank each
                    let sampled = Set(zip(values[0 ..< 1000], ranks).filter { !$0.0.isNull }.map(\.1))
                    #expect(sampled.count == distinct, "\(type) bits \(bits): \(distinct) values, \(sampled.count) ranks")
                }
            }
        }
    }

    @Test func floatingPointOrderPutsNaNLastAndZerosTogether() throws {
        let values: [Value] = [.double(-.infinity), .double(-1), .double(-0.0), .double(0.0), .double(5e-324),
                               .double(.infinity), .double(.nan), .double(-.nan), .null]
        for type in [DataType.double, .float] {
            let vs = type == .float ? values.map { v in v.doubleValue.map { Value.float(Float($0)) } ?? v } : values
            let column = try Column(type: type, values: vs)
            let r = Self.fit(column, copies: 2, sample: [column]).ranks(column, index: 0)
            #expect(r[8] == 0 && r[0] < r[1] && r[1] < r[2] && r[2] == r[3] && r[3] <= r[4] && r[4] < r[5] && r[5] < r[6] && r[6] == r[7],
                    "\(type): \(r)")
        }
    }

    @Test func equiDepthBucketsSpreadSkewedColumns() throws {
        var rng = SeededRandom(seed: 41)
        // Half the rows are 0, the rest uniform: 0 sits at a quarter of the range, the rest above it evenly.
        let values = (0 ..< 40_000).map { i in Int64(i % 2 == 0 ? 0 : Int64.random(in: 1 ... 1_000_000, using: &rng)) }
        let column = Column(type: .long, count: values.count, validity: nil, storage: .int64(values))
        let ranked = Self.fit(column, copies: 8, sample: [column])
        let ranks = ranked.ranks(column, index: 0)
        let share = Double(ranks[0]) / 255
        #expect(share > 0.2 && share < 0.3, "rank of the value holding half the rows: \(ranks[0])")
        var perRank = [Int](repeating: 0, count: 256)
        for (v, r) in zip(values, ranks) where v != 0 { perRank[Int(r)] += 1 }
        let upper = perRank[Int(ranks[0]) + 1 ..< 256]
        #expect(upper.allSatisfy { $0 <= 3 * 20_000 / upper.count }, "buckets above 0 are not equi-depth: \(upper.max() ?? 0)")
        #expect(ranked.bucketCount(0) <= 255)
    }

    @Test func nullsAndEmptySamplesRankPredictably() throws {
        let column = try Column(type: .string, values: [.string("x"), .null, .string("y")])
        let empty = try Column(type: .string, values: [])
        let ranked = Self.fit(column, copies: 1, sample: [empty])
        let middle = UInt32(1) << UInt32(ranked.bitsPerColumn - 1)
        #expect(ranked.ranks(column, index: 0) == [middle, 0, middle])    // no sample: one bucket in the middle
        let allNull = try Column(type: .string, values: [.null, .null])
        #expect(Self.fit(allNull, copies: 2, sample: [allNull]).ranks(allNull, index: 0) == [0, 0])
    }

    @Test func keysAreTheCurveOfTheRanksAndDeterministic() throws {
        var rng = SeededRandom(seed: 42)
        let types: [DataType] = [.decimal(precision: 18, scale: 2), .string, .timestamp]
        let columns = try types.map { t in try Column(type: t, values: Self.values(t, count: 3000, &rng)) }
        for curve in ZOrderCurve.allCases {
            // A small capacity makes the sampler halve its sample several times.
            func build() -> ZOrderRanks {
                var ranker = ZOrderRanker(types: types, curve: curve, sampleCapacity: 100)
                for start in stride(from: 0, to: 3000, by: 700) {
                    let rows = (start ..< min(3000, start + 700)).map { Int32($0) }
                    ranker.addSample(columns.map { $0.take(rows) })
                }
                return ranker.finish()
            }
            let ranked = build()
            let keys = ranked.keys(columns)
            #expect(keys == build().keys(columns), "same input, same keys")
            let ranks = (0 ..< 3).map { ranked.ranks(columns[$0], index: $0) }
            for i in 0 ..< 3000 {
                let expected = curve.index(ranks.map { $0[i] }, bitsPerDimension: ranked.bitsPerColumn)
                #expect(keys[i] == expected)
            }
            #expect(ranked.bitsPerColumn == 16 && (0 ..< 3).allSatisfy { ranked.bucketCount($0) <= 101 })
        }
    }

    @Test func validationNamesTheColumn() throws {
        #expect(throws: Never.self) {
            try ZOrderRanker.validate(columns: RandomData.primitiveTypes.prefix(8).enumerated().map { ("c\($0.offset)", $0.element) })
        }
        func code(_ columns: [(name: String, type: DataType)]) -> TarnError? {
            do { try ZOrderRanker.validate(columns: columns, table: "t") } catch let e as TarnError { return e } catch { return nil }
            return nil
        }
        #expect(code([])?.code == .invalidArgument)
        #expect(code((0 ..< 9).map { ("c\($0)", DataType.long) })?.code == .invalidArgument)
        let nested = code([("id", .long), ("tags", .array(element: .string, containsNull: true))])
        #expect(nested?.code == .unsupportedFeature && nested?.column == "tags")
    }
}
