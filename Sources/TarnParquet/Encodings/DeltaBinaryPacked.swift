// DeltaBinaryPacked: DELTA_BINARY_PACKED for INT32 and INT64 values (decode and encode).
// See apache/parquet-format Encodings.md, "Delta Encoding (DELTA_BINARY_PACKED = 5)", and
// protocol.md B6. Arithmetic wraps (two's complement); INT32 streams are decoded in 32 bits.
// The writer uses blocks of 128 values split into 4 miniblocks of 32, like both peers.

import TarnCodecs

public enum DeltaBinaryPacked {
    /// Decodes a stream holding at most `maxCount` values (throws if its header declares more).
    /// Returns the values and the bytes consumed (up to the end of the last miniblock used).
    public static func decodeInt64(_ src: UnsafeRawBufferPointer, baseOffset: Int,
                                   maxCount: Int) throws -> (values: [Int64], consumed: Int) {
        try decode(Int64.self, src, baseOffset: baseOffset, maxCount: maxCount)
    }

    /// Like `decodeInt64`, with 32-bit wrapping arithmetic and miniblock widths of at most 32.
    public static func decodeInt32(_ src: UnsafeRawBufferPointer, baseOffset: Int,
                                   maxCount: Int) throws -> (values: [Int32], consumed: Int) {
        try decode(Int32.self, src, baseOffset: baseOffset, maxCount: maxCount)
    }

    /// Appends the encoding of `values` (block 128, 4 miniblocks of 32).
    public static func encodeInt64(_ values: UnsafeBufferPointer<Int64>, appendingTo out: inout [UInt8]) {
        encode(values, appendingTo: &out)
    }

    public static func encodeInt32(_ values: UnsafeBufferPointer<Int32>, appendingTo out: inout [UInt8]) {
        encode(values, appendingTo: &out)
    }

    // MARK: - Decoding

    struct Header {
        var blockSize: Int
        var miniblocks: Int
        var total: Int
        var first: Int64
        var valuesPerMiniblock: Int { blockSize / miniblocks }
    }

    static func readHeader(_ c: inout EncodingCursor, maxCount: Int) throws -> Header {
        let start = c.position
        let blockSize = try c.readCount("block size", limit: 1 << 31)
        guard blockSize > 0, blockSize % 128 == 0 else {
            throw c.error("block size \(blockSize) is not a positive multiple of 128", at: start)
        }
        let miniStart = c.position
        let miniblocks = try c.readCount("miniblock count", limit: blockSize / 32)
        guard miniblocks > 0, blockSize % miniblocks == 0, (blockSize / miniblocks) % 32 == 0 else {
            throw c.error("\(miniblocks) miniblocks do not split a block of \(blockSize) into multiples of 32",
                          at: miniStart)
        }
        let totalStart = c.position
        let total = try c.readUVarint("total value count")
        guard total <= UInt64(max(maxCount, 0)) else {
            throw c.error("stream declares \(total) values, at most \(maxCount) expected", at: totalStart)
        }
        let first = try c.readZigzag("first value")
        return Header(blockSize: blockSize, miniblocks: miniblocks, total: Int(total), first: first)
    }

    static func decode<T: DeltaPackedInteger>(_: T.Type, _ src: UnsafeRawBufferPointer, baseOffset: Int,
                                              maxCount: Int) throws -> (values: [T], consumed: Int) {
        var c = EncodingCursor(src, baseOffset: baseOffset, context: "DELTA_BINARY_PACKED")
        let h = try readHeader(&c, maxCount: maxCount)
        guard h.total > 0 else { return ([], c.position) }
        // Each block costs at least a min-delta byte and its width bytes: reject counts the
        // input cannot hold before allocating anything.
        let blocks = (h.total - 1 + h.blockSize - 1) / h.blockSize
        let (minBytes, overflow) = blocks.multipliedReportingOverflow(by: 1 + h.miniblocks)
        guard !overflow, minBytes <= c.remaining else {
            throw c.error("\(h.total) values need at least \(blocks) blocks, input has \(c.remaining) bytes left")
        }
        let values = try [T](unsafeUninitializedCapacity: h.total) { buf, initialized in
            guard let out = buf.baseAddress else { return }
            out[0] = T(truncatingIfNeeded: h.first)
            initialized = 1
            var last = out[0]
            while initialized < h.total {
                try decodeBlock(&c, h, out, filled: &initialized, last: &last)
            }
        }
        return (values, c.position)
    }

    /// Decodes one block, stopping as soon as `h.total` values are filled.
    static func decodeBlock<T: DeltaPackedInteger>(_ c: inout EncodingCursor, _ h: Header,
                                                   _ out: UnsafeMutablePointer<T>,
                                                   filled: inout Int, last: inout T) throws {
        let minDelta = T(truncatingIfNeeded: try c.readZigzag("block min delta"))
        let widthsAt = c.position
        try c.require(h.miniblocks, "miniblock bit widths")
        c.position += h.miniblocks
        let per = h.valuesPerMiniblock
        for m in 0 ..< h.miniblocks {
            if filled >= h.total { break }  // widths of unused miniblocks are ignored
            let width = Int(c.byte(at: widthsAt + m))
            guard width <= T.maxDeltaBitWidth else {
                throw c.error("miniblock bit width \(width) exceeds \(T.maxDeltaBitWidth)", at: widthsAt + m)
            }
            let bytes = per / 8 * width  // `per` is a multiple of 32
            try c.require(bytes, "miniblock of \(per) values at \(width) bits")
            guard let src = c.pointer else { throw c.error("no miniblock data") }
            let n = min(per, h.total - filled)
            let dst = out + filled
            T.unpackDeltas(src, bitWidth: width, count: n, into: dst)
            var acc = last
            for i in 0 ..< n {
                acc = acc &+ minDelta &+ dst[i]
                dst[i] = acc
            }
            last = acc
            filled += n
            c.position += bytes
        }
    }

    // MARK: - Encoding

    static let blockSize = 128
    static let miniblockCount = 4
    static let miniblockSize = 32

    static func encode<T: DeltaPackedInteger>(_ values: UnsafeBufferPointer<T>, appendingTo out: inout [UInt8]) {
        out.appendUVarint(UInt64(blockSize))
        out.appendUVarint(UInt64(miniblockCount))
        out.appendUVarint(UInt64(values.count))
        out.appendZigzagVarint(Int64(values.first ?? 0))
        guard values.count > 1 else { return }
        var deltas = [T](repeating: 0, count: blockSize)
        var packed = [UInt64](repeating: 0, count: blockSize)
        var prev = values[0]
        var i = 1
        while i < values.count {
            let n = min(blockSize, values.count - i)
            var minDelta = T.max
            for j in 0 ..< n {
                let v = values[i + j]
                deltas[j] = v &- prev
                minDelta = Swift.min(minDelta, deltas[j])
                prev = v
            }
            for j in 0 ..< blockSize {
                packed[j] = j < n ? T.relativeBits(deltas[j] &- minDelta) : 0
            }
            writeBlock(minDelta: Int64(minDelta), packed, count: n, appendingTo: &out)
            i += n
        }
    }

    /// Writes one block: min delta, the 4 widths (0 for unused miniblocks), and the miniblocks
    /// that hold values (the last one padded with zeros).
    static func writeBlock(minDelta: Int64, _ packed: [UInt64], count n: Int, appendingTo out: inout [UInt8]) {
        out.appendZigzagVarint(minDelta)
        let used = (n + miniblockSize - 1) / miniblockSize
        var widths = [Int](repeating: 0, count: miniblockCount)
        packed.withUnsafeBufferPointer { p in
            for m in 0 ..< used {
                var maxValue: UInt64 = 0
                for v in p[m * miniblockSize ..< (m + 1) * miniblockSize] { maxValue |= v }
                widths[m] = BitPacking.bitWidth(of: maxValue)
            }
            for w in widths { out.append(UInt8(w)) }
            for m in 0 ..< used {
                let slice = UnsafeBufferPointer(rebasing: p[m * miniblockSize ..< (m + 1) * miniblockSize])
                BitPacking.pack64(slice, bitWidth: widths[m], appendingTo: &out)
            }
        }
    }
}

/// INT32 and INT64: the two physical types DELTA_BINARY_PACKED supports.
protocol DeltaPackedInteger: FixedWidthInteger, SignedInteger {
    static var maxDeltaBitWidth: Int { get }
    /// Unpacks `count` raw (unsigned) deltas, stored with the bit pattern of `Self`.
    static func unpackDeltas(_ src: UnsafeRawPointer, bitWidth: Int, count: Int, into dst: UnsafeMutablePointer<Self>)
    /// The bits of a non-negative relative delta (`delta - minDelta`, wrapped) as unsigned.
    static func relativeBits(_ v: Self) -> UInt64
}

extension Int64: DeltaPackedInteger {
    static var maxDeltaBitWidth: Int { 64 }
    @inline(__always)
    static func unpackDeltas(_ src: UnsafeRawPointer, bitWidth: Int, count: Int, into dst: UnsafeMutablePointer<Int64>) {
        dst.withMemoryRebound(to: UInt64.self, capacity: count) {
            BitPacking.unpack64(src, bitWidth: bitWidth, count: count, into: $0)
        }
    }
    @inline(__always) static func relativeBits(_ v: Int64) -> UInt64 { UInt64(bitPattern: v) }
}

extension Int32: DeltaPackedInteger {
    static var maxDeltaBitWidth: Int { 32 }
    @inline(__always)
    static func unpackDeltas(_ src: UnsafeRawPointer, bitWidth: Int, count: Int, into dst: UnsafeMutablePointer<Int32>) {
        dst.withMemoryRebound(to: UInt32.self, capacity: count) {
            BitPacking.unpack32(src, bitWidth: bitWidth, count: count, into: $0)
        }
    }
    @inline(__always) static func relativeBits(_ v: Int32) -> UInt64 { UInt64(UInt32(bitPattern: v)) }
}
