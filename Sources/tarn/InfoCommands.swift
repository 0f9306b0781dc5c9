// history, describe and checkpoint: what a table is and what happened to it.
import ArgumentParser
import Foundation
import TarnTable

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "List a table's commits, newest first.")
    @Argument(help: "The table directory.") var path: String
    @Option(help: "At most this many commits.") var limit: Int?
    @Flag(help: "One JSON object per commit.") var json = false

    func run() throws {
        try reportingErrors {
            let entries = try Table.open(path: path).history(limit: limit)
            var out = ""
            for e in entries {
                let info = e.commitInfo
                if json {
                    var m: [(String, JSONValue)] = [("version", .int(e.version)),
                                                    ("timestamp", .string(Temporal.formatTimestamp(e.timestampMillis * 1000, utc: true)))]
                    for (k, v) in info?.members ?? [] where k != "timestamp" { m.append((k, v)) }
                    out += JSONValue.object(m).serialized() + "\n"
                } else {
                    let op = info?.operation ?? "?"
                    let params = info?["operationParameters"].map { $0.serialized() } ?? "{}"
                    let metrics = info?["operationMetrics"].map { $0.serialized() } ?? "{}"
                    let engine = info?["engineInfo"]?.stringValue ?? ""
                    out += "\(e.version)\t\(Temporal.formatTimestamp(e.timestampMillis * 1000, utc: true))\t\(op)\t\(params)\t\(metrics)\t\(engine)\n"
                }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show a table's schema, partitioning, properties, protocol and size.")
    @Argument(help: "The table directory.") var path: String
    @Option(help: "Describe this version.") var version: Int64?
    @Flag(help: "Machine-readable JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let s = try Table.open(path: path).snapshot(version: version)
            let files = s.files
            let rows = files.compactMap { DeltaStats.parse($0.stats)?.numRecords }
            let rowCount: JSONValue = rows.count == files.count ? .int(rows.reduce(0, +)) : .null
            let p = s.protocolAction
            let doc = JSONValue.object([
                ("path", .string(path)), ("version", .int(s.version)), ("id", .string(s.metadata.id)),
                ("schema", s.schema.json), ("partitionColumns", .array(s.partitionColumns.map { .string($0) })),
                ("properties", .object(s.configuration.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("protocol", .object([("minReaderVersion", .int(p.minReaderVersion)), ("minWriterVersion", .int(p.minWriterVersion)),
                                      ("readerFeatures", .array((p.readerFeatures ?? []).map { .string($0) })),
                                      ("writerFeatures", .array((p.writerFeatures ?? []).map { .string($0) }))])),
                ("numFiles", .int(files.count)), ("sizeInBytes", .int(files.reduce(0) { $0 + $1.size })), ("numRows", rowCount),
            ])
            if json {
                print(doc.serialized())
                return
            }
            var lines = ["table \(path) at version \(s.version) (id \(s.metadata.id))", "schema:"]
            for f in s.schema.fields { lines.append("  \(f.name): \(f.type)\(f.nullable ? "" : " not null")") }
            lines.append("partitioned by: \(s.partitionColumns.isEmpty ? "(none)" : s.partitionColumns.joined(separator: ", "))")
            lines.append("properties: \(s.configuration.isEmpty ? "(none)" : s.configuration.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))")
            let features = Array(Set((p.readerFeatures ?? []) + (p.writerFeatures ?? []))).sorted()
            lines.append("protocol: reader \(p.minReaderVersion), writer \(p.minWriterVersion)\(features.isEmpty ? "" : ", features " + features.joined(separator: ", "))")
            lines.append("files: \(files.count), bytes: \(files.reduce(0) { $0 + $1.size }), rows: \(rowCount.int64Value.map(String.init) ?? "unknown")")
            print(lines.joined(separator: "\n"))
        }
    }
}

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkpoint", abstract: "Write a checkpoint of the latest version.")
    @Argument(help: "The table directory.") var path: String
    @Option(help: "Checkpoint this version instead of the latest.") var version: Int64?

    func run() throws {
        try reportingErrors {
            let table = try Table.open(path: path)
            let s = try table.snapshot(version: version)
            try Checkpoints.write(table, s)
            print("wrote a checkpoint of version \(s.version) (\(s.state.files.count) files)")
        }
    }
}
