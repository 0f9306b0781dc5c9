// SCD2Tests: type 2 history against a reference model (key -> versions sorted by sequence, built
// from every record ever seen, first (key, sequence) wins) after random batches with late,
// out-of-order and duplicate records applied to a real table; plus plan() on a hand example.
import Foundation
import Testing
import TarnPipeline
import TarnTable
import TarnTestSupport

enum SC {
    static let schema = StructType([
        StructField("id", .long, nullable: false), StructField("region", .string, nullable: false),
        StructField("updated_at", .timestamp, nullable: false), StructField("name", .string), StructField("score", .double),
    ])
    static let keys = ["id", "region"], sequence = "updated_at"

    static func record(_ rng: inout SeededRandom) -> [Value] {
        [.int(Int64.random(in: 0 ... 5, using: &rng)), .string(["n", "s"].randomElement(using: &rng) ?? "n"),
         .timestamp(Int64.random(in: 0 ... 40, using: &rng) * 1_000_000), rng.chance(0.2) ? .null : .string("v\(Int.random(in: 0 ... 99, using: &rng))"),
         rng.chance(0.2) ? .null : .double(Double(Int.random(in: 0 ... 50, using: &rng)))]
    }

    /// The model: per key, sequence -> attributes; a batch adds its records in (sequence, text)
    /// order and never replaces a sequence already present.
    struct Model {
        var versions: [[Value]: [Int64: [Value]]] = [:]

        mutating func add(_ batch: [[Value]]) {
            let ordered = batch.sorted { a, b in
                let (x, y) = (seq(a), seq(b))
                return x != y ? x < y : less(a, b)
            }
            for r in ordered where versions[[r[0], r[1]], default: [:]][seq(r)] == nil {
                versions[[r[0], r[1]], default: [:]][seq(r)] = r
            }
        }

        /// Each record's smallest-remaining-columns rule, written out for this schema.
        func less(_ a: [Value], _ b: [Value]) -> Bool {
            for i in 3 ..< 5 where a[i] != b[i] {
                switch (a[i], b[i]) {
                case (.null, _): return true
                case (_, .null): return false
                case let (.string(x), .string(y)): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
                case let (.double(x), .double(y)): return x < y
                default: return false
                }
            }
            return false
        }

        func seq(_ r: [Value]) -> Int64 { if case let .timestamp(t) = r[2] { return t }; return -1 }

        var tableRows: [[Value]] {
            versions.values.flatMap { byStart -> [[Value]] in
                let starts = byStart.keys.sorted()
                return starts.enumerated().map { i, s in
                    let next: Value = i + 1 < starts.count ? .timestamp(starts[i + 1]) : .null
                    return (byStart[s] ?? []) + [.timestamp(s), next, .bool(i + 1 == starts.count)]
                }
            }.sorted { $0.description < $1.description }
        }
    }

    static func scan(_ path: String) throws -> [[Value]] {
        let t = try Table.open(path: path)
        return try Scan(snapshot: try t.snapshot(), store: t.store).batches().flatMap(\.rows).sorted { $0.description < $1.description }
    }
}

@Suite struct SCD2Tests {
    @Test func targetSchemaAppendsHistoryColumns() throws {
        let s = try SCD2.targetSchema(incoming: SC.schema, sequence: "updated_at")
        #expect(s.fieldNames == SC.schema.fieldNames + ["valid_from", "valid_to", "is_current"])
        #expect(s.fields.suffix(3).map(\.type) == [.timestamp, .timestamp, .boolean])
        #expect(s.field(named: "valid_to")?.nullable == true)
        #expect(throws: TarnError.self) { try SCD2.targetSchema(incoming: SC.schema, sequence: "nope") }
    }

    @Test func planInsertsALateVersionAndTouchesOnlyItsNeighbour() throws {
        let target = try SCD2.targetSchema(incoming: SC.schema, sequence: SC.sequence)
        func attrs(_ t: Int64, _ n: String) -> [Value] { [.int(1), .string("n"), .timestamp(t), .string(n), .null] }
        let current = try RecordBatch(schema: target, rows: [
            attrs(30, "c") + [.timestamp(30), .null, .bool(true)], attrs(10, "a") + [.timestamp(10), .timestamp(30), .bool(false)],
        ])
        let incoming = try RecordBatch(schema: SC.schema, rows: [attrs(20, "b"), attrs(10, "changed"), attrs(20, "a-later-dup")])
        let plan = try SCD2.plan(current: [current], incoming: [incoming], keys: SC.keys, sequence: SC.sequence)
        let rows = plan.flatMap(\.rows).sorted { $0.description < $1.description }
        #expect(rows == [attrs(10, "a") + [.timestamp(10), .timestamp(20), .bool(false)],
                         attrs(20, "a-later-dup") + [.timestamp(20), .timestamp(30), .bool(false)]])
        #expect(try SCD2.plan(current: [current], incoming: [try RecordBatch(schema: SC.schema, rows: [attrs(30, "x")])],
                              keys: SC.keys, sequence: SC.sequence).isEmpty)
    }

    @Test(arguments: SeededRandom.seeds(count: 3, base: 83))
    func randomBatchesMatchTheModel(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let dir = try Peer.temporaryDirectory("tarn-scd2")
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = Table(store: try LocalStore.open(root: dir.path))
        var model = SC.Model()
        var seen: [[Value]] = []
        var lastVersion: Int64 = -1
        for _ in 0 ..< 6 {
            var batch = (0 ..< Int.random(in: 3 ... 20, using: &rng)).map { _ in SC.record(&rng) }
            if !seen.isEmpty {
                for _ in 0 ..< 3 { batch.append(seen.randomElement(using: &rng) ?? batch[0]) }
                var twin = batch[0]
                twin[3] = .string("twin")
                batch.append(twin)
            }
            seen += batch
            let before = model.tableRows
            model.add(batch)
            let version = try SCD2.apply([try RecordBatch(schema: SC.schema, rows: batch)], to: table, keys: SC.keys, sequence: SC.sequence)
            if model.tableRows == before {
                #expect(version == nil)
            } else {
                let v = try #require(version)
                #expect(v > lastVersion)
                lastVersion = v
            }
            #expect(try SC.scan(dir.path) == model.tableRows)
            let again = try SCD2.apply([try RecordBatch(schema: SC.schema, rows: batch.shuffled(using: &rng))], to: table,
                                       keys: SC.keys, sequence: SC.sequence)
            #expect(again == nil)
            #expect(try Table.open(path: dir.path).snapshot().version == max(lastVersion, 0))
        }
        #expect(model.tableRows.count > 12)
    }

    @Test func nullKeysAndSchemaMismatchAreRefused() throws {
        let dir = try Peer.temporaryDirectory("tarn-scd2")
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = Table(store: try LocalStore.open(root: dir.path))
        let loose = StructType(SC.schema.fields.map { StructField($0.name, $0.type) })
        let bad = try RecordBatch(schema: loose, rows: [[.null, .string("n"), .timestamp(1), .null, .null]])
        #expect(throws: TarnError.self) { try SCD2.apply([bad], to: table, keys: SC.keys, sequence: SC.sequence) }
        let otherDir = try Peer.temporaryDirectory("tarn-scd2")
        defer { try? FileManager.default.removeItem(at: otherDir) }
        let other = Table(store: try LocalStore.open(root: otherDir.path))
        try other.create(schema: StructType([StructField("id", .string)]))
        let good = try RecordBatch(schema: SC.schema, rows: [[.int(1), .string("n"), .timestamp(1), .null, .null]])
        #expect(throws: TarnError.self) { try SCD2.apply([good], to: other, keys: SC.keys, sequence: SC.sequence) }
    }
}
