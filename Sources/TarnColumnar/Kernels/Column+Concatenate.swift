// Column.concatenate (columns of one type, end to end, nested included) and Column.interleave
// (row i from columns[choice[i]], used by CASE and coalesce). Byte and child offsets are shifted;
// more than 2^31 - 1 bytes or child rows in one column is refused.

extension Column {
    /// The rows of `columns`, in order. All must have the same type; at least one is needed.
    public static func concatenate(_ columns: [Column]) throws -> Column {
        guard let first = columns.first else { throw TarnError(.invalidArgument, "nothing to concatenate") }
        if columns.count == 1 { return first }
        for c in columns where c.type != first.type {
            throw TarnError(.schemaMismatch, "cannot concatenate columns of types \(first.type) and \(c.type)")
        }
        let count = columns.reduce(0) { $0 + $1.count }
        var validity: Bitmap? = nil
        if columns.contains(where: { $0.validity != nil }) {
            var v = Bitmap(count: 0, value: false)
            v.reserveCapacity(count)
            for c in columns { for i in 0 ..< c.count { v.append(!c.isNull(i)) } }
            validity = v
        }
        let storage = try concatenateStorage(columns.map(\.storage), first.storage)
        return Column(type: first.type, count: count, validity: validity, storage: storage)
    }

    static func concatenateStorage(_ parts: [ColumnStorage], _ first: ColumnStorage) throws -> ColumnStorage {
        func joined<T: PhysicalValue>(_: T.Type) -> [T] { parts.flatMap { T.array($0) ?? [] } }
        switch first {
        case .bool: return .bool(joined(Bool.self))
        case .int8: return .int8(joined(Int8.self))
        case .int16: return .int16(joined(Int16.self))
        case .int32: return .int32(joined(Int32.self))
        case .int64: return .int64(joined(Int64.self))
        case .float: return .float(joined(Float.self))
        case .double: return .double(joined(Double.self))
        case .int128: return .int128(joined(Int128.self))
        case .bytes:
            var data: [UInt8] = []
            let offsets = try shiftedOffsets(parts) { s in
                guard case let .bytes(o, d) = s else { return nil }
                data.append(contentsOf: d)
                return o
            }
            return .bytes(offsets: offsets, data: data)
        case let .structure(children):
            let fields = try children.indices.map { f in
                try concatenate(parts.compactMap { if case let .structure(c) = $0 { return c[f] }; return nil })
            }
            return .structure(fields)
        case .list:
            var children: [Column] = []
            let offsets = try shiftedOffsets(parts) { s in
                guard case let .list(o, c) = s else { return nil }
                children.append(c)
                return o
            }
            return .list(offsets: offsets, child: try concatenate(children))
        case .map:
            var keys: [Column] = [], values: [Column] = []
            let offsets = try shiftedOffsets(parts) { s in
                guard case let .map(o, k, v) = s else { return nil }
                keys.append(k)
                values.append(v)
                return o
            }
            return .map(offsets: offsets, keys: try concatenate(keys), values: try concatenate(values))
        }
    }

    /// Offsets of every part, each shifted by the end of the previous ones.
    static func shiftedOffsets(_ parts: [ColumnStorage], _ offsetsOf: (ColumnStorage) -> [Int32]?) throws -> [Int32] {
        var out: [Int32] = [0]
        var base = 0
        for p in parts {
            guard let o = offsetsOf(p) else { continue }
            for x in o.dropFirst() { out.append(Int32(truncatingIfNeeded: base + Int(x))) }
            base += Int(o.last ?? 0)
            guard base <= Int(Int32.max) else { throw TarnError(.invalidArgument, "concatenated column exceeds 2^31 - 1 bytes or child rows") }
        }
        return out
    }

    /// Row i taken from `columns[choice[i]]`; all columns have the same type and `choice.count` rows.
    public static func interleave(_ columns: [Column], choice: [Int32]) throws -> Column {
        let n = choice.count
        guard columns.allSatisfy({ $0.count == n }) else { throw TarnError(.invalidArgument, "interleave needs columns of \(n) rows") }
        guard columns.count * n <= Int(Int32.max) else { throw TarnError(.invalidArgument, "interleave of \(columns.count) × \(n) rows") }
        if let first = columns.first, choice.allSatisfy({ $0 == 0 }) { return first }
        let all = try concatenate(columns)
        return all.take(choice.enumerated().map { Int32(truncatingIfNeeded: Int($1) * n + $0) })
    }
}
