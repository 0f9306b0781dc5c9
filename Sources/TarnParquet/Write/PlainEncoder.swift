// PLAIN value encoding and RLE level encoding for the writer (apache/parquet-format
// Encodings.md "Plain" and "Run Length Encoding / Bit-Packing Hybrid"): little-endian fixed
// width values, u32-length-prefixed byte arrays, LSB-first bit-packed booleans, and levels as
// u32-length-prefixed RLE hybrid runs (data page v1).
import TarnCodecs

enum PlainEncoder {
    /// Appends the PLAIN form of `values` to `out`; booleans are collected in `bools` and
    /// bit-packed when the page is flushed.
    static func append(_ values: ValueBatch, to out: inout [UInt8], bools: inout [Bool]) {
        switch values {
        case let .bool(a): bools.append(contentsOf: a)
        case let .int32(a): appendRaw(a, to: &out)
        case let .int64(a): appendRaw(a, to: &out)
        case let .float(a): appendRaw(a, to: &out)
        case let .double(a): appendRaw(a, to: &out)
        case let .bytes(o, d): appendByteArrays(offsets: o, data: d, to: &out)
        case let .fixed(_, d): out.append(contentsOf: d)
        }
    }

    /// Little-endian machines store these types in PLAIN layout already.
    static func appendRaw<T>(_ a: ArraySlice<T>, to out: inout [UInt8]) {
        a.withUnsafeBytes { out.append(contentsOf: $0) }
    }

    /// Appends `u32 length` + bytes per value: one resize, then raw copies (no per-value appends).
    static func appendByteArrays(offsets o: [Int32], data d: [UInt8], to out: inout [UInt8]) {
        guard o.count > 1 else { return }
        let count = o.count - 1
        let start = out.count
        let first = Int(o[0])
        out.append(contentsOf: repeatElement(0, count: Int(o[count]) - first + 4 * count))
        out.withUnsafeMutableBytes { dst in
            d.withUnsafeBytes { src in
                var at = start
                for i in 0 ..< count {
                    let a = Int(o[i]), n = Int(o[i + 1]) - a
                    dst.storeBytes(of: UInt32(n).littleEndian, toByteOffset: at, as: UInt32.self)
                    if n > 0 { (dst.baseAddress! + at + 4).copyMemory(from: src.baseAddress! + a, byteCount: n) }
                    at += 4 + n
                }
            }
        }
    }

    static func appendBools(_ bools: [Bool], to out: inout [UInt8]) {
        var byte: UInt8 = 0
        for (i, b) in bools.enumerated() {
            if b { byte |= 1 << UInt8(i & 7) }
            if i & 7 == 7 { out.append(byte); byte = 0 }
        }
        if bools.count & 7 != 0 { out.append(byte) }
    }

    /// The dictionary page body of a fixed-width dictionary (values kept as 64-bit patterns).
    static func appendFixedDictionary(_ values: [UInt64], physical: PhysicalType, to out: inout [UInt8]) {
        switch physical {
        case .int32, .float: for v in values { out.appendLE(UInt32(truncatingIfNeeded: v)) }
        default: for v in values { out.appendLE(v) }
        }
    }
}

enum LevelEncoder {
    /// Appends `[u32 LE length][RLE hybrid levels]`.
    static func appendPrefixed(_ levels: [UInt8], maxLevel: Int, to out: inout [UInt8]) {
        var enc = RLEHybridEncoder(bitWidth: BitPacking.bitWidth(of: UInt64(maxLevel)))
        var i = 0
        while i < levels.count {
            let v = levels[i]
            var j = i + 1
            while j < levels.count && levels[j] == v { j += 1 }
            enc.append(UInt32(v), count: j - i)
            i = j
        }
        let bytes = enc.finish()
        out.appendLE(UInt32(bytes.count))
        out.append(contentsOf: bytes)
    }
}
