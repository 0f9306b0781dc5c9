// KeySort: the row order of a Z-order rewrite: row indexes sorted by their 64-bit keys with an LSD
// radix sort (16-bit digits, passes where every key has the same digit are skipped), stable, so
// equal keys keep their input order and the result is deterministic.

enum KeySort {
    /// Row indexes 0..<keys.count ordered by key (ties in index order).
    static func order(_ keys: [UInt64]) -> [Int32] {
        let n = keys.count
        var idx = (0 ..< n).map { Int32($0) }
        guard n > 1 else { return idx }
        var k = keys
        var k2 = [UInt64](repeating: 0, count: n)
        var idx2 = [Int32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for pass in 0 ..< 4 {
            let shift = UInt64(pass * 16)
            for i in 0 ..< counts.count { counts[i] = 0 }
            k.withUnsafeBufferPointer { kp in
                for key in kp { counts[Int((key >> shift) & 0xFFFF)] += 1 }
            }
            if counts.contains(n) { continue }   // every key has this digit: the pass changes nothing
            var sum = 0
            for i in 0 ..< counts.count {
                let c = counts[i]
                counts[i] = sum
                sum += c
            }
            k.withUnsafeBufferPointer { kp in
                idx.withUnsafeBufferPointer { ip in
                    k2.withUnsafeMutableBufferPointer { ko in
                        idx2.withUnsafeMutableBufferPointer { io in
                            for i in 0 ..< n {
                                let d = Int((kp[i] >> shift) & 0xFFFF)
                                let at = counts[d]
                                counts[d] = at + 1
                                ko[at] = kp[i]
                                io[at] = ip[i]
                            }
                        }
                    }
                }
            }
            swap(&k, &k2)
            swap(&idx, &idx2)
        }
        return idx
    }
}
