// Row-group skipping: decodes column-chunk statistics of top-level primitive columns into
// ColumnStatistics and evaluates a Predicate against them. Statistics are used only when the
// footer declares TYPE_ORDER column orders (or, without them, the deprecated min/max of
// signed-order types), never for INT96, and never when a float bound is NaN.
import TarnColumnar

extension ParquetFile {
    /// Statistics of top-level column `name` in row group `index`, with its type; nil if unknown.
    public func statistics(rowGroup index: Int, column name: String) -> (ColumnStatistics, DataType)? {
        guard let c = schema.index(of: name), case let .primitive(leafIndex) = readSchema.roots[c].kind else { return nil }
        let group = metadata.rowGroups[index]
        let leaf = readSchema.leaves[leafIndex]
        guard let s = group.columns[leafIndex].metaData?.statistics else {
            return (ColumnStatistics(min: nil, max: nil, nullCount: nil, rowCount: group.numRows), leaf.deltaType)
        }
        let typeOrder = metadata.columnOrders.map { leafIndex < $0.count && $0[leafIndex] == .typeOrder } ?? false
        var minBytes = typeOrder ? s.minValue : nil, maxBytes = typeOrder ? s.maxValue : nil
        if !typeOrder, ParquetFile.signedOrder(leaf) { (minBytes, maxBytes) = (s.min, s.max) }
        let lo = minBytes.flatMap { StatisticsDecoder.value($0, leaf) }
        let hi = maxBytes.flatMap { StatisticsDecoder.value($0, leaf) }
        // NaN sorts above every number in Tarn's expressions but Parquet bounds leave it out: float
        // bounds are used only when the writer says there is no NaN.
        let floating = leaf.deltaType == .float || leaf.deltaType == .double
        let usable = lo != nil && hi != nil && (!floating || s.nanCount == 0)
        return (ColumnStatistics(min: usable ? lo : nil, max: usable ? hi : nil, nullCount: s.nullCount, rowCount: group.numRows),
                leaf.deltaType)
    }

    private static func signedOrder(_ leaf: ReadLeaf) -> Bool {
        switch leaf.physical {
        case .boolean, .int32, .int64, .float, .double: return leaf.conversion != .unsigned
        default: return false
        }
    }

    /// False when the row group's statistics prove that no row matches `predicate`.
    public func rowGroupMayMatch(_ index: Int, _ predicate: Predicate) -> Bool {
        predicate.mayMatch { self.statistics(rowGroup: index, column: $0) }
    }

    /// Reads the row groups that may match `predicate` (rows are not filtered further).
    public func read(columns: [String]? = nil, predicate: Predicate?) throws -> [RecordBatch] {
        let idx = try columnIndices(columns)
        return try (0 ..< rowGroupCount).compactMap { g in
            if let predicate, !rowGroupMayMatch(g, predicate) { return nil }
            return try readRowGroup(g, columnIndices: idx)
        }
    }
}

enum StatisticsDecoder {
    /// A bound (PLAIN bytes without length prefix) as a Value of the leaf's Delta type.
    static func value(_ b: [UInt8], _ leaf: ReadLeaf) -> Value? {
        func le<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard b.count == MemoryLayout<T>.size else { return nil }
            return b.reversed().reduce(T(0)) { $0 << 8 | T($1) }
        }
        switch leaf.deltaType {
        case .boolean: return b.count == 1 ? .bool(b[0] != 0) : nil
        case .byte, .short, .integer:
            guard let v = le(Int32.self) else { return nil }
            return leaf.conversion == .unsigned ? .int(Int64(UInt32(bitPattern: v))) : .int(Int64(v))
        case .date: return le(Int32.self).map { .date($0) }
        case .long:
            if leaf.physical == .int32 { return le(UInt32.self).map { .int(Int64($0)) } }
            return le(Int64.self).map { .int($0) }
        case .timestamp, .timestampNtz:
            guard leaf.conversion != .int96Timestamp, let v = le(Int64.self) else { return nil }
            switch leaf.conversion {
            case .timestampMillis: return .timestamp(v &* 1000)
            case .timestampNanos: return .timestamp(Temporal.floorDivMod(v, 1000).0)
            default: return .timestamp(v)
            }
        case .float:
            guard let bits = le(UInt32.self) else { return nil }
            let f = Float(bitPattern: bits)
            return f.isNaN ? nil : .float(f)
        case .double:
            guard let bits = le(UInt64.self) else { return nil }
            let d = Double(bitPattern: bits)
            return d.isNaN ? nil : .double(d)
        case .decimal:
            switch leaf.physical {
            case .int32: return le(Int32.self).map { .decimal(Int128($0)) }
            case .int64: return le(Int64.self).map { leaf.conversion == .unsigned ? .decimal(Int128(UInt64(bitPattern: $0))) : .decimal(Int128($0)) }
            default: return Decimal128.fromBigEndian(b).map { .decimal($0) }
            }
        case .string: return String(validating: b, as: UTF8.self).map { .string($0) }
        case .binary: return .binary(b)
        case .struct, .array, .map: return nil
        }
    }
}
