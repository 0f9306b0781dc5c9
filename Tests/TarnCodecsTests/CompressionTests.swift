// Tests for Compressor / Decompressor (Sources/TarnCodecs/Compression.swift, Decompression.swift):
// round trips for every supported codec, wire-format signatures (protocol.md B7), size mismatches
// and corrupt input throwing TarnError.corruption, and LZ4 Hadoop framing.

import Testing
import TarnCodecs

private let supported: [CompressionCodec] = [.uncompressed, .snappy, .gzip, .zstd, .lz4, .lz4Raw]
private let sizes = [0, 1, 1000, 1 << 20]

@Suite struct CompressionTests {
    @Test(arguments: supported)
    func roundTrip(codec: CompressionCodec) throws {
        let compressor = try Compressor(codec: codec)
        let decompressor = Decompressor()
        for seed in CodecTestData.seeds.prefix(2) + [CodecTestData.seeds[3]] {
            var rng = CodecTestRNG(seed: seed)
            for size in sizes {
                for data in [CodecTestData.random(size, &rng), CodecTestData.compressible(size, &rng)] {
                    let packed = try compressor.compress(data)
                    let back = try decompressor.decompress(packed, codec: codec, uncompressedSize: data.count)
                    #expect(back == data, "codec \(codec.name) size \(size) seed \(seed)")
                }
            }
        }
    }

    @Test(arguments: supported)
    func compressibleDataShrinks(codec: CompressionCodec) throws {
        guard codec != .uncompressed else { return }
        var rng = CodecTestRNG(seed: 7)
        let data = CodecTestData.compressible(1 << 20, &rng)
        let packed = try Compressor(codec: codec).compress(data)
        #expect(packed.count < data.count / 2, "\(codec.name): \(packed.count) bytes")
    }

    @Test(arguments: supported)
    func wrongSizeThrowsCorruption(codec: CompressionCodec) throws {
        var rng = CodecTestRNG(seed: 11)
        let data = CodecTestData.compressible(1000, &rng)
        let packed = try Compressor(codec: codec).compress(data)
        let d = Decompressor()
        for size in [data.count - 1, data.count + 1, 0, 10 * data.count] {
            #expect(throws: TarnError.self, "\(codec.name) size \(size)") {
                _ = try d.decompress(packed, codec: codec, uncompressedSize: size)
            }
            do {
                _ = try d.decompress(packed, codec: codec, uncompressedSize: size)
            } catch {
                #expect(CodecTestData.isCorruption(error), "\(codec.name): \(error)")
                #expect("\(error)".contains(codec.name), "error names the codec: \(error)")
            }
        }
        // The decompressor is still usable after errors.
        #expect(try d.decompress(packed, codec: codec, uncompressedSize: data.count) == data)
    }

    @Test(arguments: supported)
    func truncatedInputThrows(codec: CompressionCodec) throws {
        var rng = CodecTestRNG(seed: 12)
        let data = CodecTestData.compressible(5000, &rng) + CodecTestData.random(3000, &rng)
        let packed = try Compressor(codec: codec).compress(data)
        let d = Decompressor()
        for keep in [0, 1, packed.count / 2, packed.count - 1] {
            #expect(throws: TarnError.self, "\(codec.name) keep \(keep)") {
                _ = try d.decompress(Array(packed.prefix(keep)), codec: codec, uncompressedSize: data.count)
            }
        }
    }

    /// Random garbage and bit flips must throw or produce exactly the requested size, never trap.
    @Test(arguments: supported)
    func garbageNeverTraps(codec: CompressionCodec) throws {
        let seed = CodecTestData.seeds[3]
        var rng = CodecTestRNG(seed: seed)
        let d = Decompressor()
        let data = CodecTestData.compressible(4000, &rng)
        let packed = try Compressor(codec: codec).compress(data)
        for trial in 0 ..< 200 {
            var input: [UInt8]
            if trial % 2 == 0 {
                input = CodecTestData.random(Int.random(in: 0 ..< 300, using: &rng), &rng)
            } else {
                input = packed
                for _ in 0 ..< 3 { input[Int.random(in: 0 ..< input.count, using: &rng)] ^= UInt8.random(in: 1 ... 255, using: &rng) }
            }
            let size = trial % 2 == 0 ? Int.random(in: 0 ..< 5000, using: &rng) : data.count
            do {
                let out = try d.decompress(input, codec: codec, uncompressedSize: size)
                #expect(out.count == size, "\(codec.name) trial \(trial) seed \(seed)")
            } catch {
                #expect(error is TarnError, "\(codec.name) trial \(trial) seed \(seed): \(error)")
            }
        }
    }

    @Test func wireSignatures() throws {
        let data = [UInt8](repeating: 0x41, count: 8000)
        #expect(Array(try Compressor(codec: .snappy).compress(data).prefix(2)) == [0xC0, 0x3E])
        #expect(Array(try Compressor(codec: .gzip).compress(data).prefix(3)) == [0x1F, 0x8B, 0x08])
        #expect(Array(try Compressor(codec: .zstd).compress(data).prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
        #expect(try Compressor(codec: .uncompressed).compress(data) == data)
    }

    @Test func hadoopLZ4Framing() throws {
        var rng = CodecTestRNG(seed: 5)
        let data = CodecTestData.compressible(8000, &rng)
        let framed = try Compressor(codec: .lz4).compress(data)
        func be32(_ at: Int) -> Int { framed[at ..< at + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(be32(0) == 8000)  // documented: 00001f40 ...
        #expect(Array(framed.prefix(4)) == [0x00, 0x00, 0x1F, 0x40])
        #expect(be32(4) == framed.count - 8)
        let raw = try Compressor(codec: .lz4Raw).compress(data)
        #expect(Array(framed.dropFirst(8)) == raw)

        let d = Decompressor()
        // A bare block under codec 5 falls back to raw LZ4, as Arrow does.
        #expect(try d.decompress(raw, codec: .lz4, uncompressedSize: data.count) == data)
        // Several Hadoop frames concatenated.
        let second = CodecTestData.random(3000, &rng)
        let two = framed + (try Compressor(codec: .lz4).compress(second))
        #expect(try d.decompress(two, codec: .lz4, uncompressedSize: data.count + second.count) == data + second)
        // Hadoop framing is not accepted for LZ4_RAW.
        #expect(throws: TarnError.self) { _ = try d.decompress(framed, codec: .lz4Raw, uncompressedSize: data.count) }
    }

    @Test func gzipAcceptsConcatenatedMembers() throws {
        var rng = CodecTestRNG(seed: 6)
        let a = CodecTestData.compressible(10_000, &rng)
        let b = CodecTestData.random(777, &rng)
        let c = try Compressor(codec: .gzip, level: 1)
        let joined = try c.compress(a) + (try c.compress(b)) + (try c.compress([]))
        #expect(try Decompressor().decompress(joined, codec: .gzip, uncompressedSize: a.count + b.count) == a + b)
    }

    @Test func levelsAndUnsupportedCodecs() throws {
        for codec in [CompressionCodec.lzo, .brotli] {
            #expect(throws: TarnError.self) { _ = try Compressor(codec: codec) }
            do { _ = try Compressor(codec: codec) } catch { #expect((error as? TarnError)?.code == .unsupportedFeature) }
            do {
                _ = try Decompressor().decompress([1, 2, 3], codec: codec, uncompressedSize: 3)
                Issue.record("\(codec.name) decompression should throw")
            } catch {
                #expect((error as? TarnError)?.code == .unsupportedFeature)
            }
        }
        #expect(try Compressor(codec: .zstd).level == 3)
        #expect(try Compressor(codec: .gzip).level == 6)
        #expect(try Compressor(codec: .zstd, level: 22).level == 22)
        #expect(throws: TarnError.self) { _ = try Compressor(codec: .zstd, level: 0) }
        #expect(throws: TarnError.self) { _ = try Compressor(codec: .zstd, level: 23) }
        #expect(throws: TarnError.self) { _ = try Compressor(codec: .gzip, level: 10) }
        var rng = CodecTestRNG(seed: 8)
        let data = CodecTestData.compressible(100_000, &rng)
        for level: Int32 in [1, 9, 19] {
            let packed = try Compressor(codec: .zstd, level: level).compress(data)
            #expect(try Decompressor().decompress(packed, codec: .zstd, uncompressedSize: data.count) == data)
        }
    }

    /// A corrupt page header claiming a huge size must throw before allocating it.
    @Test(arguments: supported)
    func absurdSizeThrowsEarly(codec: CompressionCodec) throws {
        let packed = try Compressor(codec: codec).compress(Array("hello, hello, hello".utf8))
        #expect(throws: TarnError.self) {
            _ = try Decompressor().decompress(packed, codec: codec, uncompressedSize: 1 << 40)
        }
        #expect(throws: TarnError.self) {
            _ = try Decompressor().decompress(packed, codec: codec, uncompressedSize: -1)
        }
    }

    @Test func emptyInputWithZeroSize() throws {
        for codec in supported {
            #expect(try Decompressor().decompress([], codec: codec, uncompressedSize: 0) == [])
        }
    }

    @Test func codecRawValuesMatchThrift() {
        #expect(CompressionCodec.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(CompressionCodec(rawValue: 7) == .lz4Raw)
        #expect(CompressionCodec(rawValue: 8) == nil)
    }
}
