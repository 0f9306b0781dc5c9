// `tarn delete PATH --where EXPR`: copy-on-write DELETE of the rows matching a predicate.
import ArgumentParser
import Foundation
import TarnTable

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete the rows matching a predicate.")
    @Argument(help: "The table directory.") var path: String
    @Option(name: .customLong("where"), help: "Rows to delete (spec/expressions.md).") var predicate: String

    func run() throws {
        try reportingErrors {
            let table = try Table.open(path: path)
            let condition = try RowCondition.parse(predicate, schema: try table.snapshot().schema)
            let r = try table.delete(where: condition)
            if r.committed {
                print("committed version \(r.version): deleted \(r.rowsDeleted) rows (\(r.filesRemoved) files removed, \(r.filesAdded) rewritten)")
            } else {
                print("no rows match; nothing committed (table version \(r.version))")
            }
        }
    }
}
