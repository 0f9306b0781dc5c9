// ColumnChunkWriter: encodes one leaf column of one row group into Parquet pages
// (spec/parquet.md "Pages"): data page v1 with RLE levels (u32 length prefix), values either
// RLE_DICTIONARY (dictionary page first) or PLAIN, pages cut at `dataPageSizeBytes`, every page
// compressed with the chunk codec. Produces the chunk bytes and its ColumnMetaData.
import TarnCodecs
import TarnColumnar

final class ColumnChunkWriter {
    let leaf: LeafDescriptor
    let options: WriterOptions
    private let compressor: Compressor
    private var pages: [UInt8] = []
    private var stats = ChunkStatistics()
    private var numValues: Int64 = 0
    private var uncompressedBytes: Int64 = 0
    private var dictPages = 0, plainPages = 0, dictEncodedPages = 0
    // Current page.
    private var defLevels: [UInt8] = []
    private var repLevels: [UInt8] = []
    /// PLAIN values of the current page after `levelGap` reserved bytes, where the page's levels
    /// are written at flush when they fit, so the page body is compressed without copying.
    private var plain: [UInt8] = [UInt8](repeating: 0, count: ColumnChunkWriter.levelGap)
    static let levelGap = 32
    /// Reused buffer for compressed page bodies.
    private var compressed: [UInt8] = []
    private var bools: [Bool] = []
    private var indices: [UInt32] = []
    private var pageEntries = 0
    // Dictionary.
    private var fixedDict = FixedDictionary()
    private var byteDict = ByteDictionary()
    private var dictActive: Bool
    private var dictUsed = false
    /// Codes of the shared dictionary last given (encodeCodes) → this chunk's index + 1 (0: unseen).
    private var codeMap: [UInt32] = []
    private var codeMapOwner: ObjectIdentifier?

    init(leaf: LeafDescriptor, options: WriterOptions) throws {
        self.leaf = leaf
        self.options = options
        compressor = try Compressor(codec: options.codec, level: options.effectiveLevel)
        dictActive = options.dictionaryEnabled && leaf.physical != .boolean && leaf.physical != .fixedLenByteArray
    }

    /// Appends `entries` level entries (def/rep given when the leaf has such levels) and the
    /// present values among them; `coded`, when given, holds the present values' codes into a
    /// dictionary of the same values (see DictionaryCodes).
    func append(def: ArraySlice<UInt8>?, rep: ArraySlice<UInt8>?, entries: Int, values: ValueBatch,
                coded: (codes: [UInt16], dictionary: DictionaryValues)? = nil) throws {
        // Byte arrays that go through the dictionary get their bounds from the dictionary's
        // entries at finish (each distinct value once) instead of from every value here.
        let boundsFromDictionary = dictActive && leaf.physical == .byteArray
        if options.statisticsEnabled && !boundsFromDictionary { stats.update(values) }
        stats.nullCount += Int64(entries - values.count)
        if let def { defLevels.append(contentsOf: def) }
        if let rep { repLevels.append(contentsOf: rep) }
        pageEntries += entries
        numValues += Int64(entries)
        if dictActive {
            if let coded, leaf.physical == .byteArray, coded.codes.count == values.count {
                encodeCodes(coded.codes, coded.dictionary)
            } else {
                encodeDictionary(values)
            }
            dictionaryValues += values.count
        } else {
            encodePlain(values)
        }
        if dictActive && (dictionaryPlainSize > options.dictionaryPageSizeLimitBytes || dictionaryIsUseless) {
            try flushPage()
            dictActive = false
        } else if estimatedPageBytes >= options.dataPageSizeBytes {
            try flushPage()
        }
    }

    /// Values that went through the dictionary so far.
    private var dictionaryValues = 0

    /// After 16 Ki values, a dictionary holding nearly one entry per value only costs time and
    /// space: fall back to PLAIN early (the peers wait for the size limit).
    private var dictionaryIsUseless: Bool {
        dictionaryValues >= 16_384 && (fixedDict.count + byteDict.count) * 10 >= dictionaryValues * 9
    }

    private var dictionaryPlainSize: Int {
        switch leaf.physical {
        case .byteArray: return byteDict.plainSize
        case .int32, .float: return fixedDict.count * 4
        default: return fixedDict.count * 8
        }
    }

    private var estimatedPageBytes: Int {
        let values = dictActive ? indices.count * 3 / 2 : plain.count - ColumnChunkWriter.levelGap + bools.count / 8
        return values + (defLevels.count + repLevels.count) / 4
    }

    /// Maps values to dictionary indices. The dictionaries and the index buffer are moved into
    /// locals for the loop so the hot path has no class-property access checks.
    private func encodeDictionary(_ values: ValueBatch) {
        var out = indices
        indices = []
        defer { indices = out }
        out.reserveCapacity(out.count + values.count)
        switch values {
        case let .int32(a): fixed(a, &out) { UInt64(UInt32(bitPattern: $0)) }
        case let .int64(a): fixed(a, &out) { UInt64(bitPattern: $0) }
        case let .float(a): fixed(a, &out) { UInt64($0.bitPattern) }
        case let .double(a): fixed(a, &out) { $0.bitPattern }
        case let .bytes(o, d):
            var dict = byteDict
            byteDict = ByteDictionary()
            d.withUnsafeBytes { p in
                for i in 0 ..< o.count - 1 {
                    out.append(dict.index(of: UnsafeRawBufferPointer(rebasing: p[Int(o[i]) ..< Int(o[i + 1])])))
                }
            }
            byteDict = dict
        case .bool, .fixed: encodePlain(values)
        }
    }

    /// Maps codes into a shared dictionary to this chunk's dictionary indices: each code's value
    /// is looked up (hashed) once per chunk, on first sight, so entries keep first-seen order.
    private func encodeCodes(_ codes: [UInt16], _ shared: DictionaryValues) {
        if codeMapOwner != ObjectIdentifier(shared) {
            codeMap = [UInt32](repeating: 0, count: shared.count)
            codeMapOwner = ObjectIdentifier(shared)
        }
        var out = indices, map = codeMap, dict = byteDict
        indices = []
        codeMap = []
        byteDict = ByteDictionary()
        defer { indices = out; codeMap = map; byteDict = dict }
        out.reserveCapacity(out.count + codes.count)
        shared.data.withUnsafeBytes { p in
            for c in codes {
                var e = map[Int(c)]
                if e == 0 {
                    let range = Int(shared.offsets[Int(c)]) ..< Int(shared.offsets[Int(c) + 1])
                    e = dict.index(of: UnsafeRawBufferPointer(rebasing: p[range])) + 1
                    map[Int(c)] = e
                }
                out.append(e - 1)
            }
        }
    }

    @inline(__always)
    private func fixed<T>(_ a: ArraySlice<T>, _ out: inout [UInt32], _ key: (T) -> UInt64) {
        var dict = fixedDict
        fixedDict = FixedDictionary()
        dict.indices(a, into: &out, key: key)
        fixedDict = dict
    }

    private func encodePlain(_ values: ValueBatch) {
        PlainEncoder.append(values, to: &plain, bools: &bools)
    }

    private func flushPage() throws {
        guard pageEntries > 0 else { return }
        var levels: [UInt8] = []
        if leaf.maxRep > 0 { LevelEncoder.appendPrefixed(repLevels, maxLevel: leaf.maxRep, to: &levels) }
        if leaf.maxDef > 0 { LevelEncoder.appendPrefixed(defLevels, maxLevel: leaf.maxDef, to: &levels) }
        let header = { (e: Encoding) in
            DataPageHeader(numValues: Int32(self.pageEntries), encoding: e, definitionLevelEncoding: .rle, repetitionLevelEncoding: .rle)
        }
        if dictActive && (fixedDict.count + byteDict.count) > 0 {
            let width = max(1, BitPacking.bitWidth(of: UInt64(max(fixedDict.count, byteDict.count) - 1)))
            levels.append(UInt8(width))
            var enc = RLEHybridEncoder(bitWidth: width)
            for i in indices { enc.append(i) }
            levels.append(contentsOf: enc.finish())
            try levels.withUnsafeBytes { try appendPage($0, type: .dataPage) { $0.dataPageHeader = header(.rleDictionary) } }
            dictUsed = true
            dictEncodedPages += 1
        } else if bools.isEmpty && levels.count <= ColumnChunkWriter.levelGap {
            // Levels go into the gap before the values: the body is one contiguous buffer.
            let start = ColumnChunkWriter.levelGap - levels.count
            plain.replaceSubrange(start ..< ColumnChunkWriter.levelGap, with: levels)
            try plain.withUnsafeBytes { p in
                try appendPage(UnsafeRawBufferPointer(rebasing: p[start...]), type: .dataPage) { $0.dataPageHeader = header(.plain) }
            }
            plainPages += 1
        } else {
            if !bools.isEmpty { PlainEncoder.appendBools(bools, to: &levels) }
            levels.append(contentsOf: plain[ColumnChunkWriter.levelGap...])
            try levels.withUnsafeBytes { try appendPage($0, type: .dataPage) { $0.dataPageHeader = header(.plain) } }
            plainPages += 1
        }
        defLevels.removeAll(keepingCapacity: true)
        repLevels.removeAll(keepingCapacity: true)
        plain.removeSubrange(ColumnChunkWriter.levelGap...)
        bools.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
        pageEntries = 0
    }

    /// Compresses `body` and appends the page (header, then compressed body) to `pages`.
    private func appendPage(_ body: UnsafeRawBufferPointer, type: PageType, _ configure: (inout PageHeader) -> Void) throws {
        try encodePage(body, type: type, into: &pages, configure)
    }

    /// Compresses `body` (through a reused buffer) and appends header + compressed body to `out`.
    private func encodePage(_ body: UnsafeRawBufferPointer, type: PageType, into out: inout [UInt8],
                            _ configure: (inout PageHeader) -> Void) throws {
        compressed.removeAll(keepingCapacity: true)
        try compressor.compress(body, appendingTo: &compressed)
        guard body.count <= Int32.max, compressed.count <= Int32.max else {
            throw TarnError(.invalidArgument, "a page of \(body.count) bytes exceeds Parquet's 2 GiB page limit",
                            column: leaf.path.joined(separator: "."))
        }
        var header = PageHeader(type: type, uncompressedPageSize: Int32(body.count), compressedPageSize: Int32(compressed.count))
        configure(&header)
        let before = out.count
        header.serialize(into: &out)
        uncompressedBytes += Int64(out.count - before + body.count)
        out.append(contentsOf: compressed)
    }

    /// Finishes the chunk: returns its bytes as parts to write in order (dictionary page, then the
    /// data pages; not concatenated, to save a copy) and its metadata with offsets from `fileOffset`.
    func finish(fileOffset: Int64) throws -> (parts: [[UInt8]], meta: ColumnMetaData) {
        try flushPage()
        if options.statisticsEnabled && leaf.physical == .byteArray && byteDict.count > 0 {
            stats.update(.bytes(offsets: byteDict.offsets, data: byteDict.data))
        }
        var out: [UInt8] = []
        var dictionaryPageOffset: Int64?
        if dictUsed {
            var body: [UInt8] = []
            let count: Int
            if leaf.physical == .byteArray {
                PlainEncoder.appendByteArrays(offsets: byteDict.offsets, data: byteDict.data, to: &body)
                count = byteDict.count
            } else {
                PlainEncoder.appendFixedDictionary(fixedDict.values, physical: leaf.physical, to: &body)
                count = fixedDict.count
            }
            let header = DictionaryPageHeader(numValues: Int32(count), encoding: .plain, isSorted: false)
            try body.withUnsafeBytes { try encodePage($0, type: .dictionaryPage, into: &out) { $0.dictionaryPageHeader = header } }
            dictionaryPageOffset = fileOffset
        }
        let dataPageOffset = fileOffset + Int64(out.count)
        let size = out.count + pages.count
        let parts = out.isEmpty ? [pages] : [out, pages]
        pages = []
        return (parts, metadata(dataPageOffset: dataPageOffset, dictionaryPageOffset: dictionaryPageOffset, size: size))
    }

    private func metadata(dataPageOffset: Int64, dictionaryPageOffset: Int64?, size: Int) -> ColumnMetaData {
        var encodings: [Encoding] = [.plain, .rle]
        var encodingStats: [PageEncodingStats] = []
        if dictUsed {
            encodings.append(.rleDictionary)
            encodingStats.append(PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1))
            encodingStats.append(PageEncodingStats(pageType: .dataPage, encoding: .rleDictionary, count: Int32(dictEncodedPages)))
        }
        if plainPages > 0 { encodingStats.append(PageEncodingStats(pageType: .dataPage, encoding: .plain, count: Int32(plainPages))) }
        return ColumnMetaData(
            type: leaf.physical, encodings: encodings, pathInSchema: leaf.path, codec: options.codec.rawValue,
            numValues: numValues, totalUncompressedSize: uncompressedBytes, totalCompressedSize: Int64(size),
            dataPageOffset: dataPageOffset, dictionaryPageOffset: dictionaryPageOffset,
            statistics: options.statisticsEnabled ? stats.statistics() : Statistics(nullCount: stats.nullCount),
            encodingStats: encodingStats)
    }
}
