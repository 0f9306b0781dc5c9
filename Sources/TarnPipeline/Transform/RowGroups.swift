// RowGroups: rows grouped by the values of key columns, computed on the column buffers (a 64-bit
// hash per row from the typed storage, then equality checked on the keys), without turning rows
// into Value arrays. Groups are numbered in order of first appearance. Used by dedup and
// aggregate. Nulls group together; floating-point keys compare by bit pattern.
import TarnColumnar

struct RowGroups {
    /// The group of each row.
    let groupOf: [Int32]
    /// The first row of each group.
    let firstRow: [Int32]
    var count: Int { firstRow.count }

    init(_ batch: RecordBatch, keys: [Int]) {
        let n = batch.count
        let cols = keys.map { batch.columns[$0] }
        var groupOf = [Int32](repeating: 0, count: n)
        var firstRow: [Int32] = []
        if cols.count == 1, case let .int64(values) = cols[0].storage, cols[0].validity == nil {
            var index: [Int64: Int32] = [:]
            index.reserveCapacity(n / 2)
            for r in 0 ..< n {
                if let g = index[values[r]] { groupOf[r] = g; continue }
                let g = Int32(firstRow.count)
                index[values[r]] = g
                firstRow.append(Int32(r))
                groupOf[r] = g
            }
        } else {
            let hashes = RowGroups.hashes(cols, rows: n)
            var index: [UInt64: [Int32]] = [:]
            for r in 0 ..< n {
                let h = hashes[r]
                if let candidates = index[h], let g = candidates.first(where: { RowGroups.equal(cols, Int(firstRow[Int($0)]), r) }) {
                    groupOf[r] = g
                    continue
                }
                let g = Int32(firstRow.count)
                index[h, default: []].append(g)
                firstRow.append(Int32(r))
                groupOf[r] = g
            }
        }
        self.groupOf = groupOf
        self.firstRow = firstRow
    }

    /// Whether rows `a` and `b` have equal keys (nulls equal, floats by bit pattern).
    static func equal(_ cols: [Column], _ a: Int, _ b: Int) -> Bool {
        cols.allSatisfy { sameKey($0.value(at: a), $0.value(at: b)) }
    }

    /// Key equality: nulls equal, floating point by bit pattern.
    static func sameKey(_ x: Value, _ y: Value) -> Bool {
        switch (x, y) {
        case let (.double(p), .double(q)): return p.bitPattern == q.bitPattern
        case let (.float(p), .float(q)): return p.bitPattern == q.bitPattern
        default: return x == y
        }
    }

    static func mix(_ h: UInt64, _ v: UInt64) -> UInt64 {
        var x = (h ^ v) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        return x &* 0xBF58_476D_1CE4_E5B9
    }

    /// A hash per row over the key columns.
    static func hashes(_ cols: [Column], rows n: Int) -> [UInt64] {
        var out = [UInt64](repeating: 0x243F_6A88_85A3_08D3, count: n)
        for c in cols {
            func each(_ f: (Int) -> UInt64) {
                for r in 0 ..< n { out[r] = mix(out[r], c.isNull(r) ? 0x6A09_E667_F3BC_C908 : f(r)) }
            }
            switch c.storage {
            case let .int64(a): each { UInt64(bitPattern: a[$0]) }
            case let .int32(a): each { UInt64(UInt32(bitPattern: a[$0])) }
            case let .int16(a): each { UInt64(UInt16(bitPattern: a[$0])) }
            case let .int8(a): each { UInt64(UInt8(bitPattern: a[$0])) }
            case let .bool(a): each { a[$0] ? 1 : 2 }
            case let .double(a): each { a[$0].bitPattern }
            case let .float(a): each { UInt64(a[$0].bitPattern) }
            case let .int128(a): each { UInt64(truncatingIfNeeded: a[$0]) ^ UInt64(truncatingIfNeeded: a[$0] >> 64) &* 31 }
            case let .bytes(offsets, data):
                data.withUnsafeBufferPointer { d in
                    each { r in
                        var h: UInt64 = 0xCBF2_9CE4_8422_2325
                        for i in Int(offsets[r]) ..< Int(offsets[r + 1]) { h = (h ^ UInt64(d[i])) &* 0x100_0000_01B3 }
                        return h
                    }
                }
            default: each { UInt64(bitPattern: Int64(c.value(at: $0).hashValue)) }
            }
        }
        return out
    }
}
