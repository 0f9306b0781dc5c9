// The Delta golden tables (../shared/conformance/delta-golden), one parameterised test per case
// of MANIFEST.tsv: snapshot cases scan the latest snapshot and compare it with expected/*.parquet
// as a multiset of canonical rows; negative cases must fail with a clear TarnError; special
// cases check what their note says (DeltaConformanceSpecialTests.swift).
import Foundation
import Testing
import TarnTable
import TarnTestSupport

struct GoldenCase: CustomTestStringConvertible, Sendable {
    let name: String
    let kind: String
    let note: String
    var testDescription: String { name }
    var table: URL { Peer.conformanceRoot.appendingPathComponent(name).appendingPathComponent("delta") }
    var expected: URL { Peer.conformanceRoot.appendingPathComponent(name).appendingPathComponent("expected") }

    static let all: [GoldenCase] = {
        let manifest = Peer.conformanceRoot.appendingPathComponent("MANIFEST.tsv")
        guard let text = try? String(contentsOf: manifest, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return f.count >= 2 ? GoldenCase(name: f[0], kind: f[1], note: f.count > 2 ? f[2] : "") : nil
        }
    }()

    static func kind(_ k: String) -> [GoldenCase] { all.filter { $0.kind == k } }
}

enum Golden {
    static func open(_ url: URL) throws -> Table { try Table.open(path: url.path) }

    /// Canonical rows of `batches` with columns in `order` (by name, case-insensitive).
    static func rows(_ batches: [RecordBatch], order: [String]) throws -> [String] {
        var out: [String] = []
        for b in batches {
            let projected = try b.project(names: order.map { name in b.schema.fields.first { $0.name.lowercased() == name.lowercased() }?.name ?? name })
            out += RowJSON.lines(projected)
        }
        return out
    }

    static func expectedBatches(_ dir: URL) throws -> [RecordBatch] {
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".parquet") }.sorted()
        return try files.flatMap { f in
            try ParquetFile(source: MemorySource([UInt8](Data(contentsOf: dir.appendingPathComponent(f))), name: f)).readAll()
        }
    }
}

@Suite struct DeltaConformanceTests {
    @Test func manifestHasEveryCase() {
        #expect(GoldenCase.kind("snapshot").count == 71)
        #expect(GoldenCase.kind("negative").count == 7)
        #expect(GoldenCase.kind("special").count == 11)
    }

    @Test(arguments: GoldenCase.kind("snapshot"))
    func snapshot(_ c: GoldenCase) throws {
        let table = try Golden.open(c.table)
        let snapshot = try table.snapshot()
        let scan = try Scan(snapshot: snapshot, store: table.store)
        let actual = try scan.batches()
        let expected = try Golden.expectedBatches(c.expected)
        let names = snapshot.schema.fieldNames
        // Types: every expected column exists in the table with the same type (nullability may differ).
        if let e = expected.first {
            for f in e.schema.fields {
                guard let t = snapshot.schema.field(named: f.name) else {
                    Issue.record("\(c.name): expected column \(f.name) is not in the table schema \(names)")
                    continue
                }
                #expect(t.type == f.type || Self.sameIgnoringNullability(t.type, f.type), "\(c.name): column \(f.name) is \(t.type), expected \(f.type)")
            }
        }
        var order = expected.first?.schema.fieldNames ?? names
        if c.name == "data-reader-partition-values" {
            // MANIFEST: as_timestamp's expected values were written in another time zone; the
            // partition values carry no zone (Tarn reads them as UTC). Compare it as an instant up
            // to that constant whole-hour offset, and every other column exactly.
            try Self.compareShiftedInstants(actual, expected, column: "as_timestamp", key: "value")
            order.removeAll { $0 == "as_timestamp" }
        }
        let got = try Golden.rows(actual, order: order).sorted()
        let want = try Golden.rows(expected, order: order).sorted()
        #expect(got.count == want.count, "\(c.name): \(got.count) rows, expected \(want.count)")
        if got != want {
            let missing = Set(want).subtracting(got).prefix(3), extra = Set(got).subtracting(want).prefix(3)
            Issue.record("\(c.name): rows differ; missing \(Array(missing)) extra \(Array(extra))")
        }
    }

    /// Every row's `column` differs from the expected row (matched by `key`) by one constant
    /// offset that is a whole number of hours.
    static func compareShiftedInstants(_ actual: [RecordBatch], _ expected: [RecordBatch], column: String, key: String) throws {
        func pairs(_ batches: [RecordBatch]) -> [String: Value] {
            var out: [String: Value] = [:]
            for b in batches {
                guard let k = b.column(named: key), let c = b.column(named: column) else { continue }
                for r in 0 ..< b.count { out[k.value(at: r).description] = c.value(at: r) }
            }
            return out
        }
        let a = pairs(actual), e = pairs(expected)
        #expect(a.count == e.count && !a.isEmpty)
        var offsets = Set<Int64>()
        for (k, v) in a {
            switch (v, e[k]) {
            case let (.timestamp(x), .timestamp(y)?): offsets.insert(y - x)
            case (.null, .null?): continue
            default: Issue.record("\(column) for \(key)=\(k): \(v) vs \(String(describing: e[k]))")
            }
        }
        #expect(offsets.count <= 1, "offsets \(offsets)")
        if let o = offsets.first { #expect(o % 3_600_000_000 == 0, "offset \(o) µs is not whole hours") }
    }

    static func sameIgnoringNullability(_ a: DataType, _ b: DataType) -> Bool {
        switch (a, b) {
        case let (.struct(x), .struct(y)):
            return x.fields.count == y.fields.count && zip(x.fields, y.fields).allSatisfy { $0.name == $1.name && sameIgnoringNullability($0.type, $1.type) }
        case let (.array(x, _), .array(y, _)): return sameIgnoringNullability(x, y)
        case let (.map(k1, v1, _), .map(k2, v2, _)): return sameIgnoringNullability(k1, k2) && sameIgnoringNullability(v1, v2)
        default: return a == b
        }
    }

    @Test(arguments: GoldenCase.kind("negative"))
    func negative(_ c: GoldenCase) throws {
        do {
            let table = try Golden.open(c.table)
            let s = try table.snapshot()
            _ = try Scan(snapshot: s, store: table.store).batches()
            Issue.record("\(c.name): opened without error (\(c.note))")
        } catch let e as TarnError {
            #expect(!e.message.isEmpty)
            let expected: [String: TarnError.Code] = [
                "deltalog-invalid-protocol-version": .unsupportedFeature,
                "no-delta-log-folder": .notFound,
                "versions-not-contiguous": .corruption,
            ]
            if let code = expected[c.name] { #expect(e.code == code, "\(c.name): \(e)") }
            print("\(c.name): \(e)")
        }
    }
}
