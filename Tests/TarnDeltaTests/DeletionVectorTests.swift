// Tests for Sources/TarnDelta/DeletionVectors: Z85 (spec vector, round trips, bad input), the
// descriptor (paths, uniqueId, JSON), RoaringBitmap64 (seeded random round trips, every container
// kind and cookie, corrupt and truncated input), DV files and inline DVs, and the DVs of the Delta
// golden tables (cardinality, CRC, indexes < numRecords). A missing corpus fails the test.

import Foundation
import Testing
import TarnDelta
import TarnTestSupport

private func isCorruption(_ body: () throws -> Void) -> Bool {
    do { try body() } catch let e as TarnError { return e.code == .corruption } catch { return false }
    return false
}

/// A hand-built standard 32-bit portable Roaring bitmap, independent of the encoder under test.
/// `containers`: (key, kind, values); kind "a" array, "b" bitset, "r" run.
private func roaring32(_ containers: [(UInt16, Character, [UInt16])], runCookie: Bool) -> [UInt8] {
    var out = [UInt8]()
    let n = containers.count
    if runCookie {
        out.appendLE(UInt32(12347) | UInt32(n - 1) << 16)
        var flags = [UInt8](repeating: 0, count: (n + 7) / 8)
        for (i, c) in containers.enumerated() where c.1 == "r" { flags[i / 8] |= 1 << UInt8(i % 8) }
        out += flags
    } else {
        out.appendLE(UInt32(12346))
        out.appendLE(UInt32(n))
    }
    for c in containers { out.appendLE(c.0); out.appendLE(UInt16(c.2.count - 1)) }
    var bodies = [[UInt8]]()
    for (_, kind, values) in containers {
        var b = [UInt8]()
        switch kind {
        case "a": for v in values { b.appendLE(v) }
        case "b":
            var words = [UInt64](repeating: 0, count: 1024)
            for v in values { words[Int(v >> 6)] |= 1 << UInt64(v & 63) }
            for w in words { b.appendLE(w) }
        default:
            var runs = [(UInt16, UInt16)]()
            for v in values {
                if let last = runs.last, Int(last.0) + Int(last.1) + 1 == Int(v) { runs[runs.count - 1].1 += 1 } else { runs.append((v, 0)) }
            }
            b.appendLE(UInt16(runs.count))
            for r in runs { b.appendLE(r.0); b.appendLE(r.1) }
        }
        bodies.append(b)
    }
    if !runCookie || n >= 4 {
        var offset = out.count + 4 * n
        for b in bodies { out.appendLE(UInt32(offset)); offset += b.count }
    }
    for b in bodies { out += b }
    return out
}

/// Delta DV bitmap bytes: magic + bucket count + (high key, 32-bit bitmap) per bucket.
private func deltaBitmap(_ buckets: [(UInt32, [UInt8])]) -> [UInt8] {
    var out = [UInt8]()
    out.appendLE(UInt32(1_681_511_377))
    out.appendLE(UInt64(buckets.count))
    for (k, b) in buckets { out.appendLE(k); out += b }
    return out
}

/// Random sets of the shapes DVs take; `shape` picks one.
private func randomSet(_ shape: Int, _ rng: inout SeededRandom) -> [UInt64] {
    var s = Set<UInt64>()
    switch shape {
    case 0: break  // empty
    case 1: for _ in 0 ..< Int.random(in: 1 ... 3000, using: &rng) { s.insert(UInt64.random(in: 0 ..< 1 << 22, using: &rng)) }  // sparse
    case 2: for v in 0 ..< UInt64(200_000) where rng.chance(0.5) { s.insert(v) }  // dense: bitsets
    case 3:  // runs
        var v = UInt64.random(in: 0 ..< 1000, using: &rng)
        for _ in 0 ..< Int.random(in: 1 ... 200, using: &rng) {
            let len = UInt64.random(in: 1 ... 5000, using: &rng)
            for x in v ..< v + len { s.insert(x) }
            v += len + UInt64.random(in: 1 ... 3000, using: &rng)
        }
    default:  // several high (32-bit) keys, mixed densities, including near 2^63
        for high in [0, 1, 7, 1 << 20, (1 << 31) - 1] as [UInt64] {
            for _ in 0 ..< Int.random(in: 1 ... 5000, using: &rng) { s.insert(high << 32 | UInt64.random(in: 0 ..< 1 << 18, using: &rng)) }
            let start = high << 32 | 0xFFFF_0000
            for x in start ..< start + UInt64.random(in: 1 ... 0x1_0000, using: &rng) { s.insert(x) }
        }
    }
    return s.sorted()
}

@Suite struct DeletionVectorTests {
    // MARK: Z85

    @Test func z85SpecVectorAndRoundTrips() throws {
        let hello: [UInt8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]
        #expect(try Z85.encode(hello) == "HelloWorld")
        #expect(try Z85.decode("HelloWorld") == hello)
        for seed in SeededRandom.seeds(count: 4, base: 85) {
            var rng = SeededRandom(seed: seed)
            for n in [0, 4, 8, 64, 4000] {
                let bytes = (0 ..< n).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
                #expect(try Z85.decode(Z85.encode(bytes)) == bytes, "seed \(seed) n \(n)")
            }
            for n in [1, 2, 3, 37] {  // Delta pads inline data and records the real size
                let bytes = (0 ..< n).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
                #expect(try Z85.decode(Z85.encodePadded(bytes), byteCount: n) == bytes, "seed \(seed) n \(n)")
            }
        }
        #expect(throws: TarnError.self) { try Z85.encode([1, 2, 3]) }
        #expect(isCorruption { _ = try Z85.decode("Hell") })
        #expect(isCorruption { _ = try Z85.decode("Hell\"") })
        #expect(isCorruption { _ = try Z85.decode("Hellé") })
        #expect(isCorruption { _ = try Z85.decode("#####") })  // 85^5 - 1 > 2^32 - 1
        #expect(isCorruption { _ = try Z85.decode("HelloWorld", byteCount: 3) })
        #expect(isCorruption { _ = try Z85.decode("HelloWorld", byteCount: 9) })
    }

    // MARK: Descriptor

    @Test func descriptorPathsAndUniqueId() throws {
        // PROTOCOL.md JSON examples 1 and 2.
        let u = DeletionVectorDescriptor(storageType: .relativePath, pathOrInlineDv: "ab^-aqEH.-t@S}K{vb[*k^",
                                         offset: 4, sizeInBytes: 40, cardinality: 6)
        #expect(try u.relativePath() == "ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin")
        #expect(try u.absolutePath(tableRoot: "s3://mytable/") == "s3://mytable/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin")
        #expect(u.uniqueId == "uab^-aqEH.-t@S}K{vb[*k^@4")
        let uuid = try Z85.uuidBytes("d2c639aa-8816-431a-aaf6-d3fe2512ff61")
        #expect(try DeletionVectorDescriptor.relative(uuid: uuid, prefix: "ab", offset: 4, sizeInBytes: 40, cardinality: 6) == u)
        let noPrefix = DeletionVectorDescriptor(storageType: .relativePath, pathOrInlineDv: "vBn[lx{q8@P<9BNH/isA",
                                                offset: 1, sizeInBytes: 36, cardinality: 2)
        #expect(try noPrefix.absolutePath(tableRoot: "/t")?.hasPrefix("/t/deletion_vector_") == true)
        let p = DeletionVectorDescriptor(storageType: .absolutePath, pathOrInlineDv: "s3://mytable/deletion_vector_x.bin",
                                         offset: 4, sizeInBytes: 40, cardinality: 6)
        #expect(try p.absolutePath(tableRoot: "/ignored") == "s3://mytable/deletion_vector_x.bin")
        let i = DeletionVectorDescriptor(storageType: .inline, pathOrInlineDv: "abcde", offset: nil, sizeInBytes: 4, cardinality: 1)
        #expect(i.uniqueId == "iabcde")
        #expect(try i.absolutePath(tableRoot: "/t") == nil)
        let short = DeletionVectorDescriptor(storageType: .relativePath, pathOrInlineDv: "short", offset: 1, sizeInBytes: 1, cardinality: 1)
        #expect(isCorruption { _ = try short.relativePath() })
    }

    @Test func descriptorJSON() throws {
        let text = #"{"storageType":"u","pathOrInlineDv":"ab^-aqEH.-t@S}K{vb[*k^","offset":4,"sizeInBytes":40,"cardinality":6}"#
        let d = try DeletionVectorDescriptor(json: JSONParser.parse(text))
        #expect(d.json.serialized() == text)
        let inline = try DeletionVectorDescriptor(json: JSONParser.parse(#"{"storageType":"i","pathOrInlineDv":"x","offset":null,"sizeInBytes":4,"cardinality":1,"extra":1}"#))
        #expect(inline.offset == nil)
        #expect(inline.json.serialized() == #"{"storageType":"i","pathOrInlineDv":"x","sizeInBytes":4,"cardinality":1}"#)
        for bad in [#"{"pathOrInlineDv":"x","sizeInBytes":1,"cardinality":1}"#, #"{"storageType":"u","sizeInBytes":1,"cardinality":1}"#,
                    #"{"storageType":"u","pathOrInlineDv":"x","cardinality":1}"#, #"{"storageType":"u","pathOrInlineDv":"x","sizeInBytes":1}"#,
                    #"{"storageType":"u","pathOrInlineDv":"x","sizeInBytes":-1,"cardinality":1}"#,
                    #"{"storageType":"u","pathOrInlineDv":"x","offset":4294967296,"sizeInBytes":1,"cardinality":1}"#, "[]"] {
            #expect(isCorruption { _ = try DeletionVectorDescriptor(json: JSONParser.parse(bad)) }, "\(bad)")
        }
    }

    // MARK: RoaringBitmap64

    @Test func roaringRandomRoundTrips() throws {
        for seed in SeededRandom.seeds(count: 3, base: 1_681_511_377) {
            var rng = SeededRandom(seed: seed)
            for shape in 0 ..< 5 {
                let values = randomSet(shape, &rng)
                let note = Comment(rawValue: "seed \(seed) shape \(shape)")
                let bitmap = RoaringBitmap64(values)
                #expect(bitmap.cardinality == values.count, note)
                #expect(Array(bitmap) == values, note)
                #expect(bitmap.minimum == values.first && bitmap.maximum == values.last, note)
                let decoded = try RoaringBitmap64(deltaBytes: bitmap.deltaBytes())
                #expect(decoded == bitmap && Array(decoded) == values, note)
                #expect(try RoaringBitmap64(portableBytes: bitmap.portableBytes()) == bitmap, note)
                // Insert-built (arrays and bitsets only) equals sorted-built (may hold runs).
                var inserted = RoaringBitmap64()
                for v in values.shuffled(using: &rng) { inserted.insert(v) }
                #expect(inserted == bitmap && inserted.hashValue == bitmap.hashValue, note)
                #expect(RoaringBitmap64(values.reversed()) == bitmap, note)
                for v in values.prefix(200) { #expect(decoded.contains(v), note) }
                let set = Set(values)
                for _ in 0 ..< 200 {
                    let probe = values.isEmpty || rng.chance(0.5) ? UInt64.random(in: 0 ..< 1 << 40, using: &rng)
                        : values[Int.random(in: 0 ..< values.count, using: &rng)] &+ 1
                    #expect(decoded.contains(probe) == set.contains(probe), note)
                }
                // Deleted-row bitmaps over random windows.
                for _ in 0 ..< 4 {
                    let anchor = values.isEmpty ? 0 : values[Int.random(in: 0 ..< values.count, using: &rng)]
                    let start = anchor - min(anchor, UInt64.random(in: 0 ... 100, using: &rng))
                    let count = Int.random(in: 0 ... 150_000, using: &rng)
                    let bits = decoded.deletedRows(start: start, count: count)
                    let expected = values.filter { $0 >= start && $0 - start < UInt64(count) }
                    #expect(bits.count == count && bits.popcount == expected.count, note)
                    #expect(expected.allSatisfy { bits[Int($0 - start)] }, note)
                    var seen = [UInt64]()
                    decoded.forEach(in: start ..< start + UInt64(count)) { seen.append($0) }
                    #expect(seen == expected, note)
                }
            }
        }
    }

    @Test func encoderPicksContainerKinds() throws {
        let sparse = RoaringBitmap64([1, 5, 9])
        let dense = RoaringBitmap64((0 ..< 65536).filter { $0 % 3 == 0 }.map { UInt64($0) })
        let runs = RoaringBitmap64((1000 ..< 60000).map { UInt64($0) })
        let mixed = RoaringBitmap64([3, 7] + (1 << 16 ..< 3 << 16).map { UInt64($0) } + [1 << 40])
        for (b, kinds) in [(sparse, ["array"]), (dense, ["bitmap"]), (runs, ["run"]), (mixed, ["array", "run", "run", "array"])] {
            let back = try RoaringBitmap64(deltaBytes: b.deltaBytes())
            #expect(back.containerKinds.map(\.rawValue) == kinds)
            #expect(back == b)
        }
        #expect(RoaringBitmap64().deltaBytes() == [0xD1, 0xD3, 0x39, 0x64, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(try RoaringBitmap64(deltaBytes: RoaringBitmap64().deltaBytes()).isEmpty)
    }

    @Test func decodesEveryContainerKindAndCookie() throws {
        let array: (UInt16, Character, [UInt16]) = (0, "a", [3, 4, 7, 11, 18, 29])
        let bits: (UInt16, Character, [UInt16]) = (2, "b", (0 ..< 5000).map { UInt16($0 * 13) })
        let run: (UInt16, Character, [UInt16]) = (5, "r", Array(100 ... 9000) + Array(20000 ... 20002) + [65535])
        let full: (UInt16, Character, [UInt16]) = (9, "r", (0 ... 65535).map { UInt16($0) })
        let expected = { (cs: [(UInt16, Character, [UInt16])], high: UInt64) in
            cs.flatMap { c in c.2.map { high << 32 | UInt64(c.0) << 16 | UInt64($0) } } }
        let cases: [([(UInt16, Character, [UInt16])], Bool)] = [
            ([array], false), ([array, bits], false), ([array], true), ([run], true), ([array, bits, run], true),
            ([array, bits, run, full], true), ([bits], true),
        ]
        for (cs, cookie) in cases {
            let bytes = deltaBitmap([(0, roaring32(cs, runCookie: cookie)), (3, roaring32([array], runCookie: false))])
            let b = try RoaringBitmap64(deltaBytes: bytes)
            #expect(Array(b) == expected(cs, 0) + expected([array], 3), "kinds \(cs.map(\.1)) cookie \(cookie)")
            #expect(b.containerKinds.map(\.rawValue) == cs.map { ["a": "array", "b": "bitmap", "r": "run"][$0.1]! } + ["array"])
        }
        // Legacy native layout (little-endian): u32 count, then per bitmap u32 length + bitmap.
        var native: [UInt8] = [0xD0, 0xD3, 0x39, 0x64]
        native.appendLE(UInt32(2))
        for cs in [[array], [run]] {
            let b = roaring32(cs, runCookie: true)
            native.appendLE(UInt32(b.count))
            native += b
        }
        #expect(Array(try RoaringBitmap64(deltaBytes: native)) == expected([array], 0) + expected([run], 1))
    }

    @Test func corruptAndTruncatedInputThrows() throws {
        var rng = SeededRandom(seed: SeededRandom.seeds(count: 1, base: 99)[0])
        let valid = RoaringBitmap64(randomSet(4, &rng)).deltaBytes()
        let small = deltaBitmap([(0, roaring32([(0, "a", [1, 2]), (1, "r", [5, 6, 7])], runCookie: true))])
        for bytes in [valid, small] {
            let step = max(1, bytes.count / 500)
            for n in stride(from: 0, to: bytes.count, by: step) {
                #expect(isCorruption { _ = try RoaringBitmap64(deltaBytes: Array(bytes.prefix(n))) }, "prefix \(n) of \(bytes.count)")
            }
            #expect(isCorruption { _ = try RoaringBitmap64(deltaBytes: bytes + [0]) }, "trailing byte")
        }
        func bad(_ bytes: [UInt8], _ what: String) {
            #expect(isCorruption { _ = try RoaringBitmap64(deltaBytes: bytes) }, "\(what)")
        }
        let arr = roaring32([(0, "a", [1, 2, 3])], runCookie: false)
        bad([0xD2, 0xD3, 0x39, 0x64] + Array(deltaBitmap([(0, arr)]).dropFirst(4)), "magic")
        var hugeBuckets = [UInt8](); hugeBuckets.appendLE(UInt32(1_681_511_377)); hugeBuckets.appendLE(UInt64.max)
        bad(hugeBuckets, "bucket count")
        bad(deltaBitmap([(0, [0x39, 0x30, 0, 0] + arr.dropFirst(4))]), "cookie")
        bad(deltaBitmap([(0, [0x3A, 0x30, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F])]), "container count")
        bad(deltaBitmap([(1 << 31, arr)]), "bucket key MSB")
        bad(deltaBitmap([(2, arr), (1, arr)]), "bucket order")
        bad(deltaBitmap([(0, roaring32([(1, "a", [1]), (0, "a", [2])], runCookie: false))]), "container key order")
        bad(deltaBitmap([(0, roaring32([(0, "a", [3, 2, 1])], runCookie: false))]), "array order")
        var bitset = roaring32([(0, "b", (0 ..< 5000).map { UInt16($0) })], runCookie: false)
        bitset[bitset.count - 1] = 0x80
        bad(deltaBitmap([(0, bitset)]), "bitset popcount")
        var overlap = roaring32([(0, "r", [1, 2, 3])], runCookie: true)
        overlap[9] = 2; overlap += [2, 0, 0, 0]  // two runs, (1,+2) then (2,+0): they overlap
        bad(deltaBitmap([(0, overlap)]), "run overlap")
        var runCard = roaring32([(0, "r", [1, 2, 3])], runCookie: true)
        runCard[7] = 5  // header cardinality 6, runs hold 3
        bad(deltaBitmap([(0, runCard)]), "run cardinality")
        var leaves = roaring32([(0, "r", [65534, 65535])], runCookie: true)
        leaves[leaves.count - 2] = 5  // run 65534 + 5 leaves the container
        bad(deltaBitmap([(0, leaves)]), "run bounds")
        // Random byte corruption never traps: it throws TarnError or decodes to something.
        for _ in 0 ..< 3000 {
            var m = small
            for _ in 0 ..< Int.random(in: 1 ... 3, using: &rng) { m[Int.random(in: 0 ..< m.count, using: &rng)] = UInt8.random(in: 0 ... 255, using: &rng) }
            do { _ = try RoaringBitmap64(deltaBytes: m) } catch { #expect(error is TarnError) }
        }
    }

    // MARK: DV files and inline DVs

    @Test func dvFileWriteAndRead() throws {
        var rng = SeededRandom(seed: SeededRandom.seeds(count: 1, base: 4)[0])
        let bitmaps = (0 ..< 5).map { RoaringBitmap64(randomSet($0, &rng)) }
        let uuid = try Z85.uuidBytes("01c31d5c-23dc-424f-9ca3-35af6cca28f1")
        let (file, ds) = try DeletionVectorFile.write(bitmaps, uuid: uuid, prefix: "xy")
        #expect(file.first == 1 && ds.count == 5 && ds[0].offset == 1)
        #expect(try ds[0].relativePath() == "xy/deletion_vector_01c31d5c-23dc-424f-9ca3-35af6cca28f1.bin")
        for (b, d) in zip(bitmaps, ds) {
            #expect(try DeletionVectorFile.read(d, from: file) == b)
            let range = try DeletionVectorFile.byteRange(of: d)
            #expect(try DeletionVectorFile.read(d, from: Array(file[range]), fileOffset: range.lowerBound) == b)
        }
        let d = ds[1]
        let at = Int(d.offset ?? 1) + 4 + Int(d.sizeInBytes) / 2
        var flipped = file; flipped[at] ^= 0x10
        do {
            _ = try DeletionVectorFile.read(d, from: flipped, file: "t/dv.bin")
            Issue.record("CRC mismatch not detected")
        } catch let e as TarnError {
            #expect(e.code == .corruption && e.message.contains("checksum") && e.message.contains(d.uniqueId) && e.file == "t/dv.bin")
        }
        var wrongCard = d; wrongCard.cardinality += 1
        #expect(isCorruption { _ = try DeletionVectorFile.read(wrongCard, from: file) })
        var wrongSize = d; wrongSize.sizeInBytes -= 1
        #expect(isCorruption { _ = try DeletionVectorFile.read(wrongSize, from: file) })
        var pastEnd = d; pastEnd.offset = Int32(file.count - 2)
        #expect(isCorruption { _ = try DeletionVectorFile.read(pastEnd, from: file) })
        #expect(isCorruption { _ = try DeletionVectorFile.read(d, from: [2] + file.dropFirst()) })
        #expect(isCorruption { _ = try DeletionVectorFile.read(d, from: Array(file.prefix(Int(d.offset ?? 1) + 10))) })
    }

    @Test func inlineDVs() throws {
        // delta-spark reads this inline DV (sizeInBytes 38, two bytes of Z85 padding) as 1, 3, 5.
        let dinl = DeletionVectorDescriptor(storageType: .inline, pathOrInlineDv: "^Bg9^0rr910000000000iXQKl0rr91000625c8Xg0rri41POJ5",
                                            offset: nil, sizeInBytes: 38, cardinality: 3)
        #expect(Array(try DeletionVectorFile.readInline(dinl)) == [1, 3, 5])
        // delta-kernel-rs's test vector: PROTOCOL.md's example rewritten in the portable format.
        let kernel = DeletionVectorDescriptor(storageType: .inline, pathOrInlineDv: "^Bg9^0rr910000000000iXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L",
                                              offset: nil, sizeInBytes: 44, cardinality: 6)
        #expect(Array(try DeletionVectorFile.readInline(kernel)) == [3, 4, 7, 11, 18, 29])
        // PROTOCOL.md's inline example is the native layout written big-endian; delta-spark refuses it.
        let spec = DeletionVectorDescriptor(storageType: .inline, pathOrInlineDv: "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L",
                                            offset: nil, sizeInBytes: 40, cardinality: 6)
        #expect(Array(try Z85.decode(spec.pathOrInlineDv).prefix(4)) == [0x64, 0x39, 0xD3, 0xD0])
        #expect(isCorruption { _ = try DeletionVectorFile.readInline(spec) })
        let sets: [[UInt64]] = [[], [0], [1, 2, 3, 1 << 33], (0 ..< 10000).map { $0 * 2 }]
        for values in sets {
            let d = try DeletionVectorFile.inlineDescriptor(for: RoaringBitmap64(values))
            #expect(d.offset == nil && d.cardinality == Int64(values.count))
            #expect(Array(try DeletionVectorFile.readInline(d)) == values)
        }
        #expect(throws: TarnError.self) { _ = try DeletionVectorFile.inlineDescriptor(for: RoaringBitmap64([1 << 63])) }
        var wrong = dinl; wrong.cardinality = 4
        #expect(isCorruption { _ = try DeletionVectorFile.readInline(wrong) })
    }

    // MARK: Delta golden tables

    @Test func goldenTableDeletionVectors() throws {
        let root = Peer.conformanceRoot
        let fm = FileManager.default
        let cases = try fm.contentsOfDirectory(atPath: root.path).sorted()
        for required in ["dv-partitioned-with-checkpoint", "dv-with-columnmapping", "log-replay-dv-key-cases"] {
            #expect(cases.contains(required), "golden case \(required) missing from \(root.path)")
        }
        var checked = 0, casesWithDVs = Set<String>(), known = [String: [UInt64]]()
        for name in cases {
            let table = root.appendingPathComponent(name).appendingPathComponent("delta")
            let log = table.appendingPathComponent("_delta_log")
            guard let files = try? fm.contentsOfDirectory(atPath: log.path) else { continue }
            for file in files.sorted() where file.hasSuffix(".json") {
                let text = try String(contentsOf: log.appendingPathComponent(file), encoding: .utf8)
                guard text.contains("\"deletionVector\"") else { continue }
                for line in text.split(separator: "\n") where !line.allSatisfy(\.isWhitespace) {
                    let action = try JSONParser.parse(String(line))
                    guard let add = action["add"] ?? action["remove"], let dvJSON = add["deletionVector"], !dvJSON.isNull else { continue }
                    let where_ = "\(name)/\(file)"
                    let dv = try DeletionVectorDescriptor(json: dvJSON)
                    let bitmap: RoaringBitmap64
                    if dv.isInline {
                        bitmap = try DeletionVectorFile.readInline(dv)
                    } else {
                        let path = try #require(try dv.absolutePath(tableRoot: table.path), "\(where_)")
                        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                        bitmap = try DeletionVectorFile.read(dv, from: bytes, file: path)  // checks CRC + cardinality
                        // The encoder writes byte-identical bitmaps (delta-spark's choice of containers).
                        let r = try DeletionVectorFile.byteRange(of: dv)
                        #expect(bitmap.deltaBytes()[...] == bytes[r.lowerBound + 4 ..< r.upperBound - 4], "\(where_)")
                    }
                    #expect(Int64(bitmap.cardinality) == dv.cardinality, "\(where_)")
                    if let stats = add["stats"]?.stringValue, let n = try JSONParser.parse(stats)["numRecords"]?.int64Value {
                        #expect(bitmap.allSatisfy { $0 < UInt64(n) }, "\(where_): index beyond numRecords \(n)")
                    } else {
                        #expect(action["add"] == nil, "\(where_): add with a DV has no numRecords")
                    }
                    if name == "log-replay-dv-key-cases" { known[dv.uniqueId] = Array(bitmap) }
                    checked += 1
                    casesWithDVs.insert(name)
                }
            }
        }
        #expect(casesWithDVs.isSuperset(of: ["dv-partitioned-with-checkpoint", "dv-with-columnmapping", "log-replay-dv-key-cases"]))
        print("golden DVs: checked \(checked) in \(casesWithDVs.sorted())")
        #expect(checked >= 30, "checked \(checked) DVs")
        #expect(Set(known.values) == [[0], [0, 7], [0, 7, 14]], "\(known)")
    }
}
