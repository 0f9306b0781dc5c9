// FileMetaData (the Parquet footer) with Compact decode/encode and byte-level entry points.
// encryption_algorithm (8) and footer_signing_key_metadata (9) are skipped on read and
// never written (encrypted files are not supported).
// See apache/parquet-format parquet.thrift, struct FileMetaData.

/// `struct FileMetaData`: the footer of a Parquet file.
public struct FileMetaData: CompactCodable {
    /// Format version; readers accept 1 and 2, Tarn writes 1.
    public var version: Int32
    /// Depth-first flattened schema; element 0 is the root.
    public var schema: [SchemaElement]
    public var numRows: Int64
    public var rowGroups: [RowGroup]
    public var keyValueMetadata: [KeyValue]?
    public var createdBy: String?
    /// One entry per leaf column; required whenever min_value/max_value are written.
    public var columnOrders: [ColumnOrder]?

    public init(version: Int32, schema: [SchemaElement], numRows: Int64, rowGroups: [RowGroup],
                keyValueMetadata: [KeyValue]? = nil, createdBy: String? = nil,
                columnOrders: [ColumnOrder]? = nil) {
        self.version = version
        self.schema = schema
        self.numRows = numRows
        self.rowGroups = rowGroups
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
        self.columnOrders = columnOrders
    }

    public static func decode(_ r: inout CompactReader) throws -> FileMetaData {
        let start = r.absoluteOffset
        var m = FileMetaData(version: 0, schema: [], numRows: 0, rowGroups: [])
        var version: Int32?, schema: [SchemaElement]?, numRows: Int64?, rowGroups: [RowGroup]?
        try r.readStruct { r, f in
            switch f.id {
            case 1: version = try r.i32(f, "FileMetaData.version")
            case 2: schema = try r.structList(f, "FileMetaData.schema")
            case 3: numRows = try r.count64(f, "FileMetaData.num_rows")
            case 4: rowGroups = try r.structList(f, "FileMetaData.row_groups")
            case 5: m.keyValueMetadata = try r.structList(f, "FileMetaData.key_value_metadata")
            case 6: m.createdBy = try r.string(f, "FileMetaData.created_by")
            case 7: m.columnOrders = try r.structList(f, "FileMetaData.column_orders")
            default: return false
            }
            return true
        }
        m.version = try r.required(version, "FileMetaData.version", structAt: start)
        m.schema = try r.required(schema, "FileMetaData.schema", structAt: start)
        m.numRows = try r.required(numRows, "FileMetaData.num_rows", structAt: start)
        m.rowGroups = try r.required(rowGroups, "FileMetaData.row_groups", structAt: start)
        return m
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            w.field(1, i32: version)
            w.field(2, list: schema)
            w.field(3, i64: numRows)
            w.field(4, list: rowGroups)
            w.field(5, list: keyValueMetadata)
            w.field(6, string: createdBy)
            w.field(7, list: columnOrders)
        }
    }

    /// Decodes a footer held in `bytes` (all of it); `baseOffset` is the file offset of
    /// `bytes[0]`, so errors name absolute offsets. Bytes after the struct are ignored.
    public static func decode(bytes: [UInt8], baseOffset: Int) throws -> FileMetaData {
        var r = CompactReader(bytes, baseOffset: baseOffset)
        return try decode(&r)
    }

    /// The Compact-encoded footer (without the length and magic that follow it in a file).
    public func serialized() -> [UInt8] {
        var w = CompactWriter()
        encode(&w)
        return w.bytes
    }
}
