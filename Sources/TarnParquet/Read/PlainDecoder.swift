// PLAIN decoding (apache/parquet-format Encodings.md "Plain"): little-endian fixed-width values
// copied straight into typed buffers, u32-length-prefixed byte arrays, LSB-first bit-packed
// booleans, 12-byte INT96 timestamps. Also the dictionary gather and a raw byte cursor.
import TarnCodecs

enum PlainDecoder {
    static func decode(_ src: UnsafeRawBufferPointer, base: Int, count: Int, into acc: inout ValueAccumulator) throws {
        switch acc.physical {
        case .boolean:
            guard src.count * 8 >= count else { throw truncated(count, "BOOLEAN", base) }
            for i in 0 ..< count { acc.bools.append(src[i >> 3] & (1 << UInt8(i & 7)) != 0) }
        case .int32: try copy(src, base, count, &acc.int32s)
        case .int64: try copy(src, base, count, &acc.int64s)
        case .float: try copy(src, base, count, &acc.floats)
        case .double: try copy(src, base, count, &acc.doubles)
        case .int96:
            guard src.count / 12 >= count else { throw truncated(count, "INT96", base) }
            for i in 0 ..< count { acc.int64s.append(Int96.micros(src.baseAddress! + 12 * i)) }
        case .fixedLenByteArray:
            guard acc.width > 0, src.count / acc.width >= count else { throw truncated(count, "FIXED_LEN_BYTE_ARRAY", base) }
            acc.data.append(contentsOf: UnsafeRawBufferPointer(rebasing: src[0 ..< count * acc.width]))
        case .byteArray:
            var r = RawCursor(src, base: base)
            for _ in 0 ..< count {
                let n = Int(try r.u32())
                try acc.appendBytes(try r.take(n), baseOffset: base + r.position)
            }
        }
    }

    private static func truncated(_ count: Int, _ what: String, _ base: Int) -> TarnError {
        TarnError.corruption("page too short for \(count) PLAIN \(what) values", offset: base)
    }

    private static func copy<T>(_ src: UnsafeRawBufferPointer, _ base: Int, _ count: Int, _ out: inout [T]) throws {
        let size = MemoryLayout<T>.size
        guard src.count / size >= count else {
            throw TarnError.corruption("page too short for \(count) PLAIN values of \(size) bytes", offset: base)
        }
        let start = out.count
        out.append(contentsOf: repeatElement(zero(T.self), count: count))
        out.withUnsafeMutableBytes { dst in
            (dst.baseAddress! + start * size).copyMemory(from: src.baseAddress!, byteCount: count * size)
        }
    }

    /// Zero of a fixed-width numeric type (all-zero bytes).
    @inline(__always)
    private static func zero<T>(_: T.Type) -> T {
        withUnsafeBytes(of: (0 as Int64, 0 as Int64)) { $0.load(as: T.self) }
    }
}

enum DictionaryGather {
    /// Appends dictionary[i] for each index (indices already checked against the dictionary size).
    static func gather(_ indices: [UInt32], from d: ValueAccumulator, into acc: inout ValueAccumulator) throws {
        switch d.physical {
        case .boolean: for i in indices { acc.bools.append(d.bools[Int(i)]) }
        case .int32: d.int32s.withUnsafeBufferPointer { p in for i in indices { acc.int32s.append(p[Int(i)]) } }
        case .int64, .int96: d.int64s.withUnsafeBufferPointer { p in for i in indices { acc.int64s.append(p[Int(i)]) } }
        case .float: d.floats.withUnsafeBufferPointer { p in for i in indices { acc.floats.append(p[Int(i)]) } }
        case .double: d.doubles.withUnsafeBufferPointer { p in for i in indices { acc.doubles.append(p[Int(i)]) } }
        case .fixedLenByteArray:
            let w = d.width
            d.data.withUnsafeBytes { p in
                for i in indices { acc.data.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[Int(i) * w ..< Int(i + 1) * w])) }
            }
        case .byteArray: try gatherBytes(indices, d, &acc)
        }
    }

    /// Byte arrays: sizes first, then one exact allocation and a memcpy per value.
    private static func gatherBytes(_ indices: [UInt32], _ d: ValueAccumulator, _ acc: inout ValueAccumulator) throws {
        let base = acc.data.count
        var total = base
        var size = 0
        for i in indices { size += Int(d.offsets[Int(i) + 1] &- d.offsets[Int(i)]) }
        guard base + size <= Int(Int32.max) else {
            throw TarnError.corruption("a column chunk holds more than 2 GiB of byte-array data")
        }
        let start = acc.offsets.count
        acc.offsets.append(contentsOf: repeatElement(0, count: indices.count))
        d.offsets.withUnsafeBufferPointer { o in
            acc.offsets.withUnsafeMutableBufferPointer { out in
                for (k, i) in indices.enumerated() {
                    total += Int(o[Int(i) + 1] &- o[Int(i)])
                    out[start + k] = Int32(truncatingIfNeeded: total)
                }
            }
        }
        acc.data.append(contentsOf: repeatElement(0, count: total - base))
        d.offsets.withUnsafeBufferPointer { o in
            d.data.withUnsafeBytes { src in
                acc.data.withUnsafeMutableBytes { dst in
                    var at = base
                    for i in indices {
                        let from = Int(o[Int(i)]), n = Int(o[Int(i) + 1] &- o[Int(i)])
                        if n > 0 { (dst.baseAddress! + at).copyMemory(from: src.baseAddress! + from, byteCount: n) }
                        at += n
                    }
                }
            }
        }
    }
}

/// A bounds-checked cursor over raw bytes, errors at absolute offsets.
struct RawCursor {
    let src: UnsafeRawBufferPointer
    let base: Int
    var position = 0

    init(_ src: UnsafeRawBufferPointer, base: Int) {
        self.src = src
        self.base = base
    }

    var remaining: Int { src.count - position }

    mutating func u32() throws -> UInt32 {
        guard remaining >= 4 else { throw TarnError.corruption("truncated length prefix", offset: base + position) }
        let v = UInt32(littleEndian: src.loadUnaligned(fromByteOffset: position, as: UInt32.self))
        position += 4
        return v
    }

    mutating func take(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, n <= remaining else {
            throw TarnError.corruption("length \(n) runs past the end of the page (\(remaining) bytes left)", offset: base + position)
        }
        let s = UnsafeRawBufferPointer(rebasing: src[position ..< position + n])
        position += n
        return s
    }
}
