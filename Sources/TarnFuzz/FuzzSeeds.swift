// FuzzSeeds: seeds derived from real Parquet files for the targets whose input is not a whole
// file: `thrift` (the footer, and the bytes at each page header) and `pages` (each data page of
// each chunk, with its dictionary page, re-framed with the 16-byte prefix FuzzPages reads).
import TarnCodecs
import TarnParquet

public enum FuzzSeeds {
    /// Thrift seeds of a Parquet file: its footer and up to `limit` page headers (with what follows).
    public static func thrift(fromParquet bytes: [UInt8], limit: Int = 4) -> [[UInt8]] {
        guard let (meta, footer) = footer(bytes) else { return [] }
        var seeds = [footer]
        for chunk in chunks(meta).prefix(limit) {
            let start = Int(chunk.dictionaryPageOffset ?? chunk.dataPageOffset)
            guard start >= 0, start < bytes.count else { continue }
            seeds.append(Array(bytes[start ..< min(bytes.count, start + 96)]))
        }
        return seeds
    }

    /// `pages` seeds of a Parquet file: one per data page of its flat columns (at most `limit`).
    public static func pages(fromParquet bytes: [UInt8], limit: Int = 16) -> [[UInt8]] {
        guard let (meta, _) = footer(bytes) else { return [] }
        var seeds: [[UInt8]] = []
        for (chunk, leaf) in zip(chunks(meta), leaves(meta)) where seeds.count < limit {
            seeds.append(contentsOf: pages(bytes, chunk, leaf))
        }
        return Array(seeds.prefix(limit))
    }

    static func footer(_ bytes: [UInt8]) -> (FileMetaData, [UInt8])? {
        guard bytes.count >= 12 else { return nil }
        let t = bytes.count - 8
        let length = Int(bytes[t]) | Int(bytes[t + 1]) << 8 | Int(bytes[t + 2]) << 16 | Int(bytes[t + 3]) << 24
        guard length <= t - 4 else { return nil }
        let footer = Array(bytes[t - length ..< t])
        guard let meta = try? FileMetaData.decode(bytes: footer, baseOffset: 0) else { return nil }
        return (meta, footer)
    }

    static func chunks(_ meta: FileMetaData) -> [ColumnMetaData] {
        meta.rowGroups.flatMap { $0.columns.compactMap(\.metaData) }
    }

    /// The leaf schema element of each chunk, in the same order as `chunks` (nil for nested leaves).
    static func leaves(_ meta: FileMetaData) -> [SchemaElement?] {
        let flat = meta.schema.dropFirst()
        let leafElements: [SchemaElement?] = flat.allSatisfy { $0.numChildren == nil } ? flat.map { $0 } : []
        return meta.rowGroups.flatMap { g in g.columns.indices.map { $0 < leafElements.count ? leafElements[$0] : nil } }
    }

    /// The data pages of one chunk as `pages` inputs (dictionary page body first when there is one).
    static func pages(_ bytes: [UInt8], _ chunk: ColumnMetaData, _ leaf: SchemaElement?) -> [[UInt8]] {
        guard let leaf, leaf.repetitionType != .repeated else { return [] }
        var pos = Int(chunk.dictionaryPageOffset ?? chunk.dataPageOffset)
        let end = min(bytes.count, pos + Int(clamping: chunk.totalCompressedSize))
        var dictionary: (PageHeader, ArraySlice<UInt8>)?
        var seeds: [[UInt8]] = []
        while pos < end, seeds.count < 4, let (h, n) = try? PageHeader.decode(bytes: bytes, at: pos, end: end, baseOffset: 0) {
            let bodyStart = pos + n, bodyEnd = bodyStart + Int(h.compressedPageSize)
            guard bodyEnd <= end, h.compressedPageSize >= 0 else { break }
            let body = bytes[bodyStart ..< bodyEnd]
            pos = bodyEnd
            if h.type == .dictionaryPage { dictionary = (h, body); continue }
            guard let seed = frame(h, body, dictionary, chunk, leaf) else { continue }
            seeds.append(seed)
        }
        return seeds
    }

    /// The 16-byte prefix (see FuzzPages.Plan) plus the page bodies.
    static func frame(_ h: PageHeader, _ body: ArraySlice<UInt8>, _ dictionary: (PageHeader, ArraySlice<UInt8>)?,
                      _ chunk: ColumnMetaData, _ leaf: SchemaElement) -> [UInt8]? {
        let v2 = h.dataPageHeaderV2
        guard let encoding = v2?.encoding ?? h.dataPageHeader?.encoding,
              let e = FuzzPages.encodings.firstIndex(of: encoding),
              let c = FuzzPages.codecs.firstIndex(where: { $0.rawValue == chunk.codec }) else { return nil }
        let count = UInt32(clamping: v2.map { Int($0.numValues) } ?? Int(h.dataPageHeader?.numValues ?? 0))
        guard count <= 0xFFF else { return nil }
        var flags: UInt8 = leaf.repetitionType == .optional ? 1 : 0
        if v2 != nil { flags |= 2 }
        if dictionary != nil { flags |= 4 }
        if v2?.isCompressed ?? false { flags |= 8 }
        let dictBody = dictionary?.1 ?? []
        let dictCount = dictionary?.0.dictionaryPageHeader?.numValues ?? 0
        guard dictBody.count <= 0xFFFF, dictCount <= 0xFF else { return nil }
        let uncompressed = Int(h.uncompressedPageSize)
        var out: [UInt8] = [UInt8(leaf.type?.rawValue ?? 0), UInt8(e), UInt8(c), flags,
                            UInt8(count & 0xFF), UInt8(count >> 8), 0, 0,
                            UInt8(clamping: leaf.typeLength ?? 0), UInt8(dictCount),
                            UInt8(dictBody.count & 0xFF), UInt8(dictBody.count >> 8),
                            UInt8(clamping: v2?.definitionLevelsByteLength ?? 0),
                            UInt8(uncompressed & 0xFF), UInt8(uncompressed >> 8 & 0xFF), UInt8(uncompressed >> 16 & 0x7F)]
        out.append(contentsOf: dictBody)
        out.append(contentsOf: body)
        return out
    }
}
