// ExprDecimal: exact decimal arithmetic on unscaled Int128 values for the expression evaluator:
// rescaling with HALF_UP rounding, + - * / % at a result scale (Spark's decimal typing, see
// ExprBinder+Types.swift), exact comparison across scales, and double conversions. Products and
// quotients go through a 256-bit intermediate, so only results beyond 38 digits become NULL.

enum ExprDecimal {
    static let maxUnscaled = UInt128(Int128.max)

    /// Number text → (unscaled, written scale): "1.50" → (150, 2), "1e3" → (1000, 0).
    static func parse(_ text: String) -> (Int128, Int)? {
        guard TextValues.isNumberText(text.utf8) else { return nil }
        let lower = text.lowercased()
        var scale = 0
        if let dot = lower.firstIndex(of: ".") { scale = lower[lower.index(after: dot)...].prefix { $0.isNumber }.count }
        if let e = lower.firstIndex(of: "e") {
            guard let exp = Int(lower[lower.index(after: e)...]), abs(exp) < 100 else { return nil }
            scale = max(0, scale - exp)
        }
        guard scale <= 38, let v = Decimal128.parse(text, scale: scale) else { return nil }
        return (v, scale)
    }

    /// `u` at scale `from` as scale `to`: exact when growing (nil on overflow), HALF_UP (or
    /// truncating) when shrinking.
    static func rescale(_ u: Int128, from: Int, to: Int, truncate: Bool = false) -> Int128? {
        if to == from { return u }
        if to > from {
            let (r, o) = u.multipliedReportingOverflow(by: Decimal128.powersOfTen[to - from])
            return o ? nil : r
        }
        let d = Decimal128.powersOfTen[from - to]
        let (q, r) = u.quotientAndRemainder(dividingBy: d)
        if truncate || r.magnitude < d.magnitude - r.magnitude { return q }
        return u < 0 ? q - 1 : q + 1
    }

    /// Exact three-way comparison of decimals of different scales.
    @inline(__always)
    static func compare(_ a: Int128, _ sa: Int, _ b: Int128, _ sb: Int) -> Int {
        let x = sa >= sb ? a : saturatingScale(a, by: sb - sa)
        let y = sb >= sa ? b : saturatingScale(b, by: sa - sb)
        return x < y ? -1 : x > y ? 1 : 0
    }

    /// a·10^k, saturating: any overflow is beyond every 38-digit decimal, so order is kept.
    @inline(__always)
    static func saturatingScale(_ a: Int128, by k: Int) -> Int128 {
        let (r, o) = a.multipliedReportingOverflow(by: Decimal128.powersOfTen[k])
        return o ? (a < 0 ? .min : .max) : r
    }

    static func toDouble(_ u: Int128, scale: Int) -> Double {
        if u.magnitude < (1 << 53), scale <= 22 { return Double(u) / pow10[scale] }
        return Double(Decimal128.format(u, scale: scale)) ?? Double(u) / pow10[min(scale, 22)]
    }

    static let pow10: [Double] = (0 ... 22).map { k in (0 ..< k).reduce(1.0) { r, _ in r * 10 } }

    /// A double (by its shortest decimal text, as Spark's BigDecimal(d) does) at `scale`, HALF_UP.
    static func fromDouble(_ d: Double, scale: Int) -> Int128? {
        guard d.isFinite else { return nil }
        if let (u, s) = parse("\(d)") { return rescale(u, from: s, to: scale) }
        return abs(d) < 1 ? 0 : nil
    }

    // MARK: arithmetic at a result scale (nil = NULL: overflow or division by zero)

    /// a + b at scale s: exact sum at the larger scale (256-bit), then HALF_UP to s.
    static func add(_ a: Int128, _ sa: Int, _ b: Int128, _ sb: Int, scale s: Int) -> Int128? {
        let c = max(sa, sb)
        guard let x = U256(a.magnitude).timesPowerOfTen(c - sa), let y = U256(b.magnitude).timesPowerOfTen(c - sb) else { return nil }
        let (sum, negative): (U256, Bool)
        if (a < 0) == (b < 0) {
            guard let t = x.plus(y) else { return nil }
            (sum, negative) = (t, a < 0)
        } else {
            (sum, negative) = x < y ? (y.minus(x), b < 0) : (x.minus(y), a < 0)
        }
        return sum.dividedByPowerOfTen(c - s)?.signed(negative: negative)
    }

    static func multiply(_ a: Int128, _ sa: Int, _ b: Int128, _ sb: Int, scale s: Int) -> Int128? {
        let p = U256.product(a.magnitude, b.magnitude)
        return p.dividedByPowerOfTen(sa + sb - s)?.signed(negative: (a < 0) != (b < 0))
    }

    static func divide(_ a: Int128, _ sa: Int, _ b: Int128, _ sb: Int, scale s: Int) -> Int128? {
        guard b != 0 else { return nil }
        let e = s - sa + sb
        let negative = (a < 0) != (b < 0)
        if e >= 0 {
            guard let n = U256(a.magnitude).timesPowerOfTen(e) else { return nil }
            return n.divided(by: b.magnitude, rounding: true).signed(negative: negative)
        }
        let (d, o) = b.magnitude.multipliedReportingOverflow(by: UInt128(Decimal128.powersOfTen[-e]))
        if o { return 0 }
        return U256(a.magnitude).divided(by: d, rounding: true).signed(negative: negative)
    }

    /// a % b (sign of a) at the larger scale, then at scale s.
    static func remainder(_ a: Int128, _ sa: Int, _ b: Int128, _ sb: Int, scale s: Int) -> Int128? {
        let c = max(sa, sb)
        guard b != 0, let x = U256(a.magnitude).timesPowerOfTen(c - sa), let y = U256(b.magnitude).timesPowerOfTen(c - sb) else { return nil }
        // A divisor beyond 128 bits exceeds every 38-digit dividend: the remainder is the dividend.
        let r = y.hi != 0 ? x : U256(x.divMod(y.lo).1)
        return r.dividedByPowerOfTen(c - s)?.signed(negative: a < 0)
    }
}

/// A 256-bit unsigned magnitude, just enough for decimal products and quotients.
struct U256 {
    var hi: UInt128
    var lo: UInt128

    init(_ lo: UInt128, hi: UInt128 = 0) {
        self.hi = hi
        self.lo = lo
    }

    static func < (x: U256, y: U256) -> Bool { x.hi != y.hi ? x.hi < y.hi : x.lo < y.lo }

    func plus(_ y: U256) -> U256? {
        let (l, c) = lo.addingReportingOverflow(y.lo)
        let (h1, o1) = hi.addingReportingOverflow(y.hi)
        let (h, o2) = h1.addingReportingOverflow(c ? 1 : 0)
        return o1 || o2 ? nil : U256(l, hi: h)
    }

    /// self - y for y <= self.
    func minus(_ y: U256) -> U256 {
        let (l, borrow) = lo.subtractingReportingOverflow(y.lo)
        return U256(l, hi: hi &- y.hi &- (borrow ? 1 : 0))
    }

    static func product(_ a: UInt128, _ b: UInt128) -> U256 {
        let (h, l) = a.multipliedFullWidth(by: b)
        return U256(l, hi: h)
    }

    func times(_ m: UInt128) -> U256? {
        let (h1, l1) = lo.multipliedFullWidth(by: m)
        let (h2, o1) = hi.multipliedReportingOverflow(by: m)
        let (h, o2) = h1.addingReportingOverflow(h2)
        return o1 || o2 ? nil : U256(l1, hi: h)
    }

    func timesPowerOfTen(_ k: Int) -> U256? {
        var r: U256? = self
        var left = k
        while left > 0, let v = r {
            let step = min(left, 38)
            r = v.times(UInt128(Decimal128.powersOfTen[step]))
            left -= step
        }
        return r
    }

    /// Long division by a 128-bit divisor: quotient and remainder.
    func divMod(_ d: UInt128) -> (U256, UInt128) {
        let (qh, rh) = hi.quotientAndRemainder(dividingBy: d)
        let (ql, r) = d.dividingFullWidth((rh, lo))
        return (U256(ql, hi: qh), r)
    }

    /// Quotient by `d`, rounded HALF_UP when `rounding`, else truncated.
    func divided(by d: UInt128, rounding: Bool) -> U256 {
        var (q, r) = divMod(d)
        if rounding && r >= d - r {
            let (l, o) = q.lo.addingReportingOverflow(1)
            q = U256(l, hi: o ? q.hi &+ 1 : q.hi)
        }
        return q
    }

    /// Divided by 10^k, HALF_UP; k up to 76 (truncating first, which keeps HALF_UP exact).
    func dividedByPowerOfTen(_ k: Int) -> U256? {
        guard k >= 0 else { return timesPowerOfTen(-k) }
        if k == 0 { return self }
        var v = self
        if k > 38 { v = v.divided(by: UInt128(Decimal128.powersOfTen[k - 38]), rounding: false) }
        return v.divided(by: UInt128(Decimal128.powersOfTen[min(k, 38)]), rounding: true)
    }

    /// The signed value, or nil when beyond Int128.
    func signed(negative: Bool) -> Int128? {
        guard hi == 0, lo <= ExprDecimal.maxUnscaled else { return nil }
        return negative ? -Int128(lo) : Int128(lo)
    }
}

extension Optional where Wrapped == U256 {
    func signed(negative: Bool) -> Int128? { self?.signed(negative: negative) }
}
