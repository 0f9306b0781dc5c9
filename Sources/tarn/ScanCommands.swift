// Read-side table commands: scan (with time travel, a predicate, projection, any output
// format), history, describe and checkpoint.
import ArgumentParser
import Foundation
import TarnTable

struct ScanTable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scan", abstract: "Print a table's rows, at a version or a timestamp.")
    @Argument(help: "The table directory.") var path: String
    @Option(help: "Read this version (time travel).") var version: Int64?
    @Option(help: "Read the version current at this time, e.g. '2024-01-31 02:00:00' (UTC) or ISO-8601.") var timestamp: String?
    @Option(name: .customLong("where"), help: "Only rows matching this predicate (spec/expressions.md).") var predicate: String?
    @Option(help: "Comma-separated columns (default: all).") var columns: String?
    @Option(help: "Output format: jsonl, csv, table or parquet.") var format: String = "jsonl"
    @Option(help: "Write to this file instead of stdout.") var output: String?
    @Option(help: "At most this many rows.") var limit: Int?

    func validate() throws {
        if version != nil && timestamp != nil { throw ValidationError("give --version or --timestamp, not both") }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() throws {
        try reportingErrors {
            let table = try Table.open(path: path)
            let snapshot = try TimeTravel.snapshot(table, version: version, timestamp: timestamp)
            let condition = try predicate.map { try RowCondition.parse($0, schema: snapshot.schema) }
            let scan = try Scan(snapshot: snapshot, store: table.store, columns: try columns.map(parseColumnList), condition: condition)
            try TableOutput.write(scan, format: format, output: output, limit: limit)
        }
    }
}

enum TimeTravel {
    static func snapshot(_ table: Table, version: Int64?, timestamp: String?) throws -> Snapshot {
        if let timestamp {
            guard let t = Temporal.parseTimestamp(timestamp) else {
                throw TarnError(.invalidArgument, "--timestamp '\(timestamp)' is not a timestamp (e.g. 2024-01-31 02:00:00 or 2024-01-31T02:00:00Z)")
            }
            return try table.snapshot(timestampMillis: Temporal.floorDivMod(t.micros, 1000).0)
        }
        return try table.snapshot(version: version)
    }
}

enum TableOutput {
    static func write(_ scan: Scan, format: String, output: String?, limit: Int?) throws {
        try write(schema: scan.outputSchema, format: format, output: output, limit: limit, read: scan.read)
    }

    /// Writes the rows `read` produces (in `schema`) to stdout or `output` in `format`; a failed
    /// write leaves no output file behind.
    static func write(schema: StructType, format: String, output: String?, limit: Int?,
                      read: ((RecordBatch) throws -> Void) throws -> Void) throws {
        let file = try output.map { try LocalFileSink(path: $0) }
        let out = file.map { ByteOutput.sink($0) } ?? ByteOutput.stdout()
        do {
            let sink: RowSink
            switch format.lowercased() {
            case "jsonl", "json", "ndjson": sink = JSONLinesSink(out)
            case "csv": sink = try CSVSink(out, schema: schema)
            case "table": sink = TableSink(out, schema: schema)
            case "parquet":
                guard let file else { throw TarnError(.invalidArgument, "--format parquet needs --output FILE") }
                sink = try ParquetSink(file, schema: schema, options: WriterOptions())
            default: throw TarnError(.invalidArgument, "unknown --format '\(format)' (use jsonl, csv, table or parquet)")
            }
            var remaining = limit ?? Int.max
            try read { batch in
                guard remaining > 0 else { return }
                let n = min(remaining, batch.count)
                try sink.write(batch, rows: 0 ..< n)
                remaining -= n
            }
            try sink.finish()
            try file?.close()
        } catch {
            file?.abort()
            throw error
        }
    }
}
