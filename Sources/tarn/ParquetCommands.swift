// `tarn parquet schema | cat | convert`: argument definitions and the glue from files to the
// readers, formatters and writers (spec/cli.md). Output goes to stdout only once the input has
// opened, so a command that fails up front prints nothing there.
import ArgumentParser
import Foundation
import TarnParquet
import TarnStorage

struct ParquetSchema: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Print a Parquet file's schema (as Delta types), row count, row groups and writer.")

    @Argument(help: "The Parquet file.") var file: String
    @Flag(help: "Print one JSON object: {\"schema\", \"num_rows\", \"row_groups\", \"created_by\"}.") var json = false

    func run() throws {
        try reportingErrors {
            let f = try Inputs.parquet(file)
            var text = ""
            if json {
                let doc = JSONValue.object([
                    ("schema", f.schema.json), ("num_rows", .int(f.numRows)), ("row_groups", .int(f.rowGroupCount)),
                    ("created_by", f.metadata.createdBy.map(JSONValue.string) ?? .null),
                ])
                text = doc.serialized() + "\n"
            } else {
                text = SchemaTree.render(f.schema)
                text += "num_rows: \(f.numRows)\nrow_groups: \(f.rowGroupCount)\ncreated_by: \(f.metadata.createdBy ?? "(not recorded)")\n"
            }
            try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
        }
    }
}

struct ParquetCat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat", abstract: "Print a Parquet file's rows (JSON lines, CSV or a table), row group by row group.")

    @Argument(help: "The Parquet file.") var file: String
    @Option(help: "Comma-separated top-level columns to print (default: all).") var columns: String?
    @Option(help: "Output format: jsonl, csv or table.") var format: CatFormat = .jsonl
    @Option(help: "Print at most this many rows.") var limit: Int?

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more, got \(limit)") }
    }

    func run() throws {
        try reportingErrors {
            let names = try columns.map(parseColumnList)
            let source = try ParquetBatches(try Inputs.parquet(file), columns: names)
            let out = ByteOutput.stdout()
            let sink: RowSink
            switch format {
            case .jsonl: sink = JSONLinesSink(out)
            case .csv: sink = try CSVSink(out, schema: source.schema)
            case .table: sink = TableSink(out, schema: source.schema)
            }
            _ = try copyRows(from: source, to: sink, limit: limit)
            try sink.finish()
        }
    }
}

struct ParquetConvert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert between CSV, JSON lines and Parquet (formats from the file extensions or the flags).",
        discussion: "The output appears only when the conversion succeeds: it is written under a temporary name and renamed into place.")

    @Argument(help: "The input file (.csv, .jsonl/.json/.ndjson, .parquet).") var input: String
    @Argument(help: "The output file (.csv, .jsonl/.json/.ndjson, .parquet).") var output: String
    @Option(help: "Parquet compression: zstd (default), lz4 (LZ4_RAW), snappy, gzip or none.") var codec: String?
    @Option(help: "Compression level (zstd 1…22, gzip 0…9).") var level: Int32?
    @Option(help: "Schema of CSV / JSON lines input, e.g. 'id long not null, name string, price decimal(10,2)'.") var schema: String?
    @Option(help: "Input format: csv, jsonl or parquet (default: from the extension).") var inputFormat: DataFormat?
    @Option(help: "Output format: csv, jsonl or parquet (default: from the extension).") var outputFormat: DataFormat?

    func run() throws {
        try reportingErrors {
            let inFormat = try DataFormat.resolve(inputFormat, path: input, flagName: "--input-format")
            let outFormat = try DataFormat.resolve(outputFormat, path: output, flagName: "--output-format")
            let options = try writerOptions(outFormat)
            let parsedSchema = try schema.map { try SchemaParser.parse($0) }
            let source = try Inputs.open(input, format: inFormat, schema: parsedSchema)
            let file = try LocalFileSink(path: output)
            do {
                let sink: RowSink
                let out = ByteOutput.sink(file)
                switch outFormat {
                case .parquet: sink = try ParquetSink(file, schema: source.schema, options: options)
                case .csv: sink = try CSVSink(out, schema: source.schema)
                case .jsonl: sink = JSONLinesSink(out)
                }
                let rows = try copyRows(from: source, to: sink, limit: nil)
                try sink.finish()
                try file.close()
                let summary = "wrote \(rows) row\(rows == 1 ? "" : "s") (\(source.schema.fields.count) columns) to \(output)\n"
                try FileHandle.standardOutput.write(contentsOf: Data(summary.utf8))
            } catch {
                file.abort()
                throw error
            }
        }
    }

    private func writerOptions(_ outFormat: DataFormat) throws -> WriterOptions {
        guard outFormat == .parquet else {
            if codec != nil || level != nil { throw TarnError(.invalidArgument, "--codec and --level apply to Parquet output only") }
            return WriterOptions()
        }
        var options = WriterOptions(codec: try parseCodec(codec ?? "zstd"))
        options.compressionLevel = level
        if level != nil, ![.zstd, .gzip].contains(options.codec) {
            throw TarnError(.invalidArgument, "--level applies to zstd and gzip only, not \(options.codec.name)")
        }
        return options
    }
}

func parseCodec(_ name: String) throws -> CompressionCodec {
    switch name.lowercased() {
    case "zstd": return .zstd
    case "lz4", "lz4_raw", "lz4raw": return .lz4Raw
    case "snappy": return .snappy
    case "gzip": return .gzip
    case "none", "uncompressed": return .uncompressed
    default: throw TarnError(.invalidArgument, "unknown codec '\(name)' (use zstd, lz4, snappy, gzip or none)")
    }
}

func parseColumnList(_ text: String) throws -> [String] {
    let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmedWhitespace }
    guard !names.contains(where: \.isEmpty) else { throw TarnError(.invalidArgument, "--columns has an empty name in '\(text)'") }
    return names
}

/// Copies every batch (or the first `limit` rows) from `source` to `sink`; returns the row count.
func copyRows(from source: BatchSource, to sink: RowSink, limit: Int?) throws -> Int {
    var rows = 0
    while limit.map({ rows < $0 }) ?? true, let batch = try source.next() {
        let n = min(batch.count, (limit ?? .max) - rows)
        try sink.write(batch, rows: 0 ..< n)
        rows += n
    }
    return rows
}

/// The schema as an indented tree in the style of Spark's printSchema.
enum SchemaTree {
    static func render(_ schema: StructType) -> String {
        var out = "root\n"
        for f in schema.fields { field(f.name, f.type, "nullable = \(f.nullable)", 1, &out) }
        return out
    }

    private static func field(_ name: String, _ type: DataType, _ note: String?, _ depth: Int, _ out: inout String) {
        let prefix = String(repeating: " |   ", count: depth - 1) + " |-- "
        out += "\(prefix)\(name): \(typeName(type))\(note.map { " (\($0))" } ?? "")\n"
        switch type {
        case let .struct(s): for f in s.fields { field(f.name, f.type, "nullable = \(f.nullable)", depth + 1, &out) }
        case let .array(e, containsNull): field("element", e, "containsNull = \(containsNull)", depth + 1, &out)
        case let .map(k, v, valueContainsNull):
            field("key", k, nil, depth + 1, &out)
            field("value", v, "valueContainsNull = \(valueContainsNull)", depth + 1, &out)
        default: break
        }
    }

    private static func typeName(_ type: DataType) -> String {
        switch type {
        case .struct: return "struct"
        case .array: return "array"
        case .map: return "map"
        default: return type.description
        }
    }
}
