// ValueDecoder: decodes the values section of a data page into a ValueAccumulator for every
// encoding of apache/parquet-format Encodings.md: PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY, RLE
// (booleans), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT.
import TarnCodecs

struct ValueDecoder {
    let physical: PhysicalType
    let width: Int
    let column: String
    let scratch: ScratchBuffers

    /// Decodes `count` values from `src` (whose first byte is at file offset `base`).
    func decode(_ src: UnsafeRawBufferPointer, base: Int, encoding: Encoding, count: Int,
                dictionary: ValueAccumulator?, into acc: inout ValueAccumulator) throws {
        acc.reserve(count)
        switch encoding {
        case .plain: try PlainDecoder.decode(src, base: base, count: count, into: &acc)
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw TarnError.corruption("dictionary-encoded page without a dictionary page", offset: base) }
            try decodeDictionary(src, base: base, count: count, dictionary: dictionary, into: &acc)
        case .rle:
            guard physical == .boolean else { throw unsupported(encoding) }
            try decodeRLEBooleans(src, base: base, count: count, into: &acc)
        case .deltaBinaryPacked: try decodeDeltaBinaryPacked(src, base: base, count: count, into: &acc)
        case .deltaLengthByteArray, .deltaByteArray: try decodeDeltaBytes(src, base: base, encoding: encoding, count: count, into: &acc)
        case .byteStreamSplit: try decodeByteStreamSplit(src, base: base, count: count, into: &acc)
        default: throw unsupported(encoding)
        }
    }

    private func unsupported(_ e: Encoding) -> TarnError {
        TarnError(.unsupportedFeature, "encoding \(e) is not supported for \(physical) values", column: column)
    }

    private func decodeDictionary(_ src: UnsafeRawBufferPointer, base: Int, count: Int,
                                  dictionary: ValueAccumulator, into acc: inout ValueAccumulator) throws {
        guard count > 0 else { return }
        guard src.count >= 1 else { throw TarnError.corruption("empty dictionary-index section", offset: base) }
        // Every index is out of range of an empty dictionary: fail before decoding `count` indices.
        guard dictionary.count > 0 else { throw TarnError.corruption("\(count) dictionary indices into an empty dictionary", offset: base) }
        let bitWidth = Int(src[0])
        guard bitWidth <= 32 else { throw TarnError.corruption("dictionary index bit width \(bitWidth)", offset: base) }
        var indices = scratch.take(count)
        defer { scratch.give(indices) }
        let rest = UnsafeRawBufferPointer(rebasing: src[1...])
        _ = try indices.withUnsafeMutableBufferPointer { out in
            try RLEHybridDecoder.decode(rest, baseOffset: base + 1, bitWidth: bitWidth, count: count, into: out.baseAddress!)
        }
        let dictCount = dictionary.count
        var maxIndex: UInt32 = 0
        for i in indices { maxIndex = max(maxIndex, i) }
        guard Int(maxIndex) < dictCount else {
            throw TarnError.corruption("dictionary index \(maxIndex) is outside the \(dictCount)-entry dictionary", offset: base)
        }
        try DictionaryGather.gather(indices, from: dictionary, into: &acc)
    }

    private func decodeRLEBooleans(_ src: UnsafeRawBufferPointer, base: Int, count: Int, into acc: inout ValueAccumulator) throws {
        var r = RawCursor(src, base: base)
        let length = Int(try r.u32())
        let body = try r.take(length)
        var bits = [UInt32](repeating: 0, count: count)
        _ = try bits.withUnsafeMutableBufferPointer { out in
            try RLEHybridDecoder.decode(body, baseOffset: base + 4, bitWidth: 1, count: count, into: out.baseAddress!)
        }
        for b in bits { acc.bools.append(b != 0) }
    }

    private func decodeDeltaBinaryPacked(_ src: UnsafeRawBufferPointer, base: Int, count: Int, into acc: inout ValueAccumulator) throws {
        switch physical {
        case .int32:
            let (values, _) = try DeltaBinaryPacked.decodeInt32(src, baseOffset: base, maxCount: count)
            guard values.count == count else { throw shortPage(values.count, count, base) }
            acc.int32s.append(contentsOf: values)
        case .int64:
            let (values, _) = try DeltaBinaryPacked.decodeInt64(src, baseOffset: base, maxCount: count)
            guard values.count == count else { throw shortPage(values.count, count, base) }
            acc.int64s.append(contentsOf: values)
        default: throw unsupported(.deltaBinaryPacked)
        }
    }

    private func shortPage(_ got: Int, _ want: Int, _ base: Int) -> TarnError {
        TarnError.corruption("page holds \(got) values, its levels need \(want)", offset: base)
    }

    private func decodeDeltaBytes(_ src: UnsafeRawBufferPointer, base: Int, encoding: Encoding, count: Int,
                                  into acc: inout ValueAccumulator) throws {
        guard physical == .byteArray || (physical == .fixedLenByteArray && encoding == .deltaByteArray) else {
            throw unsupported(encoding)
        }
        let (offsets, data, _) = encoding == .deltaByteArray
            ? try DeltaByteArray.decode(src, baseOffset: base, count: count)
            : try DeltaLengthByteArray.decode(src, baseOffset: base, count: count)
        try data.withUnsafeBytes { d in
            for i in 0 ..< count {
                let s = UnsafeRawBufferPointer(rebasing: d[Int(offsets[i]) ..< Int(offsets[i + 1])])
                if physical == .fixedLenByteArray {
                    guard s.count == width else { throw TarnError.corruption("FLBA value of \(s.count) bytes, expected \(width)", offset: base) }
                    acc.data.append(contentsOf: s)
                } else {
                    try acc.appendBytes(s, baseOffset: base)
                }
            }
        }
    }

    private func decodeByteStreamSplit(_ src: UnsafeRawBufferPointer, base: Int, count: Int, into acc: inout ValueAccumulator) throws {
        let w: Int
        switch physical {
        case .int32, .float: w = 4
        case .int64, .double: w = 8
        case .fixedLenByteArray: w = width
        default: throw unsupported(.byteStreamSplit)
        }
        let plain = try ByteStreamSplit.decode(src, baseOffset: base, width: w, count: count)
        try plain.withUnsafeBytes { try PlainDecoder.decode($0, base: base, count: count, into: &acc) }
    }
}
