// MergePlan: MERGE INTO's row logic (spec/dml.md). Target files are pruned by the source's key
// values; each target batch is joined with the source through the key index, the residual ON
// condition filters the pairs, and the WHEN clauses apply in order (the first whose condition
// holds wins). Source rows that matched nothing are inserted at the end.
import TarnDelta

struct MergePlan {
    struct Bound {
        let clause: MergeClause
        let condition: BoundExpr?
        let set: Assignments?
    }

    let join: MergeJoin
    let source: RecordBatch
    let index: MergeKeyIndex
    let sourceKeys: [Column]
    let matched: [Bound]
    let notMatched: [Bound]
    let notMatchedBySource: [Bound]
    /// Source rows that matched a target row.
    private(set) var sourceMatched: Bitmap
    var matchedUpdated = 0, matchedDeleted = 0, bySourceUpdated = 0, bySourceDeleted = 0

    init(table: StructType, source: RecordBatch, on: String, clauses: [MergeClause], tableName: String) throws {
        guard !clauses.isEmpty else {
            throw TarnError(.invalidArgument, "MERGE needs at least one WHEN clause", table: tableName)
        }
        let join = try MergeJoin(table: table, source: source.schema, on: on, tableName: tableName)
        self.join = join
        self.source = source
        let side = join.sourceSide(source)
        sourceKeys = try join.sourceKeys.map { try $0.evaluate(side) }
        index = MergeKeyIndex(keys: sourceKeys)
        sourceMatched = Bitmap(count: source.count, value: false)
        func bind(_ c: MergeClause) throws -> Bound {
            do {
                let condition = try c.condition.map { try ExprParser.parse($0).bindPredicate(to: join.joined) }
                let parsed = try c.assignments(table: table, source: source.schema, tableName: tableName)
                let set = parsed.isEmpty ? nil : try Assignments(parsed, table: table, input: join.joined, tableName: tableName)
                return Bound(clause: c, condition: condition, set: set)
            } catch var e as TarnError {
                e.message = "WHEN \(c.kind.sql) … \(c.actionType.uppercased()): " + e.message
                e.table = tableName
                throw e
            }
        }
        matched = try clauses.filter { $0.kind == .matched }.map(bind)
        notMatched = try clauses.filter { $0.kind == .notMatched }.map(bind)
        notMatchedBySource = try clauses.filter { $0.kind == .notMatchedBySource }.map(bind)
        for c in clauses {
            switch (c.kind, c.action) {
            case (.notMatched, .insert), (.matched, .update), (.matched, .delete), (.notMatchedBySource, .update), (.notMatchedBySource, .delete):
                continue
            default:
                throw TarnError(.invalidArgument, "WHEN \(c.kind.sql) cannot \(c.actionType.uppercased())", table: tableName)
            }
        }
    }

    /// Several source rows may match one target row only when the sole matched clause is an
    /// unconditional DELETE (as in Spark).
    var allowsMultipleMatches: Bool {
        matched.isEmpty || (matched.count == 1 && matched[0].condition == nil && matched[0].set == nil)
    }

    // MARK: Target batches

    mutating func apply(_ batch: RecordBatch, live: Bitmap) throws -> BatchChanges {
        let targetKeys = try join.targetKeys.map { try $0.evaluate(join.targetSide(batch)) }
        var pairT: [Int32] = [], pairS: [Int32] = []
        index.probe(targetKeys, live: live) { pairT.append($0); pairS.append($1) }
        var pairs: RecordBatch?
        if let residual = join.residual, !pairT.isEmpty {
            let joined = join.joined(target: batch.take(pairT), source: source.take(pairS), count: pairT.count)
            let keep = try residual.filter(joined)
            let selected = keep.setIndices
            pairT = selected.map { pairT[Int($0)] }
            pairS = selected.map { pairS[Int($0)] }
            pairs = joined.filter(keep)
        }
        for j in pairS { sourceMatched[Int(j)] = true }
        var changes = BatchChanges.none(batch.count)
        var posts: [RecordBatch] = []
        if !matched.isEmpty && !pairT.isEmpty {
            try checkSingleMatches(pairT, pairS, batch)
            if allowsMultipleMatches {
                var seen = Set<Int32>()
                let unique = pairT.indices.filter { seen.insert(pairT[$0]).inserted }
                pairT = unique.map { pairT[$0] }
                pairS = unique.map { pairS[$0] }
                pairs = nil
            }
            let joined = pairs ?? join.joined(target: batch.take(pairT), source: source.take(pairS), count: pairT.count)
            let (d, u) = try applyClauses(matched, joined, rows: pairT, batch, &changes, &posts)
            matchedDeleted += d
            matchedUpdated += u
        }
        if !notMatchedBySource.isEmpty {
            var hit = Bitmap(count: batch.count, value: false)
            for i in pairT { hit[Int(i)] = true }
            let rows = live.intersection(hit.inverted).setIndices
            if !rows.isEmpty {
                let joined = join.joined(target: batch.take(rows), source: nil, count: rows.count)
                let (d, u) = try applyClauses(notMatchedBySource, joined, rows: rows, batch, &changes, &posts)
                bySourceDeleted += d
                bySourceUpdated += u
            }
        }
        if !posts.isEmpty { changes.postimage = try RecordBatch.concatenate(posts, schema: join.table) }
        return changes
    }

    /// Applies clauses in order to joined rows (`rows[k]` is the target row of joined row k):
    /// returns the rows deleted and updated.
    private func applyClauses(_ clauses: [Bound], _ joined: RecordBatch, rows: [Int32], _ batch: RecordBatch,
                              _ changes: inout BatchChanges, _ posts: inout [RecordBatch]) throws -> (Int, Int) {
        var remaining = Bitmap(count: joined.count, value: true)
        var deleted = 0, updated = 0
        for c in clauses where remaining.popcount > 0 {
            let selected = try c.condition.map { try $0.filter(joined).intersection(remaining) } ?? remaining
            let picked = selected.setIndices
            guard !picked.isEmpty else { continue }
            remaining = remaining.intersection(selected.inverted)
            let targetRows = picked.map { rows[Int($0)] }
            if let set = c.set {
                posts.append(try set.apply(input: joined.filter(selected), base: batch.take(targetRows)))
                for r in targetRows { changes.updated[Int(r)] = true }
                updated += picked.count
            } else {
                for r in targetRows { changes.deleted[Int(r)] = true }
                deleted += picked.count
            }
        }
        return (deleted, updated)
    }

    /// Throws when a target row is matched by several source rows and a clause would modify it.
    private func checkSingleMatches(_ pairT: [Int32], _ pairS: [Int32], _ batch: RecordBatch) throws {
        guard !allowsMultipleMatches else { return }
        var duplicates: [String] = []
        var k = 1
        while k < pairT.count && duplicates.count < 5 {
            if pairT[k] == pairT[k - 1] {
                let keys = sourceKeys.map { $0.value(at: Int(pairS[k])).description }
                let text = "(" + keys.joined(separator: ", ") + ")"
                if !duplicates.contains(text) { duplicates.append(text) }
            }
            k += 1
        }
        guard duplicates.isEmpty else {
            throw TarnError(.invalidArgument, "MERGE: several source rows match the same target row, so the update would be ambiguous; duplicate source keys: \(duplicates.joined(separator: ", ")). Deduplicate the source or make the ON condition unique.",
                            table: join.tableName)
        }
    }

    // MARK: Inserts

    /// The rows WHEN NOT MATCHED clauses insert (source rows that matched no target row).
    func inserts() throws -> [RecordBatch] {
        guard !notMatched.isEmpty else { return [] }
        let rows = sourceMatched.inverted.setIndices
        guard !rows.isEmpty else { return [] }
        let joined = join.joined(target: nil, source: source.take(rows), count: rows.count)
        var remaining = Bitmap(count: rows.count, value: true)
        var out: [RecordBatch] = []
        for c in notMatched where remaining.popcount > 0 {
            let selected = try c.condition.map { try $0.filter(joined).intersection(remaining) } ?? remaining
            guard selected.popcount > 0, let set = c.set else { continue }
            remaining = remaining.intersection(selected.inverted)
            out.append(try set.apply(input: joined.filter(selected), base: nil))
        }
        return out
    }
}

extension MergeClause.Kind {
    var sql: String {
        switch self {
        case .matched: return "MATCHED"
        case .notMatched: return "NOT MATCHED"
        case .notMatchedBySource: return "NOT MATCHED BY SOURCE"
        }
    }
}
