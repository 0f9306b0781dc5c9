// Tests for BitPacking (Sources/TarnCodecs/BitPacking.swift): every width 0...32 (pack32/unpack32)
// and 0...64 (pack64/unpack64) against a bit-by-bit reference, the spec's LSB-first example, and
// exact output sizes.

import Testing
import TarnCodecs

private let counts = [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 100, 1000, 1001]

/// Reference packer: bit i of value v lands at absolute bit v*width + i, LSB-first in each byte.
private func referencePack(_ values: [UInt64], width: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: (values.count * width + 7) / 8)
    for (index, value) in values.enumerated() {
        for bit in 0 ..< width where (value >> UInt64(bit)) & 1 == 1 {
            let pos = index * width + bit
            out[pos / 8] |= 1 << UInt8(pos % 8)
        }
    }
    return out
}

private func mask(_ width: Int) -> UInt64 { width == 64 ? ~0 : (1 << UInt64(width)) - 1 }

@Suite struct BitPackingTests {
    @Test func specExampleWidth3() {
        // Encodings.md: 0...7 at bit width 3 -> 10001000 11000110 11111010.
        var out: [UInt8] = []
        let values: [UInt32] = [0, 1, 2, 3, 4, 5, 6, 7]
        values.withUnsafeBufferPointer { BitPacking.pack32($0, bitWidth: 3, appendingTo: &out) }
        #expect(out == [0b1000_1000, 0b1100_0110, 0b1111_1010])
        var back = [UInt32](repeating: 99, count: 8)
        out.withUnsafeBytes { BitPacking.unpack32($0.baseAddress!, bitWidth: 3, count: 8, into: &back) }
        #expect(back == values)
    }

    @Test(arguments: 0 ... 32)
    func roundTrip32(width: Int) {
        for seed in CodecTestData.seeds {
            var rng = CodecTestRNG(seed: seed &+ UInt64(width))
            for count in counts {
                let values = (0 ..< count).map { _ in UInt32(truncatingIfNeeded: rng.next() & mask(width)) }
                var packed: [UInt8] = [0xAB]  // appends after existing bytes
                values.withUnsafeBufferPointer { BitPacking.pack32($0, bitWidth: width, appendingTo: &packed) }
                #expect(packed.count == 1 + (count * width + 7) / 8)
                let body = Array(packed.dropFirst())
                #expect(body == referencePack(values.map(UInt64.init), width: width), "width \(width) count \(count) seed \(seed)")
                var back = [UInt32](repeating: 0xFFFF_FFFF, count: count + 1)
                body.withUnsafeBytes { raw in
                    let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!
                    back.withUnsafeMutableBufferPointer {
                        BitPacking.unpack32(base, bitWidth: width, count: count, into: $0.baseAddress!)
                    }
                }
                #expect(Array(back.prefix(count)) == values, "width \(width) count \(count) seed \(seed)")
                #expect(back[count] == 0xFFFF_FFFF, "no write past count")
            }
        }
    }

    @Test(arguments: 0 ... 64)
    func roundTrip64(width: Int) {
        for seed in CodecTestData.seeds {
            var rng = CodecTestRNG(seed: seed &+ UInt64(width))
            for count in counts {
                let values = (0 ..< count).map { _ in rng.next() & mask(width) }
                var packed: [UInt8] = []
                values.withUnsafeBufferPointer { BitPacking.pack64($0, bitWidth: width, appendingTo: &packed) }
                #expect(packed == referencePack(values, width: width), "width \(width) count \(count) seed \(seed)")
                var back = [UInt64](repeating: ~0, count: count + 1)
                packed.withUnsafeBytes { raw in
                    let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!
                    back.withUnsafeMutableBufferPointer {
                        BitPacking.unpack64(base, bitWidth: width, count: count, into: $0.baseAddress!)
                    }
                }
                #expect(Array(back.prefix(count)) == values, "width \(width) count \(count) seed \(seed)")
                #expect(back[count] == ~0)
            }
        }
    }

    @Test func packMasksHighBits() {
        var out: [UInt8] = []
        [UInt32](repeating: 0xFFFF_FFFF, count: 8).withUnsafeBufferPointer { BitPacking.pack32($0, bitWidth: 1, appendingTo: &out) }
        #expect(out == [0xFF])
        out = []
        [UInt64](repeating: ~0, count: 3).withUnsafeBufferPointer { BitPacking.pack64($0, bitWidth: 2, appendingTo: &out) }
        #expect(out == [0x3F])
    }

    /// Unpacking from a buffer of exactly the required size, at every starting alignment.
    @Test func unpackFromExactSizedUnalignedBuffers() {
        var rng = CodecTestRNG(seed: 99)
        for width in [1, 3, 8, 10, 13, 17, 31, 32] {
            for count in [24, 40, 129] {
                let values = (0 ..< count).map { _ in UInt32(truncatingIfNeeded: rng.next() & mask(width)) }
                var packed: [UInt8] = []
                values.withUnsafeBufferPointer { BitPacking.pack32($0, bitWidth: width, appendingTo: &packed) }
                for shift in 0 ..< 8 {
                    let raw = UnsafeMutableRawPointer.allocate(byteCount: packed.count + shift, alignment: 8)
                    defer { raw.deallocate() }
                    packed.withUnsafeBytes { (raw + shift).copyMemory(from: $0.baseAddress!, byteCount: packed.count) }
                    var back = [UInt32](repeating: 0, count: count)
                    BitPacking.unpack32(raw + shift, bitWidth: width, count: count, into: &back)
                    #expect(back == values, "width \(width) count \(count) shift \(shift)")
                }
            }
        }
    }

    @Test func bitWidthOf() {
        #expect(BitPacking.bitWidth(of: 0) == 0)
        #expect(BitPacking.bitWidth(of: 1) == 1)
        #expect(BitPacking.bitWidth(of: 2) == 2)
        #expect(BitPacking.bitWidth(of: 3) == 2)
        #expect(BitPacking.bitWidth(of: 255) == 8)
        #expect(BitPacking.bitWidth(of: 256) == 9)
        #expect(BitPacking.bitWidth(of: UInt64(UInt32.max)) == 32)
        #expect(BitPacking.bitWidth(of: UInt64.max) == 64)
    }
}
