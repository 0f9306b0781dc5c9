// FaultFixture: the starting tables of the fault sweep and their reference model. Owns the row
// type (id, cat, amount), the model (a set of rows per version, plus the constraint names), the
// seeded construction of a copy-on-write and a deletion-vector table on a MemoryStore, and the
// reading of a table back into model rows.
import TarnColumnar
import TarnStorage
import TarnTable
import TarnTestSupport

/// One row of the sweep's tables, as the reference model holds it.
public struct FaultRow: Hashable, Sendable, CustomStringConvertible {
    public var id: Int64
    public var cat: String
    public var amount: Int64

    public var description: String { "(\(id), \(cat), \(amount))" }
    var values: [Value] { [.int(id), .string(cat), .int(amount)] }
}

/// The reference model of a table: its rows and its CHECK constraint names.
public struct FaultModel: Equatable, Sendable {
    public var rows: Set<FaultRow>
    public var constraints: Set<String> = []

    /// A short description of how `actual` differs from this model (for failure messages).
    func difference(_ actual: FaultModel) -> String {
        let missing = rows.subtracting(actual.rows).sorted { $0.id < $1.id }.prefix(3)
        let extra = actual.rows.subtracting(rows).sorted { $0.id < $1.id }.prefix(3)
        return "rows \(actual.rows.count) vs model \(rows.count), missing \(Array(missing)), unexpected \(Array(extra)), "
            + "constraints \(actual.constraints.sorted()) vs model \(constraints.sorted())"
    }
}

/// A starting table: a MemoryStore every run clones, and the model of each of its versions.
public struct FaultFixture: Sendable {
    public static let schema = StructType([
        StructField("id", .long, nullable: false), StructField("cat", .string), StructField("amount", .long),
    ])
    public static let cats = ["a", "b", "c"]

    public let store: MemoryStore
    /// The model at every version of the starting table.
    public let versions: [Int64: FaultModel]
    public let deletionVectors: Bool
    public let seed: UInt64

    public var latestVersion: Int64 { versions.keys.max() ?? -1 }
    public var latest: FaultModel { versions[latestVersion] ?? FaultModel(rows: []) }
    /// The next unused id (operations that insert use ids from here on).
    public let nextId: Int64

    /// Builds the table for `seed`: create, three appends, a delete of id 2 and some `c` rows; odd seeds
    /// checkpoint every 3 versions, so commits in the sweep also write checkpoints.
    public init(seed: UInt64, deletionVectors: Bool) throws {
        self.seed = seed
        self.deletionVectors = deletionVectors
        var rng = SeededRandom(seed: seed &+ (deletionVectors ? 1 : 0))
        let store = MemoryStore(name: "fault-fixture-\(seed)-\(deletionVectors)")
        let table = Table(store: store)
        var props: [String: String] = [:]
        if deletionVectors { props["delta.enableDeletionVectors"] = "true" }
        if seed % 2 == 1 { props["delta.checkpointInterval"] = "3" }
        try table.create(schema: Self.schema, properties: props)
        var model = FaultModel(rows: [])
        var versions: [Int64: FaultModel] = [0: model]
        var id: Int64 = 1
        for count in [8 + Int(rng.next() % 6), 6 + Int(rng.next() % 6), 4 + Int(rng.next() % 4)] {
            let rows = Self.randomRows(count: count, from: id, using: &rng)
            id += Int64(count)
            let r = try table.write([try Self.batch(rows)])
            model.rows.formUnion(rows)
            versions[r.version] = model
        }
        let modulus = Int64(2 + rng.next() % 2)
        // Always deletes (id 2 exists), so the last commit is not a blind append: under a listing
        // gap hiding it, a stale reader that raced only blind appends is legitimately serialized
        // before them (WriteSerializable) and the model would not apply.
        let deleted = try table.delete(where: try RowCondition.parse("(cat = 'c' AND id % \(modulus) = 0) OR id = 2", schema: Self.schema))
        model.rows = model.rows.filter { !(($0.cat == "c" && $0.id % modulus == 0) || $0.id == 2) }
        versions[deleted.version] = model
        self.store = store
        self.versions = versions
        self.nextId = id
    }

    /// `count` rows with ids from `first`, random categories and non-negative amounts.
    static func randomRows(count: Int, from first: Int64, cat: String? = nil, using rng: inout SeededRandom) -> [FaultRow] {
        (0 ..< count).map { i in
            FaultRow(id: first + Int64(i), cat: cat ?? cats[Int(rng.next() % 3)], amount: Int64(rng.next() % 1000))
        }
    }

    static func batch(_ rows: [FaultRow]) throws -> RecordBatch {
        try RecordBatch(schema: schema, rows: rows.map(\.values))
    }

    /// The table's rows and constraints at `version` (latest when nil), as a model.
    static func read(_ table: Table, version: Int64? = nil) throws -> FaultModel {
        let snapshot = try table.snapshot(version: version)
        var rows = Set<FaultRow>()
        for batch in try Scan(snapshot: snapshot, store: table.store).batches() {
            for values in batch.rows {
                guard values.count == 3, case let .int(id) = values[0], case let .string(cat) = values[1],
                      case let .int(amount) = values[2] else {
                    throw HarnessFailure("unexpected row \(values) in \(table.location) version \(snapshot.version)")
                }
                let (inserted, _) = rows.insert(FaultRow(id: id, cat: cat, amount: amount))
                if !inserted { throw HarnessFailure("duplicate row id \(id) in \(table.location) version \(snapshot.version)") }
            }
        }
        let constraints = Set(TableConstraints.checkConstraints(snapshot.configuration).map(\.name))
        return FaultModel(rows: rows, constraints: constraints)
    }
}
