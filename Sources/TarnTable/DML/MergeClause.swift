// MergeClause: the WHEN clauses of MERGE INTO (spec/dml.md), applied in the order given:
// WHEN MATCHED [AND cond] THEN UPDATE SET … | DELETE; WHEN NOT MATCHED [AND cond] THEN INSERT …;
// WHEN NOT MATCHED BY SOURCE [AND cond] THEN UPDATE SET … | DELETE. Texts are parsed here into
// assignment lists; binding happens against the merge's joined schema.
import Foundation
import TarnDelta

public struct MergeClause: Sendable {
    public enum Kind: String, Sendable { case matched, notMatched, notMatchedBySource }
    public enum Action: Sendable {
        /// `SET col = expr, …`, or `*` for every table column from the source column of that name.
        case update(String)
        case delete
        /// `*`, or `(col, …) VALUES (expr, …)`.
        case insert(String)
    }

    public let kind: Kind
    public let action: Action
    /// Extra condition (`AND cond`), over target and source columns.
    public let condition: String?

    public init(kind: Kind, action: Action, condition: String? = nil) {
        self.kind = kind
        self.action = action
        self.condition = condition
    }

    public static func matchedUpdate(set: String, if condition: String? = nil) -> MergeClause {
        MergeClause(kind: .matched, action: .update(set), condition: condition)
    }
    public static func matchedDelete(if condition: String? = nil) -> MergeClause {
        MergeClause(kind: .matched, action: .delete, condition: condition)
    }
    public static func notMatchedInsert(_ values: String = "*", if condition: String? = nil) -> MergeClause {
        MergeClause(kind: .notMatched, action: .insert(values), condition: condition)
    }
    public static func notMatchedBySourceUpdate(set: String, if condition: String? = nil) -> MergeClause {
        MergeClause(kind: .notMatchedBySource, action: .update(set), condition: condition)
    }
    public static func notMatchedBySourceDelete(if condition: String? = nil) -> MergeClause {
        MergeClause(kind: .notMatchedBySource, action: .delete, condition: condition)
    }

    /// Spark's name of the action in operationParameters ("update", "delete", "insert").
    var actionType: String {
        switch action {
        case .update: return "update"
        case .delete: return "delete"
        case .insert: return "insert"
        }
    }

    /// The assignments of an UPDATE or INSERT, `*` expanded to every table column taken from the
    /// source column of the same name (which must exist).
    func assignments(table: StructType, source: StructType, tableName: String) throws -> [(column: [String], value: Expr)] {
        let text: String
        switch action {
        case .delete: return []
        case let .update(t): text = t
        case let .insert(t): text = t
        }
        let trimmed = text.trimmedWhitespace
        if trimmed == "*" {
            return try table.fields.map { f in
                guard let s = source.fields.first(where: { $0.name.lowercased() == f.name.lowercased() }) else {
                    throw TarnError(.invalidArgument, "\(kind == .notMatched ? "INSERT" : "UPDATE SET") * needs source column '\(f.name)'; the source has \(source.fieldNames.joined(separator: ", "))",
                                    table: tableName, column: f.name)
                }
                return ([f.name], Expr.column(["source", s.name]))
            }
        }
        if case .insert = action { return try MergeClause.parseInsert(trimmed, tableName: tableName) }
        let set = trimmed.uppercased().hasPrefix("SET ") ? String(trimmed.dropFirst(4)) : trimmed
        return try ExprParser.parseAssignments(set)
    }

    /// `(a, b) VALUES (x, y)` as assignments a = x, b = y.
    static func parseInsert(_ text: String, tableName: String) throws -> [(column: [String], value: Expr)] {
        guard let r = text.range(of: "VALUES", options: .caseInsensitive) else {
            throw TarnError(.invalidArgument, "INSERT needs '*' or '(col, …) VALUES (expr, …)', got '\(text)'", table: tableName)
        }
        func inner(_ part: Substring) throws -> String {
            let t = String(part).trimmedWhitespace
            guard t.hasPrefix("("), t.hasSuffix(")") else {
                throw TarnError(.invalidArgument, "INSERT lists must be in parentheses: '\(text)'", table: tableName)
            }
            return String(t.dropFirst().dropLast())
        }
        let columns = try inner(text[..<r.lowerBound]).split(separator: ",").map { try ExprParser.parseColumn(String($0)) }
        let values = try ExprParser.parseList(try inner(text[r.upperBound...]))
        guard columns.count == values.count, !columns.isEmpty else {
            throw TarnError(.invalidArgument, "INSERT names \(columns.count) columns but gives \(values.count) values: '\(text)'", table: tableName)
        }
        return Array(zip(columns, values)).map { (column: $0.0, value: $0.1) }
    }
}
