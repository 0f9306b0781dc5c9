// MergeKeyIndex: the source rows of a MERGE hashed by their equality-key values, probed with the
// key values of target batches. A single integer-like key uses an Int64 table (the common
// `target.id = source.id`); other keys use value tuples. Null keys never match (SQL `=`).
import TarnDelta

struct MergeKeyIndex {
    private var ints: [Int64: Int32] = [:]
    private var tuples: [[Value]: Int32] = [:]
    private let integerKeys: Bool
    /// The next source row with the same key, or -1.
    private var next: [Int32]

    init(keys: [Column]) {
        let count = keys.first?.count ?? 0
        next = [Int32](repeating: -1, count: count)
        integerKeys = keys.count == 1 && MergeKeyIndex.integers(keys[0]) != nil
        if integerKeys, let values = MergeKeyIndex.integers(keys[0]) {
            ints.reserveCapacity(count)
            for j in stride(from: count - 1, through: 0, by: -1) where !keys[0].isNull(j) {
                if let head = ints.updateValue(Int32(j), forKey: values[j]) { next[j] = head }
            }
        } else {
            for j in stride(from: count - 1, through: 0, by: -1) {
                guard let key = MergeKeyIndex.tuple(keys, j) else { continue }
                if let head = tuples.updateValue(Int32(j), forKey: key) { next[j] = head }
            }
        }
    }

    /// Calls `body(targetRow, sourceRow)` for every live target row and each source row with an
    /// equal key (target rows in increasing order).
    func probe(_ keys: [Column], live: Bitmap, _ body: (Int32, Int32) -> Void) {
        if integerKeys, let values = MergeKeyIndex.integers(keys[0]) {
            let column = keys[0]
            live.forEachSet { i in
                guard !column.isNull(i), var j = ints[values[i]] else { return }
                while j >= 0 {
                    body(Int32(i), j)
                    j = next[Int(j)]
                }
            }
            return
        }
        live.forEachSet { i in
            guard let key = MergeKeyIndex.tuple(keys, i), var j = tuples[key] else { return }
            while j >= 0 {
                body(Int32(i), j)
                j = next[Int(j)]
            }
        }
    }

    /// The values of an integer-stored column as Int64 (nil for other storage).
    static func integers(_ c: Column) -> [Int64]? {
        switch c.storage {
        case let .int64(v): return v
        case let .int32(v): return v.map(Int64.init)
        case let .int16(v): return v.map(Int64.init)
        case let .int8(v): return v.map(Int64.init)
        default: return nil
        }
    }

    /// The key tuple of row `i`, or nil when any part is null.
    static func tuple(_ keys: [Column], _ i: Int) -> [Value]? {
        var out: [Value] = []
        out.reserveCapacity(keys.count)
        for k in keys {
            if k.isNull(i) { return nil }
            out.append(k.value(at: i))
        }
        return out
    }
}
