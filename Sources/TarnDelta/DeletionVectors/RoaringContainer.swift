// RoaringContainer: one block of 2^16 values of a RoaringBitmap64, in one of the three Roaring
// container kinds (sorted array, 8 KiB bitset, runs). Holds the per-container operations: lookup,
// insert, iteration and the choice of the smallest kind for serialization.

/// A container of the low 16 bits of the values sharing one 48-bit key. Never empty.
enum RoaringContainer: Sendable {
    /// Most values an array container holds; above it a bitset is smaller.
    static let arrayLimit = 4096
    static let bitmapWords = 1024

    /// Sorted, distinct values; at most `arrayLimit` of them.
    case array([UInt16])
    /// 1024 words, bit `v & 63` of word `v >> 6` set for each value; with its popcount.
    case bitmap([UInt64], cardinality: Int)
    /// Sorted, disjoint runs: `starts[i] ... starts[i] + lengths[i]` (length is count - 1).
    case run(starts: [UInt16], lengths: [UInt16])

    var cardinality: Int {
        switch self {
        case let .array(a): return a.count
        case let .bitmap(_, c): return c
        case let .run(_, lengths): return lengths.reduce(0) { $0 + Int($1) + 1 }
        }
    }

    var minimum: UInt16? {
        switch self {
        case let .array(a): return a.first
        case let .bitmap(w, _):
            for (i, word) in w.enumerated() where word != 0 { return UInt16(i << 6 | word.trailingZeroBitCount) }
            return nil
        case let .run(starts, _): return starts.first
        }
    }

    var maximum: UInt16? {
        switch self {
        case let .array(a): return a.last
        case let .bitmap(w, _):
            for i in stride(from: w.count - 1, through: 0, by: -1) where w[i] != 0 {
                return UInt16(i << 6 | (63 - w[i].leadingZeroBitCount))
            }
            return nil
        case let .run(starts, lengths):
            guard let s = starts.last, let l = lengths.last else { return nil }
            return s &+ l
        }
    }

    func contains(_ v: UInt16) -> Bool {
        switch self {
        case let .array(a):
            let i = RoaringContainer.lowerBound(a, v)
            return i < a.count && a[i] == v
        case let .bitmap(w, _):
            return w[Int(v >> 6)] & (1 << UInt64(v & 63)) != 0
        case let .run(starts, lengths):
            // Last run starting at or before v.
            let i = RoaringContainer.lowerBound(starts, v &+ 1, allowWrap: v == UInt16.max) - 1
            return i >= 0 && Int(v) - Int(starts[i]) <= Int(lengths[i])
        }
    }

    /// First index in sorted `a` whose element is >= `v` (`a.count` when `allowWrap`, for v = 2^16).
    static func lowerBound(_ a: [UInt16], _ v: UInt16, allowWrap: Bool = false) -> Int {
        if allowWrap { return a.count }
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if a[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Inserts `v`; returns false when it was already present.
    mutating func insert(_ v: UInt16) -> Bool {
        switch self {
        case var .array(a):
            let i = RoaringContainer.lowerBound(a, v)
            if i < a.count && a[i] == v { return false }
            self = .array([])  // release the payload so `a` is uniquely referenced
            a.insert(v, at: i)
            self = a.count > RoaringContainer.arrayLimit ? RoaringContainer.bitset(of: a) : .array(a)
            return true
        case .bitmap(var w, let c):
            let bit: UInt64 = 1 << UInt64(v & 63)
            if w[Int(v >> 6)] & bit != 0 { return false }
            self = .array([])
            w[Int(v >> 6)] |= bit
            self = .bitmap(w, cardinality: c + 1)
            return true
        case .run:
            if contains(v) { return false }
            var words = [UInt64](repeating: 0, count: RoaringContainer.bitmapWords)
            forEach { words[Int($0 >> 6)] |= 1 << UInt64($0 & 63) }
            words[Int(v >> 6)] |= 1 << UInt64(v & 63)
            self = RoaringContainer.fromBitset(words, cardinality: cardinality + 1)
            return true
        }
    }

    static func bitset(of values: [UInt16]) -> RoaringContainer {
        var words = [UInt64](repeating: 0, count: bitmapWords)
        for v in values { words[Int(v >> 6)] |= 1 << UInt64(v & 63) }
        return .bitmap(words, cardinality: values.count)
    }

    /// An array or bitset container (by cardinality) for the set bits of `words`.
    static func fromBitset(_ words: [UInt64], cardinality: Int) -> RoaringContainer {
        if cardinality > arrayLimit { return .bitmap(words, cardinality: cardinality) }
        var a = [UInt16]()
        a.reserveCapacity(cardinality)
        for (i, word) in words.enumerated() {
            var w = word
            while w != 0 {
                a.append(UInt16(i << 6 | w.trailingZeroBitCount))
                w &= w - 1
            }
        }
        return .array(a)
    }

    /// Calls `body` with every value in increasing order.
    @inline(__always)
    func forEach(_ body: (UInt16) throws -> Void) rethrows {
        switch self {
        case let .array(a):
            for v in a { try body(v) }
        case let .bitmap(words, _):
            for (i, word) in words.enumerated() {
                var w = word
                while w != 0 {
                    try body(UInt16(i << 6 | w.trailingZeroBitCount))
                    w &= w - 1
                }
            }
        case let .run(starts, lengths):
            for i in 0 ..< starts.count {
                let s = Int(starts[i])
                for v in s ... s + Int(lengths[i]) { try body(UInt16(v)) }
            }
        }
    }

    /// All values, in increasing order.
    var values: [UInt16] {
        var out = [UInt16]()
        out.reserveCapacity(cardinality)
        forEach { out.append($0) }
        return out
    }

    /// The number of maximal runs of consecutive values.
    var runCount: Int {
        switch self {
        case let .run(starts, _): return starts.count
        case let .array(a):
            var n = 0
            for i in 0 ..< a.count where i == 0 || a[i] != a[i - 1] &+ 1 { n += 1 }
            return n
        case let .bitmap(words, _):
            // A run starts at every set bit whose predecessor bit is clear.
            var n = 0
            var carry: UInt64 = 0  // bit 63 of the previous word
            for w in words {
                n += (w & ~(w << 1 | carry)).nonzeroBitCount
                carry = w >> 63
            }
            return n
        }
    }

    /// The same set in the kind Roaring's `runOptimize` picks: runs when they are smaller than the
    /// array/bitset the cardinality calls for (the serialized header only tells array from bitset
    /// by cardinality, so a non-run container must be an array iff it holds at most 4096 values).
    func optimized() -> RoaringContainer {
        let card = cardinality
        let runs = runCount
        let plainSize = card <= RoaringContainer.arrayLimit ? 2 * card : 8192
        if 2 + 4 * runs < plainSize {
            if case .run = self { return self }
            var starts = [UInt16](), lengths = [UInt16]()
            starts.reserveCapacity(runs)
            lengths.reserveCapacity(runs)
            forEach { v in
                if let s = starts.last, let l = lengths.last, Int(s) + Int(l) + 1 == Int(v) {
                    lengths[lengths.count - 1] = l + 1
                } else {
                    starts.append(v)
                    lengths.append(0)
                }
            }
            return .run(starts: starts, lengths: lengths)
        }
        switch self {
        case .array where card <= RoaringContainer.arrayLimit, .bitmap where card > RoaringContainer.arrayLimit:
            return self
        default:
            var words = [UInt64](repeating: 0, count: RoaringContainer.bitmapWords)
            forEach { words[Int($0 >> 6)] |= 1 << UInt64($0 & 63) }
            return RoaringContainer.fromBitset(words, cardinality: card)
        }
    }

    /// Whether both containers hold the same values, whatever their kinds.
    func sameValues(as other: RoaringContainer) -> Bool {
        switch (self, other) {
        case let (.array(a), .array(b)): return a == b
        case let (.bitmap(a, _), .bitmap(b, _)): return a == b
        case let (.run(s1, l1), .run(s2, l2)) where s1 == s2 && l1 == l2: return true
        default: return cardinality == other.cardinality && values == other.values
        }
    }
}
