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
}
