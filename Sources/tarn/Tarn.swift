// The `tarn` command line: the root command, its subcommand groups, and the one place errors are
// reported ("error: …" on stderr, exit code 1; ArgumentParser's usage errors keep exit code 64).
// Commands are specified in spec/cli.md; the engine work lives in the library modules.
import ArgumentParser
import Foundation
import TarnColumnar
import TarnStorage

@main
struct Tarn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tarn",
        abstract: "Tarn lakehouse storage engine",
        version: "0.1.0",
        subcommands: [Demo.self, CreateTable.self, WriteTable.self, DeleteCommand.self, UpdateCommand.self, MergeCommand.self, ScanTable.self, ChangesCommand.self, HistoryCommand.self, DescribeCommand.self,
                      CheckpointCommand.self, RestoreCommand.self, OptimizeCommand.self, VacuumCommand.self, InspectCommand.self, ConstraintGroup.self, PipelineGroup.self, BenchGroup.self, ParquetGroup.self])
}

struct ParquetGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet",
        abstract: "Inspect, print and convert Parquet files (and CSV / JSON lines).",
        subcommands: [ParquetSchema.self, ParquetCat.self, ParquetConvert.self])
}

/// Runs a command body; any error is printed as "error: …" on stderr and exits with code 1.
func reportingErrors(_ body: () throws -> Void) throws {
    AllocatorTuning.configureForBulkWork()
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch {
        writeStderr("error: " + errorText(error) + "\n")
        throw ExitCode(1)
    }
}

/// The user-facing text of an error: "file: message (offset …, column '…')", without repeating
/// context the message already names.
func errorText(_ error: any Error) -> String {
    guard let e = error as? TarnError else { return String(describing: error) }
    var text = e.message
    if let file = e.file, !text.contains(file) { text = "\(file): \(text)" }
    var context: [String] = []
    if let offset = e.offset { context.append("offset \(offset)") }
    if let column = e.column, !text.contains("'\(column)'") { context.append("column '\(column)'") }
    if let row = e.row { context.append("row \(row)") }
    if let cause = e.cause { context.append("cause: \(cause)") }
    return context.isEmpty ? text : text + " (" + context.joined(separator: ", ") + ")"
}

func writeStderr(_ text: String) {
    try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
}
