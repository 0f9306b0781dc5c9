// BitPacking: LSB-first packing of fixed-width unsigned integers, the layout Parquet uses for
// bit-packed runs of the RLE/bit-packing hybrid, DELTA_BINARY_PACKED miniblocks and PLAIN booleans.
// See apache/parquet-format Encodings.md, "Run Length Encoding / Bit-Packing Hybrid (RLE = 3)",
// note 1 (values fill each byte from its least significant bit). Assumes a little-endian host.

public enum BitPacking {
    /// Unpacks `count` values of `bitWidth` (0...32) bits, LSB-first, from `src`, which must hold
    /// at least `(count * bitWidth + 7) / 8` bytes (the caller checks). Width 0 writes zeros.
    public static func unpack32(_ src: UnsafeRawPointer, bitWidth: Int, count: Int,
                                into dst: UnsafeMutablePointer<UInt32>) {
        precondition(bitWidth >= 0 && bitWidth <= 32, "bit width \(bitWidth) out of range 0...32")
        guard count > 0 else { return }
        guard bitWidth > 0 else {
            dst.update(repeating: 0, count: count)
            return
        }
        // A group of 8 values takes exactly `bitWidth` bytes. The fast path loads 8 bytes at the
        // byte holding each value's first bit, so it needs `bitWidth + 8` readable bytes per group.
        let totalBytes = (count * bitWidth + 7) >> 3
        var groups = 0
        if totalBytes >= bitWidth + 8 { groups = min(count >> 3, (totalBytes - 8) / bitWidth) }
        if groups > 0 { unpackGroups32(src, bitWidth: bitWidth, groups: groups, into: dst) }
        let done = groups * 8
        var bitPos = done * bitWidth
        for i in done ..< count {
            dst[i] = UInt32(truncatingIfNeeded: readBits(src, bitPos: bitPos, bitWidth: bitWidth))
            bitPos += bitWidth
        }
    }

    /// Unpacks `count` values of `bitWidth` (0...64) bits; same contract as `unpack32`.
    public static func unpack64(_ src: UnsafeRawPointer, bitWidth: Int, count: Int,
                                into dst: UnsafeMutablePointer<UInt64>) {
        precondition(bitWidth >= 0 && bitWidth <= 64, "bit width \(bitWidth) out of range 0...64")
        guard count > 0 else { return }
        guard bitWidth > 0 else {
            dst.update(repeating: 0, count: count)
            return
        }
        let totalBytes = (count * bitWidth + 7) >> 3
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
        var bitPos = 0
        for i in 0 ..< count {
            let byte = bitPos >> 3
            let shift = bitPos & 7
            if byte + 8 <= totalBytes {
                var w = UInt64(littleEndian: src.loadUnaligned(fromByteOffset: byte, as: UInt64.self)) >> UInt64(shift)
                if shift + bitWidth > 64 {
                    // The value's last bits live in byte + 8, which is inside `totalBytes`.
                    let high = UInt64(src.load(fromByteOffset: byte + 8, as: UInt8.self))
                    w |= high << UInt64(64 - shift)
                }
                dst[i] = w & mask
            } else {
                dst[i] = readBits(src, bitPos: bitPos, bitWidth: bitWidth)
            }
            bitPos += bitWidth
        }
    }

    /// Appends `(values.count * bitWidth + 7) / 8` bytes holding the low `bitWidth` (0...32) bits
    /// of each value, LSB-first; the last byte is padded with zero bits.
    public static func pack32(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, appendingTo out: inout [UInt8]) {
        precondition(bitWidth >= 0 && bitWidth <= 32, "bit width \(bitWidth) out of range 0...32")
        packBits(values, bitWidth: bitWidth, appendingTo: &out)
    }

    /// Appends `(values.count * bitWidth + 7) / 8` bytes; `bitWidth` is 0...64.
    public static func pack64(_ values: UnsafeBufferPointer<UInt64>, bitWidth: Int, appendingTo out: inout [UInt8]) {
        precondition(bitWidth >= 0 && bitWidth <= 64, "bit width \(bitWidth) out of range 0...64")
        packBits(values, bitWidth: bitWidth, appendingTo: &out)
    }

    /// The number of bits needed to hold `maxValue` (0 for 0).
    public static func bitWidth(of maxValue: UInt64) -> Int {
        64 - maxValue.leadingZeroBitCount
    }

    // MARK: - Internals

    /// Reads `bitWidth` (1...64) bits at `bitPos`, touching only the bytes that hold them.
    @inline(__always)
    static func readBits(_ src: UnsafeRawPointer, bitPos: Int, bitWidth: Int) -> UInt64 {
        var byte = bitPos >> 3
        let shift = bitPos & 7
        let last = (bitPos + bitWidth - 1) >> 3
        var acc = UInt64(src.load(fromByteOffset: byte, as: UInt8.self)) >> UInt64(shift)
        var got = 8 - shift
        byte += 1
        while byte <= last {
            acc |= UInt64(src.load(fromByteOffset: byte, as: UInt8.self)) << UInt64(got)
            got += 8
            byte += 1
        }
        return bitWidth == 64 ? acc : acc & ((1 << UInt64(bitWidth)) - 1)
    }

    /// Dispatches to a copy of the group kernel specialised for each constant width.
    static func unpackGroups32(_ src: UnsafeRawPointer, bitWidth: Int, groups: Int,
                               into dst: UnsafeMutablePointer<UInt32>) {
        switch bitWidth {
        case 1: groupKernel32(src, 1, groups, dst)
        case 2: groupKernel32(src, 2, groups, dst)
        case 3: groupKernel32(src, 3, groups, dst)
        case 4: groupKernel32(src, 4, groups, dst)
        case 5: groupKernel32(src, 5, groups, dst)
        case 6: groupKernel32(src, 6, groups, dst)
        case 7: groupKernel32(src, 7, groups, dst)
        case 8: groupKernel32(src, 8, groups, dst)
        case 9: groupKernel32(src, 9, groups, dst)
        case 10: groupKernel32(src, 10, groups, dst)
        case 11: groupKernel32(src, 11, groups, dst)
        case 12: groupKernel32(src, 12, groups, dst)
        case 13: groupKernel32(src, 13, groups, dst)
        case 14: groupKernel32(src, 14, groups, dst)
        case 15: groupKernel32(src, 15, groups, dst)
        case 16: groupKernel32(src, 16, groups, dst)
        case 17: groupKernel32(src, 17, groups, dst)
        case 18: groupKernel32(src, 18, groups, dst)
        case 19: groupKernel32(src, 19, groups, dst)
        case 20: groupKernel32(src, 20, groups, dst)
        case 21: groupKernel32(src, 21, groups, dst)
        case 22: groupKernel32(src, 22, groups, dst)
        case 23: groupKernel32(src, 23, groups, dst)
        case 24: groupKernel32(src, 24, groups, dst)
        case 25: groupKernel32(src, 25, groups, dst)
        case 26: groupKernel32(src, 26, groups, dst)
        case 27: groupKernel32(src, 27, groups, dst)
        case 28: groupKernel32(src, 28, groups, dst)
        case 29: groupKernel32(src, 29, groups, dst)
        case 30: groupKernel32(src, 30, groups, dst)
        case 31: groupKernel32(src, 31, groups, dst)
        default: groupKernel32(src, 32, groups, dst)
        }
    }

    /// Unpacks `groups` groups of 8 values. With `w` a constant after inlining, every offset,
    /// shift and mask below folds to a constant. A value starts at most 7 bits into its 8-byte
    /// window and is at most 32 bits wide, so one unaligned load always covers it.
    @inline(__always)
    static func groupKernel32(_ src: UnsafeRawPointer, _ w: Int, _ groups: Int, _ dst: UnsafeMutablePointer<UInt32>) {
        let mask: UInt64 = (1 << UInt64(w)) - 1
        var s = src
        var d = dst
        for _ in 0 ..< groups {
            d[0] = lane(s, 0, w, mask); d[1] = lane(s, 1, w, mask)
            d[2] = lane(s, 2, w, mask); d[3] = lane(s, 3, w, mask)
            d[4] = lane(s, 4, w, mask); d[5] = lane(s, 5, w, mask)
            d[6] = lane(s, 6, w, mask); d[7] = lane(s, 7, w, mask)
            s += w
            d += 8
        }
    }

    /// Value `i` (0..<8) of the group starting at `s`.
    @inline(__always)
    static func lane(_ s: UnsafeRawPointer, _ i: Int, _ w: Int, _ mask: UInt64) -> UInt32 {
        let word = UInt64(littleEndian: s.loadUnaligned(fromByteOffset: (i * w) >> 3, as: UInt64.self))
        return UInt32(truncatingIfNeeded: (word >> UInt64((i * w) & 7)) & mask)
    }

    /// Shared packer: a 64-bit accumulator flushed 8 bytes at a time straight into `out`.
    @inline(__always)
    static func packBits<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>, bitWidth: Int, appendingTo out: inout [UInt8]
    ) {
        let byteCount = (values.count * bitWidth + 7) >> 3
        guard byteCount > 0 else { return }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: byteCount))
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
        out.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            var p = base + start
            var acc: UInt64 = 0
            var bits = 0  // always < 64 between values
            for v in values {
                let x = UInt64(truncatingIfNeeded: v) & mask
                acc |= x << UInt64(bits)
                let total = bits + bitWidth
                if total >= 64 {
                    p.storeBytes(of: acc.littleEndian, as: UInt64.self)
                    p += 8
                    acc = bits == 0 ? 0 : x >> UInt64(64 - bits)
                    bits = total - 64
                } else {
                    bits = total
                }
            }
            var rest = (bits + 7) >> 3
            while rest > 0 {
                p.storeBytes(of: UInt8(truncatingIfNeeded: acc), as: UInt8.self)
                acc >>= 8
                p += 1
                rest -= 1
            }
        }
    }
}
