// `tarn constraint add PATH NAME EXPR` and `tarn constraint drop PATH NAME [--if-exists]`: CHECK
// constraints (ALTER TABLE ADD / DROP CONSTRAINT). Argument parsing and output only; the work is
// Table.addConstraint / dropConstraint in TarnTable.
import ArgumentParser
import Foundation
import TarnTable

struct ConstraintGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "constraint",
        abstract: "Add or drop a table's CHECK constraints.",
        subcommands: [ConstraintAdd.self, ConstraintDrop.self])
}

struct ConstraintAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a CHECK constraint; every existing row must satisfy it.")
    @Argument(help: "The table directory.") var path: String
    @Argument(help: "The constraint name (stored lowercase).") var name: String
    @Argument(help: "A boolean expression (spec/expressions.md), e.g. 'amount > 0'.") var expression: String
    @Flag(help: "Print one JSON object: {\"version\", \"name\", \"expression\"}.") var json = false

    func run() throws {
        try reportingErrors {
            let table = try Table.open(path: path)
            let version = try table.addConstraint(name: name, expression: expression)
            let stored = try table.checkConstraints(version: version).first { $0.name == name.lowercased() }
            let text = stored?.expression ?? expression
            if json {
                print(JSONValue.object([("version", .int(version)), ("name", .string(name.lowercased())), ("expression", .string(text))]).serialized())
            } else {
                print("committed version \(version): added CHECK constraint \(name.lowercased()) (\(text))")
            }
        }
    }
}

struct ConstraintDrop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drop", abstract: "Drop a CHECK constraint.")
    @Argument(help: "The table directory.") var path: String
    @Argument(help: "The constraint name (case-insensitive).") var name: String
    @Flag(name: .customLong("if-exists"), help: "Succeed without a commit when there is no such constraint.") var ifExists = false
    @Flag(help: "Print one JSON object: {\"version\", \"name\", \"committed\"}.") var json = false

    func run() throws {
        try reportingErrors {
            let table = try Table.open(path: path)
            let committed = try table.dropConstraint(name: name, ifExists: ifExists)
            let version = try committed ?? table.snapshot().version
            if json {
                print(JSONValue.object([("version", .int(version)), ("name", .string(name.lowercased())),
                                        ("committed", .bool(committed != nil))]).serialized())
            } else if committed != nil {
                print("committed version \(version): dropped constraint \(name.lowercased())")
            } else {
                print("no constraint named \(name.lowercased()); nothing committed (table version \(version))")
            }
        }
    }
}
