// Serialization of RoaringBitmap64 in Delta's deletion-vector bitmap format: u32 LE magic
// 1681511377, then the portable 64-bit Roaring format (u64 LE bucket count; per bucket a u32 LE
// high key and a standard 32-bit portable Roaring bitmap, with or without the run cookie).
// Decoding bounds-checks every count and length and throws TarnError.corruption with the offset.

import TarnCodecs

extension RoaringBitmap64 {
    /// Magic of Delta's portable format (the only one Delta writes).
    public static let portableMagic: UInt32 = 1_681_511_377
    /// Magic of Delta's legacy "native" RoaringBitmapArray format (read only).
    public static let nativeMagic: UInt32 = 1_681_511_376

    static let cookieNoRuns: UInt32 = 12346
    static let cookieRuns: UInt32 = 12347
    static let noOffsetThreshold = 4

    /// Decodes Delta DV bitmap bytes (`bytes[start ..< end]`, magic included). `baseOffset` is
    /// the position of `bytes[0]` in its file, for error offsets. Every byte must be consumed.
    /// Also reads the legacy native layout (magic 1681511376: u32 LE count, then per 32-bit
    /// bitmap a u32 LE length and the bitmap, the i-th bitmap holding high key i), as delta-spark does.
    public init(deltaBytes bytes: [UInt8], start: Int = 0, end: Int? = nil, baseOffset: Int = 0) throws {
        var r = ByteReader(bytes, start: start, end: end, baseOffset: baseOffset)
        let magic = try r.readLE(UInt32.self)
        self.init()
        switch magic {
        case RoaringBitmap64.portableMagic:
            try decodePortable(&r)
        case RoaringBitmap64.nativeMagic:
            try decodeNative(&r)
        default:
            r.position -= 4
            throw r.error("not a deletion vector bitmap: magic \(magic), expected \(RoaringBitmap64.portableMagic)")
        }
        guard r.isAtEnd else { throw r.error("\(r.remaining) trailing bytes after the deletion vector bitmap") }
    }

    /// Decodes the portable 64-bit format alone (no magic); every byte must be consumed.
    public init(portableBytes bytes: [UInt8], start: Int = 0, end: Int? = nil, baseOffset: Int = 0) throws {
        var r = ByteReader(bytes, start: start, end: end, baseOffset: baseOffset)
        self.init()
        try decodePortable(&r)
        guard r.isAtEnd else { throw r.error("\(r.remaining) trailing bytes after the Roaring bitmap") }
    }

    /// Delta DV bitmap bytes: the magic, then the portable 64-bit format.
    public func deltaBytes() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(4 + serializedSizeEstimate)
        out.appendLE(RoaringBitmap64.portableMagic)
        writePortable(into: &out)
        return out
    }

    /// The portable 64-bit Roaring format alone.
    public func portableBytes() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(serializedSizeEstimate)
        writePortable(into: &out)
        return out
    }

    private var serializedSizeEstimate: Int { 8 + 16 * keys.count + 2 * Swift.min(cardinality, 4096 * keys.count) }

    // MARK: Decoding

    private mutating func decodePortable(_ r: inout ByteReader) throws {
        let countAt = r.absoluteOffset
        let buckets = try r.readLE(UInt64.self)
        // Each bucket takes at least 12 bytes (key + empty 32-bit bitmap).
        guard buckets <= UInt64(r.remaining / 12) else {
            throw TarnError.corruption("bucket count \(buckets) does not fit in \(r.remaining) bytes", offset: countAt)
        }
        var previous: UInt32?
        for _ in 0 ..< Int(buckets) {
            let keyAt = r.absoluteOffset
            let high = try r.readLE(UInt32.self)
            guard high & 0x8000_0000 == 0 else {
                throw TarnError.corruption("bucket key \(high) has its most significant bit set", offset: keyAt)
            }
            if let p = previous, high <= p {
                throw TarnError.corruption("bucket keys not strictly increasing (\(p) then \(high))", offset: keyAt)
            }
            previous = high
            try decode32(&r, high: UInt64(high))
        }
    }

    private mutating func decodeNative(_ r: inout ByteReader) throws {
        let countAt = r.absoluteOffset
        let count = try r.readLE(UInt32.self)
        guard count <= UInt32(Int32.max), Int(count) <= r.remaining / 4 else {
            throw TarnError.corruption("bitmap count \(count) does not fit in \(r.remaining) bytes", offset: countAt)
        }
        for high in 0 ..< Int(count) {
            let lengthAt = r.absoluteOffset
            let length = Int(try r.readLE(UInt32.self))
            guard length <= r.remaining else {
                throw TarnError.corruption("bitmap length \(length) exceeds the \(r.remaining) bytes left", offset: lengthAt)
            }
            var sub = ByteReader(r.bytes, start: r.position, end: r.position + length, baseOffset: r.baseOffset)
            try decode32(&sub, high: UInt64(high))
            guard sub.isAtEnd else { throw sub.error("\(sub.remaining) trailing bytes in bitmap \(high)") }
            r.position += length
        }
    }

    /// Decodes one standard 32-bit portable Roaring bitmap whose values get `high` as bits 32...63.
    private mutating func decode32(_ r: inout ByteReader, high: UInt64) throws {
        let cookieAt = r.absoluteOffset
        let cookie = try r.readLE(UInt32.self)
        var size: Int
        var runFlags: ArraySlice<UInt8>?
        if cookie & 0xFFFF == RoaringBitmap64.cookieRuns {
            size = Int(cookie >> 16) + 1
            runFlags = try r.readBytes((size + 7) / 8)
        } else if cookie == RoaringBitmap64.cookieNoRuns {
            let n = try r.readLE(UInt32.self)
            guard n <= 65536 else { throw TarnError.corruption("container count \(n) exceeds 65536", offset: cookieAt + 4) }
            size = Int(n)
        } else {
            throw TarnError.corruption("invalid Roaring cookie \(cookie)", offset: cookieAt)
        }
        let headerAt = r.absoluteOffset
        try r.require(4 * size, "Roaring descriptive header of \(size) containers")
        var lowKeys = [UInt16](), cards = [Int]()
        lowKeys.reserveCapacity(size)
        cards.reserveCapacity(size)
        for i in 0 ..< size {
            let k = try r.readLE(UInt16.self)
            if let p = lowKeys.last, k <= p {
                throw TarnError.corruption("container keys not strictly increasing (\(p) then \(k))", offset: headerAt + 4 * i)
            }
            lowKeys.append(k)
            cards.append(Int(try r.readLE(UInt16.self)) + 1)
        }
        if runFlags == nil || size >= RoaringBitmap64.noOffsetThreshold {
            try r.skip(4 * size)  // container offsets: containers are read in sequence instead
        }
        keys.reserveCapacity(keys.count + size)
        containers.reserveCapacity(containers.count + size)
        for i in 0 ..< size {
            let isRun = runFlags.map { $0[$0.startIndex + i / 8] & (1 << UInt8(i % 8)) != 0 } ?? false
            keys.append(high << 16 | UInt64(lowKeys[i]))
            containers.append(try RoaringBitmap64.decodeContainer(&r, cardinality: cards[i], isRun: isRun))
        }
    }

    private static func decodeContainer(_ r: inout ByteReader, cardinality card: Int, isRun: Bool) throws -> RoaringContainer {
        let at = r.absoluteOffset
        if isRun {
            let runs = Int(try r.readLE(UInt16.self))
            try r.require(4 * runs, "\(runs) runs")
            var starts = [UInt16](), lengths = [UInt16]()
            starts.reserveCapacity(runs)
            lengths.reserveCapacity(runs)
            var nextFree = 0  // smallest value a following run may start at
            var total = 0
            for _ in 0 ..< runs {
                let s = try r.readLE(UInt16.self), l = try r.readLE(UInt16.self)
                guard Int(s) >= nextFree, Int(s) + Int(l) <= 0xFFFF else {
                    throw TarnError.corruption("run \(s)+\(l) overlaps, is out of order or leaves the container", offset: r.absoluteOffset - 4)
                }
                nextFree = Int(s) + Int(l) + 1
                total += Int(l) + 1
                starts.append(s)
                lengths.append(l)
            }
            guard total == card else {
                throw TarnError.corruption("run container holds \(total) values, header says \(card)", offset: at)
            }
            return .run(starts: starts, lengths: lengths)
        }
        if card <= RoaringContainer.arrayLimit {
            try r.require(2 * card, "array container of \(card) values")
            var values = [UInt16]()
            values.reserveCapacity(card)
            for _ in 0 ..< card {
                let v = try r.readLE(UInt16.self)
                if let p = values.last, v <= p {
                    throw TarnError.corruption("array container values not strictly increasing", offset: r.absoluteOffset - 2)
                }
                values.append(v)
            }
            return .array(values)
        }
        try r.require(8 * RoaringContainer.bitmapWords, "bitset container")
        var words = [UInt64](repeating: 0, count: RoaringContainer.bitmapWords)
        var popcount = 0
        for i in 0 ..< RoaringContainer.bitmapWords {
            words[i] = try r.readLE(UInt64.self)
            popcount += words[i].nonzeroBitCount
        }
        guard popcount == card else {
            throw TarnError.corruption("bitset container holds \(popcount) values, header says \(card)", offset: at)
        }
        return .bitmap(words, cardinality: card)
    }

    // MARK: Encoding

    private func writePortable(into out: inout [UInt8]) {
        // Buckets: runs of containers sharing key >> 16.
        var bucketStarts = [Int]()
        for i in 0 ..< keys.count where i == 0 || keys[i] >> 16 != keys[i - 1] >> 16 { bucketStarts.append(i) }
        out.appendLE(UInt64(bucketStarts.count))
        for (b, first) in bucketStarts.enumerated() {
            let end = b + 1 < bucketStarts.count ? bucketStarts[b + 1] : keys.count
            out.appendLE(UInt32(truncatingIfNeeded: keys[first] >> 16))
            write32(containers[first ..< end].map { $0.optimized() }, keys: keys[first ..< end], into: &out)
        }
    }

    private func write32(_ cs: [RoaringContainer], keys ks: ArraySlice<UInt64>, into out: inout [UInt8]) {
        let size = cs.count
        let hasRuns = cs.contains { if case .run = $0 { return true } else { return false } }
        var offset: Int
        if hasRuns {
            out.appendLE(RoaringBitmap64.cookieRuns | UInt32(size - 1) << 16)
            var flags = [UInt8](repeating: 0, count: (size + 7) / 8)
            for (i, c) in cs.enumerated() { if case .run = c { flags[i / 8] |= 1 << UInt8(i % 8) } }
            out.append(contentsOf: flags)
            offset = 4 + flags.count + (size < RoaringBitmap64.noOffsetThreshold ? 4 : 8) * size
        } else {
            out.appendLE(RoaringBitmap64.cookieNoRuns)
            out.appendLE(UInt32(size))
            offset = 8 + 8 * size
        }
        for (k, c) in zip(ks, cs) {
            out.appendLE(UInt16(truncatingIfNeeded: k))
            out.appendLE(UInt16(c.cardinality - 1))
        }
        if !hasRuns || size >= RoaringBitmap64.noOffsetThreshold {
            for c in cs {
                out.appendLE(UInt32(offset))
                switch c {
                case let .array(a): offset += 2 * a.count
                case .bitmap: offset += 8 * RoaringContainer.bitmapWords
                case let .run(starts, _): offset += 2 + 4 * starts.count
                }
            }
        }
        for c in cs {
            switch c {
            case let .array(a): for v in a { out.appendLE(v) }
            case let .bitmap(words, _): for w in words { out.appendLE(w) }
            case let .run(starts, lengths):
                out.appendLE(UInt16(starts.count))
                for (s, l) in zip(starts, lengths) {
                    out.appendLE(s)
                    out.appendLE(l)
                }
            }
        }
    }
}
