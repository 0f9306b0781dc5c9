// PageHeader: the header in front of every page of a column chunk, with Compact
// decode/encode and the byte-level entry points used by page readers and writers.
// index_page_header (field 6) is skipped on read and never written.
// See apache/parquet-format parquet.thrift, struct PageHeader.

import TarnCodecs

/// `struct PageHeader`.
public struct PageHeader: CompactCodable {
    public var type: PageType
    /// Page body size after decompression, excluding this header.
    public var uncompressedPageSize: Int32
    /// Page body size as stored, excluding this header.
    public var compressedPageSize: Int32
    /// CRC-32 of the stored page body.
    public var crc: Int32?
    public var dataPageHeader: DataPageHeader?
    public var dictionaryPageHeader: DictionaryPageHeader?
    public var dataPageHeaderV2: DataPageHeaderV2?

    public init(type: PageType, uncompressedPageSize: Int32, compressedPageSize: Int32,
                crc: Int32? = nil, dataPageHeader: DataPageHeader? = nil,
                dictionaryPageHeader: DictionaryPageHeader? = nil,
                dataPageHeaderV2: DataPageHeaderV2? = nil) {
        self.type = type
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
        self.crc = crc
        self.dataPageHeader = dataPageHeader
        self.dictionaryPageHeader = dictionaryPageHeader
        self.dataPageHeaderV2 = dataPageHeaderV2
    }

    public static func decode(_ r: inout CompactReader) throws -> PageHeader {
        let start = r.absoluteOffset
        var h = PageHeader(type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0)
        var type: PageType?, unc: Int32?, comp: Int32?
        try r.readStruct { r, f in
            switch f.id {
            case 1: type = try r.enumValue(f, "PageHeader.type")
            case 2: unc = try r.count32(f, "PageHeader.uncompressed_page_size")
            case 3: comp = try r.count32(f, "PageHeader.compressed_page_size")
            case 4: h.crc = try r.i32(f, "PageHeader.crc")
            case 5: h.dataPageHeader = try r.structValue(f, "PageHeader.data_page_header")
            case 7: h.dictionaryPageHeader = try r.structValue(f, "PageHeader.dictionary_page_header")
            case 8: h.dataPageHeaderV2 = try r.structValue(f, "PageHeader.data_page_header_v2")
            default: return false
            }
            return true
        }
        h.type = try r.required(type, "PageHeader.type", structAt: start)
        h.uncompressedPageSize = try r.required(unc, "PageHeader.uncompressed_page_size", structAt: start)
        h.compressedPageSize = try r.required(comp, "PageHeader.compressed_page_size", structAt: start)
        return h
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            w.field(1, enum: type)
            w.field(2, i32: uncompressedPageSize)
            w.field(3, i32: compressedPageSize)
            w.field(4, i32: crc)
            w.field(5, struct: dataPageHeader)
            w.field(7, struct: dictionaryPageHeader)
            w.field(8, struct: dataPageHeaderV2)
        }
    }

    /// Decodes the header starting at `bytes[position]`, reading no further than `end`;
    /// `baseOffset` is the file offset of `bytes[0]`. Returns the header and its encoded length.
    public static func decode(bytes: [UInt8], at position: Int, end: Int,
                              baseOffset: Int) throws -> (header: PageHeader, headerLength: Int) {
        guard position >= 0, position <= end, end <= bytes.count else {
            throw TarnError.corruption("page header range \(position)..<\(end) outside the buffer",
                                       offset: baseOffset + max(0, position))
        }
        var r = CompactReader(bytes, start: position, end: end, baseOffset: baseOffset)
        let header = try decode(&r)
        return (header, r.position - position)
    }

    /// The Compact-encoded header.
    public func serialized() -> [UInt8] {
        var w = CompactWriter()
        encode(&w)
        return w.bytes
    }

    /// Appends the Compact-encoded header to `buffer`.
    public func serialize(into buffer: inout [UInt8]) {
        CompactWriter.appending(to: &buffer) { encode(&$0) }
    }
}
