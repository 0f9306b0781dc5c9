// OPTIMIZE ZORDER BY on tables: rows are kept at every version, files are tagged with the
// clustering, a re-run does nothing, only new files are clustered incrementally (all with full),
// and on events-like data (40 files in random order) half the files are skipped by statistics
// for customer_id point and range predicates and for category equality, with both curves.
import Foundation
import Testing
@testable import TarnTable
import TarnParquet
import TarnTestSupport

@Suite struct ZOrderTableTests {
    static let schema = StructType([StructField("id", .long, nullable: false), StructField("customer_id", .long),
                                    StructField("category", .string), StructField("amount", .double)])
    static let categories = (0 ..< 50).map { "category-\($0)" }

    /// `files` files of events-like rows in random order.
    static func table(rows: Int, files: Int, seed: UInt64) throws -> Table {
        var rng = SeededRandom(seed: seed)
        let (table, _) = T.memoryTable()
        let perFile = rows / files
        for f in 0 ..< files {
            var ids: [Int64] = [], customers: [Int64] = [], amounts: [Double] = []
            var offsets: [Int32] = [0], text: [UInt8] = []
            for i in 0 ..< perFile {
                // Zipf-like category: the first ones are much more common.
                let u = Double.random(in: 0 ..< 1, using: &rng)
                text += Array(categories[min(49, Int(50 * u * u * u))].utf8)
                offsets.append(Int32(text.count))
                ids.append(Int64(f * perFile + i))
                customers.append(Int64.random(in: 0 ... 100_000, using: &rng))
                amounts.append(Double(Int.random(in: 0 ... 100_000, using: &rng)) / 100)
            }
            let columns = [Column(type: .long, count: perFile, validity: nil, storage: .int64(ids)),
                           Column(type: .long, count: perFile, validity: nil, storage: .int64(customers)),
                           Column(type: .string, count: perFile, validity: nil, storage: .bytes(offsets: offsets, data: text)),
                           Column(type: .double, count: perFile, validity: nil, storage: .double(amounts))]
            _ = try table.write([RecordBatch(schema: schema, columns: columns, count: perFile)])
        }
        return table
    }

    /// Every row as (id, customer_id, category, amount), sorted by id: a rewrite must keep the
    /// values of a row together.
    static func ids(_ table: Table) throws -> [String] {
        var out: [(Int64, String)] = []
        for b in try Scan(snapshot: try table.snapshot(), store: table.store).batches() {
            guard case let .int64(id) = b.columns[0].storage, case let .int64(c) = b.columns[1].storage,
                  case let .bytes(o, d) = b.columns[2].storage, case let .double(a) = b.columns[3].storage else { continue }
            for i in 0 ..< b.count {
                let cat = String(decoding: d[Int(o[i]) ..< Int(o[i + 1])], as: UTF8.self)
                out.append((id[i], "\(id[i]),\(c[i]),\(cat),\(a[i])"))
            }
        }
        return out.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Fraction of files whose min/max statistics rule out `predicate`.
    static func skipped(_ table: Table, _ text: String) throws -> Double {
        let s = try table.snapshot()
        let planned = try Scan(snapshot: s, store: table.store, condition: try RowCondition.parse(text, schema: s.schema)).plannedFiles()
        return Double(planned.skipped) / Double(planned.files.count + planned.skipped)
    }

    @Test(arguments: [(ZOrderCurve.morton, 1), (.morton, 3), (.hilbert, 2)])
    func clusteringSkipsHalfTheFiles(curve: ZOrderCurve, lanes: Int) throws {
        let table = try ZOrderTableTests.table(rows: 120_000, files: 40, seed: 99)
        let before = try ZOrderTableTests.ids(table)
        var o = OptimizeOptions()
        o.zOrderBy = ["customer_id", "category"]
        o.curve = curve
        o.lanes = lanes
        let bytes = try table.snapshot().files.reduce(0) { $0 + $1.size }
        o.targetFileSizeBytes = Int(bytes / 50)   // clustered rows compress better: aim for about 40 files
        let r = try table.optimize(o)
        print("z-order \(curve), \(lanes) lanes: \(r.filesRemoved) files (\(bytes) bytes) into \(r.filesAdded) files, target \(o.targetFileSizeBytes ?? 0)")
        #expect(r.committed && (30 ... 55).contains(r.filesAdded), "\(r.filesAdded) files")
        #expect(try ZOrderTableTests.ids(table) == before)
        var rng = SeededRandom(seed: 7)
        var point = 0.0, range = 0.0, category = 0.0
        for _ in 0 ..< 10 {
            let k = Int.random(in: 0 ... 100_000, using: &rng)
            point += try ZOrderTableTests.skipped(table, "customer_id = \(k)") / 10
            range += try ZOrderTableTests.skipped(table, "customer_id BETWEEN \(k) AND \(k + 500)") / 10
        }
        for c in ZOrderTableTests.categories.prefix(10) { category += try ZOrderTableTests.skipped(table, "category = '\(c)'") / 10 }
        print("z-order \(curve), \(lanes) lanes: files skipped: customer_id point \(point), range \(range), category \(category)")
        #expect(point >= 0.5 && range >= 0.5 && category >= 0.5, "point \(point) range \(range) category \(category)")
    }

    /// A string clustering column held as dictionary codes gets the keys its values get.
    @Test func codedColumnsGetTheKeysOfTheirValues() throws {
        var rng = SeededRandom(seed: 3)
        let n = 5_000
        let ids = Column(type: .long, count: n, validity: nil, storage: .int64((0 ..< n).map { _ in Int64.random(in: 0 ... 1_000, using: &rng) }))
        let values: [Value] = (0 ..< n).map { _ in Int.random(in: 0 ..< 9, using: &rng) == 0 ? .null : .string("c\(Int.random(in: 0 ..< 30, using: &rng))") }
        let strings = try Column(type: .string, values: values)
        for curve in ZOrderCurve.allCases {
            var ranker = ZOrderRanker(types: [.long, .string], curve: curve)
            ranker.addSample([ids, strings])
            let ranked = ranker.finish()
            let coding = try #require(DictionaryCoding.make([strings]))
            let part = coding.part(0)
            let coded = ZOrderRanks.CodedRanks(codes: part.codes, validity: part.validity,
                                               ranks: ranked.ranks(coding.dictionaryColumn, index: 1))
            let want = ranked.keys([ids, strings])
            let got = [UInt64](unsafeUninitializedCapacity: n) { out, done in
                ranked.keys([ids, strings], coded: [1: coded], into: out)
                done = n
            }
            #expect(got == want, "\(curve)")
        }
    }

    /// Lanes cut the sorted rows at whole estimated files and cover every row once.
    @Test func lanesCoverTheRowsAtFileBoundaries() throws {
        let table = try ZOrderTableTests.table(rows: 1_000, files: 2, seed: 1)
        let s = try table.snapshot()
        var o = OptimizeOptions()
        o.zOrderBy = ["customer_id"]
        for (rows, bytes, target, lanes) in [(1_000_000, Int64(100_000_000), 10_000_000, 2), (1_000_000, Int64(100_000_000), 10_000_000, 3),
                                             (10, Int64(100), 1_000, 4), (999, Int64(1_000), 10, 7), (0, Int64(0), 10, 2)] {
            o.targetFileSizeBytes = target
            let rewrite = try OptimizeRewrite(table: table, snapshot: s, options: o, plan: OptimizePlan(
                bins: [], consideredFiles: 0, skippedFiles: 0, targetFileSizeBytes: target))
            let ranges = rewrite.laneRanges(rows: rows, bytes: bytes, lanes: lanes)
            let rowsPerFile = max(1, Int(Double(target) * Double(rows) / Double(max(1, bytes))))
            #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == rows && ranges.count <= lanes)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && $0.upperBound % rowsPerFile == 0 })
            #expect(ranges.count == 1 || ranges.allSatisfy { !$0.isEmpty }, "\(ranges)")
        }
    }

    @Test func reRunsAreIncremental() throws {
        let table = try ZOrderTableTests.table(rows: 4_000, files: 8, seed: 5)
        var o = OptimizeOptions()
        o.zOrderBy = ["customer_id", "category"]
        let first = try table.optimize(o)
        #expect(first.committed && first.filesRemoved == 8)
        #expect(try table.snapshot().files.allSatisfy { $0.tags?["tarn.zOrderBy"] == "morton:customer_id,category" })
        #expect(!(try table.optimize(o)).committed)
        _ = try table.write([try RecordBatch(schema: ZOrderTableTests.schema, rows: [[.int(-1), .int(5), .string("x"), .double(1)]])])
        let incremental = try table.optimize(o)
        #expect(incremental.committed && incremental.filesRemoved == 1)
        o.curve = .hilbert   // other clustering: every file is redone
        let other = try table.optimize(o)
        #expect(other.filesRemoved == first.filesAdded + 1)
        o.full = true
        #expect(try table.optimize(o).filesRemoved == other.filesAdded)
        #expect(try T.rows(table).count == 4_001)
        o.zOrderBy = ["nope"]
        #expect(throws: TarnError.self) { try table.optimize(o) }
    }
}
