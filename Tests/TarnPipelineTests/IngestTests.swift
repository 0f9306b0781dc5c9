// IngestTests: FileIngest against a reference model. Seeded JSON-lines and CSV files mix good
// records with every kind of bad one; the model (plain loops) knows each record's expected
// typed row or rejection (line, code, column). Also Parquet (good and corrupt) and globbing.
import Foundation
import Testing
import TarnParquet
import TarnPipeline
import TarnTestSupport

/// The contract of these tests and the model's view of a record.
enum IngestModel {
    static let contract = Contract(fields: [
        ContractField(name: "id", type: .long, nullable: false),
        ContractField(name: "name", type: .string),
        ContractField(name: "amount", type: .double),
        ContractField(name: "day", type: .date),
        ContractField(name: "ts", type: .timestamp),
    ])
    /// 2024-01-01 in days since the epoch.
    static let jan1: Int64 = 19_723

    struct Expected {
        var rows: [[Value]] = []
        var rejects: [(line: Int, code: RejectCode, column: String?)] = []
        var records = 0
    }

    static func dir() throws -> String { try Peer.temporaryDirectory("tarn-ingest").path }

    static func write(_ text: String, _ dir: String, _ name: String) throws -> SourceFile {
        let path = dir + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return SourceFile(path: path, name: name, modifiedMillis: 0, sizeBytes: Int64(text.utf8.count))
    }

    static func dayText(_ d: Int) -> String { "2024-01-" + (d < 10 ? "0\(d)" : "\(d)") }
    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// A random good record's values (id, name?, amount?, day 1...28, seconds of day).
    static func good(_ rng: inout SeededRandom, id: Int64) -> (name: String?, amount: Double?, day: Int, secs: Int) {
        let name: String? = rng.chance(0.2) ? nil : ["ann", "bo, jr", "ç\"q", "dee"][Int.random(in: 0 ..< 4, using: &rng)]
        let amount: Double? = rng.chance(0.2) ? nil : Double(Int.random(in: -5000 ... 5000, using: &rng)) / 4
        return (name, amount, Int.random(in: 1 ... 28, using: &rng), Int.random(in: 0 ..< 86_400, using: &rng))
    }

    static func row(_ id: Int64, _ g: (name: String?, amount: Double?, day: Int, secs: Int)) -> [Value] {
        let days = jan1 + Int64(g.day - 1)
        return [.int(id), g.name.map(Value.string) ?? .null, g.amount.map(Value.double) ?? .null, .date(Int32(days)),
                .timestamp((days * 86_400 + Int64(g.secs)) * 1_000_000)]
    }

    static func tsText(_ g: (name: String?, amount: Double?, day: Int, secs: Int)) -> String {
        "\(dayText(g.day))T\(two(g.secs / 3600)):\(two(g.secs / 60 % 60)):\(two(g.secs % 60))Z"
    }

    static func jsonString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Typed rows of `result` without the lineage columns, in order.
    static func rows(_ result: IngestResult) -> [[Value]] {
        result.batches.flatMap { b in b.rows.map { Array($0.prefix(b.schema.fields.count - 3)) } }
    }

    static func checkInvariant(_ r: IngestResult) {
        #expect(r.rowsRead == r.batches.reduce(0) { $0 + $1.count } + r.rejected.count)
    }
}

@Suite struct IngestTests {
    typealias M = IngestModel

    /// A JSON-lines file of `n` records; returns its text and the model's expectations.
    static func jsonFile(_ rng: inout SeededRandom, n: Int) -> (String, M.Expected) {
        var lines: [String] = [], e = M.Expected()
        for i in 0 ..< n {
            let id = Int64(i)
            let g = M.good(&rng, id: id)
            let lineNo = lines.count + 1
            var fields = ["\"id\": \(rng.chance(0.1) ? "\"\(id)\"" : "\(id)")",
                          "\"name\": \(g.name.map(M.jsonString) ?? "null")",
                          "\"day\": \"\(M.dayText(g.day))\"", "\"ts\": \"\(M.tsText(g))\""]
            if let a = g.amount { fields.append("\"amount\": \(a)") }
            let kind = Int.random(in: 0 ..< 12, using: &rng)
            e.records += 1
            switch kind {
            case 0: lines.append("{\"id\": 1, \"name\": "); e.rejects.append((lineNo, .jsonParseError, nil))
            case 1: lines.append("[1, 2]"); e.rejects.append((lineNo, .jsonParseError, nil))
            case 2: fields[0] = rng.chance(0.5) ? "\"id\": null" : "\"other\": 1"
                fields.removeAll { $0.hasPrefix("\"other\"") }
                lines.append("{" + fields.shuffled(using: &rng).joined(separator: ", ") + "}")
                e.rejects.append((lineNo, .missingRequiredField, "id"))
            case 3: fields[0] = ["\"id\": \"abc\"", "\"id\": 3.5", "\"id\": 99999999999999999999"][Int.random(in: 0 ..< 3, using: &rng)]
                lines.append("{" + fields.joined(separator: ", ") + "}")
                e.rejects.append((lineNo, .typeCastError, "id"))
            case 4: fields[2] = "\"day\": \"2024-13-45\""
                lines.append("{" + fields.joined(separator: ", ") + "}")
                e.rejects.append((lineNo, .typeCastError, "day"))
            default:
                lines.append("{" + fields.shuffled(using: &rng).joined(separator: ", ") + "}")
                e.rows.append(M.row(id, g))
            }
            if rng.chance(0.05) { lines.append("   ") }   // blank: not a record
        }
        return (lines.joined(separator: "\n") + "\n", e)
    }

    @Test(arguments: SeededRandom.seeds(count: 3, base: 61))
    func jsonLinesMatchTheModel(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let dir = try M.dir()
        var files: [SourceFile] = [], model = M.Expected(), perFile: [(SourceFile, M.Expected)] = []
        for k in 0 ..< 2 {
            let (text, e) = Self.jsonFile(&rng, n: 300)
            let f = try M.write(text, dir, "part-\(k).jsonl")
            files.append(f)
            perFile.append((f, e))
            model.rows += e.rows
            model.records += e.records
        }
        let r = try FileIngest.read(files, format: .jsonl, contract: M.contract, runId: "run-7", ingestedAtMicros: 42)
        #expect(M.rows(r) == model.rows, "seed \(seed)")
        #expect(r.rowsRead == model.records)
        M.checkInvariant(r)
        #expect(r.drift.isEmpty)
        let expectedRejects = perFile.flatMap { f, e in e.rejects.map { (f.path, $0.line, $0.code, $0.column) } }
        #expect(r.rejected.count == expectedRejects.count)
        for (got, want) in zip(r.rejected, expectedRejects) {
            #expect(got.sourceFile == want.0 && got.line == want.1 && got.code == want.2 && got.column == want.3,
                    "seed \(seed): \(got) vs \(want)")
        }
        // Lineage columns.
        let b = try #require(r.batches.first)
        #expect(b.schema.fields.suffix(3).map(\.name) == ["_source_file", "_ingested_at", "_run_id"])
        #expect(b.rows[0].suffix(3) == [.string(files[0].path), .timestamp(42), .string("run-7")])
    }

    @Test func rawTextOfRejectedLinesIsKept() throws {
        let dir = try M.dir()
        let f = try M.write("{\"id\": 1, \"day\": \"2024-01-01\", \"name\": \"a\", \"amount\": 1, \"ts\": null}\n{oops\n", dir, "a.jsonl")
        let r = try FileIngest.read([f], format: .jsonl, contract: M.contract, runId: "r", ingestedAtMicros: 0)
        #expect(r.rejected.map(\.raw) == ["{oops"])
        #expect(M.rows(r) == [[.int(1), .string("a"), .double(1), .date(Int32(M.jan1)), .null]])
        M.checkInvariant(r)
    }

    /// A CSV file: header then records; the unterminated quote (if any) is the last record.
    static func csvFile(_ rng: inout SeededRandom, n: Int) -> (String, M.Expected) {
        var lines = ["id,name,amount,day,ts"], e = M.Expected()
        for i in 0 ..< n {
            let id = Int64(i)
            let g = M.good(&rng, id: id)
            let lineNo = lines.count + 1
            var fields = ["\(id)", g.name.map(M.csvField) ?? "", g.amount.map { "\($0)" } ?? "", M.dayText(g.day), M.tsText(g)]
            e.records += 1
            switch Int.random(in: 0 ..< 12, using: &rng) {
            case 0: fields.removeLast(); e.rejects.append((lineNo, .csvParseError, nil))
            case 1: fields[1] = "\"ab\"c"; e.rejects.append((lineNo, .csvParseError, nil))
            case 2: fields[0] = ""; e.rejects.append((lineNo, .missingRequiredField, "id"))
            case 3: fields[0] = ["abc", "3.5", "99999999999999999999"][Int.random(in: 0 ..< 3, using: &rng)]
                e.rejects.append((lineNo, .typeCastError, "id"))
            case 4: fields[3] = "2024-13-45"; e.rejects.append((lineNo, .typeCastError, "day"))
            default: e.rows.append(M.row(id, g))
            }
            lines.append(fields.joined(separator: ","))
        }
        lines.append("\(n),\"never closed,1.0,2024-01-01,2024-01-01T00:00:00Z")
        e.records += 1
        e.rejects.append((lines.count, .csvParseError, nil))
        return (lines.joined(separator: "\r\n"), e)
    }

    @Test(arguments: SeededRandom.seeds(count: 3, base: 97))
    func csvMatchesTheModel(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let dir = try M.dir()
        let (text, e) = Self.csvFile(&rng, n: 250)
        let f = try M.write(text, dir, "in.csv")
        let r = try FileIngest.read([f], format: .csv, contract: M.contract, runId: "r", ingestedAtMicros: 0)
        #expect(M.rows(r) == e.rows, "seed \(seed)")
        #expect(r.rowsRead == e.records)
        M.checkInvariant(r)
        #expect(r.rejected.count == e.rejects.count)
        for (got, want) in zip(r.rejected, e.rejects) {
            #expect(got.line == want.line && got.code == want.code && got.column == want.column, "seed \(seed): \(got) vs \(want)")
        }
    }

    @Test func parquetFilesAreReadAndACorruptOneIsRejected() throws {
        let dir = try M.dir()
        let schema = StructType(M.contract.fields.map { StructField($0.name, $0.type, nullable: $0.nullable) })
        var rng = SeededRandom(seed: 5)
        let expected = (0 ..< 50).map { M.row(Int64($0), M.good(&rng, id: Int64($0))) }
        let sink = MemorySink()
        let w = try ParquetWriter(sink: sink, schema: schema)
        try w.write(try RecordBatch(schema: schema, rows: expected))
        _ = try w.close()
        try Data(sink.bytes).write(to: URL(fileURLWithPath: dir + "/a.parquet"))
        try Data("PAR1 this is not parquet".utf8).write(to: URL(fileURLWithPath: dir + "/b.parquet"))
        let files = try SourceFiles.list(directory: dir, pattern: "*.parquet")
        #expect(files.map(\.name) == ["a.parquet", "b.parquet"])
        let r = try FileIngest.read(files, format: .parquet, contract: M.contract, runId: "r", ingestedAtMicros: 0)
        #expect(M.rows(r) == expected)
        #expect(r.rejected.count == 1)
        #expect(r.rejected.first?.code == .parquetReadError && r.rejected.first?.line == nil && r.rejected.first?.sourceFile == files[1].path)
        #expect(r.rowsRead == 51)
        M.checkInvariant(r)
    }

    @Test func withoutAContractTypesAreInferred() throws {
        let dir = try M.dir()
        let j = try M.write("{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2.5, \"c\": true}\nnot json\n", dir, "x.jsonl")
        let r = try FileIngest.read([j], format: .jsonl, contract: nil, runId: "r", ingestedAtMicros: 0)
        let schema = try #require(r.batches.first?.schema)
        #expect(schema.fields.prefix(3).map(\.name) == ["a", "b", "c"])
        #expect(schema.fields.prefix(3).map(\.type) == [.double, .string, .boolean])
        #expect(M.rows(r) == [[.double(1), .string("x"), .null], [.double(2.5), .null, .bool(true)]])
        #expect(r.rejected.map(\.code) == [.jsonParseError])
        M.checkInvariant(r)
        let c = try M.write("n,d\n1,2024-01-02\n2,\n", dir, "x.csv")
        let rc = try FileIngest.read([c], format: .csv, contract: nil, runId: "r", ingestedAtMicros: 0)
        #expect(rc.batches.first?.schema.fields.prefix(2).map(\.type) == [.long, .date])
        #expect(M.rows(rc) == [[.int(1), .date(Int32(M.jan1 + 1))], [.int(2), .null]])
        M.checkInvariant(rc)
    }

    /// Values at the edges of the JSON conversions, on both the flat fast path and the general path.
    @Test func jsonConversionEdges() throws {
        let contract = Contract(fields: [ContractField(name: "l", type: .long), ContractField(name: "d", type: .double),
                                         ContractField(name: "s", type: .string), ContractField(name: "t", type: .timestamp),
                                         ContractField(name: "b", type: .boolean)])
        let lines: [(String, [Value]?, RejectCode?, String?)] = [
            (#"{"l": "+5", "d": 1e2, "s": 12, "b": true}"#, [.int(5), .double(100), .string("12"), .null, .bool(true)], nil, nil),
            (#"{"l": 01}"#, nil, .jsonParseError, nil),
            (#"{"d": 1e999}"#, nil, .typeCastError, "d"),
            (#"{"s": true, "b": "false", "L": -9223372036854775808}"#, [.int(.min), .null, .string("true"), .null, .bool(false)], nil, nil),
            (#"{"t": "2024-01-01T00:00:00+01:00", "d": "NaN"}"#,
             [.null, .double(.nan), .null, .timestamp(M.jan1 * 86_400_000_000 - 3_600_000_000), .null], nil, nil),
            (#"{"l": 9223372036854775808}"#, nil, .typeCastError, "l"),
            (#"{"b": 1}"#, nil, .typeCastError, "b"),
            (#"{"s": "a\u00e9", "l": 7, "t": null}"#, [.int(7), .null, .string("aé"), .null, .null], nil, nil),
            (#"{"s": {"x": [1, 2]}}"#, [.null, .null, .string(#"{"x":[1,2]}"#), .null, .null], nil, nil),
            (#"{"t": "2024-02-30"}"#, nil, .typeCastError, "t"),
        ]
        let f = try M.write(lines.map(\.0).joined(separator: "\n"), try M.dir(), "edges.jsonl")
        let r = try FileIngest.read([f], format: .jsonl, contract: contract, runId: "r", ingestedAtMicros: 0)
        let rows = M.rows(r)
        let wantRows = lines.compactMap(\.1)
        #expect(rows.count == wantRows.count)
        for (got, want) in zip(rows, wantRows) {
            #expect(got.count == want.count && zip(got, want).allSatisfy { a, b in
                if case let .double(x) = a, case let .double(y) = b, x.isNaN, y.isNaN { return true }
                return a == b
            }, "\(got) vs \(want)")
        }
        let wantRejects = lines.enumerated().filter { $0.element.2 != nil }.map { ($0.offset + 1, $0.element.2, $0.element.3) }
        #expect(r.rejected.map(\.line) == wantRejects.map(\.0))
        #expect(r.rejected.map(\.code) == wantRejects.map(\.1))
        #expect(r.rejected.map(\.column) == wantRejects.map(\.2))
        #expect(r.drift.isEmpty)
        M.checkInvariant(r)
    }

    @Test func globMatching() throws {
        #expect(SourceFiles.matches("events-001.jsonl", pattern: "events-*.jsonl"))
        #expect(SourceFiles.matches("a.csv", pattern: "?.csv"))
        #expect(!SourceFiles.matches("ab.csv", pattern: "?.csv"))
        #expect(SourceFiles.matches("x", pattern: "*"))
        #expect(SourceFiles.matches("", pattern: "*"))
        #expect(!SourceFiles.matches("a.csv.bak", pattern: "*.csv"))
        #expect(SourceFiles.matches("a.b.c", pattern: "*.*.c"))
        #expect(!SourceFiles.matches("abc", pattern: "a*d"))
        let dir = try M.dir()
        for n in ["b.jsonl", "a.jsonl", "c.csv", ".hidden.jsonl"] { _ = try M.write("{}\n", dir, n) }
        try FileManager.default.createDirectory(atPath: dir + "/d.jsonl", withIntermediateDirectories: false)
        let listed = try SourceFiles.list(directory: dir, pattern: "*.jsonl")
        #expect(listed.map(\.name) == ["a.jsonl", "b.jsonl"])
        #expect(listed.first?.path == dir + "/a.jsonl" && listed.first?.sizeBytes == 3)
        #expect(throws: TarnError.self) { try SourceFiles.list(directory: dir + "/missing", pattern: "*") }
    }
}
