// ZOrderColumnRanks: one clustering column's ranks. Fitting: the sorted sample is cut into at most
// min(2^bits − 1, maxBuckets) buckets (one per distinct value when that few, else equi-depth
// quantiles snapped to their value's first row); bucket j's rank is 1 + (2^bits − 2) × its mid-point
// in the sample's cumulative distribution, kept strictly increasing. Lookup, no Value boxing: a slot
// table over order-preserving UInt64 keys (strings: first 8 bytes, ties byte-wise); decimals bisect.
import Foundation

struct ColumnRanks: Sendable {
    let kind: RankKind
    /// Lower bounds of buckets 1...m in the kind's representation (bucket 0: everything below).
    private var fixedBounds = SlotIndex([])
    private var wideBounds: [Int128] = []
    private var boundEnds: [Int] = []
    private var boundBytes: [UInt8] = []
    private var boundPrefixes = SlotIndex([])
    /// rankOf[j]: the rank of bucket j (m + 1 entries, strictly increasing, at least 1).
    private(set) var rankOf: [UInt32] = []

    init(fitting s: ColumnSample, bits: Int) {
        kind = s.kind
        let limit = min((1 << bits) - 1, ZOrderRanker.maxBuckets)
        let n = s.count
        var starts: [Int] = []
        switch s.kind {
        case .fixed:
            let sorted = s.fixed.sorted()
            starts = Self.bucketStarts(n, limit) { sorted[$0] == sorted[$1] }
            fixedBounds = SlotIndex(starts.dropFirst().map { sorted[$0] })
        case .wide:
            let sorted = s.wide.sorted()
            starts = Self.bucketStarts(n, limit) { sorted[$0] == sorted[$1] }
            wideBounds = starts.dropFirst().map { sorted[$0] }
        case .bytes:
            s.bytes.withUnsafeBufferPointer { data in
                let ends = s.ends
                func value(_ i: Int) -> UnsafeBufferPointer<UInt8> {
                    UnsafeBufferPointer(rebasing: data[(i == 0 ? 0 : ends[i - 1]) ..< ends[i]])
                }
                let order = (0 ..< n).sorted { Self.compare(value($0), value($1)) < 0 }
                starts = Self.bucketStarts(n, limit) { Self.compare(value(order[$0]), value(order[$1])) == 0 }
                for start in starts.dropFirst() {
                    boundBytes += value(order[start])
                    boundEnds.append(boundBytes.count)
                }
                boundPrefixes = SlotIndex(starts.dropFirst().map { Self.prefix(value(order[$0])) })
            }
        case .unsupported:
            rankOf = [0]
            return
        }
        rankOf = Self.spread(starts, n, bits: bits)
    }

    /// Sample positions (in sorted order) where buckets start: every run of equal values when there
    /// are at most `limit` runs, else the run holding each of the `limit` − 1 equi-depth quantiles.
    static func bucketStarts(_ n: Int, _ limit: Int, same: (Int, Int) -> Bool) -> [Int] {
        guard n > 0 else { return [] }
        var runs = [0]
        for i in 1 ..< n where !same(i - 1, i) { runs.append(i) }
        guard runs.count > limit else { return runs }
        var starts = [0]
        for q in 1 ..< limit {
            let p = q * n / limit
            var lo = 0, hi = runs.count          // last run starting at or before p
            while lo < hi {
                let mid = (lo + hi) >> 1
                if runs[mid] <= p { lo = mid + 1 } else { hi = mid }
            }
            let start = runs[max(0, lo - 1)]
            if start > starts[starts.count - 1] { starts.append(start) }
        }
        return starts
    }

    /// Ranks of the buckets: each at its mid-point in the cumulative distribution of the sample,
    /// scaled to 1...2^bits − 1, then nudged to be strictly increasing.
    static func spread(_ starts: [Int], _ n: Int, bits: Int) -> [UInt32] {
        let top = (UInt64(1) << UInt64(bits)) - 1
        guard n > 0, !starts.isEmpty else { return [UInt32(1 + (top - 1) / 2)] }
        let m = starts.count
        var ranks: [UInt32] = []
        ranks.reserveCapacity(m)
        var previous: UInt64 = 0
        for j in 0 ..< m {
            let twiceMid = UInt64(starts[j] + (j + 1 < m ? starts[j + 1] : n))
            let product = twiceMid.multipliedFullWidth(by: top - 1)
            let ideal = 1 + UInt64(2 * n).dividingFullWidth(product).quotient
            let rank = min(max(ideal, previous + 1), top - UInt64(m - 1 - j))
            ranks.append(UInt32(rank))
            previous = rank
        }
        return ranks
    }

    /// Unsigned byte-wise order, a shorter prefix first.
    @inline(__always)
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(a.count, b.count)
        if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let r = memcmp(pa, pb, common)
            if r != 0 { return r < 0 ? -1 : 1 }
        }
        return a.count < b.count ? -1 : a.count > b.count ? 1 : 0
    }

    /// The rank of every row (0 for null).
    func ranks(_ column: Column) -> [UInt32] {
        var out = [UInt32](repeating: 0, count: column.count)
        out.withUnsafeMutableBufferPointer { ranks(column, from: 0, into: $0) }
        return out
    }

    /// The ranks of rows first ..< first + out.count (0 for null).
    func ranks(_ column: Column, from first: Int, into out: UnsafeMutableBufferPointer<UInt32>) {
        guard kind != .unsupported else {
            out.update(repeating: 0)
            return
        }
        rankOf.withUnsafeBufferPointer { rk in
            switch column.storage {
            case let .bool(a): lookup(a, first, out, rk) { $0 ? 1 : 0 }
            case let .int8(a): lookup(a, first, out, rk) { SortKey.integer(Int64($0)) }
            case let .int16(a): lookup(a, first, out, rk) { SortKey.integer(Int64($0)) }
            case let .int32(a): lookup(a, first, out, rk) { SortKey.integer(Int64($0)) }
            case let .int64(a): lookup(a, first, out, rk) { SortKey.integer($0) }
            case let .float(a): lookup(a, first, out, rk) { SortKey.floating(Double($0)) }
            case let .double(a): lookup(a, first, out, rk) { SortKey.floating($0) }
            case let .int128(a): lookupWide(a, first, out, rk)
            case let .bytes(offsets, data): lookupBytes(offsets, data, first, out, rk)
            case .structure, .list, .map: out.update(repeating: 0)
            }
        }
        if let v = column.validity {
            for i in 0 ..< out.count where !v[first + i] { out[i] = 0 }
        }
    }

    @inline(__always)
    private func lookup<T>(_ values: [T], _ first: Int, _ out: UnsafeMutableBufferPointer<UInt32>,
                           _ rankOf: UnsafeBufferPointer<UInt32>, key: (T) -> UInt64) {
        values.withUnsafeBufferPointer { all in
            let src = UnsafeBufferPointer(rebasing: all[first ..< first + out.count])
            fixedBounds.withView { index in
                for i in 0 ..< src.count { out[i] = rankOf[index.countAtMost(key(src[i]))] }
            }
        }
    }

    private func lookupWide(_ values: [Int128], _ first: Int, _ out: UnsafeMutableBufferPointer<UInt32>,
                            _ rankOf: UnsafeBufferPointer<UInt32>) {
        values.withUnsafeBufferPointer { all in
            wideBounds.withUnsafeBufferPointer { b in
                for i in 0 ..< out.count { out[i] = rankOf[Self.countAtMost(b, all[first + i])] }
            }
        }
    }

    /// How many of the sorted `b` are ≤ v, by a branch-free binary search.
    @inline(__always)
    static func countAtMost<K: Comparable>(_ b: UnsafeBufferPointer<K>, _ v: K) -> Int {
        var n = b.count
        guard n > 0 else { return 0 }
        var base = 0
        while n > 1 {
            let half = n >> 1
            base = b[base + half] <= v ? base + half : base
            n -= half
        }
        return base + (b[base] <= v ? 1 : 0)
    }

    /// The first 8 bytes big-endian, zero-padded: orders like the bytes except between values
    /// equal in their first 8 bytes (and zero padding), which the full comparison settles.
    @inline(__always)
    static func prefix(_ v: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var p: UInt64 = 0
        let k = min(8, v.count)
        for j in 0 ..< k { p = p << 8 | UInt64(v[j]) }
        return k == 0 ? 0 : p << UInt64(8 * (8 - k))
    }

    /// `prefix` of data[start ..< end], with one unaligned load when 8 bytes are readable.
    @inline(__always)
    static func prefix(_ data: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        guard start + 8 <= data.count, let base = data.baseAddress else {
            return prefix(UnsafeBufferPointer(rebasing: data[start ..< end]))
        }
        let word = UInt64(bigEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self))
        let length = end - start
        return length >= 8 ? word : length <= 0 ? 0 : word & ~(UInt64.max >> UInt64(8 * length))
    }

    private func lookupBytes(_ offsets: [Int32], _ data: [UInt8], _ first: Int, _ out: UnsafeMutableBufferPointer<UInt32>,
                             _ rankOf: UnsafeBufferPointer<UInt32>) {
        data.withUnsafeBufferPointer { d in
          offsets.withUnsafeBufferPointer { offsets in
            boundBytes.withUnsafeBufferPointer { bb in
                boundEnds.withUnsafeBufferPointer { be in
                    boundPrefixes.withView { bp in
                        for i in 0 ..< out.count {
                            let start = Int(offsets[first + i]), end = Int(offsets[first + i + 1])
                            let value = UnsafeBufferPointer(rebasing: d[start ..< end])
                            // Bounds with a smaller prefix are below the value, with a larger one above.
                            var (lo, hi) = bp.range(Self.prefix(d, start, end))
                            while lo < hi {
                                let mid = (lo + hi) >> 1
                                let bound = UnsafeBufferPointer(rebasing: bb[(mid == 0 ? 0 : be[mid - 1]) ..< be[mid]])
                                if Self.compare(bound, value) <= 0 { lo = mid + 1 } else { hi = mid }
                            }
                            out[i] = rankOf[lo]
                        }
                    }
                }
            }
          }
        }
    }
}
