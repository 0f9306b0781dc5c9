// Dedup: one row per composite key. The kept row has the greatest `orderBy` (nulls lowest), then
// the smallest `tieBreaker`, then the smallest remaining columns by value (so the choice does not
// depend on input order); only rows equal in every column fall back to input order (first wins).
import TarnColumnar

enum Dedup {
    /// The kept rows, in input order, and how many were dropped.
    static func apply(_ batch: RecordBatch, keys: [String], orderBy: String,
                      tieBreaker: String) throws -> (batch: RecordBatch, dropped: Int) {
        let keyIdx = try keys.map { try RowOrder.index($0, in: batch.schema, "dedup key") }
        let order = try RowOrder.index(orderBy, in: batch.schema, "dedup orderBy")
        let tie = try RowOrder.index(tieBreaker, in: batch.schema, "dedup tieBreaker")
        let groups = RowGroups(batch, keys: keyIdx)
        let orderCol = batch.columns[order], tieCol = batch.columns[tie]
        var best = groups.firstRow
        for r in 0 ..< batch.count {
            let g = Int(groups.groupOf[r])
            let b = Int(best[g])
            if b != r && better(batch, r, than: b, order: orderCol, tie: tieCol) { best[g] = Int32(r) }
        }
        best.sort()
        return (batch.take(best), batch.count - best.count)
    }

    /// Whether row `a` wins over row `b`: greater orderBy, then smaller tieBreaker, then smaller row.
    static func better(_ batch: RecordBatch, _ a: Int, than b: Int, order: Column, tie: Column) -> Bool {
        let o = RowOrder.compare(order.value(at: a), order.value(at: b))
        if o != 0 { return o > 0 }
        let t = RowOrder.compare(tie.value(at: a), tie.value(at: b))
        if t != 0 { return t < 0 }
        let c = RowOrder.compare(batch.columns.map { $0.value(at: a) }, batch.columns.map { $0.value(at: b) })
        return c < 0 || (c == 0 && a < b)
    }

}
