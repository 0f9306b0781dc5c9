// Data pages v1 and v2: levels (RLE hybrid, or legacy BIT_PACKED in v1), then values.
import TarnCodecs

extension ChunkReader {
    func readDataPageV1(_ h: PageHeader, _ body: Range<Int>, _ codec: CompressionCodec, _ decoder: ValueDecoder,
                        _ dictionary: ValueAccumulator?, _ out: inout DecodedChunk, remaining: Int64) throws {
        let at = base + body.lowerBound
        guard let dh = h.dataPageHeader else { throw TarnError.corruption("data page without its header", offset: at) }
        let n = try checkedCount(dh.numValues, remaining: remaining, at: at)
        let page = try decompress(body, codec, size: Int(h.uncompressedPageSize))
        try page.withUnsafeBytes { p in
            var cursor = 0
            if leaf.maxRep > 0 {
                try decodeLevels(p, &cursor, encoding: dh.repetitionLevelEncoding, maxLevel: leaf.maxRep, count: n, prefixed: true, at: at, into: &out.rep)
            }
            var present = n
            if leaf.maxDef > 0 {
                present = try decodeLevels(p, &cursor, encoding: dh.definitionLevelEncoding, maxLevel: leaf.maxDef, count: n,
                                           prefixed: true, at: at, into: &out.def)
            }
            try decoder.decode(UnsafeRawBufferPointer(rebasing: p[cursor...]), base: at, encoding: dh.encoding,
                               count: present, dictionary: dictionary, into: &out.values)
        }
        out.entries += n
    }

    func readDataPageV2(_ h: PageHeader, _ body: Range<Int>, _ codec: CompressionCodec, _ decoder: ValueDecoder,
                        _ dictionary: ValueAccumulator?, _ out: inout DecodedChunk, remaining: Int64) throws {
        let at = base + body.lowerBound
        guard let dh = h.dataPageHeaderV2 else { throw TarnError.corruption("data page v2 without its header", offset: at) }
        let n = try checkedCount(dh.numValues, remaining: remaining, at: at)
        let repLength = Int(dh.repetitionLevelsByteLength), defLength = Int(dh.definitionLevelsByteLength)
        guard repLength >= 0, defLength >= 0, repLength + defLength <= body.count,
              repLength + defLength <= Int(h.uncompressedPageSize) else {
            throw TarnError.corruption("level lengths \(repLength)+\(defLength) exceed the \(body.count)-byte page", offset: at)
        }
        var present = n
        try bytes.withUnsafeBytes { all in
            let p = UnsafeRawBufferPointer(rebasing: all[body])
            var cursor = 0
            if leaf.maxRep > 0 {
                try decodeLevels(UnsafeRawBufferPointer(rebasing: p[0 ..< repLength]), &cursor, encoding: .rle,
                                 maxLevel: leaf.maxRep, count: n, prefixed: false, at: at, into: &out.rep)
            }
            cursor = 0
            if leaf.maxDef > 0 {
                present = try decodeLevels(UnsafeRawBufferPointer(rebasing: p[repLength ..< repLength + defLength]), &cursor,
                                           encoding: .rle, maxLevel: leaf.maxDef, count: n, prefixed: false, at: at + repLength,
                                           into: &out.def)
            }
        }
        let valuesRange = body.lowerBound + repLength + defLength ..< body.upperBound
        let valuesSize = Int(h.uncompressedPageSize) - repLength - defLength
        let values = dh.isCompressed && codec != .uncompressed
            ? try decompress(valuesRange, codec, size: valuesSize)
            : Array(bytes[valuesRange])
        try values.withUnsafeBytes { v in
            try decoder.decode(v, base: base + valuesRange.lowerBound, encoding: dh.encoding, count: present,
                               dictionary: dictionary, into: &out.values)
        }
        out.entries += n
    }

    private func checkedCount(_ numValues: Int32, remaining: Int64, at: Int) throws -> Int {
        guard numValues >= 0, Int64(numValues) <= remaining else {
            throw TarnError.corruption("page claims \(numValues) values, the chunk has \(remaining) left", offset: at)
        }
        return Int(numValues)
    }

    /// Decodes `count` levels at `cursor`, appending them to `out` and checking each is <= maxLevel.
    /// Returns how many equal maxLevel.
    @discardableResult
    private func decodeLevels(_ p: UnsafeRawBufferPointer, _ cursor: inout Int, encoding: Encoding, maxLevel: Int,
                              count: Int, prefixed: Bool, at: Int, into out: inout [UInt8]) throws -> Int {
        let bitWidth = BitPacking.bitWidth(of: UInt64(maxLevel))
        var levels = scratch.take(count)
        defer { scratch.give(levels) }
        if encoding == .bitPacked {
            let length = (count * bitWidth + 7) / 8
            guard length <= p.count - cursor else { throw TarnError.corruption("truncated BIT_PACKED levels", offset: at + cursor) }
            LegacyBitPacked.decode(UnsafeRawBufferPointer(rebasing: p[cursor ..< cursor + length]), bitWidth: bitWidth, into: &levels)
            cursor += length
        } else if encoding == .rle {
            var section = UnsafeRawBufferPointer(rebasing: p[cursor...])
            if prefixed {
                var r = RawCursor(section, base: at + cursor)
                let length = Int(try r.u32())
                section = try r.take(length)
                cursor += 4 + length
            } else {
                cursor += section.count
            }
            _ = try levels.withUnsafeMutableBufferPointer { buf in
                try RLEHybridDecoder.decode(section, baseOffset: at, bitWidth: bitWidth, count: count, into: buf.baseAddress!)
            }
        } else {
            throw TarnError(.unsupportedFeature, "level encoding \(encoding)", column: leaf.path.joined(separator: "."))
        }
        let start = out.count
        let top = UInt32(maxLevel)
        var highest: UInt32 = 0, atTop = 0
        out.append(contentsOf: repeatElement(0, count: count))
        levels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0 ..< count {
                    let l = src[i]
                    highest = max(highest, l)
                    atTop &+= l == top ? 1 : 0
                    dst[start + i] = UInt8(truncatingIfNeeded: l)
                }
            }
        }
        guard highest <= top else { throw TarnError.corruption("level \(highest) exceeds the maximum \(maxLevel)", offset: at) }
        return atTop
    }
}

/// The deprecated BIT_PACKED level encoding: values packed MSB-first, no header.
enum LegacyBitPacked {
    static func decode(_ p: UnsafeRawBufferPointer, bitWidth: Int, into out: inout [UInt32]) {
        var bit = 0
        for i in 0 ..< out.count {
            var v: UInt32 = 0
            for _ in 0 ..< bitWidth {
                let byte = p[bit >> 3]
                v = v << 1 | UInt32(byte >> UInt8(7 - bit & 7) & 1)
                bit += 1
            }
            out[i] = v
        }
    }
}
