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
        let chunk = [T](unsafeUninitializedCapacity: count) { buf, n in
            UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(rebasing: src[0 ..< count * size]))
            n = count
        }
        if out.isEmpty { out = chunk } else { out.append(contentsOf: chunk) }
    }
}

enum DictionaryGather {
    /// Appends dictionary[i] for each index (indices already checked against the dictionary size).
    static func gather(_ indices: [UInt32], from d: ValueAccumulator, into acc: inout ValueAccumulator) {
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
        case .byteArray:
            var total = acc.data.count
            for i in indices { total += Int(d.offsets[Int(i) + 1] - d.offsets[Int(i)]) }
            acc.data.reserveCapacity(total)
            d.data.withUnsafeBytes { p in
                for i in indices {
                    acc.data.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[Int(d.offsets[Int(i)]) ..< Int(d.offsets[Int(i) + 1])]))
                    acc.offsets.append(Int32(truncatingIfNeeded: acc.data.count))
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
