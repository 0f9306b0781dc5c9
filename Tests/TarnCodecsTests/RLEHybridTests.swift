// Tests for RLEHybridEncoder / RLEHybridDecoder (Sources/TarnCodecs/RLEHybrid.swift): spec byte
// vectors (Encodings.md, protocol.md B5), the standard writer's run choices, seeded round trips of
// level-like and index-like sequences, and corrupt or truncated input.

import Testing
import TarnCodecs

private func decode(_ bytes: [UInt8], bitWidth: Int, count: Int, baseOffset: Int = 0) throws -> (values: [UInt32], consumed: Int) {
    var out = [UInt32](repeating: 0xDEAD, count: count)
    let consumed = try bytes.withUnsafeBytes { raw in
        try out.withUnsafeMutableBufferPointer { buf in
            try RLEHybridDecoder.decode(raw, baseOffset: baseOffset, bitWidth: bitWidth, count: count,
                                        into: buf.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!)
        }
    }
    return (out, consumed)
}

private func encode(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
    var e = RLEHybridEncoder(bitWidth: bitWidth)
    for v in values { e.append(v) }
    return e.finish()
}

/// Level-like: long runs of a few values with short noisy stretches.
private func levelLike(_ count: Int, maxValue: UInt32, _ rng: inout CodecTestRNG) -> [UInt32] {
    var out: [UInt32] = []
    while out.count < count {
        let v = UInt32.random(in: 0 ... maxValue, using: &rng)
        let run = Bool.random(using: &rng) ? Int.random(in: 1 ... 3, using: &rng) : Int.random(in: 1 ... 200, using: &rng)
        out.append(contentsOf: repeatElement(v, count: min(run, count - out.count)))
    }
    return out
}

/// Index-like: mostly uniform noise, sometimes a run.
private func indexLike(_ count: Int, maxValue: UInt32, _ rng: inout CodecTestRNG) -> [UInt32] {
    var out: [UInt32] = []
    while out.count < count {
        let v = UInt32.random(in: 0 ... maxValue, using: &rng)
        let run = Int.random(in: 0 ..< 10, using: &rng) == 0 ? Int.random(in: 8 ... 40, using: &rng) : 1
        out.append(contentsOf: repeatElement(v, count: min(run, count - out.count)))
    }
    return out
}

@Suite struct RLEHybridTests {
    @Test func specVectors() throws {
        // One bit-packed group of 0...7 at width 3 (Encodings.md example) behind header 0x03.
        let (values, used) = try decode([0x03, 0x88, 0xC6, 0xFA], bitWidth: 3, count: 8)
        #expect(values == [0, 1, 2, 3, 4, 5, 6, 7] && used == 4)
        // RLE run: header varint(5 << 1), value in ceil(10/8) = 2 bytes LE.
        let rle = try decode([0x0A, 0x34, 0x02], bitWidth: 10, count: 5)
        #expect(rle.values == [UInt32](repeating: 0x234, count: 5) && rle.consumed == 3)
        // Width 0: RLE run value takes no bytes.
        let zero = try decode([0x08], bitWidth: 0, count: 4)
        #expect(zero.values == [0, 0, 0, 0] && zero.consumed == 1)
        // Bit-packed run padded past count: reader stops at count but consumes the run.
        let padded = try decode([0x03, 0x88, 0xC6, 0xFA, 0xFF], bitWidth: 3, count: 5)
        #expect(padded.values == [0, 1, 2, 3, 4] && padded.consumed == 4)
        // Mixed: RLE run of three 1s then a bit-packed group, width 1.
        let mixed = try decode([0x06, 0x01, 0x03, 0b1010_0101], bitWidth: 1, count: 11)
        #expect(mixed.values == [1, 1, 1, 1, 0, 1, 0, 0, 1, 0, 1] && mixed.consumed == 4)
        // Multi-byte run header: 300 = varint(600) = 0xD8 0x04.
        let long = try decode([0xD8, 0x04, 0x07], bitWidth: 3, count: 300)
        #expect(long.values == [UInt32](repeating: 7, count: 300) && long.consumed == 3)
    }

    @Test func encoderWritesStandardRuns() {
        #expect(encode([0, 1, 2, 3, 4, 5, 6, 7], bitWidth: 3) == [0x03, 0x88, 0xC6, 0xFA])
        #expect(encode([UInt32](repeating: 7, count: 100), bitWidth: 3) == [0xC8, 0x01, 0x07])
        #expect(encode([UInt32](repeating: 0x1234, count: 8), bitWidth: 13) == [0x10, 0x34, 0x12])
        #expect(encode([1, 1, 1], bitWidth: 1) == [0x06, 0x01])
        #expect(encode([], bitWidth: 5) == [])
        // 3 values that differ: one padded bit-packed group.
        #expect(encode([1, 0, 1], bitWidth: 1) == [0x03, 0b0000_0101])
        // 8 literals then a run of 8 zeros.
        #expect(encode([1, 2, 3, 4, 5, 6, 7, 0] + [UInt32](repeating: 0, count: 8), bitWidth: 3)
                == [0x03, 0b1101_0001, 0b0101_1000, 0b0001_1111, 0x10, 0x00])
        // More than 63 groups of literals split into several runs with one-byte headers.
        let noise: [UInt32] = (0 ..< 1000).map { (i: Int) -> UInt32 in
            let r = UInt32(i % 7)
            return i % 2 == 0 ? r : 7 - r
        }
        let bytes = encode(noise, bitWidth: 3)
        #expect(bytes.first == UInt8(63 << 1 | 1))
    }

    @Test func repeatedAppendMatchesSingleAppends() {
        for seed in CodecTestData.seeds {
            var rng = CodecTestRNG(seed: seed)
            var single = RLEHybridEncoder(bitWidth: 4)
            var bulk = RLEHybridEncoder(bitWidth: 4)
            for _ in 0 ..< 300 {
                let v = UInt32.random(in: 0 ... 15, using: &rng)
                let n = Int.random(in: 0 ... 3, using: &rng) == 0 ? Int.random(in: 0 ... 5000, using: &rng) : Int.random(in: 0 ... 9, using: &rng)
                for _ in 0 ..< n { single.append(v) }
                bulk.append(v, count: n)
            }
            #expect(single.finish() == bulk.finish(), "seed \(seed)")
        }
    }

    @Test(arguments: Array(0 ... 32))
    func seededRoundTrips(bitWidth: Int) throws {
        let maxValue = bitWidth == 32 ? UInt32.max : UInt32((1 << UInt64(bitWidth)) - 1)
        for seed in CodecTestData.seeds {
            var rng = CodecTestRNG(seed: seed &* 31 &+ UInt64(bitWidth))
            for count in [0, 1, 7, 8, 9, 100, 1000, 10_000] {
                for values in [levelLike(count, maxValue: maxValue, &rng), indexLike(count, maxValue: maxValue, &rng)] {
                    let bytes = encode(values, bitWidth: bitWidth) + [0xEE, 0xEE]  // trailing bytes are not consumed
                    let (back, used) = try decode(bytes, bitWidth: bitWidth, count: count)
                    #expect(back == values, "width \(bitWidth) count \(count) seed \(seed)")
                    #expect(used == bytes.count - 2, "width \(bitWidth) count \(count) seed \(seed)")
                }
            }
        }
    }

    @Test func hugeRunsUseBulkAppend() throws {
        var e = RLEHybridEncoder(bitWidth: 1)
        e.append(1, count: 10_000_000)
        e.append(0)
        let bytes = e.finish()
        #expect(bytes.count < 10)
        let (values, _) = try decode(bytes, bitWidth: 1, count: 10_000_001)
        #expect(values.prefix(10_000_000).allSatisfy { $0 == 1 } && values.last == 0)
    }

    /// Cutting a stream anywhere must throw, or (only inside the last run's padding) still decode correctly.
    @Test func truncatedInputThrowsOrDecodesCorrectly() throws {
        for seed in CodecTestData.seeds {
            var rng = CodecTestRNG(seed: seed)
            let values = indexLike(300, maxValue: 1000, &rng)
            let bytes = encode(values, bitWidth: 10)
            for keep in 0 ..< bytes.count {
                do {
                    let (back, _) = try decode(Array(bytes.prefix(keep)), bitWidth: 10, count: values.count, baseOffset: 1000)
                    #expect(back == values, "keep \(keep) seed \(seed)")
                } catch let error as TarnError {
                    #expect(error.code == .corruption)
                    #expect((error.offset ?? 0) >= 1000 && (error.offset ?? 0) <= 1000 + keep, "offset \(String(describing: error.offset))")
                }
            }
        }
    }

    @Test func absurdHeadersThrow() {
        // RLE run length 2^34.
        #expect(throws: TarnError.self) { _ = try decode([0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x01], bitWidth: 1, count: 5) }
        // Bit-packed run of 2^30 groups.
        #expect(throws: TarnError.self) { _ = try decode([0x81, 0x80, 0x80, 0x80, 0x08, 0xFF], bitWidth: 1, count: 5) }
        // Varint longer than 10 bytes.
        #expect(throws: TarnError.self) { _ = try decode([UInt8](repeating: 0xFF, count: 12), bitWidth: 1, count: 5) }
        // Empty input, truncated RLE value, bad bit width.
        #expect(throws: TarnError.self) { _ = try decode([], bitWidth: 1, count: 1) }
        #expect(throws: TarnError.self) { _ = try decode([0x10, 0x01], bitWidth: 16, count: 8) }
        #expect(throws: TarnError.self) { _ = try decode([0x10, 0x01], bitWidth: 33, count: 8) }
        // Zero-length runs only: input runs out.
        #expect(throws: TarnError.self) { _ = try decode([0x00, 0x00, 0x01], bitWidth: 0, count: 3) }
    }

    @Test func errorOffsetIsAbsolute() {
        do {
            _ = try decode([0x10, 0x01, 0x05], bitWidth: 3, count: 9, baseOffset: 500)
            Issue.record("expected a throw")
        } catch let error as TarnError {
            #expect(error.code == .corruption)
            #expect(error.offset == 503)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
