// LoadWriter: one writer thread of the load harness. It owns the ids writer * 1e9 + n, picks
// appends, deletes, updates, merges (upserts) and, on some writers, optimize / Z-order, retries
// an operation on ConcurrentModification, checks the row counts the engine reports against its
// own model, and records every acknowledged operation in the shared log.
import Foundation
import TarnCodecs
import TarnColumnar
import TarnStorage
import TarnTable
import TarnTestSupport

/// The load table's schema: the writer's id space, a partition bucket shared by every writer
/// (so writers meet in the same partitions and files), and a value DML changes.
public enum LoadSchema {
    public static let schema = StructType([
        StructField("id", .long, nullable: false), StructField("writer", .long),
        StructField("bucket", .long), StructField("val", .long),
    ])
    public static let partitionBy = ["bucket"]
    /// Ids of writer w are w * idSpace + n.
    public static let idSpace: Int64 = 1_000_000_000

    /// A batch holding `rows` (writer and bucket derived from the id).
    public static func batch(_ rows: [LoadRow]) throws -> RecordBatch {
        try RecordBatch(schema: schema, rows: rows.map { r in
            [.int(r.id), .int(r.id / idSpace), .int(bucket(r.id)), .int(r.val)]
        })
    }

    /// Runs of 3 consecutive ids share one of 4 buckets, so a range DML touches few partitions.
    public static func bucket(_ id: Int64) -> Int64 { (id / 3) % buckets }
    public static let buckets: Int64 = 4
}

/// Thrown when an optimize dropped every bin because concurrent commits removed their files.
struct CompactionStarved: Error {}

/// One writer: its table handle, its random choices and its own part of the model.
final class LoadWriter: @unchecked Sendable {
    let index: Int
    let table: Table
    let shared: LoadShared
    let options: LoadOptions
    private var rng: SeededRandom
    private var model: [Int64: Int64] = [:]
    private var nextId: Int64
    private var seq = 0

    init(index: Int, tableRoot: String, shared: LoadShared, options: LoadOptions) throws {
        self.index = index
        self.shared = shared
        self.options = options
        table = Table(store: try LocalStore.open(root: tableRoot))
        rng = SeededRandom(seed: options.seed &+ UInt64(index) &* 7919)
        nextId = Int64(index) * LoadSchema.idSpace
    }

    /// Runs operations until `deadline` or until any thread failed.
    func run(until deadline: Date) {
        while Date() < deadline && !shared.stopped {
            seq += 1
            let op = plan()
            do { try perform(op) } catch {
                shared.fail("seed \(options.seed) writer \(index) step \(seq) \(op.kind.rawValue): \(error)")
                return
            }
        }
    }

    /// The next operation, chosen by the writer's seeded generator.
    private func plan() -> AckedOp {
        var op = AckedOp(writer: index, seq: seq, kind: .append)
        let r = Double.random(in: 0 ..< 1, using: &rng)
        if index % 4 == 0 && r < 0.15 {
            op.kind = rng.chance(0.25) ? .zorder : .optimize
            op.lo = Int64.random(in: 0 ..< LoadSchema.buckets, using: &rng)
            return op
        }
        guard let start = pick(1).first, r >= 0.35 else {
            op.rows = newRows(Int.random(in: 1 ... 8, using: &rng))
            return op
        }
        if r < 0.55 {
            op.kind = .merge
            let existing = pick(Int.random(in: 1 ... 4, using: &rng)).map { LoadRow(id: $0, val: randomVal()) }
            op.rows = existing + newRows(Int.random(in: 0 ... 3, using: &rng))
        } else {
            op.kind = r < 0.78 ? .update : .delete
            op.lo = start
            op.hi = start + Int64.random(in: 1 ... 6, using: &rng)
            if op.kind == .update { op.add = Int64.random(in: 1 ... 1000, using: &rng) }
        }
        return op
    }

    private func newRows(_ n: Int) -> [LoadRow] {
        (0 ..< n).map { _ in
            defer { nextId += 1 }
            return LoadRow(id: nextId, val: randomVal())
        }
    }

    private func randomVal() -> Int64 { Int64.random(in: 0 ..< 1_000_000, using: &rng) }

    /// `n` distinct ids of this writer's live rows.
    private func pick(_ n: Int) -> [Int64] {
        var out = Set<Int64>()
        let keys = Array(model.keys)
        for _ in 0 ..< n { if let k = keys.randomElement(using: &rng) { out.insert(k) } }
        return out.sorted()
    }

    /// Executes `op`, retrying on ConcurrentModification; records it when acknowledged.
    private func perform(_ op: AckedOp) throws {
        var op = op
        while true {
            do {
                op.version = try execute(op)
                break
            } catch let e as TarnError where e.code == .concurrentModification {
                shared.conflict(op.kind)
                op.conflicts += 1
                if op.conflicts >= options.maxConflictRetries {
                    shared.gaveUp()
                    return
                }
                usleep(UInt32.random(in: 100 ... 2000, using: &rng))
            } catch is CompactionStarved {
                // Every bin lost a file to a concurrent commit: Delta's way of losing a compaction race.
                shared.conflict(op.kind)
                op.conflicts += 1
                if op.conflicts >= 5 {
                    shared.gaveUp()
                    return
                }
                usleep(UInt32.random(in: 100 ... 2000, using: &rng))
            }
        }
        apply(op)
        try shared.acknowledge(op)
    }

    /// One attempt; returns the committed version (nil when nothing was committed).
    private func execute(_ op: AckedOp) throws -> Int64? {
        switch op.kind {
        case .append:
            let r = try table.write([try LoadSchema.batch(op.rows ?? [])])
            shared.commitRetries(r.retries)
            return r.version
        case .merge:
            let r = try table.merge(source: [try LoadSchema.batch(op.rows ?? [])], on: "target.id = source.id",
                                    clauses: [.matchedUpdate(set: "val = source.val"), .notMatchedInsert()])
            let updated = (op.rows ?? []).filter { model[$0.id] != nil }.count
            try expect(op, "rows updated", r.rowsUpdated, updated)
            try expect(op, "rows inserted", r.rowsInserted, (op.rows?.count ?? 0) - updated)
            shared.commitRetries(r.retries)
            return r.committed ? r.version : nil
        case .delete, .update:
            return try executeRange(op)
        case .optimize, .zorder:
            var o = OptimizeOptions()
            if op.kind == .zorder { o.zOrderBy = ["id", "val"] }
            o.condition = try RowCondition.parse("bucket = \(op.lo ?? 0)", schema: LoadSchema.schema)
            let r = try table.optimize(o)
            shared.commitRetries(r.retries)
            if !r.committed && r.binsDropped > 0 { throw CompactionStarved() }
            return r.committed ? r.version : nil
        }
    }

    private func executeRange(_ op: AckedOp) throws -> Int64? {
        let lo = op.lo ?? 0, hi = op.hi ?? 0
        let condition = try RowCondition.parse("id >= \(lo) AND id < \(hi)", schema: LoadSchema.schema)
        let hits = (lo ..< hi).filter { model[$0] != nil }.count
        let r: DMLResult
        if op.kind == .delete {
            r = try table.delete(where: condition)
            try expect(op, "rows deleted", r.rowsDeleted, hits)
        } else {
            r = try table.update(set: "val = val + \(op.add ?? 0)", where: condition)
            try expect(op, "rows updated", r.rowsUpdated, hits)
        }
        shared.commitRetries(r.retries)
        return r.committed ? r.version : nil
    }

    private func expect(_ op: AckedOp, _ what: String, _ got: Int, _ want: Int) throws {
        guard got != want else { return }
        throw HarnessFailure("seed \(options.seed) writer \(index) step \(op.seq) \(op.kind.rawValue): the engine reported \(got) \(what), the writer's model expects \(want) (ids \(op.lo.map(String.init) ?? "-")..<\(op.hi.map(String.init) ?? "-"), rows \(op.rows?.map(\.id) ?? []))")
    }

    /// Applies an acknowledged operation to the writer's own model.
    private func apply(_ op: AckedOp) {
        switch op.kind {
        case .append, .merge: for r in op.rows ?? [] { model[r.id] = r.val }
        case .delete: for id in (op.lo ?? 0) ..< (op.hi ?? 0) { model[id] = nil }
        case .update:
            for id in (op.lo ?? 0) ..< (op.hi ?? 0) where model[id] != nil { model[id] = (model[id] ?? 0) &+ (op.add ?? 0) }
        case .optimize, .zorder: break
        }
    }
}
