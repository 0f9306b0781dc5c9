// Tests for the Parquet value encodings in Sources/TarnParquet/Encodings: DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT. Spec examples from
// apache/parquet-format Encodings.md, seeded round trips (seed in failure messages) and corrupt input.

import Testing
import TarnCodecs
@testable import TarnParquet
import TarnTestSupport

private typealias EncRNG = SeededRandom

private let encSeeds: [UInt64] = [3, 2024, 0xC0FFEE, UInt64.random(in: 0 ... UInt64.max)]

private func dbp64(_ values: [Int64]) -> [UInt8] {
    var out: [UInt8] = []
    values.withUnsafeBufferPointer { DeltaBinaryPacked.encodeInt64($0, appendingTo: &out) }
    return out
}

private func dbp32(_ values: [Int32]) -> [UInt8] {
    var out: [UInt8] = []
    values.withUnsafeBufferPointer { DeltaBinaryPacked.encodeInt32($0, appendingTo: &out) }
    return out
}

private func undbp64(_ bytes: [UInt8], maxCount: Int = .max, base: Int = 0) throws -> (values: [Int64], consumed: Int) {
    try bytes.withUnsafeBytes { try DeltaBinaryPacked.decodeInt64($0, baseOffset: base, maxCount: maxCount) }
}

private func undbp32(_ bytes: [UInt8], maxCount: Int = .max, base: Int = 0) throws -> (values: [Int32], consumed: Int) {
    try bytes.withUnsafeBytes { try DeltaBinaryPacked.decodeInt32($0, baseOffset: base, maxCount: maxCount) }
}

/// Byte arrays as (offsets, data).
private func flatten(_ values: [[UInt8]]) -> (offsets: [Int32], data: [UInt8]) {
    var offsets: [Int32] = [0]
    var data: [UInt8] = []
    for v in values { data += v; offsets.append(Int32(data.count)) }
    return (offsets, data)
}

private func unflatten(_ offsets: [Int32], _ data: [UInt8]) -> [[UInt8]] {
    (0 ..< max(offsets.count - 1, 0)).map { Array(data[Int(offsets[$0]) ..< Int(offsets[$0 + 1])]) }
}

enum EncodingsTestByteArrayCodec: CaseIterable, Sendable { case dlba, dba }

private func encodeArrays(_ values: [[UInt8]], _ codec: EncodingsTestByteArrayCodec) -> [UInt8] {
    let (offsets, data) = flatten(values)
    var out: [UInt8] = []
    offsets.withUnsafeBufferPointer { o in
        data.withUnsafeBytes { d in
            switch codec {
            case .dlba: DeltaLengthByteArray.encode(offsets: o, data: d, appendingTo: &out)
            case .dba: DeltaByteArray.encode(offsets: o, data: d, appendingTo: &out)
            }
        }
    }
    return out
}

private func decodeArrays(_ bytes: [UInt8], count: Int, _ codec: EncodingsTestByteArrayCodec, base: Int = 0) throws -> (values: [[UInt8]], consumed: Int) {
    let r = try bytes.withUnsafeBytes { raw in
        switch codec {
        case .dlba: return try DeltaLengthByteArray.decode(raw, baseOffset: base, count: count)
        case .dba: return try DeltaByteArray.decode(raw, baseOffset: base, count: count)
        }
    }
    #expect(r.offsets.first == 0 && r.offsets.count == count + 1 && Int(r.offsets.last ?? 0) == r.data.count)
    return (unflatten(r.offsets, r.data), r.consumed)
}

/// Sorted-ish strings with shared prefixes, plus empty and binary values.
private func randomArrays(_ count: Int, _ rng: inout EncRNG) -> [[UInt8]] {
    var out: [[UInt8]] = []
    var previous: [UInt8] = []
    for _ in 0 ..< count {
        var v = Array(previous.prefix(Int.random(in: 0 ... previous.count, using: &rng)))
        let extra = Int.random(in: 0 ... 3, using: &rng) == 0 ? Int.random(in: 0 ... 300, using: &rng) : Int.random(in: 0 ... 12, using: &rng)
        for _ in 0 ..< extra { v.append(UInt8.random(in: 0 ... 255, using: &rng)) }
        out.append(v)
        previous = v
    }
    return out
}

/// Namespace so `--filter EncodingsTests` selects every suite in this file.
@Suite struct EncodingsTests {}

extension EncodingsTests {
    @Suite struct DeltaBinaryPackedTests {
        /// Encodings.md examples 1 and 2, rebuilt with a valid block of 128 and 4 miniblocks.
        @Test func specExamples() throws {
            // 1, 2, 3, 4, 5: min delta 1, all widths 0, no miniblock data.
            let ex1: [UInt8] = [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0]
            #expect(try undbp64(ex1) == ([1, 2, 3, 4, 5], ex1.count))
            #expect(dbp64([1, 2, 3, 4, 5]) == ex1)
            // 7, 5, 3, 1, 2, 3, 4, 5: min delta -2, relative deltas 0,0,0,3,3,3,3 at width 2.
            let ex2: [UInt8] = [0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0, 0, 0,
                                0xC0, 0x3F, 0, 0, 0, 0, 0, 0]
            #expect(try undbp32(ex2) == ([7, 5, 3, 1, 2, 3, 4, 5], ex2.count))
            #expect(dbp32([7, 5, 3, 1, 2, 3, 4, 5]) == ex2)
            // Header only for 0 and 1 values.
            #expect(dbp64([]) == [0x80, 0x01, 0x04, 0x00, 0x00])
            #expect(dbp64([-1]) == [0x80, 0x01, 0x04, 0x01, 0x01])
        }

        @Test func edgeValues() throws {
            let cases: [[Int64]] = [
                [], [0], [Int64.min], [Int64.max], [Int64.min, Int64.max], [Int64.max, Int64.min],
                [Int64.max, Int64.min, Int64.max, 0, -1, 1, Int64.min],
                (0 ..< 129).map { Int64($0) }, (0 ..< 129).map { $0 % 2 == 0 ? Int64.min : Int64.max },
                [Int64](repeating: 42, count: 1000), (0 ..< 257).map { -Int64($0) * 1_000_000_007 },
            ]
            for values in cases {
                let bytes = dbp64(values) + [0xAA]
                let (back, used) = try undbp64(bytes)
                #expect(back == values && used == bytes.count - 1, "\(values.prefix(8))…")
            }
            let cases32: [[Int32]] = [
                [], [Int32.min], [Int32.min, Int32.max, Int32.min], (0 ..< 129).map { $0 % 3 == 0 ? Int32.max : Int32.min },
            ]
            for values in cases32 {
                let bytes = dbp32(values)
                #expect(try undbp32(bytes) == (values, bytes.count))
            }
        }

        @Test func seededRoundTrips() throws {
            for seed in encSeeds {
                var rng = EncRNG(seed: seed)
                for count in [2, 31, 32, 33, 127, 128, 129, 130, 1000, 4097] {
                    let spreads: [UInt64] = [1, 100, 1 << 20, 1 << 40, UInt64.max]
                    let spread: UInt64 = spreads.randomElement(using: &rng) ?? 1
                    var acc = Int64.random(in: Int64.min ... Int64.max, using: &rng)
                    var values64: [Int64] = []
                    for _ in 0 ..< count {
                        let step = Int64(bitPattern: rng.next() % spread) &- Int64(bitPattern: spread / 2)
                        acc = acc &+ step
                        values64.append(acc)
                    }
                    let b64 = dbp64(values64)
                    #expect(try undbp64(b64) == (values64, b64.count), "count \(count) seed \(seed)")
                    let values32 = values64.map { Int32(truncatingIfNeeded: $0) }
                    let b32 = dbp32(values32)
                    #expect(try undbp32(b32) == (values32, b32.count), "count \(count) seed \(seed)")
                }
            }
        }

        /// Every cut of a stream must throw: the last miniblock must be present with its padding.
        @Test func truncationThrows() throws {
            var rng = EncRNG(seed: 77)
            let values = (0 ..< 300).map { _ in Int64.random(in: -1000 ... 1000, using: &rng) }
            let bytes = dbp64(values)
            for keep in 0 ..< bytes.count {
                do {
                    _ = try undbp64(Array(bytes.prefix(keep)), base: 4096)
                    Issue.record("keep \(keep) decoded")
                } catch let error as TarnError {
                    #expect(error.code == .corruption)
                    #expect((error.offset ?? -1) >= 4096 && (error.offset ?? -1) <= 4096 + keep)
                }
            }
        }

        @Test func badHeadersThrow() throws {
            func bad(_ bytes: [UInt8], maxCount: Int = .max, _ why: Comment) {
                #expect(throws: TarnError.self, why) { _ = try undbp64(bytes, maxCount: maxCount) }
            }
            bad([0x40, 0x04, 0x05, 0x02], "block size 64")
            bad([0x00, 0x04, 0x05, 0x02], "block size 0")
            bad([0x80, 0x01, 0x03, 0x05, 0x02], "128 / 3")
            bad([0x80, 0x01, 0x08, 0x05, 0x02], "miniblocks of 16")
            bad([0x80, 0x01, 0x00, 0x05, 0x02], "0 miniblocks")
            bad([0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0], maxCount: 4, "more than maxCount")
            bad([0x80, 0x01, 0x04, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x02, 0x02, 0, 0, 0, 0], "count the input cannot hold")
            bad([0x80, 0x01, 0x04, 0x03, 0x02, 0x02, 65, 0, 0, 0] + [UInt8](repeating: 0, count: 300), "width 65")
            #expect(throws: TarnError.self, "width 33 for INT32") {
                _ = try undbp32([0x80, 0x01, 0x04, 0x03, 0x02, 0x02, 33, 0, 0, 0] + [UInt8](repeating: 0, count: 200))
            }
            // Widths of unused miniblocks are ignored.
            #expect(try undbp64([0x80, 0x01, 0x04, 0x02, 0x02, 0x02, 0, 99, 99, 99]).values == [1, 2])
        }
    }
}

extension EncodingsTests {
    @Suite struct ByteArrayEncodingTests {
        @Test func dlbaSpecExample() throws {
            let words = ["Hello", "World", "Foobar", "ABCDEF"].map { Array($0.utf8) }
            let bytes = encodeArrays(words, .dlba)
            #expect(bytes == dbp32([5, 5, 6, 6]) + Array("HelloWorldFoobarABCDEF".utf8))
            #expect(try decodeArrays(bytes, count: 4, .dlba) == (words, bytes.count))
        }

        @Test func dbaSpecExample() throws {
            let words = ["axis", "axle", "babble", "babyhood"].map { Array($0.utf8) }
            let bytes = encodeArrays(words, .dba)
            #expect(bytes == dbp32([0, 2, 0, 3]) + dbp32([4, 2, 6, 5]) + Array("axislebabbleyhood".utf8))
            #expect(try decodeArrays(bytes, count: 4, .dba) == (words, bytes.count))
        }

        @Test(arguments: EncodingsTestByteArrayCodec.allCases)
        func seededRoundTrips(codec: EncodingsTestByteArrayCodec) throws {
            for seed in encSeeds {
                var rng = EncRNG(seed: seed)
                for count in [0, 1, 2, 129, 1000] {
                    let values = randomArrays(count, &rng)
                    let bytes = encodeArrays(values, codec) + [0x55]
                    let (back, used) = try decodeArrays(bytes, count: count, codec, base: 10)
                    #expect(back == values && used == bytes.count - 1, "\(codec) count \(count) seed \(seed)")
                }
            }
            #expect(try decodeArrays([], count: 0, codec) == ([], 0))
            let empties = [[UInt8]](repeating: [], count: 300)
            #expect(try decodeArrays(encodeArrays(empties, codec), count: 300, codec).values == empties)
        }

        @Test(arguments: EncodingsTestByteArrayCodec.allCases)
        func truncationAndCountMismatchThrow(codec: EncodingsTestByteArrayCodec) throws {
            var rng = EncRNG(seed: 9)
            let values = randomArrays(200, &rng)
            let bytes = encodeArrays(values, codec)
            for keep in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
                #expect(throws: TarnError.self, "\(codec) keep \(keep)") {
                    _ = try decodeArrays(Array(bytes.prefix(keep)), count: 200, codec)
                }
            }
            #expect(throws: TarnError.self) { _ = try decodeArrays(bytes, count: 199, codec) }
            #expect(throws: TarnError.self) { _ = try decodeArrays(bytes, count: 201, codec) }
        }

        @Test func invalidLengthsThrow() {
            // DLBA: negative length.
            #expect(throws: TarnError.self) { _ = try decodeArrays(dbp32([3, -1]) + [1, 2, 3], count: 2, .dlba) }
            // DBA: first prefix must be 0; later prefixes may not exceed the previous value.
            #expect(throws: TarnError.self) { _ = try decodeArrays(dbp32([1]) + dbp32([2]) + [1, 2], count: 1, .dba) }
            #expect(throws: TarnError.self) {
                _ = try decodeArrays(dbp32([0, 3]) + dbp32([2, 1]) + [1, 2, 3], count: 2, .dba)
            }
            #expect(throws: TarnError.self) { _ = try decodeArrays(dbp32([0, -1]) + dbp32([2, 1]) + [1, 2, 3], count: 2, .dba) }
        }

        /// Shared prefixes legitimately expand the output beyond the input; the total must fit Int32.
        @Test func dbaExpansion() throws {
            let long = [UInt8](repeating: 7, count: 10_000)
            let values = [[UInt8]](repeating: long, count: 100)
            let bytes = encodeArrays(values, .dba)
            #expect(bytes.count < 11_000)
            #expect(try decodeArrays(bytes, count: 100, .dba).values == values)
            // 2.2M values sharing a 1000-byte prefix would build 2.2 GB from ~100 KB: rejected.
            let n = 2_200_000
            let prefixes = [0] + [Int32](repeating: 1000, count: n - 1)
            let suffixLengths = [1000] + [Int32](repeating: 0, count: n - 1)
            let huge = dbp32(prefixes) + dbp32(suffixLengths) + [UInt8](repeating: 1, count: 1000)
            #expect(huge.count < 200_000)
            #expect(throws: TarnError.self) { _ = try decodeArrays(huge, count: n, .dba) }
        }
    }
}

extension EncodingsTests {
    @Suite struct ByteStreamSplitTests {
        @Test func specExample() throws {
            let plain: [UInt8] = [0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11, 0x22, 0x33, 0xA3, 0xB4, 0xC5, 0xD6]
            let split: [UInt8] = [0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4, 0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6]
            var out: [UInt8] = []
            plain.withUnsafeBytes { ByteStreamSplit.encode($0, width: 4, appendingTo: &out) }
            #expect(out == split)
            #expect(try split.withUnsafeBytes { try ByteStreamSplit.decode($0, baseOffset: 0, width: 4, count: 3) } == plain)
        }

        @Test(arguments: [1, 2, 4, 8, 12, 16])
        func seededRoundTrips(width: Int) throws {
            for seed in encSeeds {
                var rng = EncRNG(seed: seed)
                for count in [0, 1, 3, 1000] {
                    let plain = (0 ..< count * width).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
                    var out: [UInt8] = [0x01]
                    plain.withUnsafeBytes { ByteStreamSplit.encode($0, width: width, appendingTo: &out) }
                    #expect(out.count == 1 + plain.count)
                    let streams = Array(out.dropFirst())
                    let back = try streams.withUnsafeBytes { try ByteStreamSplit.decode($0, baseOffset: 0, width: width, count: count) }
                    #expect(back == plain, "width \(width) count \(count) seed \(seed)")
                }
            }
        }

        @Test func shortInputThrows() {
            let bytes = [UInt8](repeating: 1, count: 15)
            #expect(throws: TarnError.self) { _ = try bytes.withUnsafeBytes { try ByteStreamSplit.decode($0, baseOffset: 0, width: 4, count: 4) } }
            #expect(throws: TarnError.self) { _ = try bytes.withUnsafeBytes { try ByteStreamSplit.decode($0, baseOffset: 0, width: 0, count: 4) } }
            #expect(throws: TarnError.self) { _ = try bytes.withUnsafeBytes { try ByteStreamSplit.decode($0, baseOffset: 0, width: 8, count: .max / 4) } }
        }
    }
}
