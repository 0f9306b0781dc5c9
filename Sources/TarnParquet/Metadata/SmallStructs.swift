// Small Parquet metadata structs: KeyValue, SortingColumn, PageEncodingStats and the
// ColumnOrder union, with Compact decode/encode.
// See apache/parquet-format parquet.thrift, structs KeyValue, SortingColumn,
// PageEncodingStats and union ColumnOrder.

/// `struct KeyValue` (file and column key/value metadata).
public struct KeyValue: CompactCodable {
    public var key: String
    public var value: String?

    public init(key: String, value: String? = nil) {
        self.key = key
        self.value = value
    }

    public static func decode(_ r: inout CompactReader) throws -> KeyValue {
        let start = r.absoluteOffset
        var key: String?, value: String?
        try r.readStruct { r, f in
            switch f.id {
            case 1: key = try r.string(f, "KeyValue.key")
            case 2: value = try r.string(f, "KeyValue.value")
            default: return false
            }
            return true
        }
        return KeyValue(key: try r.required(key, "KeyValue.key", structAt: start), value: value)
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            w.field(1, string: key)
            w.field(2, string: value)
        }
    }
}

/// `struct SortingColumn` (row-group sort order).
public struct SortingColumn: CompactCodable {
    public var columnIdx: Int32
    public var descending: Bool
    public var nullsFirst: Bool

    public init(columnIdx: Int32, descending: Bool, nullsFirst: Bool) {
        self.columnIdx = columnIdx
        self.descending = descending
        self.nullsFirst = nullsFirst
    }

    public static func decode(_ r: inout CompactReader) throws -> SortingColumn {
        let start = r.absoluteOffset
        var idx: Int32?, desc: Bool?, nullsFirst: Bool?
        try r.readStruct { r, f in
            switch f.id {
            case 1: idx = try r.i32(f, "SortingColumn.column_idx")
            case 2: desc = try r.bool(f, "SortingColumn.descending")
            case 3: nullsFirst = try r.bool(f, "SortingColumn.nulls_first")
            default: return false
            }
            return true
        }
        return SortingColumn(columnIdx: try r.required(idx, "SortingColumn.column_idx", structAt: start),
                             descending: try r.required(desc, "SortingColumn.descending", structAt: start),
                             nullsFirst: try r.required(nullsFirst, "SortingColumn.nulls_first", structAt: start))
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            w.field(1, i32: columnIdx)
            w.field(2, bool: descending)
            w.field(3, bool: nullsFirst)
        }
    }
}

/// `struct PageEncodingStats`: how many pages of a type use an encoding.
public struct PageEncodingStats: CompactCodable {
    public var pageType: PageType
    public var encoding: Encoding
    public var count: Int32

    public init(pageType: PageType, encoding: Encoding, count: Int32) {
        self.pageType = pageType
        self.encoding = encoding
        self.count = count
    }

    public static func decode(_ r: inout CompactReader) throws -> PageEncodingStats {
        let start = r.absoluteOffset
        var type: PageType?, encoding: Encoding?, count: Int32?
        try r.readStruct { r, f in
            switch f.id {
            case 1: type = try r.enumValue(f, "PageEncodingStats.page_type")
            case 2: encoding = try r.enumValue(f, "PageEncodingStats.encoding")
            case 3: count = try r.count32(f, "PageEncodingStats.count")
            default: return false
            }
            return true
        }
        return PageEncodingStats(
            pageType: try r.required(type, "PageEncodingStats.page_type", structAt: start),
            encoding: try r.required(encoding, "PageEncodingStats.encoding", structAt: start),
            count: try r.required(count, "PageEncodingStats.count", structAt: start))
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            w.field(1, enum: pageType)
            w.field(2, enum: encoding)
            w.field(3, i32: count)
        }
    }
}

/// `union ColumnOrder`. `unknown` stands for a member this code does not know (or none);
/// it is written as an empty union, and readers must then ignore min/max statistics.
public enum ColumnOrder: CompactCodable {
    case typeOrder, ieee754TotalOrder, int96TimestampOrder, unknown

    public static func decode(_ r: inout CompactReader) throws -> ColumnOrder {
        var order: ColumnOrder?
        try r.readStruct { r, f in
            guard order == nil, (1 ... 3).contains(f.id) else { return false }
            try r.emptyStruct(f, "ColumnOrder member")
            order = f.id == 1 ? .typeOrder : f.id == 2 ? .ieee754TotalOrder : .int96TimestampOrder
            return true
        }
        return order ?? .unknown
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            switch self {
            case .typeOrder: w.emptyStructField(1)
            case .ieee754TotalOrder: w.emptyStructField(2)
            case .int96TimestampOrder: w.emptyStructField(3)
            case .unknown: break
            }
        }
    }
}
