// TableConstraints: the constraints every write must satisfy (spec/dml.md "Constraints"): NOT NULL
// from the schema (non-nullable fields, nested struct fields, array elements and map values, each
// required only where its parent value is present, as Spark does), CHECK constraints from
// `delta.constraints.<name>` table properties and legacy `delta.invariants` column expressions.
// A CHECK that evaluates to NULL is a violation (Spark's rule).
import TarnDelta

public struct TableConstraints: Sendable {
    /// A boolean expression every row must make TRUE.
    public struct Check: Sendable {
        /// The constraint name (lowercase for `delta.constraints.*`), or the column of an invariant.
        public let name: String
        /// The expression text as stored in the table.
        public let expression: String
        /// "CHECK constraint amount_positive" or "invariant of column amount".
        public let label: String
        let bound: BoundExpr
    }

    /// A non-nullable field: `column` is its dotted path (`s.x`, `tags.element`, `m.value`).
    public struct NotNull: Sendable {
        public let column: String
        let steps: [Step]
    }

    enum Step: Sendable { case field(Int), element, key, value }

    public static let propertyPrefix = "delta.constraints."

    public let table: String
    public let schema: StructType
    public let notNull: [NotNull]
    /// CHECK constraints sorted by name, then column invariants in schema order.
    public let checks: [Check]

    /// True when there is nothing to check (callers may skip the work).
    public var isEmpty: Bool { notNull.isEmpty && checks.isEmpty }

    /// Constraints of a table with `schema` and `configuration`. A constraint Tarn cannot parse
    /// or bind is `unsupportedFeature` naming it (Tarn will not write what it cannot check).
    public init(schema: StructType, configuration: [String: String], table: String) throws {
        self.table = table
        self.schema = schema
        var rules: [NotNull] = []
        Self.collectNotNull(.struct(schema), steps: [], path: "", into: &rules)
        notNull = rules
        var checks: [Check] = []
        for (name, text) in Self.checkConstraints(configuration) {
            checks.append(try Self.bindExisting(name: name, text: text, label: "CHECK constraint \(name)", schema: schema, table: table))
        }
        for (column, text) in try Self.invariants(schema, table: table) {
            checks.append(try Self.bindExisting(name: column, text: text, label: "invariant of column \(column)", schema: schema, table: table))
        }
        self.checks = checks
    }

    /// (name, expression) of every `delta.constraints.<name>` property, sorted by name. The prefix
    /// is matched case-insensitively, as Spark does.
    public static func checkConstraints(_ configuration: [String: String]) -> [(name: String, expression: String)] {
        configuration.compactMap { key, value -> (name: String, expression: String)? in
            guard key.lowercased().hasPrefix(propertyPrefix) else { return nil }
            return (String(key.dropFirst(propertyPrefix.count)), value)
        }.sorted { $0.name < $1.name }
    }

    /// Parses and binds an expression as a CHECK constraint on `schema`; invalidArgument (naming
    /// the constraint) when it does not parse, does not bind or is not boolean.
    public static func bindCheck(name: String, expression: String, schema: StructType, table: String) throws -> BoundExpr {
        let expr: Expr
        do {
            expr = try ExprParser.parse(expression)
        } catch let e as TarnError {
            throw TarnError(.invalidArgument, "CHECK constraint \(name) (\(expression)) is not a valid expression: \(e.message)", table: table)
        }
        do {
            return try expr.bindPredicate(to: schema)
        } catch let e as TarnError {
            throw TarnError(.invalidArgument, "CHECK constraint \(name) (\(expression)) does not apply to the table: \(e.message)",
                            table: table, column: e.column)
        }
    }

    private static func bindExisting(name: String, text: String, label: String, schema: StructType, table: String) throws -> Check {
        do {
            return Check(name: name, expression: text, label: label, bound: try bindCheck(name: name, expression: text, schema: schema, table: table))
        } catch let e as TarnError {
            throw TarnError(.unsupportedFeature, "the table's \(label) (\(text)) cannot be enforced: \(e.message); Tarn will not write to it",
                            table: table, column: e.column)
        }
    }

    // MARK: checking

    /// Checks `batches` of one write, numbering rows across them (as `check(_:firstRow:)`).
    public func check(_ batches: [RecordBatch]) throws {
        guard !isEmpty else { return }
        var first = 0
        var numbered: [(batch: RecordBatch, firstRow: Int)] = []
        for b in batches where b.count > 0 {
            numbered.append((b, first))
            first += b.count
        }
        try check(numbered)
    }

    /// Checks one batch in the table's logical schema (fields by name and type, in table order).
    /// `firstRow` numbers the batch's rows in messages.
    public func check(_ batch: RecordBatch, firstRow: Int = 0) throws {
        guard !isEmpty, batch.count > 0 else { return }
        try check([(batch, firstRow)])
    }

    /// Throws constraintViolation for the first violation: NOT NULL rules in schema order, then
    /// CHECKs (by name, then invariants); within a rule the first row of the write.
    private func check(_ numbered: [(batch: RecordBatch, firstRow: Int)]) throws {
        for (batch, _) in numbered { try requireTableSchema(batch) }
        for rule in notNull {
            for (batch, first) in numbered {
                guard let r = Self.firstNull(rule.steps, batch) else { continue }
                throw TarnError(.constraintViolation, "NOT NULL constraint violated for column \(rule.column): row \(first + r) \(Self.rowText(batch, r))",
                                table: table, column: rule.column, row: first + r)
            }
        }
        for c in checks {
            for (batch, first) in numbered {
                guard let r = try Self.firstNotTrue(try c.bound.evaluate(batch)) else { continue }
                throw TarnError(.constraintViolation, "\(c.label) (\(c.expression)) violated by row \(first + r): \(Self.rowText(batch, r))",
                                table: table, column: c.bound.referencedColumnNames.first, row: first + r)
            }
        }
    }

    /// The rows of `batch` violating `check` (FALSE or NULL), for validating existing data.
    static func violations(of bound: BoundExpr, in batch: RecordBatch) throws -> [Int] {
        let c = try bound.evaluate(batch)
        guard case let .bool(values) = c.storage else {
            throw TarnError(.invalidArgument, "a constraint must be boolean, this one is \(c.type)")
        }
        return (0 ..< c.count).filter { c.isNull($0) || !values[$0] }
    }

    private func requireTableSchema(_ batch: RecordBatch) throws {
        let same = batch.schema.fields.count == schema.fields.count
            && zip(batch.schema.fields, schema.fields).allSatisfy { $0.name.lowercased() == $1.name.lowercased() && $0.type == $1.type }
        guard same else {
            throw TarnError(.invalidArgument, "constraints are checked on batches in the table schema (\(SchemaParser.format(schema))); "
                + "this batch has \(SchemaParser.format(batch.schema))", table: table)
        }
    }

    /// The first row where a boolean column is FALSE or NULL.
    static func firstNotTrue(_ c: Column) throws -> Int? {
        guard case let .bool(values) = c.storage else {
            throw TarnError(.invalidArgument, "a constraint must be boolean, this one is \(c.type)")
        }
        guard let v = c.validity else { return values.firstIndex(of: false) }
        for i in 0 ..< c.count where !v[i] || !values[i] { return i }
        return nil
    }

    /// Row `r` of `batch` as canonical JSON (spec/rows.md), cut at 1,000 characters.
    static func rowText(_ batch: RecordBatch, _ r: Int) -> String {
        var out: [UInt8] = []
        RowJSON.write(batch.slice(r ..< r + 1), into: &out)
        let text = String(decoding: out, as: UTF8.self).trimmingSuffix("\n")
        return text.count > 1000 ? String(text.prefix(1000)) + "…" : text
    }
}

// MARK: NOT NULL rules

extension TableConstraints {
    /// Spark's rule: every non-nullable field (array element, map value) yields a rule; a rule
    /// applies only where all enclosing values are present (a null parent is checked by its own rule).
    static func collectNotNull(_ type: DataType, steps: [Step], path: String, into rules: inout [NotNull]) {
        func join(_ name: String) -> String { path.isEmpty ? name : path + "." + name }
        switch type {
        case let .struct(s):
            for (i, f) in s.fields.enumerated() {
                let here = steps + [.field(i)]
                if !f.nullable { rules.append(NotNull(column: join(f.name), steps: here)) }
                collectNotNull(f.type, steps: here, path: join(f.name), into: &rules)
            }
        case let .array(e, containsNull):
            if !containsNull { rules.append(NotNull(column: join("element"), steps: steps + [.element])) }
            collectNotNull(e, steps: steps + [.element], path: join("element"), into: &rules)
        case let .map(k, v, valueContainsNull):
            collectNotNull(k, steps: steps + [.key], path: join("key"), into: &rules)
            if !valueContainsNull { rules.append(NotNull(column: join("value"), steps: steps + [.value])) }
            collectNotNull(v, steps: steps + [.value], path: join("value"), into: &rules)
        default: break
        }
    }

    /// The first batch row holding a null at `steps` under present parents, or nil.
    static func firstNull(_ steps: [Step], _ batch: RecordBatch) -> Int? {
        guard case let .field(top)? = steps.first else { return nil }
        var column = batch.columns[top]
        if steps.count == 1 { return column.validity == nil ? nil : (0 ..< column.count).first { column.isNull($0) } }
        // Positions in `column` still to look at, and the batch row each one belongs to.
        var positions = Array(0 ..< column.count)
        var rows = positions
        for step in steps.dropFirst() {
            let parent = column
            switch (step, parent.storage) {
            case let (.field(i), .structure(children)):
                column = children[i]
                (positions, rows) = descend(parent, positions, rows) { $0 ..< $0 + 1 }
            case let (.element, .list(offsets, child)):
                column = child
                (positions, rows) = descend(parent, positions, rows) { Int(offsets[$0]) ..< Int(offsets[$0 + 1]) }
            case let (.key, .map(offsets, keys, _)):
                column = keys
                (positions, rows) = descend(parent, positions, rows) { Int(offsets[$0]) ..< Int(offsets[$0 + 1]) }
            case let (.value, .map(offsets, _, values)):
                column = values
                (positions, rows) = descend(parent, positions, rows) { Int(offsets[$0]) ..< Int(offsets[$0 + 1]) }
            default:
                return nil
            }
            if positions.isEmpty { return nil }
        }
        guard column.validity != nil else { return nil }
        for (k, p) in positions.enumerated() where column.isNull(p) { return rows[k] }
        return nil
    }

    /// The child positions (`children(p)`) of the non-null parent positions, each with its batch row.
    private static func descend(_ parent: Column, _ positions: [Int], _ rows: [Int],
                                children: (Int) -> Range<Int>) -> ([Int], [Int]) {
        var out: [Int] = [], outRows: [Int] = []
        out.reserveCapacity(positions.count)
        outRows.reserveCapacity(positions.count)
        for (k, p) in positions.enumerated() where !parent.isNull(p) {
            for c in children(p) {
                out.append(c)
                outRows.append(rows[k])
            }
        }
        return (out, outRows)
    }

    /// (dotted column, expression) of legacy `delta.invariants` column metadata
    /// (`{"expression":{"expression":"x > 3"}}`), in schema order.
    static func invariants(_ schema: StructType, prefix: String = "", table: String) throws -> [(String, String)] {
        var out: [(String, String)] = []
        for f in schema.fields {
            let column = prefix + f.name
            if let raw = f.metadata["delta.invariants"] {
                let doc = try raw.stringValue.map { try JSONParser.parse($0) } ?? raw
                guard let text = doc["expression"]?["expression"]?.stringValue else {
                    throw TarnError(.unsupportedFeature, "column \(column) has a delta.invariants rule Tarn does not recognise: \(raw.serialized())",
                                    table: table, column: column)
                }
                out.append((column, text))
            }
            if case let .struct(inner) = f.type { out += try invariants(inner, prefix: column + ".", table: table) }
        }
        return out
    }
}

extension BoundExpr {
    /// Names of the columns read, for error context.
    var referencedColumnNames: [String] {
        var out: [String] = []
        func visit(_ e: BoundExpr) {
            if case let .column(_, name) = e.node, !out.contains(name) { out.append(name) }
            e.children.forEach(visit)
        }
        visit(self)
        return out
    }
}

private extension String {
    func trimmingSuffix(_ s: String) -> String { hasSuffix(s) ? String(dropLast(s.count)) : self }
}
