// Statistics (column chunk and page statistics) with Compact decode/encode.
// All fields are optional; size_statistics and geospatial statistics live elsewhere
// (ColumnMetaData fields 16 and 17) and are skipped there.
// See apache/parquet-format parquet.thrift, struct Statistics.

public struct Statistics: CompactCodable {
    /// Deprecated signed-order max/min (fields 1 and 2).
    public var max: [UInt8]?
    public var min: [UInt8]?
    public var nullCount: Int64?
    public var distinctCount: Int64?
    /// PLAIN-encoded bounds without the BYTE_ARRAY length prefix (fields 5 and 6).
    public var maxValue: [UInt8]?
    public var minValue: [UInt8]?
    public var isMaxValueExact: Bool?
    public var isMinValueExact: Bool?
    public var nanCount: Int64?

    public init(max: [UInt8]? = nil, min: [UInt8]? = nil, nullCount: Int64? = nil,
                distinctCount: Int64? = nil, maxValue: [UInt8]? = nil, minValue: [UInt8]? = nil,
                isMaxValueExact: Bool? = nil, isMinValueExact: Bool? = nil, nanCount: Int64? = nil) {
        self.max = max
        self.min = min
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.maxValue = maxValue
        self.minValue = minValue
        self.isMaxValueExact = isMaxValueExact
        self.isMinValueExact = isMinValueExact
        self.nanCount = nanCount
    }

    public static func decode(_ r: inout CompactReader) throws -> Statistics {
        var s = Statistics()
        try r.readStruct { r, f in
            switch f.id {
            case 1: s.max = try r.binary(f, "Statistics.max")
            case 2: s.min = try r.binary(f, "Statistics.min")
            case 3: s.nullCount = try r.i64(f, "Statistics.null_count")
            case 4: s.distinctCount = try r.i64(f, "Statistics.distinct_count")
            case 5: s.maxValue = try r.binary(f, "Statistics.max_value")
            case 6: s.minValue = try r.binary(f, "Statistics.min_value")
            case 7: s.isMaxValueExact = try r.bool(f, "Statistics.is_max_value_exact")
            case 8: s.isMinValueExact = try r.bool(f, "Statistics.is_min_value_exact")
            case 9: s.nanCount = try r.i64(f, "Statistics.nan_count")
            default: return false
            }
            return true
        }
        return s
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            w.field(1, binary: max)
            w.field(2, binary: min)
            w.field(3, i64: nullCount)
            w.field(4, i64: distinctCount)
            w.field(5, binary: maxValue)
            w.field(6, binary: minValue)
            w.field(7, bool: isMaxValueExact)
            w.field(8, bool: isMinValueExact)
            w.field(9, i64: nanCount)
        }
    }
}
