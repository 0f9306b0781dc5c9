// Dedup: one row per composite key. The kept row has the greatest `orderBy` (nulls lowest), then
// the smallest `tieBreaker`, then the smallest remaining columns by value (so the choice does not
// depend on input order); only rows equal in every column fall back to input order (first wins).
// Works across the input batches without concatenating them: rows are grouped by key on the
// column buffers, and the kept rows are gathered from the batches (nothing is copied when no
// row is dropped).
import TarnColumnar

enum Dedup {
    /// The kept rows, in input order, and how many were dropped.
    static func apply(_ input: [RecordBatch], keys: [String], orderBy: String,
                      tieBreaker: String) throws -> (batches: [RecordBatch], dropped: Int) {
        guard let schema = input.first?.schema else { return (input, 0) }
        let keyIdx = try keys.map { try RowOrder.index($0, in: schema, "dedup key") }
        let order = try RowOrder.index(orderBy, in: schema, "dedup orderBy")
        let tie = try RowOrder.index(tieBreaker, in: schema, "dedup tieBreaker")
        let parts = input.filter { $0.count > 0 }
        let groups = RowGroups(parts, keys: keyIdx)
        var best = groups.first
        var g0 = 0
        for (p, batch) in parts.enumerated() {
            for r in 0 ..< batch.count {
                let g = Int(groups.groupOf[g0 + r])
                if best[g] != (p, r) && better(parts, (p, r), than: best[g], order: order, tie: tie) { best[g] = (p, r) }
            }
            g0 += batch.count
        }
        let total = parts.reduce(0) { $0 + $1.count }
        guard best.count < total else { return (input, 0) }
        best.sort { ($0.part, $0.row) < ($1.part, $1.row) }
        return (try gather(parts, best, schema: schema), total - best.count)
    }

    /// Whether row `a` wins over row `b` (earlier in the input): greater orderBy, then smaller
    /// tieBreaker, then the smaller row by value.
    static func better(_ parts: [RecordBatch], _ a: (part: Int, row: Int), than b: (part: Int, row: Int), order: Int, tie: Int) -> Bool {
        let (x, y) = (parts[a.part], parts[b.part])
        let o = RowOrder.compare(x.columns[order].value(at: a.row), y.columns[order].value(at: b.row))
        if o != 0 { return o > 0 }
        let t = RowOrder.compare(x.columns[tie].value(at: a.row), y.columns[tie].value(at: b.row))
        if t != 0 { return t < 0 }
        return RowOrder.compare(x.columns.map { $0.value(at: a.row) }, y.columns.map { $0.value(at: b.row) }) < 0
    }

    /// The kept rows gathered from the batches, 64 Ki rows per output batch.
    static func gather(_ parts: [RecordBatch], _ kept: [(part: Int, row: Int)], schema: StructType) throws -> [RecordBatch] {
        let chunk = 1 << 16
        return try stride(from: 0, to: kept.count, by: chunk).map { s in
            let slice = kept[s ..< min(kept.count, s + chunk)]
            let refs = PartRows(part: slice.map { UInt16(truncatingIfNeeded: $0.part) }, row: slice.map { Int32($0.row) })
            let columns = try schema.fields.indices.map { c in try Column.gather(parts.map { $0.columns[c] }, refs) }
            return RecordBatch(schema: schema, columns: columns, count: slice.count)
        }
    }
}
