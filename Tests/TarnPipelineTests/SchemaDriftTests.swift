// SchemaDriftTests: compare() classifies additive columns, removals, type changes and suspected
// renames; describe() renders the diff; FileIngest applies each drift policy (fail with the diff
// in the error, evolve additive columns, quarantine the file) to JSON-lines, CSV and Parquet files.
import Foundation
import Testing
import TarnParquet
import TarnPipeline
import TarnTestSupport

@Suite struct SchemaDriftTests {
    typealias M = IngestModel

    static let contract = Contract(fields: [
        ContractField(name: "customer_id", type: .long, nullable: false),
        ContractField(name: "amount", type: .long),
        ContractField(name: "email", type: .string),
    ])

    static func with(_ policy: DriftPolicy) -> Contract { Contract(fields: contract.fields, onDrift: policy) }

    @Test func compareClassifiesEachKind() {
        let same = StructType([StructField("Customer_ID", .long), StructField("amount", .long), StructField("email", .string)])
        #expect(SchemaDrift.compare(source: same, contract: Self.contract).isEmpty)
        let drifted = StructType([StructField("user_id", .long), StructField("amount", .struct(StructType([]))),
                                  StructField("coupon", .boolean)])
        let changes = SchemaDrift.compare(source: drifted, contract: Self.contract)
        #expect(Set(changes.map { "\($0)" }) == Set([
            SchemaChange.suspectedRename(from: "customer_id", to: "user_id"),
            .typeChange(column: "amount", from: .long, to: .struct(StructType([]))),
            .removal(column: "email"),
            .additive(column: "coupon", type: .boolean),
        ].map { "\($0)" }))
        #expect(changes.count == 4)
        // A string column is castable to long (text is parsed value by value): not a type change.
        let text = StructType([StructField("customer_id", .string), StructField("amount", .string), StructField("email", .string)])
        #expect(SchemaDrift.compare(source: text, contract: Self.contract).isEmpty)
        // Nothing of a compatible type to pair with: a removal and an additive.
        let unpaired = StructType([StructField("customer_id", .long), StructField("amount", .long), StructField("flag", .boolean)])
        #expect(SchemaDrift.compare(source: unpaired, contract: Self.contract) == [
            .additive(column: "flag", type: .boolean), .removal(column: "email"),
        ])
    }

    @Test func describeRendersOneLinePerChange() {
        let text = SchemaDrift.describe([.additive(column: "coupon", type: .string),
                                         .typeChange(column: "amount", from: .long, to: .string),
                                         .removal(column: "email"), .suspectedRename(from: "user_id", to: "customer_id")])
        #expect(text == "+ coupon string (additive)\n~ amount: long -> string (type change)\n- email (removal)\n? user_id -> customer_id (suspected rename)")
        #expect(SchemaDrift.describe([]) == "")
    }

    /// Two JSON-lines files: a clean one and a drifting one (`drifted` lines).
    static func files(_ drifted: [String]) throws -> [SourceFile] {
        let dir = try M.dir()
        let clean = try M.write("{\"customer_id\": 1, \"amount\": 10, \"email\": \"a@x\"}\n{\"customer_id\": 2, \"amount\": null, \"email\": null}\n",
                                dir, "1.jsonl")
        let drift = try M.write(drifted.joined(separator: "\n") + "\n", dir, "2.jsonl")
        return [clean, drift]
    }

    static let cleanRows: [[Value]] = [[.int(1), .int(10), .string("a@x")], [.int(2), .null, .null]]

    /// Each kind of drift with its diff line and the drifting file's lines.
    static let kinds: [(name: String, diff: String, lines: [String])] = [
        ("additive", "+ coupon string (additive)",
         ["{\"customer_id\": 3, \"amount\": 5, \"email\": \"c@x\", \"coupon\": \"SAVE\"}", "{\"customer_id\": 4, \"amount\": 6, \"email\": null}"]),
        ("rename", "? customer_id -> user_id (suspected rename)",
         ["{\"user_id\": 3, \"amount\": 5, \"email\": \"c@x\"}", "{\"user_id\": 4, \"amount\": 6, \"email\": \"d@x\"}"]),
        ("type change", "~ amount: long -> struct<> (type change)",
         ["{\"customer_id\": 3, \"amount\": {\"v\": 5}, \"email\": \"c@x\"}", "{\"customer_id\": 4, \"amount\": {\"v\": 6}, \"email\": \"d@x\"}"]),
        ("removal", "- email (removal)",
         ["{\"customer_id\": 3, \"amount\": 5}", "{\"customer_id\": 4, \"amount\": 6}"]),
    ]

    @Test(arguments: 0 ..< 4)
    func failPolicyThrowsWithTheDiff(kind: Int) throws {
        let k = Self.kinds[kind]
        let files = try Self.files(k.lines)
        let error = #expect(throws: TarnError.self) {
            try FileIngest.read(files, format: .jsonl, contract: Self.with(.fail), runId: "r", ingestedAtMicros: 0)
        }
        #expect(error?.code == .schemaMismatch)
        #expect(error?.message == "2.jsonl: source schema differs from the contract:\n\(k.diff)", "\(k.name)")
    }

    @Test(arguments: 0 ..< 4)
    func quarantinePolicySetsTheFileAside(kind: Int) throws {
        let k = Self.kinds[kind]
        let files = try Self.files(k.lines + ["{not json"])
        let r = try FileIngest.read(files, format: .jsonl, contract: Self.with(.quarantine), runId: "r", ingestedAtMicros: 0)
        #expect(M.rows(r) == Self.cleanRows, "\(k.name)")
        #expect(r.quarantinedFiles == ["2.jsonl"])
        #expect(r.rejected.map(\.code) == [.schemaMismatch, .schemaMismatch, .schemaMismatch])
        #expect(r.rejected.map(\.line) == [1, 2, 3])
        #expect(r.rejected.map(\.raw) == k.lines + ["{not json"])
        #expect(r.rejected.allSatisfy { $0.sourceFile == files[1].path })
        #expect(SchemaDrift.describe(r.drift) == k.diff)
        M.checkInvariant(r)
    }

    @Test func evolvePolicyAppendsAdditiveColumns() throws {
        let files = try Self.files(Self.kinds[0].lines)
        let r = try FileIngest.read(files, format: .jsonl, contract: Self.with(.evolve), runId: "r", ingestedAtMicros: 0)
        #expect(r.drift == [.additive(column: "coupon", type: .string)])
        #expect(r.quarantinedFiles.isEmpty)
        let names = try #require(r.batches.first).schema.fields.map(\.name)
        #expect(names == ["customer_id", "amount", "email", "coupon", "_source_file", "_ingested_at", "_run_id"])
        #expect(r.batches.allSatisfy { $0.schema == r.batches[0].schema })
        #expect(M.rows(r) == [[.int(1), .int(10), .string("a@x"), .null], [.int(2), .null, .null, .null],
                              [.int(3), .int(5), .string("c@x"), .string("SAVE")], [.int(4), .int(6), .null, .null]])
        M.checkInvariant(r)
    }

    @Test(arguments: 1 ..< 4)
    func evolvePolicyRefusesNonAdditiveChanges(kind: Int) throws {
        let k = Self.kinds[kind]
        let files = try Self.files(k.lines)
        let error = #expect(throws: TarnError.self) {
            try FileIngest.read(files, format: .jsonl, contract: Self.with(.evolve), runId: "r", ingestedAtMicros: 0)
        }
        #expect(error?.message.hasSuffix(k.diff) == true, "\(k.name)")
    }

    @Test(arguments: DriftPolicy.allCases)
    func csvDriftIsDecidedFromTheHeader(policy: DriftPolicy) throws {
        let dir = try M.dir()
        let good = try M.write("customer_id,amount,email\n1,10,a@x\n", dir, "1.csv")
        let drifting = try M.write("customer_id,amount,coupon\n2,20,SAVE\n3,x,\n", dir, "2.csv")
        let contract = Self.with(policy)
        switch policy {
        case .fail:
            let error = #expect(throws: TarnError.self) {
                try FileIngest.read([good, drifting], format: .csv, contract: contract, runId: "r", ingestedAtMicros: 0)
            }
            #expect(error?.message == "2.csv: source schema differs from the contract:\n? email -> coupon (suspected rename)")
        case .evolve:
            #expect(throws: TarnError.self) {
                try FileIngest.read([good, drifting], format: .csv, contract: contract, runId: "r", ingestedAtMicros: 0)
            }
        case .quarantine:
            let r = try FileIngest.read([good, drifting], format: .csv, contract: contract, runId: "r", ingestedAtMicros: 0)
            #expect(M.rows(r) == [[.int(1), .int(10), .string("a@x")]])
            #expect(r.rejected.map(\.raw) == ["2,20,SAVE", "3,x,"])
            #expect(r.rejected.map(\.line) == [2, 3])
            #expect(r.quarantinedFiles == ["2.csv"])
            M.checkInvariant(r)
        }
    }

    @Test func csvEvolveKeepsAdditiveColumnsAsStrings() throws {
        let dir = try M.dir()
        let f = try M.write("customer_id,amount,email,coupon\n2,20,b@x,SAVE\n3,x,,\n", dir, "1.csv")
        let r = try FileIngest.read([f], format: .csv, contract: Self.with(.evolve), runId: "r", ingestedAtMicros: 0)
        #expect(r.drift == [.additive(column: "coupon", type: .string)])
        #expect(M.rows(r) == [[.int(2), .int(20), .string("b@x"), .string("SAVE")]])
        #expect(r.rejected.map(\.code) == [.typeCastError] && r.rejected.first?.column == "amount")
        M.checkInvariant(r)
    }

    @Test func parquetTypeChangeIsDecidedFromTheFooter() throws {
        let dir = try M.dir()
        let schema = StructType([StructField("customer_id", .long), StructField("amount", .boolean), StructField("email", .string)])
        let sink = MemorySink()
        let w = try ParquetWriter(sink: sink, schema: schema)
        try w.write(try RecordBatch(schema: schema, rows: [[.int(1), .bool(true), .string("a")], [.int(2), .bool(false), .null]]))
        _ = try w.close()
        try Data(sink.bytes).write(to: URL(fileURLWithPath: dir + "/p.parquet"))
        let files = try SourceFiles.list(directory: dir, pattern: "*.parquet")
        let error = #expect(throws: TarnError.self) {
            try FileIngest.read(files, format: .parquet, contract: Self.with(.fail), runId: "r", ingestedAtMicros: 0)
        }
        #expect(error?.message.hasSuffix("~ amount: long -> boolean (type change)") == true)
        let r = try FileIngest.read(files, format: .parquet, contract: Self.with(.quarantine), runId: "r", ingestedAtMicros: 0)
        #expect(r.batches.isEmpty && r.rejected.count == 2 && r.quarantinedFiles == ["p.parquet"])
        #expect(r.rejected.first?.raw == "{\"customer_id\":1,\"amount\":true,\"email\":\"a\"}")
        M.checkInvariant(r)
    }
}
