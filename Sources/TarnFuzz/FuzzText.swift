// FuzzText: the `expression`, `csv` and `jsonl` targets. Expressions are parsed, bound against a
// fixed schema and evaluated on a small fixed batch. CSV and JSON lines go through TarnColumnar's
// readers (with the fixed schema, and inferring one) and through TarnPipeline's file ingest under
// a fixed contract (the ingest reads files, so the bytes are written to a private temp file).
import Foundation
import TarnCodecs
import TarnColumnar
import TarnPipeline

enum FuzzText {
    /// The schema expressions bind against.
    static let schemaText = "id long, name string, price double, qty int, flag boolean, amount decimal(10,2), "
        + "d date, ts timestamp, tags array<string>, pos struct<x: double, y: double>, attrs map<string, long>"

    /// A few rows of that schema, nulls included.
    static let rowsText = """
    {"id": 1, "name": "alpha", "price": 1.5, "qty": 3, "flag": true, "amount": 12.34, "d": "2024-01-02", "ts": "2024-01-02T03:04:05Z", "tags": ["a", "b"], "pos": {"x": 1.0, "y": -2.5}, "attrs": {"k": 7}}
    {"id": 2, "name": null, "price": -0.0, "qty": -2147483648, "flag": false, "amount": -99999999.99, "d": "1970-01-01", "ts": null, "tags": [], "pos": null, "attrs": {}}
    {"id": 9223372036854775807, "name": "", "price": 1e308, "qty": 2147483647, "flag": null, "amount": null, "d": null, "ts": "1900-12-31T23:59:59Z", "tags": null, "pos": {"x": null, "y": 0}, "attrs": null}
    {"id": -9223372036854775808, "name": "ünïcødé %_\\\\", "price": null, "qty": 0, "flag": true, "amount": 0.01, "d": "9999-12-31", "ts": "2262-04-11T00:00:00Z", "tags": [null, "z"], "pos": {"x": 3, "y": 4}, "attrs": {"a": null}}
    """

    static let fixture: (StructType, RecordBatch)? = {
        guard let schema = try? SchemaParser.parse(schemaText),
              let (_, batches) = try? JSONLinesReader.readAll(.text(rowsText), schema: schema),
              let batch = batches.first else { return nil }
        return (schema, batch)
    }()

    /// The `expression` target.
    static func expression(_ bytes: [UInt8]) throws {
        guard let (schema, batch) = fixture else { throw TarnError(.invalidArgument, "the expression fixture does not load") }
        let text = String(decoding: bytes, as: UTF8.self)
        attempt {
            let expr = try ExprParser.parse(text)
            attempt { _ = try expr.bind(to: schema).evaluate(batch) }
            attempt { _ = try batch.filter(try expr.bindPredicate(to: schema)) }
        }
        attempt { _ = try ExprParser.parseAssignments(text) }
        attempt { _ = try ExprParser.parseList(text) }
        attempt { _ = try ExprParser.parseColumn(text) }
    }

    /// The typed schema and pipeline contract of the CSV and JSON-lines targets.
    static let textSchema = "id long not null, name string, amount decimal(10,2), ts timestamp, d date, flag boolean, score double"

    /// The `csv` target.
    static func csv(_ bytes: [UInt8]) throws {
        let schema = try SchemaParser.parse(textSchema)
        attempt { _ = try CSVReader.readAll(.bytes(bytes, chunkBytes: 61), schema: schema, batchRows: 7) }
        attempt { _ = try CSVReader.readAll(.bytes(bytes)) }
        attempt { try ingest(bytes, format: .csv, schema: schema) }
    }

    /// The `jsonl` target.
    static func jsonl(_ bytes: [UInt8]) throws {
        let schema = try SchemaParser.parse(textSchema)
        attempt { _ = try JSONLinesReader.readAll(.bytes(bytes, chunkBytes: 61), schema: schema, batchRows: 7) }
        attempt { _ = try JSONLinesReader.readAll(.bytes(bytes)) }
        attempt { try ingest(bytes, format: .jsonl, schema: schema) }
    }

    /// Pipeline ingest of `bytes` as one source file; the drift policy (or no contract) is picked
    /// from the input's length so that each policy is reached, deterministically per input.
    static func ingest(_ bytes: [UInt8], format: FileFormat, schema: StructType) throws {
        let fields = schema.fields.map { ContractField(name: $0.name, type: $0.type, nullable: $0.nullable) }
        let policies: [DriftPolicy?] = [.fail, .evolve, .quarantine, nil]
        let contract = policies[bytes.count % policies.count].map { Contract(fields: fields, onDrift: $0) }
        let name = "fuzz-\(UInt64.random(in: 0 ... UInt64.max)).\(format.rawValue)"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        guard let f = fopen(path, "wb") else { throw TarnError(.io, "cannot write the fuzz input", file: path) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        fclose(f)
        guard written == bytes.count else { throw TarnError(.io, "cannot write the fuzz input", file: path) }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = SourceFile(path: path, name: name, modifiedMillis: 0, sizeBytes: Int64(bytes.count))
        _ = try FileIngest.read([file], format: format, contract: contract, runId: "fuzz", ingestedAtMicros: 0)
    }
}
