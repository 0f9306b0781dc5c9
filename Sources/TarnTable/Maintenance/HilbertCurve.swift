// HilbertCurve: the space-filling curves behind Z-order keys, over n coordinates of b bits each
// (n·b ≤ 64). Morton interleaves the coordinates' bits, coordinate 0 most significant at every
// level. Hilbert is Skilling's n-dimensional curve ("Programming the Hilbert curve", AIP Conf.
// Proc. 707, 2004): the axes are turned into the transposed Hilbert index in place (branch-free),
// which the same interleaving then reads out. Keys are computed a column or a row at a time.

/// The curve that orders Z-order keys.
public enum ZOrderCurve: String, Sendable, CaseIterable {
    case morton, hilbert

    /// The position on the curve of a point with `coordinates.count` (1...64) dimensions of
    /// `bitsPerDimension` bits each (`count × bits ≤ 64`, every coordinate below 2^bits).
    public func index(_ coordinates: [UInt32], bitsPerDimension bits: Int) -> UInt64 {
        precondition(!coordinates.isEmpty && bits >= 0 && bits <= 32 && coordinates.count * bits <= 64,
                     "\(coordinates.count) coordinates of \(bits) bits do not fit 64 bits")
        precondition(coordinates.allSatisfy { bits == 32 || $0 < UInt32(1) << UInt32(bits) },
                     "a coordinate does not fit \(bits) bits")
        var key: UInt64 = 0
        coordinates.withUnsafeBufferPointer { x in
            withUnsafeMutablePointer(to: &key) { CurveEncoder(dimensions: x.count, bits: bits, curve: self).encode(x, into: .init(start: $0, count: 1)) }
        }
        return key
    }
}

/// Encodes points of a fixed shape; the spreading table is built once per Z-order run.
struct CurveEncoder: Sendable {
    let dimensions: Int
    let bits: Int
    let curve: ZOrderCurve
    /// spread[v]: the 8 bits of v moved to bit positions 0, n, 2n, … (those below 64).
    private let spread: [UInt64]

    init(dimensions: Int, bits: Int, curve: ZOrderCurve) {
        self.dimensions = dimensions
        self.bits = bits
        self.curve = curve
        spread = (0 ..< 256).map { v in
            var s: UInt64 = 0
            for j in 0 ..< 8 where v & (1 << j) != 0 && j * dimensions < 64 { s |= 1 << UInt64(j * dimensions) }
            return s
        }
    }

    /// The keys of m = out.count points whose coordinates are given column by column:
    /// coordinate c of point i at coordinates[c·m + i].
    func encode(_ coordinates: UnsafeBufferPointer<UInt32>, into o: UnsafeMutableBufferPointer<UInt64>) {
        let d = dimensions
        let m = o.count
        precondition(coordinates.count == d * m, "\(coordinates.count) coordinates for \(m) points of \(d) dimensions")
        func column(_ c: Int) -> UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(rebasing: coordinates[c * m ..< (c + 1) * m]) }
        spread.withUnsafeBufferPointer { table in
            if curve == .morton || d == 1 {
                o.update(repeating: 0)
                for c in 0 ..< d { interleave(column(c), coordinate: c, into: o, table) }
            } else if d == 2 {
                let a = column(0), b = column(1)
                for i in 0 ..< m {
                    let (x, y) = hilbert2(a[i], b[i])
                    o[i] = Self.spread2(x) << 1 | Self.spread2(y)
                }
            } else {
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: d) { x in
                    for i in 0 ..< m {
                        for c in 0 ..< d { x[c] = coordinates[c * m + i] }
                        hilbertTranspose(x)
                        var key: UInt64 = 0
                        for c in 0 ..< d { key |= spreadBits(x[c], table) << UInt64(d - 1 - c) }
                        o[i] = key
                    }
                }
            }
        }
    }

    /// ORs coordinate `c` of every point into its key: bit j lands at position j·n + (n − 1 − c).
    private func interleave(_ r: UnsafeBufferPointer<UInt32>, coordinate c: Int, into o: UnsafeMutableBufferPointer<UInt64>,
                            _ table: UnsafeBufferPointer<UInt64>) {
        let shift = UInt64(dimensions - 1 - c)
        switch dimensions {
        case 1: for i in 0 ..< r.count { o[i] = UInt64(r[i]) }
        case 2: for i in 0 ..< r.count { o[i] |= Self.spread2(r[i]) << shift }
        default: for i in 0 ..< r.count { o[i] |= spreadBits(r[i], table) << shift }
        }
    }

    /// The bits of v at positions 0, n, 2n, … by table, a byte at a time.
    @inline(__always)
    private func spreadBits(_ v: UInt32, _ table: UnsafeBufferPointer<UInt64>) -> UInt64 {
        var v = v
        var s: UInt64 = 0
        var shift: UInt64 = 0
        while v != 0 {
            s |= table[Int(v & 0xFF)] << shift
            v >>= 8
            shift += UInt64(8 * dimensions)
        }
        return s
    }

    /// The bits of v at the even positions.
    @inline(__always)
    static func spread2(_ v: UInt32) -> UInt64 {
        var x = UInt64(v)
        x = (x | x << 16) & 0x0000_FFFF_0000_FFFF
        x = (x | x << 8) & 0x00FF_00FF_00FF_00FF
        x = (x | x << 4) & 0x0F0F_0F0F_0F0F_0F0F
        x = (x | x << 2) & 0x3333_3333_3333_3333
        x = (x | x << 1) & 0x5555_5555_5555_5555
        return x
    }

    /// Skilling's final Gray step: t has bit j set when x has an odd number of set bits above j
    /// (ignoring bit 0), i.e. the XOR of q − 1 over the set bits q > 1 of x.
    @inline(__always)
    static func grayMask(_ x: UInt32) -> UInt32 {
        var s = x & ~1
        s ^= s >> 1
        s ^= s >> 2
        s ^= s >> 4
        s ^= s >> 8
        s ^= s >> 16
        return s >> 1
    }

    /// Skilling's AxesToTranspose for two coordinates, in registers.
    @inline(__always)
    func hilbert2(_ a: UInt32, _ b: UInt32) -> (UInt32, UInt32) {
        var x0 = a, x1 = b
        var k = bits - 1
        while k > 0 {
            let p = (UInt32(1) << UInt32(k)) - 1
            x0 ^= p & (0 &- ((x0 >> UInt32(k)) & 1))          // i = 0: invert when the bit is set
            let set = 0 &- ((x1 >> UInt32(k)) & 1)             // i = 1: invert, else exchange
            let t = (x0 ^ x1) & p & ~set
            x0 ^= (p & set) | t
            x1 ^= t
            k -= 1
        }
        x1 ^= x0
        let t = Self.grayMask(x1)
        return (x0 ^ t, x1 ^ t)
    }

    /// Skilling's AxesToTranspose: after it, interleaving x gives the Hilbert index.
    @inline(__always)
    func hilbertTranspose(_ x: UnsafeMutableBufferPointer<UInt32>) {
        let n = dimensions
        guard bits > 0, n > 0 else { return }
        var k = bits - 1
        while k > 0 {
            let p = (UInt32(1) << UInt32(k)) - 1
            x[0] ^= p & (0 &- ((x[0] >> UInt32(k)) & 1))
            for i in 1 ..< n {
                let set = 0 &- ((x[i] >> UInt32(k)) & 1)
                let t = (x[0] ^ x[i]) & p & ~set
                x[0] ^= (p & set) | t
                x[i] ^= t
            }
            k -= 1
        }
        for i in 1 ..< n { x[i] ^= x[i - 1] }
        let t = Self.grayMask(x[n - 1])
        for i in 0 ..< n { x[i] ^= t }
    }
}
