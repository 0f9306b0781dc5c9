// `tarn restore PATH (--version N | --timestamp T) [--json]`: RESTORE a table to an earlier
// version as a new commit (spec/dml.md "Restore"); one summary line, or one JSON object.
import ArgumentParser
import Foundation
import TarnTable

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restore a table to an earlier version (as a new commit).")
    @Argument(help: "The table directory.") var path: String
    @Option(help: "Restore this version.") var version: Int64?
    @Option(help: "Restore the version current at this time, e.g. '2024-01-31 02:00:00' (UTC) or ISO-8601.") var timestamp: String?
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        if (version == nil) == (timestamp == nil) { throw ValidationError("give exactly one of --version or --timestamp") }
    }

    func run() throws {
        try reportingErrors {
            let table = try Table.open(path: path)
            let r: RestoreResult
            if let timestamp {
                guard let t = Temporal.parseTimestamp(timestamp) else {
                    throw TarnError(.invalidArgument, "--timestamp '\(timestamp)' is not a timestamp (e.g. 2024-01-31 02:00:00 or 2024-01-31T02:00:00Z)")
                }
                r = try table.restore(toTimestampMillis: Temporal.floorDivMod(t.micros, 1000).0)
            } else {
                r = try table.restore(toVersion: version ?? 0)
            }
            print(json ? RestoreCommand.json(r) : RestoreCommand.line(r))
        }
    }

    static func line(_ r: RestoreResult) -> String {
        guard r.committed else {
            return "nothing to restore: version \(r.version) already has the files and metadata of version \(r.restoredVersion); nothing committed"
        }
        let metrics = r.operationMetrics.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "committed version \(r.version): restored version \(r.restoredVersion) (\(metrics))"
    }

    static func json(_ r: RestoreResult) -> String {
        var members: [(String, JSONValue)] = [("version", .int(r.version)), ("restoredVersion", .int(r.restoredVersion)),
                                              ("committed", .bool(r.committed))]
        members += [("numRestoredFiles", .int(r.numRestoredFiles)), ("numRemovedFiles", .int(r.numRemovedFiles)),
                    ("restoredFilesSize", .int(r.restoredFilesSize)), ("removedFilesSize", .int(r.removedFilesSize)),
                    ("tableSizeAfterRestore", .int(r.tableSizeAfterRestore)), ("numOfFilesAfterRestore", .int(r.numOfFilesAfterRestore))]
        members += [("metadataRestored", .bool(r.metadataRestored)), ("protocolUpgraded", .bool(r.protocolUpgraded))]
        return JSONValue.object(members).serialized()
    }
}
