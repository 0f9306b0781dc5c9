// ZOrderQualityTests: every Z-order column weighs the same, measured as the issue measures it:
// events-like rows (customer_id uniform in 0...100000, category one of 50 names with gen_events.py's
// Zipf weights) sorted by key and cut into 40 equal files; per-file min/max must let point and
// range predicates on customer_id and equality on category each skip at least half of the files.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct ZOrderQualityTests {
    static let categories = [
        "electronics", "books", "clothing", "home", "garden", "toys", "sports", "beauty",
        "grocery", "automotive", "health", "jewelry", "music", "movies", "games", "office",
        "pets", "baby", "tools", "shoes", "outdoors", "kitchen", "furniture", "crafts",
        "software", "industrial", "luggage", "watches", "phones", "computers", "cameras",
        "audio", "appliances", "bedding", "lighting", "party", "travel", "tickets",
        "gift_cards", "subscriptions", "wine", "coffee", "snacks", "fitness", "cycling",
        "fishing", "camping", "stationery", "collectibles", "other",
    ]
    static let rowCount = 200_000
    static let fileCount = 40

    struct Events {
        var customerID: [Int64] = []
        var category: [Int] = []      // index into `categories`
    }

    static func events(seed: UInt64) -> Events {
        var rng = SeededRandom(seed: seed)
        let weights = (1 ... 50).map { 1 / pow(Double($0), 1.1) }
        var cumulative: [Double] = []
        for w in weights { cumulative.append((cumulative.last ?? 0) + w) }
        var e = Events()
        for _ in 0 ..< rowCount {
            e.customerID.append(Int64.random(in: 0 ... 100_000, using: &rng))
            let u = Double.random(in: 0 ..< 1, using: &rng) * (cumulative.last ?? 1)
            e.category.append(cumulative.firstIndex { u < $0 } ?? 49)
        }
        return e
    }

    static func columns(_ e: Events) -> [Column] {
        var offsets: [Int32] = [0]
        var data: [UInt8] = []
        for c in e.category {
            data += Array(categories[c].utf8)
            offsets.append(Int32(data.count))
        }
        return [Column(type: .long, count: e.customerID.count, validity: nil, storage: .int64(e.customerID)),
                Column(type: .string, count: e.category.count, validity: nil, storage: .bytes(offsets: offsets, data: data))]
    }

    /// Each category's position in byte-wise order (what min/max statistics compare).
    static let categoryPosition: [Int] = {
        let sorted = categories.indices.sorted { Array(categories[$0].utf8).lexicographicallyPrecedes(Array(categories[$1].utf8)) }
        var position = [Int](repeating: 0, count: categories.count)
        for (p, c) in sorted.enumerated() { position[c] = p }
        return position
    }()

    struct FileStats { var minID = Int64.max, maxID = Int64.min, minCategory = Int.max, maxCategory = Int.min }

    struct Skipping: CustomStringConvertible {
        var point: [Double] = [], range: [Double] = [], category: [Double] = []
        static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(max(1, x.count)) }
        var description: String {
            [("customer_id = k", point), ("customer_id BETWEEN k AND k+500", range), ("category = c", category)].map { name, x in
                "\(name): mean \(String(format: "%.2f", Self.mean(x))), min \(String(format: "%.2f", x.min() ?? 0))"
            }.joined(separator: "; ")
        }
    }

    /// Rows in `order` cut into equal files; the fraction of files min/max statistics skip per predicate.
    static func skipping(_ e: Events, order: [Int]) -> Skipping {
        let per = (order.count + fileCount - 1) / fileCount
        var files = [FileStats](repeating: FileStats(), count: fileCount)
        for (position, row) in order.enumerated() {
            let f = position / per
            files[f].minID = min(files[f].minID, e.customerID[row])
            files[f].maxID = max(files[f].maxID, e.customerID[row])
            let c = categoryPosition[e.category[row]]
            files[f].minCategory = min(files[f].minCategory, c)
            files[f].maxCategory = max(files[f].maxCategory, c)
        }
        func fraction(_ skip: (FileStats) -> Bool) -> Double { Double(files.filter(skip).count) / Double(files.count) }
        var rng = SeededRandom(seed: 77)
        var s = Skipping()
        for _ in 0 ..< 10 {
            let k = Int64.random(in: 0 ... 100_000, using: &rng)
            s.point.append(fraction { k < $0.minID || k > $0.maxID })
        }
        for _ in 0 ..< 10 {
            let k = Int64.random(in: 0 ... 99_500, using: &rng)
            s.range.append(fraction { k + 500 < $0.minID || k > $0.maxID })
        }
        for name in ["electronics", "books", "clothing", "toys", "music", "office", "wine", "other"] {
            let c = categoryPosition[categories.firstIndex(of: name) ?? 0]
            s.category.append(fraction { c < $0.minCategory || c > $0.maxCategory })
        }
        return s
    }

    /// Row indexes by key, ties in row order.
    static func order(_ keys: [some Comparable]) -> [Int] {
        keys.indices.sorted { keys[$0] < keys[$1] || keys[$0] == keys[$1] && $0 < $1 }
    }

    @Test(arguments: ZOrderCurve.allCases)
    func everyColumnClustersWhateverItsType(curve: ZOrderCurve) {
        let e = Self.events(seed: 20_240_601)
        let columns = Self.columns(e)
        var ranker = ZOrderRanker(types: [.long, .string], curve: curve)
        for start in stride(from: 0, to: Self.rowCount, by: 50_000) {   // sampled batch by batch
            let rows = (start ..< start + 50_000).map { Int32($0) }
            ranker.addSample(columns.map { $0.take(rows) })
        }
        let s = Self.skipping(e, order: Self.order(ranker.finish().keys(columns)))
        print("Z-order (\(curve)) by customer_id, category, \(Self.fileCount) files skipped: \(s)")
        for (name, fractions) in [("point", s.point), ("range", s.range), ("category", s.category)] {
            #expect(fractions.allSatisfy { $0 >= 0.5 }, "\(curve) \(name) predicates skip too little: \(fractions)")
        }
        let random = Self.skipping(e, order: Array(0 ..< Self.rowCount))
        #expect(Skipping.mean(random.point) < 0.1, "unclustered rows should skip almost nothing: \(random)")
    }

    /// What a byte-wise interleave of the raw order-preserving encodings does (the delta-rs shape):
    /// customer_id's five constant high bytes let category's first bytes decide the order.
    @Test func naiveByteInterleaveLetsTheStringDominate() {
        let e = Self.events(seed: 20_240_601)
        let keys = (0 ..< Self.rowCount).map { row -> UInt128 in
            let id = UInt64(bitPattern: e.customerID[row]) ^ (1 << 63)
            var name: UInt64 = 0
            for (i, b) in Self.categories[e.category[row]].utf8.prefix(8).enumerated() { name |= UInt64(b) << UInt64(56 - 8 * i) }
            var key: UInt128 = 0
            for bit in (0 ..< 64).reversed() {
                key = key << 2 | UInt128((id >> UInt64(bit)) & 1) << 1 | UInt128((name >> UInt64(bit)) & 1)
            }
            return key
        }
        let s = Self.skipping(e, order: Self.order(keys))
        print("naive bit interleave of raw bytes, \(Self.fileCount) files skipped: \(s)")
        #expect(Skipping.mean(s.point) < 0.5, "the naive key was expected to cluster customer_id poorly: \(s)")
    }
}
