// Bitmap helpers for kernels and expression evaluation: word-wise scans for set / unset bits,
// validity intersection, gather and slicing. Bitmap's words are read-only outside Bitmap.swift,
// so results are built by setting bits (only the minority bits where possible).

extension Bitmap {
    /// Calls `body` with the index of every set bit, in increasing order (word-wise scan).
    @inline(__always)
    public func forEachSet(_ body: (Int) -> Void) {
        for (w, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                let i = w << 6 + bits.trailingZeroBitCount
                if i >= count { return }
                body(i)
                bits &= bits - 1
            }
        }
    }

    /// Calls `body` with the index of every clear bit below `count`, in increasing order.
    @inline(__always)
    public func forEachUnset(_ body: (Int) -> Void) {
        for (w, word) in words.enumerated() where word != ~0 {
            var bits = ~word
            while bits != 0 {
                let i = w << 6 + bits.trailingZeroBitCount
                if i >= count { return }
                body(i)
                bits &= bits - 1
            }
        }
    }

    /// Indices of the set bits (a selection vector).
    public var setIndices: [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(popcount)
        forEachSet { out.append(Int32(truncatingIfNeeded: $0)) }
        return out
    }

    /// A bitmap of `count` bits with exactly the bits `flags` marks set.
    public init(flags: [Bool]) {
        self.init(count: flags.count, value: false)
        for (i, f) in flags.enumerated() where f { self[i] = true }
    }

    /// Bits of `self` and `other` both set.
    public func intersection(_ other: Bitmap) -> Bitmap {
        precondition(count == other.count, "bitmaps of \(count) and \(other.count) bits")
        var out = self
        other.forEachUnset { out[$0] = false }
        return out
    }

    /// Bits set in either.
    public func union(_ other: Bitmap) -> Bitmap {
        precondition(count == other.count, "bitmaps of \(count) and \(other.count) bits")
        var out = self
        other.forEachSet { out[$0] = true }
        return out
    }

    /// Every bit flipped.
    public var inverted: Bitmap {
        var out = Bitmap(count: count, value: false)
        forEachUnset { out[$0] = true }
        return out
    }

    /// Bits `range` as a new bitmap.
    public func slice(_ range: Range<Int>) -> Bitmap {
        var out = Bitmap(count: range.count, value: true)
        for i in range where !self[i] { out[i - range.lowerBound] = false }
        return out
    }

    /// Bit `indices[k]` of `self` as bit k.
    public func gather(_ indices: [Int32]) -> Bitmap {
        var out = Bitmap(count: indices.count, value: true)
        for (k, i) in indices.enumerated() where !self[Int(i)] { out[k] = false }
        return out
    }

    /// Validity intersection; nil stands for "all valid".
    public static func intersect(_ a: Bitmap?, _ b: Bitmap?) -> Bitmap? {
        guard let a else { return b }
        guard let b else { return a }
        return a.intersection(b)
    }

    /// nil when every bit is set (the "no nulls" form of Column.validity).
    public var nilIfAllSet: Bitmap? { allSet ? nil : self }
}
