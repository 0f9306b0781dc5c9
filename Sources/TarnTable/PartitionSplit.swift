// PartitionSplit: groups a batch's rows by their partition values without boxing a Value per
// row: each partition column is first coded (a small integer per row, one serialized string
// per distinct value) on its buffers, then rows are grouped by the tuple of codes.
import TarnDelta

enum PartitionSplit {
    /// Per-row codes and the serialized value of each code (nil = null).
    static func codes(_ c: Column) -> (codes: [Int32], values: [String?]) {
        var codes = [Int32](repeating: 0, count: c.count)
        var values: [String?] = []
        func code<K: Hashable>(_ key: (Int) -> K?, _ text: (Int) -> String?) {
            var seen: [K: Int32] = [:]
            var nullCode: Int32?
            for i in 0 ..< c.count {
                guard let k = key(i) else {
                    if nullCode == nil { nullCode = Int32(values.count); values.append(nil) }
                    codes[i] = nullCode ?? 0
                    continue
                }
                if let existing = seen[k] { codes[i] = existing; continue }
                let new = Int32(values.count)
                seen[k] = new
                values.append(text(i))
                codes[i] = new
            }
        }
        if case let .int32(a) = c.storage, c.validity == nil, let small = smallRangeCodes(a, c) { return small }
        switch c.storage {
        case let .int32(a): code({ c.isNull($0) ? nil : a[$0] }) { PartitionValues.serialize(c.value(at: $0), c.type) }
        case let .int64(a): code({ c.isNull($0) ? nil : a[$0] }) { PartitionValues.serialize(c.value(at: $0), c.type) }
        case let .bytes(o, d):
            code({ c.isNull($0) ? nil : BytesKey(d, Int(o[$0]), Int(o[$0 + 1])) }) { PartitionValues.serialize(c.value(at: $0), c.type) }
        default: code({ c.isNull($0) ? nil : c.value(at: $0) }) { PartitionValues.serialize(c.value(at: $0), c.type) }
        }
        return (codes, values)
    }

    /// Codes for a null-free integer column whose values span at most 64 Ki (dates, small
    /// integers): a direct table instead of hashing every row.
    static func smallRangeCodes(_ a: [Int32], _ c: Column) -> (codes: [Int32], values: [String?])? {
        guard let lo = a.min(), let hi = a.max(), Int(hi) - Int(lo) < 65_536 else { return nil }
        var table = [Int32](repeating: -1, count: Int(hi) - Int(lo) + 1)
        var codes = [Int32](repeating: 0, count: a.count)
        var values: [String?] = []
        for (i, v) in a.enumerated() {
            let slot = Int(v) - Int(lo)
            if table[slot] < 0 {
                table[slot] = Int32(values.count)
                values.append(PartitionValues.serialize(c.value(at: i), c.type))
            }
            codes[i] = table[slot]
        }
        return (codes, values)
    }

    /// Row indices per distinct key, in order of first appearance.
    static func groups(_ columns: [Column], count: Int) -> [(key: [String?], rows: [Int32])] {
        let coded = columns.map(codes)
        if coded.count == 1 {   // one column: its codes are the groups
            var rows = [[Int32]](repeating: [], count: coded[0].values.count)
            for (r, c) in coded[0].codes.enumerated() { rows[Int(c)].append(Int32(r)) }
            return zip(coded[0].values, rows).map { ([$0], $1) }
        }
        var byKey: [[Int32]: Int] = [:]
        var out: [(key: [String?], rows: [Int32])] = []
        var key = [Int32](repeating: 0, count: coded.count)
        for r in 0 ..< count {
            for (k, c) in coded.enumerated() { key[k] = c.codes[r] }
            if let g = byKey[key] {
                out[g].rows.append(Int32(r))
            } else {
                byKey[key] = out.count
                out.append((zip(coded, key).map { $0.values[Int($1)] }, [Int32(r)]))
            }
        }
        return out
    }
}

/// A byte range of a buffer, hashable by content (no copy).
struct BytesKey: Hashable {
    let data: [UInt8]
    let start: Int
    let end: Int

    init(_ data: [UInt8], _ start: Int, _ end: Int) {
        self.data = data
        self.start = start
        self.end = end
    }

    static func == (a: BytesKey, b: BytesKey) -> Bool { a.data[a.start ..< a.end].elementsEqual(b.data[b.start ..< b.end]) }
    func hash(into h: inout Hasher) { data[start ..< end].withUnsafeBytes { h.combine(bytes: $0) } }
}
