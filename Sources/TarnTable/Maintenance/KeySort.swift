// KeySort: the row order of a Z-order rewrite: row indexes sorted by their 64-bit keys with an LSD
// radix sort, stable, so equal keys keep their input order and the result is deterministic. When
// the keys' used bits and the index fit in 64 bits together (two clustering columns of 16 bits and
// up to 2^32 rows, say), key and index are packed into one word and only the key's digits are
// sorted; otherwise keys and indexes move side by side. Passes whose digit is the same for every
// key are skipped.

enum KeySort {
    /// Bits per radix digit: 2 Ki counters stay in the L1 cache.
    static let digitBits = 11

    /// Row indexes 0..<keys.count ordered by key (ties in index order).
    static func order(_ keys: [UInt64], threads: Int? = nil) -> [Int32] {
        var k = keys
        return order(consuming: &k, threads: threads)
    }

    /// The same, using `keys`' memory as the sort's first buffer (it is left holding no keys).
    /// `threads`: nil for the cores.
    static func order(consuming keys: inout [UInt64], threads: Int? = nil) -> [Int32] {
        let n = keys.count
        guard n > 1 else { return (0 ..< n).map { Int32($0) } }
        let used = keys.reduce(UInt64(0), |)
        let keyBits = 64 - used.leadingZeroBitCount
        let indexBits = 64 - UInt64(n - 1).leadingZeroBitCount
        if keyBits + indexBits <= 64 { return packed(&keys, keyBits: keyBits, indexBits: indexBits, threads: KeySort.threads(n, threads)) }
        return paired(keys, keyBits: keyBits)
    }

    /// Sorts `key << indexBits | index` words (packed into `keys` in place) by their key digits;
    /// the index is the low bits.
    static func packed(_ keys: inout [UInt64], keyBits: Int, indexBits: Int, threads: Int) -> [Int32] {
        let n = keys.count
        keys.withUnsafeMutableBufferPointer { k in
            for i in 0 ..< n { k[i] = k[i] << UInt64(indexBits) | UInt64(i) }
        }
        var a = keys
        keys = []
        var b = [UInt64](unsafeUninitializedCapacity: n) { _, done in done = n }
        var shift = indexBits
        while shift < indexBits + keyBits {
            let moved = a.withUnsafeMutableBufferPointer { ap in
                b.withUnsafeMutableBufferPointer { bp in
                    guard let from = ap.baseAddress, let to = bp.baseAddress else { return false }
                    return pass(Words(from), Words(to), count: n, shift: shift, threads: threads)
                }
            }
            if moved { swap(&a, &b) }
            shift += digitBits
        }
        b = []
        return indexes(a, indexBits: indexBits, threads: threads)
    }

    /// Sorts keys and indexes side by side.
    static func paired(_ keys: [UInt64], keyBits: Int) -> [Int32] {
        let n = keys.count
        var idx = (0 ..< n).map { Int32($0) }
        var k = keys
        var k2 = [UInt64](repeating: 0, count: n)
        var idx2 = [Int32](repeating: 0, count: n)
        var shift = 0
        while shift < keyBits {
            if pass(k, into: &k2, shift: shift, carrying: idx, into: &idx2) {
                swap(&k, &k2)
                swap(&idx, &idx2)
            }
            shift += digitBits
        }
        return idx
    }

    /// One counting pass on the digit at `shift`, moving `payload` (when given) with the words;
    /// false (nothing moved) when every word has the same digit.
    static func pass(_ src: [UInt64], into dst: inout [UInt64], shift: Int,
                     carrying payload: [Int32]? = nil, into payloadOut: inout [Int32]) -> Bool {
        let n = src.count
        let s = UInt64(shift), mask = UInt64((1 << digitBits) - 1)
        var starts = [Int](repeating: 0, count: 1 << digitBits)
        src.withUnsafeBufferPointer { sp in
            for w in sp { starts[Int((w >> s) & mask)] += 1 }
        }
        if starts.contains(n) { return false }
        var sum = 0
        for d in starts.indices {
            let c = starts[d]
            starts[d] = sum
            sum += c
        }
        src.withUnsafeBufferPointer { sp in
            dst.withUnsafeMutableBufferPointer { dp in
                starts.withUnsafeMutableBufferPointer { st in
                    payloadOut.withUnsafeMutableBufferPointer { po in
                        (payload ?? []).withUnsafeBufferPointer { pp in
                            let moving = payload != nil
                            for i in 0 ..< n {
                                let d = Int((sp[i] >> s) & mask)
                                let at = st[d]
                                st[d] = at + 1
                                dp[at] = sp[i]
                                if moving { po[at] = pp[i] }
                            }
                        }
                    }
                }
            }
        }
        return true
    }
}
