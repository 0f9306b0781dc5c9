// Helpers for table tests: a small events-like schema, batches from rows, scans as row lists,
// and a reference model (a plain list of rows per version) to compare tables with.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

enum T {
    static let schema = StructType([
        StructField("id", .long, nullable: false), StructField("day", .date), StructField("cat", .string),
        StructField("amount", .decimal(precision: 10, scale: 2)), StructField("ts", .timestamp),
    ])

    static func row(_ id: Int64, day: Int32 = 19_000, cat: String = "a", amount: Int128 = 100) -> [Value] {
        [.int(id), .date(day), .string(cat), .decimal(amount), .timestamp(1_700_000_000_000_000 + id)]
    }

    static func batch(_ rows: [[Value]], schema: StructType = T.schema) throws -> RecordBatch {
        try RecordBatch(schema: schema, rows: rows)
    }

    static func memoryTable() -> (Table, MemoryStore) {
        let store = MemoryStore(name: "t-\(UUID().uuidString)")
        return (Table(store: store), store)
    }

    static func localTable() throws -> (Table, URL) {
        let dir = try Peer.temporaryDirectory("tarn-table")
        return (Table(store: try LocalStore.open(root: dir.path)), dir)
    }

    /// All rows of the snapshot, sorted by their canonical text.
    static func rows(_ table: Table, version: Int64? = nil, predicate: TarnColumnar.Predicate? = nil,
                     filter: (@Sendable (RecordBatch) throws -> Bitmap)? = nil) throws -> [[Value]] {
        let s = try table.snapshot(version: version)
        return try Scan(snapshot: s, store: table.store, predicate: predicate, rowFilter: filter).batches()
            .flatMap(\.rows).sorted { $0.description < $1.description }
    }

    static func sorted(_ rows: [[Value]]) -> [[Value]] { rows.sorted { $0.description < $1.description } }

    /// A condition `column = value` evaluated row by row (the test's own reference).
    static func equals(_ column: String, _ value: Value) -> RowCondition {
        RowCondition(text: "\(column) = \(value)", predicate: .compare(column: column, op: .eq, value: value)) { batch in
            guard let c = batch.column(named: column) else { return Bitmap(count: batch.count, value: false) }
            return Bitmap((0 ..< batch.count).map { c.value(at: $0) == value })
        }
    }

    /// Operations that read every data file and may commit: DELETE, UPDATE, MERGE, OPTIMIZE, Z-order.
    typealias Operation = (String, @Sendable (Table) throws -> Void)

    static let dataOperations: [Operation] = [
        ("delete", { t in _ = try t.delete(where: T.equals("id", .int(1))) }),
        ("update", { t in _ = try t.update(set: "cat = 'z'", where: nil) }),
        ("merge", { t in _ = try t.merge(source: [try T.batch([T.row(1), T.row(2)])], on: "target.id = source.id",
                                         clauses: [.matchedUpdate(set: "*"), .notMatchedInsert()]) }),
        ("optimize", { t in _ = try t.optimize() }),
        ("zorder", { t in
            var o = OptimizeOptions()
            o.zOrderBy = ["id", "cat"]
            _ = try t.optimize(o)
        }),
    ]
}
