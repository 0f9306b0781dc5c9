// Bitmap: a packed LSB-first bit vector on a contiguous [UInt64] buffer. Column validity uses it
// (bit set = value present), as do row selections in filters.

public struct Bitmap: Sendable, Hashable {
    public private(set) var words: [UInt64]
    public private(set) var count: Int

    public init(count: Int, value: Bool) {
        self.count = count
        words = [UInt64](repeating: value ? ~0 : 0, count: (count + 63) >> 6)
        if value { clearTail() }
    }

    public init<S: Sequence>(_ bits: S) where S.Element == Bool {
        self.init(count: 0, value: false)
        for b in bits { append(b) }
    }

    @inline(__always)
    public subscript(i: Int) -> Bool {
        get { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
        set {
            if newValue { words[i >> 6] |= 1 << UInt64(i & 63) } else { words[i >> 6] &= ~(1 << UInt64(i & 63)) }
        }
    }

    @inline(__always)
    public mutating func append(_ bit: Bool) {
        if count & 63 == 0 { words.append(0) }
        if bit { words[count >> 6] |= 1 << UInt64(count & 63) }
        count += 1
    }

    public mutating func append(_ bit: Bool, count n: Int) {
        for _ in 0 ..< n { append(bit) }
    }

    public mutating func reserveCapacity(_ n: Int) { words.reserveCapacity((n + 63) >> 6) }

    /// Number of set bits.
    public var popcount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    public var allSet: Bool { popcount == count }

    private mutating func clearTail() {
        let extra = count & 63
        if extra != 0, !words.isEmpty { words[words.count - 1] &= (1 << UInt64(extra)) - 1 }
    }

    public static func == (a: Bitmap, b: Bitmap) -> Bool { a.count == b.count && a.words == b.words }
}
