// Table constraints against a reference model: random writes (some violating NOT NULL or CHECK
// constraints, including CHECKs that evaluate to NULL) either commit and match the model or fail
// with constraintViolation naming the constraint and the first violating row, leaving the table
// and its store exactly as they were. Also ADD / DROP CONSTRAINT, nested NOT NULL, protocol
// upgrades, tables created with constraint properties and the add-vs-append race.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct ConstraintTests {
    /// The model's verdict on rows of T.schema with constraints known_cat = cat IN ('a','b','c') and
    /// positive = amount > 0: (constraint, first row) of the first violation, NOT NULL first, then by name.
    static func expectedViolation(_ rows: [[Value]]) -> (constraint: String, row: Int)? {
        if let r = rows.firstIndex(where: { $0[0] == .null }) { return ("NOT NULL constraint violated for column id", r) }
        if let r = rows.firstIndex(where: { row in
            guard case let .string(c) = row[2] else { return true }      // NULL IN (...) is NULL: a violation
            return !["a", "b", "c"].contains(c)
        }) { return ("CHECK constraint known_cat (cat IN ('a', 'b', 'c'))", r) }
        if let r = rows.firstIndex(where: { row in
            guard case let .decimal(v) = row[3] else { return true }     // NULL > 0 is NULL: a violation
            return v <= 0
        }) { return ("CHECK constraint positive (amount > 0)", r) }
        return nil
    }

    static func randomRow(_ id: Int64, _ rng: inout SeededRandom, violations: Bool) -> [Value] {
        var row = T.row(id, cat: ["a", "b", "c"].randomElement(using: &rng)!, amount: Int128(Int.random(in: 1 ... 5000, using: &rng)))
        guard violations else { return row }
        switch Int.random(in: 0 ..< 12, using: &rng) {
        case 0: row[0] = .null
        case 1: row[2] = .null
        case 2: row[2] = .string("x")
        case 3: row[3] = .null
        case 4: row[3] = .decimal(Int128(-Int.random(in: 0 ... 500, using: &rng)))
        default: break
        }
        return row
    }

    /// A batch whose schema has nullable top-level fields (as user data may), so it can carry the
    /// nulls the table's NOT NULL constraints must refuse.
    static func batch(_ rows: [[Value]], schema: StructType = T.schema) throws -> RecordBatch {
        try RecordBatch(schema: StructType(schema.fields.map { f in var f = f; f.nullable = true; return f }), rows: rows)
    }

    static func keys(_ store: MemoryStore) throws -> [String] { try store.list(prefix: "").map(\.key).sorted() }

    @Test func randomWritesMatchTheModel() throws {
        for seed in SeededRandom.seeds(count: 6, base: 7070) {
            var rng = SeededRandom(seed: seed)
            let (table, store) = T.memoryTable()
            var options = WriteOptions()
            options.partitionBy = rng.chance(0.5) ? ["cat"] : []
            var model = (1 ... 5).map { T.row(Int64($0)) }
            _ = try table.write([try T.batch(model)], options: options)
            try table.addConstraint(name: "positive", expression: "amount > 0")
            try table.addConstraint(name: "Known_Cat", expression: "cat IN ('a', 'b', 'c')")
            var nextId: Int64 = 100
            var failures = 0
            for step in 0 ..< 14 {
                let batches = (0 ..< Int.random(in: 1 ... 3, using: &rng)).map { _ in
                    (0 ..< Int.random(in: 1 ... 25, using: &rng)).map { _ -> [Value] in
                        nextId += 1
                        return Self.randomRow(nextId, &rng, violations: rng.chance(0.15))
                    }
                }
                let all = batches.flatMap { $0 }
                let before = (version: try table.snapshot().version, keys: try Self.keys(store))
                let overwrite = rng.chance(0.2)
                var o = WriteOptions(mode: overwrite ? .overwrite : .append)
                o.partitionBy = options.partitionBy
                let context = "seed \(seed) step \(step)"
                if let expected = Self.expectedViolation(all) {
                    failures += 1
                    let e = try #require(throws: TarnError.self, "\(context)") { try table.write(try batches.map { try Self.batch($0) }, options: o) }
                    #expect(e.code == .constraintViolation, "\(context): \(e)")
                    #expect(e.message.hasPrefix(expected.constraint), "\(context): \(e.message)")
                    #expect(e.row == expected.row, "\(context): \(e.message)")
                    if case let .int(id) = all[expected.row][0], expected.constraint.hasPrefix("CHECK") {
                        #expect(e.message.contains("{\"id\":\(id),"), "\(context): \(e.message)")
                    }
                    #expect(try table.snapshot().version == before.version, "\(context)")
                    #expect(try Self.keys(store) == before.keys, "\(context): stray objects")
                } else {
                    let r = try table.write(try batches.map { try Self.batch($0) }, options: o)
                    #expect(r.version == before.version + 1, "\(context)")
                    model = overwrite ? all : model + all
                }
                #expect(try T.rows(table) == T.sorted(model), "\(context)")
            }
            #expect(failures > 0, "seed \(seed) produced no violating write")
        }
    }

    @Test func addConstraintValidatesExistingRows() throws {
        let (table, store) = T.memoryTable()
        var rows = [T.row(1, amount: 100), T.row(2, amount: -5), T.row(3, amount: 7), T.row(4, amount: 0)]
        rows[2][3] = .null
        _ = try table.write([try T.batch(rows)])
        let before = (snapshot: try table.snapshot(), keys: try Self.keys(store))
        let e = try #require(throws: TarnError.self) { try table.addConstraint(name: "positive", expression: "amount > 0") }
        #expect(e.code == .constraintViolation)
        #expect(e.message.contains("positive") && e.message.contains("amount > 0") && e.message.contains("3 existing row(s)"), "\(e.message)")
        #expect(e.message.contains("\"amount\":\"-0.05\""), "\(e.message)")
        #expect(try table.snapshot().version == before.snapshot.version)
        #expect(try table.snapshot().configuration == before.snapshot.configuration)
        #expect(try Self.keys(store) == before.keys)

        _ = try table.write([try T.batch([T.row(1, amount: 100), T.row(3, amount: 7)])], options: WriteOptions(mode: .overwrite))
        #expect(before.snapshot.protocolAction == ProtocolAction(minReaderVersion: 1, minWriterVersion: 2))
        let v = try table.addConstraint(name: "positive", expression: " amount > 0 ")
        let s = try table.snapshot()
        #expect(s.version == v && v == before.snapshot.version + 2)
        #expect(s.configuration["delta.constraints.positive"] == "amount > 0")
        #expect(s.protocolAction == ProtocolAction(minReaderVersion: 1, minWriterVersion: 3))
        let info = try #require(try table.history(limit: 1).first?.commitInfo)
        #expect(info.operation == "ADD CONSTRAINT")
        #expect(info["operationParameters"]?["name"]?.stringValue == "positive")
        #expect(info["operationParameters"]?["expr"]?.stringValue == "amount > 0")
        #expect(try T.rows(table) == T.sorted([T.row(1, amount: 100), T.row(3, amount: 7)]))
    }

    @Test func namesExpressionsAndDrop() throws {
        let (table, _) = T.memoryTable()
        _ = try table.write([try T.batch([T.row(1)])])
        try table.addConstraint(name: "Amount_Positive", expression: "amount > 0")
        let version = try table.snapshot().version
        #expect(try table.checkConstraints().map(\.name) == ["amount_positive"])
        let bad: [(String, String, String)] = [
            ("AMOUNT_POSITIVE", "id > 0", "already exists"), ("p2", "amount >", "not a valid expression"),
            ("p3", "amount + 1", "must be boolean"), ("p4", "nope > 1", "does not apply"), ("", "id > 0", "invalid constraint name"),
            ("a b", "id > 0", "invalid constraint name"),
        ]
        for (name, expr, fragment) in bad {
            let e = try #require(throws: TarnError.self) { try table.addConstraint(name: name, expression: expr) }
            #expect(e.code == .invalidArgument && e.message.contains(fragment), "\(name): \(e.message)")
        }
        #expect(try table.snapshot().version == version)
        let missing = try #require(throws: TarnError.self) { try table.dropConstraint(name: "nope") }
        #expect(missing.code == .invalidArgument && missing.message.contains("amount_positive"), "\(missing.message)")
        #expect(try table.dropConstraint(name: "nope", ifExists: true) == nil)
        #expect(try table.snapshot().version == version)

        let violating = try T.batch([T.row(2, amount: -1)])
        #expect(throws: TarnError.self) { try table.write([violating]) }
        let dropped = try table.dropConstraint(name: "AMOUNT_positive")
        #expect(dropped == version + 1)
        let info = try #require(try table.history(limit: 1).first?.commitInfo)
        #expect(info.operation == "DROP CONSTRAINT")
        #expect(info["operationParameters"]?["expr"]?.stringValue == "amount > 0")
        #expect(try table.snapshot().configuration.keys.contains { $0.hasPrefix("delta.constraints.") } == false)
        #expect(try table.write([violating]).version == version + 2)
        #expect(try T.rows(table).count == 2)
    }

    @Test func notNullTopLevelAndNested() throws {
        let schema = try SchemaParser.parse("id long not null, s struct<x long not null, y string>, "
            + "tags array<long not null>, m map<string, long not null>, r struct<z long not null> not null")
        let ok: [Value] = [.int(1), .structure([.int(1), .null]), .array([.int(1)]), .map([.init(.string("k"), .int(1))]), .structure([.int(1)])]
        let (table, store) = T.memoryTable()
        _ = try table.write([try T.batch([ok], schema: schema)])
        var nullParent = ok
        nullParent[1] = .null          // s is null: s.x is not required
        nullParent[2] = .null
        nullParent[3] = .null
        _ = try table.write([try T.batch([ok, nullParent], schema: schema)])
        let cases: [(Int, Value, String)] = [
            (0, .null, "id"), (1, .structure([.null, .string("y")]), "s.x"), (2, .array([.int(1), .null]), "tags.element"),
            (3, .map([.init(.string("k"), .int(1)), .init(.string("j"), .null)]), "m.value"), (4, .null, "r"), (4, .structure([.null]), "r.z"),
        ]
        for (column, value, name) in cases {
            var bad = ok
            bad[column] = value
            let before = (version: try table.snapshot().version, keys: try Self.keys(store))
            let e = try #require(throws: TarnError.self) { try table.write([try Self.batch([ok, ok, bad], schema: schema)]) }
            #expect(e.code == .constraintViolation && e.column == name && e.row == 2, "\(name): \(e)")
            #expect(e.message.hasPrefix("NOT NULL constraint violated for column \(name): row 2 {\"id\":"), "\(e.message)")
            #expect(try table.snapshot().version == before.version)
            #expect(try Self.keys(store) == before.keys)
        }
        #expect(try T.rows(table).count == 3)
    }

    @Test func tableCreatedWithConstraintProperty() throws {
        let (table, store) = T.memoryTable()
        var o = WriteOptions()
        o.properties = ["delta.constraints.positive": "amount > 0"]
        let e = try #require(throws: TarnError.self) { try table.write([try T.batch([T.row(1), T.row(2, amount: -3)])], options: o) }
        #expect(e.code == .constraintViolation && e.row == 1 && e.message.contains("positive"), "\(e)")
        #expect(try Self.keys(store).isEmpty)
        _ = try table.write([try T.batch([T.row(1)])], options: o)
        #expect(try table.snapshot().protocolAction.minWriterVersion == 3)
        #expect(throws: TarnError.self) { try table.write([try T.batch([T.row(3, amount: 0)])]) }
        #expect(try T.rows(table) == [T.row(1)])
    }

    @Test func tableFeaturesProtocolGetsCheckConstraints() throws {
        let (table, _) = T.memoryTable()
        try table.create(schema: T.schema, properties: ["delta.enableDeletionVectors": "true"])
        let p0 = try table.snapshot().protocolAction
        #expect(p0.minWriterVersion == 7 && !(p0.writerFeatures ?? []).contains("checkConstraints"))
        try table.addConstraint(name: "positive", expression: "amount > 0")
        let s = try table.snapshot()
        #expect(s.protocolAction.minReaderVersion == p0.minReaderVersion && s.protocolAction.readerFeatures == p0.readerFeatures)
        #expect(s.protocolAction.writerFeatures == ((p0.writerFeatures ?? []) + ["checkConstraints"]).sorted())
        try TableFeatures.checkWrite(s.protocolAction, s.metadata, table: table.location)
        _ = try table.write([try T.batch([T.row(1)])])
        #expect(throws: TarnError.self) { try table.write([try T.batch([T.row(2, amount: -1)])]) }
        // Dropping keeps the protocol (it is never lowered); another add needs no protocol action.
        try table.dropConstraint(name: "positive")
        try table.addConstraint(name: "positive2", expression: "id > 0")
        #expect(try table.snapshot().protocolAction == s.protocolAction)
        #expect(TableFeatures.upgraded(ProtocolAction(minReaderVersion: 1, minWriterVersion: 4), forConfiguration: ["delta.constraints.a": "x"])
            == ProtocolAction(minReaderVersion: 1, minWriterVersion: 4))
    }

    /// A blind append that commits between ADD CONSTRAINT's check and its commit must conflict.
    @Test func concurrentAppendConflictsWithAddConstraint() throws {
        let (table, store) = T.memoryTable()
        _ = try table.write([try T.batch([T.row(1)])])
        let read = try table.snapshot()
        _ = try Table(store: store).write([try T.batch([T.row(2, amount: -1)])])   // another writer, blind append
        var m = read.metadata
        m.configuration["delta.constraints.positive"] = "amount > 0"
        var tx = Transaction(table: table, readSnapshot: read, operation: "ADD CONSTRAINT")
        tx.actions = [.metaData(m)]
        tx.readWholeTable = true
        let e = try #require(throws: TarnError.self) { try tx.commit() }
        #expect(e.code == .concurrentModification)
        #expect(throws: TarnError.self) { try table.addConstraint(name: "positive", expression: "amount > 0") }
        #expect(try table.snapshot().configuration["delta.constraints.positive"] == nil)
    }

    @Test func unenforceableConstraintsAndInvariants() throws {
        let (table, _) = T.memoryTable()
        _ = try table.write([try T.batch([T.row(1)])])
        let s = try table.snapshot()
        var m = s.metadata
        m.configuration["delta.constraints.weird"] = "amount >"
        var tx = Transaction(table: table, readSnapshot: s, operation: "SET TBLPROPERTIES")
        tx.actions = [.metaData(m)]
        _ = try tx.commit()
        let e = try #require(throws: TarnError.self) { try table.write([try T.batch([T.row(2)])]) }
        #expect(e.code == .unsupportedFeature && e.message.contains("CHECK constraint weird (amount >)"), "\(e.message)")

        // Legacy column invariants (delta.invariants) are CHECKs too.
        var fields = T.schema.fields
        fields[3].metadata["delta.invariants"] = .string("{\"expression\":{\"expression\":\"amount > 0\"}}")
        let (t2, _) = T.memoryTable()
        try t2.create(schema: StructType(fields))
        let v = try #require(throws: TarnError.self) { try t2.write([try T.batch([T.row(1), T.row(2, amount: -1)])]) }
        #expect(v.code == .constraintViolation && v.row == 1 && v.message.hasPrefix("invariant of column amount (amount > 0) violated by row 1"), "\(v.message)")
    }

    @Test func checkAPI() throws {
        #expect(try TableConstraints(schema: StructType([StructField("a", .long)]), configuration: [:], table: "t").isEmpty)
        let c = try TableConstraints(schema: T.schema, configuration: ["Delta.Constraints.Pos": "amount > 0"], table: "t")
        #expect(!c.isEmpty && c.checks.map(\.name) == ["Pos"] && c.notNull.map(\.column) == ["id"])
        let batch = try T.batch([T.row(1), T.row(2, amount: -1)])
        let e = try #require(throws: TarnError.self) { try c.check(batch, firstRow: 10) }
        #expect(e.code == .constraintViolation && e.row == 11 && e.column == "amount" && e.table == "t")
        let e2 = try #require(throws: TarnError.self) { try c.check([try T.batch([T.row(1)]), batch]) }
        #expect(e2.row == 2)
        // delta-rs writes constraints in DataFusion's SQL, with PostgreSQL-style `::` casts.
        let rs = try TableConstraints(schema: T.schema, configuration: ["delta.constraints.p": "amount > '0'::decimal(10, 2)",
                                                                        "delta.constraints.d": "day >= '2022-01-01'::date"], table: "t")
        try rs.check(try T.batch([T.row(1, day: 19_000)]))
        #expect(try #require(throws: TarnError.self) { try rs.check(try T.batch([T.row(1, day: 18_000)])) }.message.hasPrefix("CHECK constraint d "))
        #expect(try #require(throws: TarnError.self) { try rs.check(try T.batch([T.row(1, amount: 0)])) }.message.hasPrefix("CHECK constraint p "))
        let other = try T.batch([[.int(1)]], schema: StructType([StructField("id", .long)]))
        let e3 = try #require(throws: TarnError.self) { try c.check(other) }
        #expect(e3.code == .invalidArgument)
    }
}
