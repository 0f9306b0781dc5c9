// ColumnMetaData and ColumnChunk with Compact decode/encode.
// Skipped on read and never written: ColumnMetaData.size_statistics (16) and
// geospatial_statistics (17), ColumnChunk.crypto_metadata (8) and encrypted_column_metadata (9).
// See apache/parquet-format parquet.thrift, structs ColumnMetaData and ColumnChunk.

/// `struct ColumnMetaData`: where a column chunk's pages are and how they are stored.
public struct ColumnMetaData: CompactCodable {
    public var type: PhysicalType
    /// Every encoding used in the chunk, including level and dictionary encodings.
    public var encodings: [Encoding]
    public var pathInSchema: [String]
    /// Raw CompressionCodec id (UNCOMPRESSED 0, SNAPPY 1, GZIP 2, ..., ZSTD 6, LZ4_RAW 7).
    public var codec: Int32
    /// Count of level entries (including nulls), not rows.
    public var numValues: Int64
    public var totalUncompressedSize: Int64
    public var totalCompressedSize: Int64
    public var keyValueMetadata: [KeyValue]?
    public var dataPageOffset: Int64
    public var indexPageOffset: Int64?
    public var dictionaryPageOffset: Int64?
    public var statistics: Statistics?
    public var encodingStats: [PageEncodingStats]?
    public var bloomFilterOffset: Int64?
    public var bloomFilterLength: Int32?

    public init(type: PhysicalType, encodings: [Encoding], pathInSchema: [String], codec: Int32,
                numValues: Int64, totalUncompressedSize: Int64, totalCompressedSize: Int64,
                keyValueMetadata: [KeyValue]? = nil, dataPageOffset: Int64,
                indexPageOffset: Int64? = nil, dictionaryPageOffset: Int64? = nil,
                statistics: Statistics? = nil, encodingStats: [PageEncodingStats]? = nil,
                bloomFilterOffset: Int64? = nil, bloomFilterLength: Int32? = nil) {
        self.type = type
        self.encodings = encodings
        self.pathInSchema = pathInSchema
        self.codec = codec
        self.numValues = numValues
        self.totalUncompressedSize = totalUncompressedSize
        self.totalCompressedSize = totalCompressedSize
        self.keyValueMetadata = keyValueMetadata
        self.dataPageOffset = dataPageOffset
        self.indexPageOffset = indexPageOffset
        self.dictionaryPageOffset = dictionaryPageOffset
        self.statistics = statistics
        self.encodingStats = encodingStats
        self.bloomFilterOffset = bloomFilterOffset
        self.bloomFilterLength = bloomFilterLength
    }

    public static func decode(_ r: inout CompactReader) throws -> ColumnMetaData {
        let start = r.absoluteOffset
        var m = ColumnMetaData(type: .boolean, encodings: [], pathInSchema: [], codec: 0, numValues: 0,
                               totalUncompressedSize: 0, totalCompressedSize: 0, dataPageOffset: 0)
        var seen: UInt32 = 0  // bit i set when field i (1...15) was read
        try r.readStruct { r, f in
            guard try decodeField(&r, f, into: &m) else { return false }
            seen |= 1 << UInt32(f.id)
            return true
        }
        let required: [(Int16, String)] = [
            (1, "type"), (2, "encodings"), (3, "path_in_schema"), (4, "codec"), (5, "num_values"),
            (6, "total_uncompressed_size"), (7, "total_compressed_size"), (9, "data_page_offset"),
        ]
        for (id, name) in required where seen & (1 << UInt32(id)) == 0 {
            throw r.corruption("missing required field ColumnMetaData.\(name)", at: start)
        }
        return m
    }

    private static func decodeField(_ r: inout CompactReader, _ f: FieldHeader,
                                    into m: inout ColumnMetaData) throws -> Bool {
        switch f.id {
        case 1: m.type = try r.enumValue(f, "ColumnMetaData.type")
        case 2: m.encodings = try r.enumList(f, "ColumnMetaData.encodings")
        case 3: m.pathInSchema = try r.stringList(f, "ColumnMetaData.path_in_schema")
        case 4: m.codec = try r.i32(f, "ColumnMetaData.codec")
        case 5: m.numValues = try r.count64(f, "ColumnMetaData.num_values")
        case 6: m.totalUncompressedSize = try r.count64(f, "ColumnMetaData.total_uncompressed_size")
        case 7: m.totalCompressedSize = try r.count64(f, "ColumnMetaData.total_compressed_size")
        case 8: m.keyValueMetadata = try r.structList(f, "ColumnMetaData.key_value_metadata")
        case 9: m.dataPageOffset = try r.count64(f, "ColumnMetaData.data_page_offset")
        case 10: m.indexPageOffset = try r.i64(f, "ColumnMetaData.index_page_offset")
        case 11: m.dictionaryPageOffset = try r.i64(f, "ColumnMetaData.dictionary_page_offset")
        case 12: m.statistics = try r.structValue(f, "ColumnMetaData.statistics")
        case 13: m.encodingStats = try r.structList(f, "ColumnMetaData.encoding_stats")
        case 14: m.bloomFilterOffset = try r.i64(f, "ColumnMetaData.bloom_filter_offset")
        case 15: m.bloomFilterLength = try r.i32(f, "ColumnMetaData.bloom_filter_length")
        default: return false
        }
        return true
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            w.field(1, enum: type)
            w.field(2, enums: encodings)
            w.field(3, strings: pathInSchema)
            w.field(4, i32: codec)
            w.field(5, i64: numValues)
            w.field(6, i64: totalUncompressedSize)
            w.field(7, i64: totalCompressedSize)
            w.field(8, list: keyValueMetadata)
            w.field(9, i64: dataPageOffset)
            w.field(10, i64: indexPageOffset)
            w.field(11, i64: dictionaryPageOffset)
            w.field(12, struct: statistics)
            w.field(13, list: encodingStats)
            w.field(14, i64: bloomFilterOffset)
            w.field(15, i32: bloomFilterLength)
        }
    }
}

/// `struct ColumnChunk`: one column of a row group.
public struct ColumnChunk: CompactCodable {
    /// Must be absent for ordinary files (external column data is not supported by peers).
    public var filePath: String?
    /// Deprecated; written as 0. Defaults to 0 when absent.
    public var fileOffset: Int64
    /// Optional in the IDL but written by every writer.
    public var metaData: ColumnMetaData?
    public var offsetIndexOffset: Int64?
    public var offsetIndexLength: Int32?
    public var columnIndexOffset: Int64?
    public var columnIndexLength: Int32?

    public init(filePath: String? = nil, fileOffset: Int64 = 0, metaData: ColumnMetaData? = nil,
                offsetIndexOffset: Int64? = nil, offsetIndexLength: Int32? = nil,
                columnIndexOffset: Int64? = nil, columnIndexLength: Int32? = nil) {
        self.filePath = filePath
        self.fileOffset = fileOffset
        self.metaData = metaData
        self.offsetIndexOffset = offsetIndexOffset
        self.offsetIndexLength = offsetIndexLength
        self.columnIndexOffset = columnIndexOffset
        self.columnIndexLength = columnIndexLength
    }

    public static func decode(_ r: inout CompactReader) throws -> ColumnChunk {
        var c = ColumnChunk()
        try r.readStruct { r, f in
            switch f.id {
            case 1: c.filePath = try r.string(f, "ColumnChunk.file_path")
            case 2: c.fileOffset = try r.i64(f, "ColumnChunk.file_offset")
            case 3: c.metaData = try r.structValue(f, "ColumnChunk.meta_data")
            case 4: c.offsetIndexOffset = try r.i64(f, "ColumnChunk.offset_index_offset")
            case 5: c.offsetIndexLength = try r.count32(f, "ColumnChunk.offset_index_length")
            case 6: c.columnIndexOffset = try r.i64(f, "ColumnChunk.column_index_offset")
            case 7: c.columnIndexLength = try r.count32(f, "ColumnChunk.column_index_length")
            default: return false
            }
            return true
        }
        return c
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            w.field(1, string: filePath)
            w.field(2, i64: fileOffset)
            w.field(3, struct: metaData)
            w.field(4, i64: offsetIndexOffset)
            w.field(5, i32: offsetIndexLength)
            w.field(6, i64: columnIndexOffset)
            w.field(7, i32: columnIndexLength)
        }
    }
}
