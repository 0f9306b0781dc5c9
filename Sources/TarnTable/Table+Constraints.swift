// ALTER TABLE … ADD / DROP CONSTRAINT (spec/dml.md "Constraints"): CHECK constraints stored as
// `delta.constraints.<name>` table properties (names lowercased, as Spark stores them). Adding
// validates every existing row first and raises the protocol when needed (writer 3, or writer
// feature checkConstraints); a failure commits nothing.
import Foundation
import TarnDelta

extension Table {
    /// Adds CHECK constraint `name` with the SQL `expression` (spec/expressions.md); returns the
    /// committed version. invalidArgument when the name exists or the expression does not parse,
    /// bind or give a boolean; constraintViolation when an existing row does not satisfy it.
    @discardableResult
    public func addConstraint(name: String, expression: String) throws -> Int64 {
        let s = try existingSnapshot()
        try TableFeatures.checkWrite(s.protocolAction, s.metadata, table: location)
        let lower = try Self.constraintName(name, table: location)
        if let old = Self.constraintKey(lower, in: s.configuration) {
            throw TarnError(.invalidArgument, "constraint \(lower) already exists (\(s.configuration[old] ?? "")); drop it first",
                            table: location, version: s.version)
        }
        let text = expression.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try TableConstraints.bindCheck(name: lower, expression: text, schema: s.schema, table: location)
        try validateExistingRows(s, name: lower, expression: text)
        var m = s.metadata
        m.configuration[TableConstraints.propertyPrefix + lower] = text
        var tx = Transaction(table: self, readSnapshot: s, operation: "ADD CONSTRAINT")
        let upgraded = TableFeatures.upgraded(s.protocolAction, forConfiguration: m.configuration)
        tx.actions = (upgraded == s.protocolAction ? [] : [.protocol(upgraded)]) + [.metaData(m)]
        tx.operationParameters = ["name": lower, "expr": text]
        // The check read the whole table: a concurrent append must conflict, not slip in unchecked.
        tx.readWholeTable = true
        return try commitConstraintChange(tx, configuration: m.configuration)
    }

    /// Drops CHECK constraint `name`; returns the committed version, or nil when it does not exist
    /// and `ifExists` is set (nothing is committed). Without `ifExists` a missing name is invalidArgument.
    @discardableResult
    public func dropConstraint(name: String, ifExists: Bool = false) throws -> Int64? {
        let s = try existingSnapshot()
        try TableFeatures.checkWrite(s.protocolAction, s.metadata, table: location)
        let lower = try Self.constraintName(name, table: location)
        guard let key = Self.constraintKey(lower, in: s.configuration) else {
            if ifExists { return nil }
            let known = TableConstraints.checkConstraints(s.configuration).map(\.name)
            throw TarnError(.invalidArgument, "the table has no constraint named \(lower) (constraints: \(known.isEmpty ? "none" : known.joined(separator: ", ")))",
                            table: location, version: s.version)
        }
        var m = s.metadata
        let text = m.configuration.removeValue(forKey: key) ?? ""
        var tx = Transaction(table: self, readSnapshot: s, operation: "DROP CONSTRAINT")
        tx.actions = [.metaData(m)]
        tx.operationParameters = ["name": lower, "expr": text]
        return try commitConstraintChange(tx, configuration: m.configuration)
    }

    /// The table's CHECK constraints (name, expression), sorted by name.
    public func checkConstraints(version: Int64? = nil) throws -> [(name: String, expression: String)] {
        TableConstraints.checkConstraints(try snapshot(version: version).configuration)
    }

    private func existingSnapshot() throws -> Snapshot {
        guard let s = try latestIfAny() else { throw TarnError(.notFound, "no table at \(location)", table: location) }
        return s
    }

    private func commitConstraintChange(_ tx: Transaction, configuration: [String: String]) throws -> Int64 {
        let outcome = try tx.commit()
        try? Checkpoints.afterCommit(self, version: outcome.version, configuration: configuration)
        return outcome.version
    }

    /// Every live row of `s` must make the expression TRUE (FALSE and NULL violate, as on writes).
    /// Reads only the columns the expression references.
    private func validateExistingRows(_ s: Snapshot, name: String, expression: String) throws {
        let expr = try ExprParser.parse(expression)
        let wanted = Set(expr.referencedColumns.compactMap { $0.first.flatMap { s.schema.field(named: $0)?.name } })
        var columns = s.schema.fields.map(\.name).filter { wanted.contains($0) }
        if columns.isEmpty, let first = s.schema.fields.first { columns = [first.name] }
        let scan = try Scan(snapshot: s, store: store, columns: columns)
        let bound = try expr.bindPredicate(to: scan.outputSchema)
        var violating = 0
        var example: (row: Int, text: String)?
        var rowsBefore = 0
        try scan.read { batch in
            let bad = try TableConstraints.violations(of: bound, in: batch)
            if example == nil, let r = bad.first { example = (rowsBefore + r, TableConstraints.rowText(batch, r)) }
            violating += bad.count
            rowsBefore += batch.count
        }
        if let example {
            throw TarnError(.constraintViolation,
                            "cannot add CHECK constraint \(name) (\(expression)): \(violating) existing row(s) violate it, e.g. row \(example.row) of version \(s.version): \(example.text)",
                            table: location, version: s.version, row: example.row)
        }
    }

    /// The lowercased constraint name; invalidArgument when empty or not a plain name.
    static func constraintName(_ name: String, table: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !trimmed.contains(where: { $0.isWhitespace || $0 == "=" }) else {
            throw TarnError(.invalidArgument, "invalid constraint name '\(name)': use a non-empty name without spaces or '='", table: table)
        }
        return trimmed.lowercased()
    }

    /// The configuration key holding constraint `lower` (the prefix and name match case-insensitively).
    static func constraintKey(_ lower: String, in configuration: [String: String]) -> String? {
        let wanted = TableConstraints.propertyPrefix + lower
        return configuration.keys.filter { $0.lowercased() == wanted }.sorted().first
    }
}
