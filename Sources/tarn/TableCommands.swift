// Table commands of the CLI (spec/cli.md "Tables"): create, write, scan, history, describe,
// checkpoint. Argument parsing and output only; the engine work is in TarnTable.
import ArgumentParser
import Foundation
import TarnTable

struct CreateTable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an empty Delta table.")
    @Argument(help: "The table directory (created if missing).") var path: String
    @Option(help: "The schema, e.g. 'id long not null, ts timestamp, amount decimal(10,2)'.") var schema: String
    @Option(name: .customLong("partition-by"), help: "Comma-separated partition columns.") var partitionBy: String?
    @Option(name: .customLong("property"), help: "A table property key=value (repeatable).") var properties: [String] = []

    func run() throws {
        try reportingErrors {
            let table = try TableLocation.create(path)
            let s = try table.create(schema: try SchemaParser.parse(schema), partitionBy: try partitionBy.map(parseColumnList) ?? [],
                                     properties: try parseProperties(properties))
            print("created table \(path) at version \(s.version)")
        }
    }
}

struct WriteTable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "write", abstract: "Write rows from a file into a table (creating it when needed).")
    @Argument(help: "The table directory.") var path: String
    @Option(help: "Input file (.csv, .jsonl, .parquet).") var input: String
    @Option(help: "Input format: csv, jsonl or parquet (default: from the extension).") var format: DataFormat?
    @Option(help: "Schema of CSV / JSON lines input.") var schema: String?
    @Option(help: "append (default) or overwrite.") var mode: String = "append"
    @Option(name: .customLong("replace-where"), help: "Overwrite only the rows matching this predicate.") var replaceWhere: String?
    @Flag(name: .customLong("merge-schema"), help: "Add new columns of the input to the table schema.") var mergeSchema = false
    @Option(name: .customLong("partition-by"), help: "Partition columns when the table is created.") var partitionBy: String?
    @Option(name: .customLong("property"), help: "Table property key=value when the table is created (repeatable).") var properties: [String] = []
    @Option(name: .customLong("txn-app"), help: "Application id for an idempotent write.") var txnApp: String?
    @Option(name: .customLong("txn-version"), help: "Version for an idempotent write.") var txnVersion: Int64?
    @Option(help: "Codec of the data files (zstd, lz4, snappy, gzip, none).") var codec: String = "zstd"

    func run() throws {
        try reportingErrors {
            guard (txnApp == nil) == (txnVersion == nil) else {
                throw TarnError(.invalidArgument, "--txn-app and --txn-version go together")
            }
            let table = try TableLocation.create(path)
            let inputFormat = try DataFormat.resolve(format, path: input, flagName: "--format")
            // Text input is typed by --schema, else by the existing table's schema, else inferred.
            var inputSchema = try schema.map { try SchemaParser.parse($0) }
            if inputSchema == nil, inputFormat != .parquet, !mergeSchema, !(try table.logFiles().isEmpty) {
                inputSchema = try table.snapshot().schema
            }
            let source = try Inputs.open(input, format: inputFormat, schema: inputSchema)
            var batches: [RecordBatch] = []
            while let b = try source.next() { batches.append(b) }
            var options = WriteOptions(mode: try parseMode(mode))
            options.partitionBy = try partitionBy.map(parseColumnList) ?? []
            options.properties = try parseProperties(properties)
            options.mergeSchema = mergeSchema
            options.codec = try parseCodec(codec)
            if let txnApp, let txnVersion { options.txn = (txnApp, txnVersion) }
            if let replaceWhere {
                let tableSchema = (try? table.snapshot().schema) ?? source.schema
                options.replaceWhere = try RowCondition.parse(replaceWhere, schema: tableSchema)
            }
            let r = try table.write(batches, options: options)
            if r.committed {
                print("committed version \(r.version): \(r.rowsWritten) rows in \(r.filesAdded) files added, \(r.filesRemoved) removed")
            } else {
                print("nothing to do: transaction \(txnApp ?? "") version \(txnVersion ?? 0) is already committed (table version \(r.version))")
            }
        }
    }

    private func parseMode(_ m: String) throws -> SaveMode {
        guard let mode = SaveMode(rawValue: m.lowercased()) else {
            throw TarnError(.invalidArgument, "unknown --mode '\(m)' (use append or overwrite)")
        }
        return mode
    }
}

func parseProperties(_ items: [String]) throws -> [String: String] {
    var out: [String: String] = [:]
    for item in items {
        guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
            throw TarnError(.invalidArgument, "--property must be key=value, got '\(item)'")
        }
        out[String(item[..<eq]).trimmedWhitespace] = String(item[item.index(after: eq)...]).trimmedWhitespace
    }
    return out
}

enum TableLocation {
    /// A table in a local directory that may not exist yet (for create and write).
    static func create(_ path: String, durable: Bool = true) throws -> Table {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return Table(store: try LocalStore.open(root: path, durable: durable))
    }
}
