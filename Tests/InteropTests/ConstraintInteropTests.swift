// CHECK constraints across engines, deltalake (delta-rs 1.6.6, Tests/InteropTests/py/constraint_peer.py)
// as the independent judge: (a) constraints Tarn adds are enforced by deltalake (violating appends,
// NULL results included, are refused; valid ones land, and Tarn reads them); (b) constraints deltalake
// adds (stored in DataFusion's SQL, e.g. `amount > '0'::decimal(10, 2)`) are enforced by Tarn, and a
// constraint Tarn drops is no longer enforced by deltalake. A missing python3 or deltalake fails the
// tests (Peer.python throws), never skips them.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite(.serialized) struct ConstraintInteropTests {
    static let script = Peer.repoRoot.appendingPathComponent("Tests/InteropTests/py/constraint_peer.py").path

    static func peer(_ args: [String]) throws -> JSONValue {
        let out = try Peer.python([script] + args)
        let line = out.split(separator: "\n").last.map(String.init) ?? ""
        return try JSONParser.parse(line)
    }

    static func ids(_ table: Table) throws -> [Int64] {
        try Scan(snapshot: try table.snapshot(), store: table.store, columns: ["id"]).batches()
            .flatMap(\.rows).compactMap { if case let .int(v) = $0[0] { return v }; return nil }.sorted()
    }

    static let schema = StructType([
        StructField("id", .long, nullable: false), StructField("amount", .decimal(precision: 10, scale: 2)),
        StructField("cat", .string), StructField("day", .date),
    ])

    static func row(_ id: Int64, _ amount: Int128?, _ cat: String?, day: Int32 = 19_800) -> [Value] {
        [.int(id), amount.map { .decimal($0) } ?? .null, cat.map { .string($0) } ?? .null, .date(day)]
    }

    /// (a) Tarn adds the constraints; deltalake must refuse what they forbid and accept the rest.
    @Test(arguments: [false, true]) func tarnConstraintsBindDeltalake(tableFeatures: Bool) throws {
        let dir = try Peer.temporaryDirectory("tarn-constraint-a")
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = Table(store: try LocalStore.open(root: dir.path))
        var o = WriteOptions()
        // timestamp_ntz puts the table on table features (3,7): the constraint becomes writer feature checkConstraints.
        let schema = tableFeatures ? StructType(Self.schema.fields + [StructField("ntz", .timestampNtz)]) : Self.schema
        let extra: [Value] = tableFeatures ? [.timestamp(1_700_000_000_000_000)] : []
        o.partitionBy = tableFeatures ? ["cat"] : []
        _ = try table.write([try RecordBatch(schema: schema, rows: [Self.row(1, 150, "a") + extra, Self.row(2, 200, "b") + extra])], options: o)
        try table.addConstraint(name: "Positive", expression: "amount > 0")
        try table.addConstraint(name: "known_cat", expression: "cat IN ('a', 'b', 'c')")
        let p = try table.snapshot().protocolAction
        #expect(tableFeatures ? (p.writerFeatures ?? []).contains("checkConstraints") : p.minWriterVersion == 3, "\(p)")
        let version = try table.snapshot().version
        let ntz = tableFeatures ? ",\"ntz\":\"2024-01-01T00:00:00\"" : ""
        let refused = [
            "{\"id\":3,\"amount\":\"-1.00\",\"cat\":\"a\",\"day\":\"2024-03-01\"\(ntz)}",     // FALSE
            "{\"id\":4,\"amount\":null,\"cat\":\"a\",\"day\":\"2024-03-01\"\(ntz)}",          // NULL: a violation in both
            "{\"id\":5,\"amount\":\"1.00\",\"cat\":\"x\",\"day\":\"2024-03-01\"\(ntz)}",
            "{\"id\":6,\"amount\":\"1.00\",\"cat\":null,\"day\":\"2024-03-01\"\(ntz)}",
            "{\"id\":null,\"amount\":\"1.00\",\"cat\":\"a\",\"day\":\"2024-03-01\"\(ntz)}",   // NOT NULL
        ]
        for rowJSON in refused {
            let r = try Self.peer(["append", dir.path, "--rows", "[\(rowJSON)]"])
            #expect(r["ok"]?.boolValue == false, "deltalake accepted \(rowJSON)")
        }
        let accepted = try Self.peer(["append", dir.path, "--rows", "[{\"id\":7,\"amount\":\"0.01\",\"cat\":\"c\",\"day\":\"2024-03-01\"\(ntz)}]"])
        #expect(accepted["ok"]?.boolValue == true, "\(accepted)")
        #expect(try table.snapshot().version == version + 1)
        #expect(try Self.ids(table) == [1, 2, 7])
        let state = try Self.peer(["state", dir.path])
        #expect(state["configuration"]?["delta.constraints.positive"]?.stringValue == "amount > 0")
        #expect(state["ids"]?.arrayValue?.compactMap(\.int64Value) == [1, 2, 7])
    }

    /// (b) deltalake adds the constraints; Tarn must enforce them, and stop when Tarn drops one.
    @Test func deltalakeConstraintsBindTarn() throws {
        let dir = try Peer.temporaryDirectory("tarn-constraint-b")
        defer { try? FileManager.default.removeItem(at: dir) }
        let created = try Self.peer(["create", dir.path, "--schema-json", Self.schema.jsonString,
                                     "--rows", "[{\"id\":1,\"amount\":\"1.50\",\"cat\":\"a\",\"day\":\"2024-05-01\"}]"])
        #expect(created["ok"]?.boolValue == true, "\(created)")
        for (name, expr) in [("positive", "amount > 0"), ("Recent", "day >= '2024-01-01'"), ("known", "cat IN ('a', 'b')")] {
            let r = try Self.peer(["add-constraint", dir.path, name, expr])
            #expect(r["ok"]?.boolValue == true, "\(r)")
        }
        let table = try Table.open(path: dir.path)
        let stored = TableConstraints.checkConstraints(try table.snapshot().configuration)
        #expect(stored.map(\.name) == ["Recent", "known", "positive"], "\(stored)")
        let version = try table.snapshot().version
        let day = Int32(19_844)      // 2024-05-01
        let bad: [([Value], String)] = [
            (Self.row(2, -100, "a", day: day), "positive"), (Self.row(3, nil, "a", day: day), "positive"),
            (Self.row(4, 100, "a", day: 19_000), "Recent"), (Self.row(5, 100, "z", day: day), "known"),
            (Self.row(6, 100, nil, day: day), "known"),
        ]
        for (row, name) in bad {
            let e = try #require(throws: TarnError.self) { try table.write([try RecordBatch(schema: Self.schema, rows: [row])]) }
            #expect(e.code == .constraintViolation && e.message.hasPrefix("CHECK constraint \(name) ("), "\(e.message)")
            #expect(try table.snapshot().version == version)
        }
        _ = try table.write([try RecordBatch(schema: Self.schema, rows: [Self.row(7, 1, "b", day: day)])])
        #expect(try Self.peer(["state", dir.path])["ids"]?.arrayValue?.compactMap(\.int64Value) == [1, 7])

        // Tarn drops deltalake's constraint (stored as "Recent"): deltalake stops enforcing it, keeps the others.
        #expect(try table.dropConstraint(name: "recent") == version + 2)
        let old = try Self.peer(["append", dir.path, "--rows", "[{\"id\":8,\"amount\":\"1.00\",\"cat\":\"a\",\"day\":\"2020-01-01\"}]"])
        #expect(old["ok"]?.boolValue == true, "\(old)")
        let negative = try Self.peer(["append", dir.path, "--rows", "[{\"id\":9,\"amount\":\"-1.00\",\"cat\":\"a\",\"day\":\"2024-05-01\"}]"])
        #expect(negative["ok"]?.boolValue == false, "\(negative)")
        #expect(try Self.ids(table) == [1, 7, 8])
    }
}
