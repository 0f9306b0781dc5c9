// FileStatistics: per-leaf statistics of a whole Parquet file (merged over its row groups) as
// Delta-typed Values, for building Delta's per-file `stats` straight from the footer a writer
// just produced. Leaves under a repeated node (inside arrays and maps) are not reported.
import TarnColumnar

public struct LeafStatistics: Sendable {
    /// Names from the top-level column down to the leaf.
    public let path: [String]
    public let type: DataType
    /// Bounds over all row groups; nil when any row group's bounds are unknown.
    public let min: Value?
    public let max: Value?
    public let nullCount: Int64?
    /// True when some value is NaN (bounds then exclude NaN).
    public let hasNaN: Bool
}

public enum FileStatistics {
    public static func leaves(_ meta: FileMetaData) throws -> [LeafStatistics] {
        let schema = try ReadSchema(elements: meta.schema)
        let typeOrder = meta.columnOrders.map { $0.allSatisfy { $0 == .typeOrder } } ?? false
        var out: [LeafStatistics] = []
        for (i, leaf) in schema.leaves.enumerated() where leaf.maxRep == 0 {
            var lo: Value?, hi: Value?, nulls: Int64? = 0, nan = false, bounded = typeOrder
            for group in meta.rowGroups {
                guard i < group.columns.count, let s = group.columns[i].metaData?.statistics else { nulls = nil; bounded = false; continue }
                if let n = s.nullCount, let t = nulls { nulls = t + n } else { nulls = nil }
                if (s.nanCount ?? 0) > 0 { nan = true }
                let rowsWithValues = group.numRows - (s.nullCount ?? 0)
                guard rowsWithValues > 0 || s.minValue != nil else { continue }   // an all-null group adds no bounds
                guard let mn = s.minValue.flatMap({ StatisticsDecoder.value($0, leaf) }),
                      let mx = s.maxValue.flatMap({ StatisticsDecoder.value($0, leaf) }) else { bounded = false; continue }
                lo = lo.map { Value.compare(mn, $0) ?? 0 < 0 ? mn : $0 } ?? mn
                hi = hi.map { Value.compare(mx, $0) ?? 0 > 0 ? mx : $0 } ?? mx
            }
            out.append(LeafStatistics(path: leaf.path, type: leaf.deltaType, min: bounded ? lo : nil, max: bounded ? hi : nil,
                                      nullCount: nulls, hasNaN: nan))
        }
        return out
    }
}
