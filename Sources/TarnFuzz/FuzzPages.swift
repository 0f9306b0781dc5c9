// FuzzPages: the `pages` target. The first 16 bytes choose the physical type, encoding, codec,
// page version, nullability and value count; the rest is an optional dictionary page body and a
// data page body. They are wrapped in a one-column Parquet file (real Compact headers and
// footer) and read through ParquetFile, so every page decoder is reached the way a file reaches it.
import TarnCodecs
import TarnParquet

enum FuzzPages {
    static let encodings: [Encoding] = [.plain, .rleDictionary, .rle, .deltaBinaryPacked, .deltaLengthByteArray,
                                        .deltaByteArray, .byteStreamSplit, .plainDictionary]
    static let codecs: [CompressionCodec] = [.uncompressed, .uncompressed, .snappy, .gzip, .zstd, .lz4Raw, .lz4, .uncompressed]
    static let headerBytes = 16

    /// The `pages` target.
    static func run(_ bytes: [UInt8]) throws {
        guard let file = build(bytes) else { return }
        try FuzzParquet.readEveryColumn(ParquetFile(source: MemorySource(file, name: "fuzz-page.parquet")))
    }

    /// Decoded choices of the 16-byte prefix.
    struct Plan {
        var physical: PhysicalType
        var encoding: Encoding
        var codec: CompressionCodec
        var optional: Bool
        var v2: Bool
        var dictionary: Bool
        var compressedV2: Bool
        var count: Int32
        var width: Int32
        var dictCount: Int32
        var dictLength: Int
        var defLength: Int
        var uncompressed: Int32

        init(_ b: [UInt8]) {
            physical = PhysicalType(rawValue: Int32(b[0] & 7)) ?? .int32
            encoding = FuzzPages.encodings[Int(b[1]) % FuzzPages.encodings.count]
            codec = FuzzPages.codecs[Int(b[2]) & 7]
            optional = b[3] & 1 != 0
            v2 = b[3] & 2 != 0
            dictionary = b[3] & 4 != 0 || encoding == .rleDictionary || encoding == .plainDictionary
            compressedV2 = b[3] & 8 != 0
            let raw = UInt32(b[4]) | UInt32(b[5]) << 8 | UInt32(b[6]) << 16 | UInt32(b[7]) << 24
            // Mostly small counts; bit 4 of the flags makes a huge claim (2^26 to 2^31 - 1, past the
            // reader's value limit for small files), which must be refused before any work.
            count = b[3] & 16 != 0 ? Int32(bitPattern: (raw | 0x0400_0000) & 0x7FFF_FFFF) : Int32(raw & 0xFFF)
            width = Int32(b[8] % 33)
            dictCount = Int32(b[9])
            dictLength = Int(b[10]) | Int(b[11]) << 8
            defLength = Int(b[12])
            uncompressed = Int32(Int(b[13]) | Int(b[14]) << 8 | Int(b[15] & 0x7F) << 16)
        }
    }

    /// The file the bytes describe, or nil when there are too few bytes for the prefix.
    static func build(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= headerBytes else { return nil }
        let plan = Plan(Array(bytes[0 ..< headerBytes]))
        let rest = Array(bytes[headerBytes...])
        let dictLength = plan.dictionary ? min(plan.dictLength, rest.count) : 0
        var file = Array("PAR1".utf8)
        var dictionaryOffset: Int64?
        if plan.dictionary {
            dictionaryOffset = Int64(file.count)
            let body = Array(rest[0 ..< dictLength])
            let header = PageHeader(type: .dictionaryPage, uncompressedPageSize: size(plan, body), compressedPageSize: Int32(body.count),
                                    dictionaryPageHeader: DictionaryPageHeader(numValues: plan.dictCount, encoding: .plain))
            header.serialize(into: &file)
            file.append(contentsOf: body)
        }
        let dataOffset = Int64(file.count)
        let body = Array(rest[dictLength...])
        dataPageHeader(plan, body).serialize(into: &file)
        file.append(contentsOf: body)
        let chunkLength = Int64(file.count) - (dictionaryOffset ?? dataOffset)
        let footer = metadata(plan, dataOffset: dataOffset, dictionaryOffset: dictionaryOffset, length: chunkLength).serialized()
        file.append(contentsOf: footer)
        let n = UInt32(footer.count)
        file.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)])
        file.append(contentsOf: Array("PAR1".utf8))
        return file
    }

    /// The uncompressed size a page header claims: the body's size unless the body is compressed.
    static func size(_ plan: Plan, _ body: [UInt8]) -> Int32 {
        plan.codec == .uncompressed ? Int32(body.count) : plan.uncompressed
    }

    static func dataPageHeader(_ plan: Plan, _ body: [UInt8]) -> PageHeader {
        let encoding = plan.encoding
        if plan.v2 {
            let def = plan.optional ? Int32(min(plan.defLength, body.count)) : 0
            let v2 = DataPageHeaderV2(numValues: plan.count, numNulls: 0, numRows: plan.count, encoding: encoding,
                                      definitionLevelsByteLength: def, repetitionLevelsByteLength: 0, isCompressed: plan.compressedV2)
            let uncompressed = plan.codec == .uncompressed || !plan.compressedV2 ? Int32(body.count) : plan.uncompressed
            return PageHeader(type: .dataPageV2, uncompressedPageSize: uncompressed, compressedPageSize: Int32(body.count),
                              dataPageHeaderV2: v2)
        }
        let v1 = DataPageHeader(numValues: plan.count, encoding: encoding, definitionLevelEncoding: .rle, repetitionLevelEncoding: .rle)
        return PageHeader(type: .dataPage, uncompressedPageSize: size(plan, body), compressedPageSize: Int32(body.count),
                          dataPageHeader: v1)
    }

    static func metadata(_ plan: Plan, dataOffset: Int64, dictionaryOffset: Int64?, length: Int64) -> FileMetaData {
        let leaf = SchemaElement(type: plan.physical, typeLength: plan.physical == .fixedLenByteArray ? max(plan.width, 1) : nil,
                                 repetitionType: plan.optional ? .optional : .required, name: "v")
        let root = SchemaElement(name: "schema", numChildren: 1)
        let column = ColumnMetaData(type: plan.physical, encodings: [plan.encoding, .rle], pathInSchema: ["v"], codec: plan.codec.rawValue,
                                    numValues: Int64(plan.count), totalUncompressedSize: length, totalCompressedSize: length,
                                    dataPageOffset: dataOffset, dictionaryPageOffset: dictionaryOffset)
        let group = RowGroup(columns: [ColumnChunk(fileOffset: dataOffset, metaData: column)], totalByteSize: length,
                             numRows: Int64(plan.count))
        return FileMetaData(version: 1, schema: [root, leaf], numRows: Int64(plan.count), rowGroups: [group])
    }
}
