// ChunkStatistics: running min / max / null count of one column chunk, turned into Parquet
// Statistics (min_value / max_value PLAIN-encoded without length prefix; see spec/parquet.md
// "Statistics"). Floats exclude NaN and write a zero min as -0.0 and a zero max as +0.0; byte
// arrays compare unsigned byte-wise and bounds longer than 64 bytes are truncated (not exact).
import TarnColumnar

struct ChunkStatistics {
    enum Bounds {
        case none
        case bool(Bool, Bool)
        case int32(Int32, Int32)
        case int64(Int64, Int64)
        case float(Float, Float)
        case double(Double, Double)
        case bytes([UInt8], [UInt8])
        /// FLBA decimals: compared as signed values, stored big-endian.
        case decimal(Int128, Int128, width: Int)
    }

    var nullCount: Int64 = 0
    /// NaN values seen (floating-point columns only).
    var nanCount: Int64 = 0
    var bounds: Bounds = .none
    static let maxBoundBytes = 64

    mutating func update(_ batch: ValueBatch) {
        switch batch {
        case let .bool(a):
            guard let f = a.first else { return }
            var (lo, hi) = (f, f)
            if case let .bool(l, h) = bounds { (lo, hi) = (l && f, h || f) }
            for v in a { lo = lo && v; hi = hi || v }
            bounds = .bool(lo, hi)
        case let .int32(a): bounds = ChunkStatistics.merge(a, bounds, wrap: Bounds.int32, unwrap: { if case let .int32(l, h) = $0 { return (l, h) }; return nil })
        case let .int64(a): bounds = ChunkStatistics.merge(a, bounds, wrap: Bounds.int64, unwrap: { if case let .int64(l, h) = $0 { return (l, h) }; return nil })
        case let .float(a):
            let current: (Float, Float)? = { if case let .float(l, h) = bounds { return (l, h) }; return nil }()
            updateFloating(a, current, Bounds.float)
        case let .double(a):
            let current: (Double, Double)? = { if case let .double(l, h) = bounds { return (l, h) }; return nil }()
            updateFloating(a, current, Bounds.double)
        case let .bytes(o, d): updateBytes(o, d)
        case let .fixed(w, d): updateDecimal(w, d)
        }
    }

    private static func merge<T: FixedWidthInteger>(_ a: ArraySlice<T>, _ b: Bounds, wrap: (T, T) -> Bounds, unwrap: (Bounds) -> (T, T)?) -> Bounds {
        guard var lo = a.first else { return b }
        var hi = lo
        if let (l, h) = unwrap(b) { lo = l; hi = h }
        for v in a {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        return wrap(lo, hi)
    }

    /// Bounds of floating-point values, NaN excluded (and counted); a zero minimum is stored as
    /// -0.0 and a zero maximum as +0.0.
    private mutating func updateFloating<T: BinaryFloatingPoint>(_ a: ArraySlice<T>, _ current: (T, T)?,
                                                                 _ wrap: (T, T) -> Bounds) {
        var lo = T.infinity, hi = -T.infinity, any = false
        if let (l, h) = current { lo = l; hi = h; any = true }
        for v in a {
            if v.isNaN { nanCount += 1; continue }
            any = true
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        if any { bounds = wrap(lo == 0 ? -0.0 : lo, hi == 0 ? 0.0 : hi) }
    }

    private mutating func updateBytes(_ o: [Int32], _ d: [UInt8]) {
        guard o.count > 1 else { return }
        d.withUnsafeBufferPointer { p in
            var loI = 0, hiI = 0
            func slice(_ i: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: p[Int(o[i]) ..< Int(o[i + 1])])
            }
            for i in 1 ..< o.count - 1 {
                let v = slice(i)
                if lexLess(v, slice(loI)) { loI = i }
                if lexLess(slice(hiI), v) { hiI = i }
            }
            var lo = Array(slice(loI)), hi = Array(slice(hiI))
            if case let .bytes(l, h) = bounds {
                if lexLess(l, lo) { lo = l }
                if lexLess(hi, h) { hi = h }
            }
            bounds = .bytes(lo, hi)
        }
    }

    private mutating func updateDecimal(_ w: Int, _ d: [UInt8]) {
        guard w > 0, d.count >= w else { return }
        var lo = Int128.max, hi = Int128.min
        if case let .decimal(l, h, _) = bounds { lo = l; hi = h }
        var i = 0
        while i + w <= d.count {
            let v = Decimal128.fromBigEndian(d[i ..< i + w]) ?? 0
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
            i += w
        }
        bounds = .decimal(lo, hi, width: w)
    }

    /// The Parquet Statistics of the chunk.
    func statistics() -> Statistics {
        var s = Statistics(nullCount: nullCount)
        if case .float = bounds { s.nanCount = nanCount }
        if case .double = bounds { s.nanCount = nanCount }
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { var b: [UInt8] = []; b.appendLE(v); return b }
        switch bounds {
        case .none: break
        case let .bool(l, h): s.minValue = [l ? 1 : 0]; s.maxValue = [h ? 1 : 0]
        case let .int32(l, h): s.minValue = le(l); s.maxValue = le(h)
        case let .int64(l, h): s.minValue = le(l); s.maxValue = le(h)
        case let .float(l, h): s.minValue = le(l.bitPattern); s.maxValue = le(h.bitPattern)
        case let .double(l, h): s.minValue = le(l.bitPattern); s.maxValue = le(h.bitPattern)
        case let .decimal(l, h, w):
            s.minValue = Decimal128.bigEndianBytes(l, width: w)
            s.maxValue = Decimal128.bigEndianBytes(h, width: w)
        case let .bytes(l, h):
            let (lo, loExact) = ChunkStatistics.truncatedMin(l)
            s.minValue = lo
            s.isMinValueExact = loExact
            if let (hi, hiExact) = ChunkStatistics.truncatedMax(h) {
                s.maxValue = hi
                s.isMaxValueExact = hiExact
            }
        }
        if s.minValue != nil, s.isMinValueExact == nil { s.isMinValueExact = true; s.isMaxValueExact = true }
        return s
    }

    static func truncatedMin(_ v: [UInt8]) -> ([UInt8], Bool) {
        v.count <= maxBoundBytes ? (v, true) : (Array(v.prefix(maxBoundBytes)), false)
    }

    /// A prefix of at most 64 bytes that is >= v (last byte that can be incremented is), or nil.
    static func truncatedMax(_ v: [UInt8]) -> ([UInt8], Bool)? {
        if v.count <= maxBoundBytes { return (v, true) }
        var p = Array(v.prefix(maxBoundBytes))
        while let last = p.last {
            if last < 0xFF {
                p[p.count - 1] = last + 1
                return (p, false)
            }
            p.removeLast()
        }
        return nil
    }
}

@inline(__always)
func lexLess<C: RandomAccessCollection>(_ a: C, _ b: C) -> Bool where C.Element == UInt8 {
    var i = a.startIndex, j = b.startIndex
    while i != a.endIndex && j != b.endIndex {
        if a[i] != b[j] { return a[i] < b[j] }
        i = a.index(after: i)
        j = b.index(after: j)
    }
    return i == a.endIndex && j != b.endIndex
}
