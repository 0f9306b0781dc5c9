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
        let rows = batch.rows
        var best: [[Value]: Int] = [:]
        for (r, row) in rows.enumerated() {
            let key = keyIdx.map { row[$0] }
            if let b = best[key], !better(row, than: rows[b], order: order, tie: tie) { continue }
            best[key] = r
        }
        let kept = best.values.sorted()
        return (batch.take(kept.map { Int32($0) }), batch.count - kept.count)
    }

    /// Whether `a` wins over `b` (which came earlier in the input).
    static func better(_ a: [Value], than b: [Value], order: Int, tie: Int) -> Bool {
        let o = RowOrder.compare(a[order], b[order])
        if o != 0 { return o > 0 }
        let t = RowOrder.compare(a[tie], b[tie])
        if t != 0 { return t < 0 }
        return RowOrder.compare(a, b) < 0
    }
}
