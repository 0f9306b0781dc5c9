// `tarn changes PATH --from V [--to V]` (or --from-timestamp / --to-timestamp): prints the
// change data feed of a range of versions in the formats `tarn scan` prints (jsonl, csv, table,
// parquet), with the `_change_type`, `_commit_version` and `_commit_timestamp` columns.
import ArgumentParser
import Foundation
import TarnTable

struct ChangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "changes",
                                                    abstract: "Print the row changes (change data feed) of a range of versions.")
    @Argument(help: "The table directory.") var path: String
    @Option(help: "First version (inclusive).") var from: Int64?
    @Option(help: "Last version (inclusive; default: the latest).") var to: Int64?
    @Option(name: .customLong("from-timestamp"), help: "Start at the first version committed at or after this time.") var fromTimestamp: String?
    @Option(name: .customLong("to-timestamp"), help: "End at the last version committed at or before this time.") var toTimestamp: String?
    @Option(help: "Output format: jsonl, csv, table or parquet.") var format: String = "jsonl"
    @Option(help: "Write to this file instead of stdout.") var output: String?
    @Option(help: "At most this many rows.") var limit: Int?

    func validate() throws {
        if (from == nil) == (fromTimestamp == nil) { throw ValidationError("give --from or --from-timestamp (one of them)") }
        if from != nil && toTimestamp != nil { throw ValidationError("--to-timestamp goes with --from-timestamp; use --to with --from") }
        if fromTimestamp != nil && to != nil { throw ValidationError("--to goes with --from; use --to-timestamp with --from-timestamp") }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() throws {
        try reportingErrors {
            let table = try Table.open(path: path)
            let feed: ChangeFeed
            if let from {
                feed = try table.changes(fromVersion: from, toVersion: to)
            } else {
                feed = try table.changes(fromTimestampMillis: try millis(fromTimestamp ?? "", flag: "--from-timestamp"),
                                         toTimestampMillis: try toTimestamp.map { try millis($0, flag: "--to-timestamp") })
            }
            try TableOutput.write(schema: feed.schema, format: format, output: output, limit: limit, read: feed.read)
        }
    }

    private func millis(_ text: String, flag: String) throws -> Int64 {
        guard let t = Temporal.parseTimestamp(text) else {
            throw TarnError(.invalidArgument, "\(flag) '\(text)' is not a timestamp (e.g. 2024-01-31 02:00:00 or 2024-01-31T02:00:00Z)")
        }
        return Temporal.floorDivMod(t.micros, 1000).0
    }
}
