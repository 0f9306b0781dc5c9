// ChunkReader: reads the pages of one column chunk (spec/parquet.md "Reading"): dictionary page,
// data pages v1 (levels length-prefixed, all compressed) and v2 (levels uncompressed, values
// optionally compressed), skipping index and unknown pages. Every size is checked against the
// chunk bytes and the allocation limit before anything is allocated.
import TarnCodecs

/// The decoded contents of a chunk: levels (empty when the max level is 0) and present values.
struct DecodedChunk {
    var def: [UInt8] = []
    var rep: [UInt8] = []
    var entries = 0
    var values: ValueAccumulator
}

struct ChunkReader {
    let leaf: ReadLeaf
    let bytes: [UInt8]
    /// File offset of bytes[0].
    let base: Int
    let limits: ReadLimits
    let decompressor: Decompressor
    let scratch = ScratchBuffers()

    func read(meta: ColumnMetaData) throws -> DecodedChunk {
        guard let codec = CompressionCodec(rawValue: meta.codec) else {
            throw TarnError(.unsupportedFeature, "compression codec id \(meta.codec)", column: leaf.path.joined(separator: "."))
        }
        guard meta.numValues >= 0, meta.numValues <= Int64(limits.maxValuesPerChunk) else {
            throw TarnError.corruption("column chunk claims \(meta.numValues) values", offset: base)
        }
        var out = DecodedChunk(values: ValueAccumulator(physical: leaf.physical, width: leaf.typeLength))
        // Size the buffers once: numValues bounds the values; the uncompressed size bounds PLAIN bytes.
        let entries = Int(meta.numValues)
        out.values.reserve(entries)
        if leaf.physical == .byteArray {
            out.values.data.reserveCapacity(Int(clamping: min(meta.totalUncompressedSize, Int64(limits.maxPageBytes))))
        }
        if leaf.maxDef > 0 { out.def.reserveCapacity(entries) }
        if leaf.maxRep > 0 { out.rep.reserveCapacity(entries) }
        var dictionary: ValueAccumulator?
        var pos = 0
        let decoder = ValueDecoder(physical: leaf.physical, width: leaf.typeLength, column: leaf.path.joined(separator: "."),
                                   scratch: scratch)
        while Int64(out.entries) < meta.numValues {
            guard pos < bytes.count else {
                throw TarnError.corruption("column chunk ends after \(out.entries) of \(meta.numValues) values", offset: base + pos)
            }
            let (header, headerLength) = try PageHeader.decode(bytes: bytes, at: pos, end: bytes.count, baseOffset: base)
            pos += headerLength
            let size = Int(header.compressedPageSize)
            guard size <= bytes.count - pos else {
                throw TarnError.corruption("page of \(size) bytes runs past the column chunk", offset: base + pos)
            }
            guard Int(header.uncompressedPageSize) <= limits.maxPageBytes else {
                throw TarnError.corruption("page claims \(header.uncompressedPageSize) uncompressed bytes", offset: base + pos)
            }
            let body = pos ..< pos + size
            pos += size
            switch header.type {
            case .dictionaryPage:
                dictionary = try readDictionary(header, body, codec, decoder)
            case .dataPage:
                try readDataPageV1(header, body, codec, decoder, dictionary, &out, remaining: meta.numValues - Int64(out.entries))
            case .dataPageV2:
                try readDataPageV2(header, body, codec, decoder, dictionary, &out, remaining: meta.numValues - Int64(out.entries))
            default: continue
            }
        }
        return out
    }

    func decompress(_ range: Range<Int>, _ codec: CompressionCodec, size: Int) throws -> [UInt8] {
        if codec == .uncompressed {
            guard range.count == size else {
                throw TarnError.corruption("uncompressed page is \(range.count) bytes, header says \(size)", offset: base + range.lowerBound)
            }
            return Array(bytes[range])
        }
        do {
            return try bytes.withUnsafeBytes { p in
                try decompressor.decompress(UnsafeRawBufferPointer(rebasing: p[range]), codec: codec, uncompressedSize: size)
            }
        } catch var e as TarnError {
            if e.offset == nil { e.offset = base + range.lowerBound }
            throw e
        }
    }

    private func readDictionary(_ h: PageHeader, _ body: Range<Int>, _ codec: CompressionCodec,
                                _ decoder: ValueDecoder) throws -> ValueAccumulator {
        guard let dh = h.dictionaryPageHeader else { throw TarnError.corruption("dictionary page without its header", offset: base + body.lowerBound) }
        guard dh.encoding == .plain || dh.encoding == .plainDictionary else {
            throw TarnError(.unsupportedFeature, "dictionary page encoding \(dh.encoding)")
        }
        let n = Int(dh.numValues)
        guard n >= 0, n <= max(Int(h.uncompressedPageSize) * 8, 0) else {
            throw TarnError.corruption("dictionary page claims \(n) values in \(h.uncompressedPageSize) bytes", offset: base + body.lowerBound)
        }
        let plain = try decompress(body, codec, size: Int(h.uncompressedPageSize))
        var dict = ValueAccumulator(physical: leaf.physical, width: leaf.typeLength)
        try plain.withUnsafeBytes { try PlainDecoder.decode($0, base: base + body.lowerBound, count: n, into: &dict) }
        return dict
    }
}

/// Reusable UInt32 buffers (levels, dictionary indices) so pages do not allocate afresh.
final class ScratchBuffers {
    private var spare: [[UInt32]] = []

    /// A buffer of exactly `count` elements (contents unspecified).
    func take(_ count: Int) -> [UInt32] {
        var b = spare.popLast() ?? []
        if b.count < count { b.append(contentsOf: repeatElement(0, count: count - b.count)) } else { b.removeLast(b.count - count) }
        return b
    }

    func give(_ b: [UInt32]) { spare.append(b) }
}
