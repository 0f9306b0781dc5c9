// Row-level change commands (spec/cli.md "Row-level changes"): `tarn delete`, `tarn update` and
// `tarn merge`. Parsing and output only; the engine is TarnTable's DML (spec/dml.md).
import ArgumentParser
import Foundation
import TarnTable

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete the rows matching a predicate.")
    @Argument(help: "The table directory.") var path: String
    @Option(name: .customLong("where"), help: "Rows to delete (spec/expressions.md).") var predicate: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let table = try Table.open(path: path)
            let condition = try RowCondition.parse(predicate, schema: try table.snapshot().schema)
            DMLOutput.print(try table.delete(where: condition), operation: "delete", json: json)
        }
    }
}

struct UpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Set columns of the rows matching a predicate.")
    @Argument(help: "The table directory.") var path: String
    @Option(help: "Assignments 'col = expr, …' (spec/expressions.md).") var set: String
    @Option(name: .customLong("where"), help: "Rows to update (default: every row).") var predicate: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let table = try Table.open(path: path)
            let condition = try predicate.map { try RowCondition.parse($0, schema: try table.snapshot().schema) }
            DMLOutput.print(try table.update(set: set, where: condition), operation: "update", json: json)
        }
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Merge a source file into a table (MERGE INTO).",
        discussion: """
        Clauses apply in the order given; the first whose condition holds decides a row:
          --when-matched-update 'SET col = expr, …' | '*'   [--if COND]
          --when-matched-delete                             [--if COND]
          --when-not-matched-insert ['*' | '(col, …) VALUES (expr, …)']  [--if COND]
          --when-not-matched-by-source-update 'SET col = expr, …'        [--if COND]
          --when-not-matched-by-source-delete               [--if COND]
        Expressions name columns as target.col and source.col (or unqualified when only one side
        has the name). CSV and JSON-lines sources are typed by the table's schema.
        """)
    @Argument(help: "The table directory.") var path: String
    @Option(help: "Source file (.csv, .jsonl, .parquet).") var source: String
    @Option(help: "Source format: csv, jsonl or parquet (default: from the extension).") var format: DataFormat?
    @Option(help: "The merge condition, e.g. 'target.id = source.id'.") var on: String
    @Flag(help: "Print the result as JSON.") var json = false
    @Argument(parsing: .allUnrecognized, help: "WHEN clauses (see above).") var clauseArguments: [String] = []

    func run() throws {
        try reportingErrors {
            let clauses = try MergeClauseArguments.parse(clauseArguments)
            let table = try Table.open(path: path)
            let sourceFormat = try DataFormat.resolve(format, path: source, flagName: "--format")
            let input = try Inputs.open(source, format: sourceFormat, schema: sourceFormat == .parquet ? nil : try table.snapshot().schema)
            var batches: [RecordBatch] = []
            while let b = try input.next() { batches.append(b) }
            if batches.isEmpty { batches = [RecordBatch(schema: input.schema, columns: input.schema.fields.map { Column.allNull($0.type, count: 0) }, count: 0)] }
            DMLOutput.print(try table.merge(source: batches, on: on, clauses: clauses), operation: "merge", json: json)
        }
    }
}

/// The ordered WHEN clause options of `tarn merge`.
enum MergeClauseArguments {
    static func parse(_ args: [String]) throws -> [MergeClause] {
        var clauses: [MergeClause] = []
        var i = 0
        func value(required: Bool, _ flag: String) throws -> String? {
            if i + 1 < args.count, !args[i + 1].hasPrefix("--") {
                i += 1
                return args[i]
            }
            if required { throw ValidationError("\(flag) needs a value") }
            return nil
        }
        while i < args.count {
            let flag = args[i]
            switch flag {
            case "--when-matched-update": clauses.append(.matchedUpdate(set: try value(required: true, flag) ?? ""))
            case "--when-matched-delete": clauses.append(.matchedDelete())
            case "--when-not-matched-insert": clauses.append(.notMatchedInsert(try value(required: false, flag) ?? "*"))
            case "--when-not-matched-by-source-update": clauses.append(.notMatchedBySourceUpdate(set: try value(required: true, flag) ?? ""))
            case "--when-not-matched-by-source-delete": clauses.append(.notMatchedBySourceDelete())
            case "--if":
                guard let last = clauses.popLast(), last.condition == nil else {
                    throw ValidationError("--if must follow a --when-… clause (once)")
                }
                clauses.append(MergeClause(kind: last.kind, action: last.action, condition: try value(required: true, flag)))
            default:
                throw ValidationError("unknown option '\(flag)' (see tarn merge --help)")
            }
            i += 1
        }
        guard !clauses.isEmpty else { throw ValidationError("give at least one --when-… clause") }
        return clauses
    }
}

enum DMLOutput {
    static func print(_ r: DMLResult, operation: String, json: Bool) {
        if json {
            let metrics = r.metrics.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }
            var m: [(String, JSONValue)] = [("committed", .bool(r.committed)), ("version", .int(r.version))]
            let counts: [(String, Int)] = [("rowsDeleted", r.rowsDeleted), ("rowsUpdated", r.rowsUpdated), ("rowsInserted", r.rowsInserted),
                                           ("rowsCopied", r.rowsCopied), ("filesAdded", r.filesAdded), ("filesRemoved", r.filesRemoved),
                                           ("deletionVectorsAdded", r.deletionVectorsAdded), ("changeFilesAdded", r.changeFilesAdded)]
            m += counts.map { ($0.0, JSONValue.int(Int64($0.1))) }
            m.append(("operationMetrics", .object(metrics)))
            Swift.print(JSONValue.object(m).serialized())
            return
        }
        guard r.committed else {
            Swift.print("no rows changed; nothing committed (table version \(r.version))")
            return
        }
        var parts: [String] = []
        if r.rowsDeleted > 0 || operation == "delete" { parts.append("\(r.rowsDeleted) rows deleted") }
        if r.rowsUpdated > 0 || operation == "update" { parts.append("\(r.rowsUpdated) updated") }
        if r.rowsInserted > 0 { parts.append("\(r.rowsInserted) inserted") }
        var files = "\(r.filesRemoved) files removed, \(r.filesAdded) added"
        if r.deletionVectorsAdded > 0 { files += ", \(r.deletionVectorsAdded) deletion vectors" }
        if r.changeFilesAdded > 0 { files += ", \(r.changeFilesAdded) change files" }
        Swift.print("committed version \(r.version): " + parts.joined(separator: ", ") + " (\(files))")
    }
}
