// RowGroup with Compact decode/encode.
// See apache/parquet-format parquet.thrift, struct RowGroup.

/// `struct RowGroup`: a horizontal slice of the file, one ColumnChunk per leaf column.
public struct RowGroup: CompactCodable {
    /// Column chunks in schema leaf order.
    public var columns: [ColumnChunk]
    /// Total uncompressed size of all column data.
    public var totalByteSize: Int64
    public var numRows: Int64
    public var sortingColumns: [SortingColumn]?
    /// Offset of the group's first page (data or dictionary).
    public var fileOffset: Int64?
    public var totalCompressedSize: Int64?
    public var ordinal: Int16?

    public init(columns: [ColumnChunk], totalByteSize: Int64, numRows: Int64,
                sortingColumns: [SortingColumn]? = nil, fileOffset: Int64? = nil,
                totalCompressedSize: Int64? = nil, ordinal: Int16? = nil) {
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.numRows = numRows
        self.sortingColumns = sortingColumns
        self.fileOffset = fileOffset
        self.totalCompressedSize = totalCompressedSize
        self.ordinal = ordinal
    }

    public static func decode(_ r: inout CompactReader) throws -> RowGroup {
        let start = r.absoluteOffset
        var g = RowGroup(columns: [], totalByteSize: 0, numRows: 0)
        var columns: [ColumnChunk]?, totalByteSize: Int64?, numRows: Int64?
        try r.readStruct { r, f in
            switch f.id {
            case 1: columns = try r.structList(f, "RowGroup.columns")
            case 2: totalByteSize = try r.count64(f, "RowGroup.total_byte_size")
            case 3: numRows = try r.count64(f, "RowGroup.num_rows")
            case 4: g.sortingColumns = try r.structList(f, "RowGroup.sorting_columns")
            case 5: g.fileOffset = try r.i64(f, "RowGroup.file_offset")
            case 6: g.totalCompressedSize = try r.count64(f, "RowGroup.total_compressed_size")
            case 7: g.ordinal = try r.i16(f, "RowGroup.ordinal")
            default: return false
            }
            return true
        }
        g.columns = try r.required(columns, "RowGroup.columns", structAt: start)
        g.totalByteSize = try r.required(totalByteSize, "RowGroup.total_byte_size", structAt: start)
        g.numRows = try r.required(numRows, "RowGroup.num_rows", structAt: start)
        return g
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            w.field(1, list: columns)
            w.field(2, i64: totalByteSize)
            w.field(3, i64: numRows)
            w.field(4, list: sortingColumns)
            w.field(5, i64: fileOffset)
            w.field(6, i64: totalCompressedSize)
            w.field(7, i16: ordinal)
        }
    }
}
