// The per-type page headers: DataPageHeader, DictionaryPageHeader and
// DataPageHeaderV2, with Compact decode/encode (PageHeader itself is in PageHeader.swift).
// See apache/parquet-format parquet.thrift, structs DataPageHeader, DictionaryPageHeader, DataPageHeaderV2.

/// `struct DataPageHeader` (V1 data page).
public struct DataPageHeader: CompactCodable {
    /// Level entries in the page, including nulls.
    public var numValues: Int32
    public var encoding: Encoding
    public var definitionLevelEncoding: Encoding
    public var repetitionLevelEncoding: Encoding
    public var statistics: Statistics?

    public init(numValues: Int32, encoding: Encoding, definitionLevelEncoding: Encoding,
                repetitionLevelEncoding: Encoding, statistics: Statistics? = nil) {
        self.numValues = numValues
        self.encoding = encoding
        self.definitionLevelEncoding = definitionLevelEncoding
        self.repetitionLevelEncoding = repetitionLevelEncoding
        self.statistics = statistics
    }

    public static func decode(_ r: inout CompactReader) throws -> DataPageHeader {
        let start = r.absoluteOffset
        var n: Int32?, enc: Encoding?, def: Encoding?, rep: Encoding?, stats: Statistics?
        try r.readStruct { r, f in
            switch f.id {
            case 1: n = try r.count32(f, "DataPageHeader.num_values")
            case 2: enc = try r.enumValue(f, "DataPageHeader.encoding")
            case 3: def = try r.enumValue(f, "DataPageHeader.definition_level_encoding")
            case 4: rep = try r.enumValue(f, "DataPageHeader.repetition_level_encoding")
            case 5: stats = try r.structValue(f, "DataPageHeader.statistics")
            default: return false
            }
            return true
        }
        return DataPageHeader(
            numValues: try r.required(n, "DataPageHeader.num_values", structAt: start),
            encoding: try r.required(enc, "DataPageHeader.encoding", structAt: start),
            definitionLevelEncoding: try r.required(def, "DataPageHeader.definition_level_encoding", structAt: start),
            repetitionLevelEncoding: try r.required(rep, "DataPageHeader.repetition_level_encoding", structAt: start),
            statistics: stats)
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            w.field(1, i32: numValues)
            w.field(2, enum: encoding)
            w.field(3, enum: definitionLevelEncoding)
            w.field(4, enum: repetitionLevelEncoding)
            w.field(5, struct: statistics)
        }
    }
}

/// `struct DictionaryPageHeader`.
public struct DictionaryPageHeader: CompactCodable {
    public var numValues: Int32
    /// PLAIN (or legacy PLAIN_DICTIONARY).
    public var encoding: Encoding
    public var isSorted: Bool?

    public init(numValues: Int32, encoding: Encoding, isSorted: Bool? = nil) {
        self.numValues = numValues
        self.encoding = encoding
        self.isSorted = isSorted
    }

    public static func decode(_ r: inout CompactReader) throws -> DictionaryPageHeader {
        let start = r.absoluteOffset
        var n: Int32?, enc: Encoding?, sorted: Bool?
        try r.readStruct { r, f in
            switch f.id {
            case 1: n = try r.count32(f, "DictionaryPageHeader.num_values")
            case 2: enc = try r.enumValue(f, "DictionaryPageHeader.encoding")
            case 3: sorted = try r.bool(f, "DictionaryPageHeader.is_sorted")
            default: return false
            }
            return true
        }
        return DictionaryPageHeader(
            numValues: try r.required(n, "DictionaryPageHeader.num_values", structAt: start),
            encoding: try r.required(enc, "DictionaryPageHeader.encoding", structAt: start),
            isSorted: sorted)
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            w.field(1, i32: numValues)
            w.field(2, enum: encoding)
            w.field(3, bool: isSorted)
        }
    }
}

/// `struct DataPageHeaderV2`: levels are uncompressed and their byte lengths are here.
public struct DataPageHeaderV2: CompactCodable {
    public var numValues: Int32
    public var numNulls: Int32
    public var numRows: Int32
    public var encoding: Encoding
    public var definitionLevelsByteLength: Int32
    public var repetitionLevelsByteLength: Int32
    /// Whether the values section is compressed; true when the field is absent.
    public var isCompressed: Bool
    public var statistics: Statistics?

    public init(numValues: Int32, numNulls: Int32, numRows: Int32, encoding: Encoding,
                definitionLevelsByteLength: Int32, repetitionLevelsByteLength: Int32,
                isCompressed: Bool = true, statistics: Statistics? = nil) {
        self.numValues = numValues
        self.numNulls = numNulls
        self.numRows = numRows
        self.encoding = encoding
        self.definitionLevelsByteLength = definitionLevelsByteLength
        self.repetitionLevelsByteLength = repetitionLevelsByteLength
        self.isCompressed = isCompressed
        self.statistics = statistics
    }

    public static func decode(_ r: inout CompactReader) throws -> DataPageHeaderV2 {
        let start = r.absoluteOffset
        var h = DataPageHeaderV2(numValues: 0, numNulls: 0, numRows: 0, encoding: .plain,
                                 definitionLevelsByteLength: 0, repetitionLevelsByteLength: 0)
        var seen: UInt32 = 0  // bit i set when field i (1...15) was read
        try r.readStruct { r, f in
            switch f.id {
            case 1: h.numValues = try r.count32(f, "DataPageHeaderV2.num_values")
            case 2: h.numNulls = try r.count32(f, "DataPageHeaderV2.num_nulls")
            case 3: h.numRows = try r.count32(f, "DataPageHeaderV2.num_rows")
            case 4: h.encoding = try r.enumValue(f, "DataPageHeaderV2.encoding")
            case 5: h.definitionLevelsByteLength = try r.count32(f, "DataPageHeaderV2.definition_levels_byte_length")
            case 6: h.repetitionLevelsByteLength = try r.count32(f, "DataPageHeaderV2.repetition_levels_byte_length")
            case 7: h.isCompressed = try r.bool(f, "DataPageHeaderV2.is_compressed")
            case 8: h.statistics = try r.structValue(f, "DataPageHeaderV2.statistics")
            default: return false
            }
            seen |= 1 << UInt32(f.id)
            return true
        }
        let required: [(Int16, String)] = [
            (1, "num_values"), (2, "num_nulls"), (3, "num_rows"), (4, "encoding"),
            (5, "definition_levels_byte_length"), (6, "repetition_levels_byte_length"),
        ]
        for (id, name) in required where seen & (1 << UInt32(id)) == 0 {
            throw r.corruption("missing required field DataPageHeaderV2.\(name)", at: start)
        }
        return h
    }

    /// Writes is_compressed explicitly (false and true alike).
    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            w.field(1, i32: numValues)
            w.field(2, i32: numNulls)
            w.field(3, i32: numRows)
            w.field(4, enum: encoding)
            w.field(5, i32: definitionLevelsByteLength)
            w.field(6, i32: repetitionLevelsByteLength)
            w.field(7, bool: isCompressed)
            w.field(8, struct: statistics)
        }
    }
}
