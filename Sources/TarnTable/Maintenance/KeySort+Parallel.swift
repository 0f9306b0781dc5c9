// KeySort+Parallel: the packed sort's counting passes split over threads. Each thread counts the
// digits of its own contiguous slice; buckets are laid out digit by digit and, within a digit,
// slice by slice, so the pass stays stable; then each thread scatters its slice into its own
// ranges. Below `parallelMinimumRows` one thread does it all.
import Foundation

extension KeySort {
    static let parallelMinimumRows = 1 << 16

    /// A word buffer shared by the threads of a pass (each writes only its own ranges).
    typealias Words = SharedBuffer<UInt64>

    /// Threads for `n` words: the cores, or one below `parallelMinimumRows`.
    static func threads(_ n: Int, _ asked: Int?) -> Int {
        n < parallelMinimumRows ? 1 : max(1, asked ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// One stable counting pass of `n` words from `src` to `dst` on the digit at `shift`; false
    /// (nothing moved) when every word has the same digit.
    static func pass(_ src: Words, _ dst: Words, count n: Int, shift: Int, threads: Int) -> Bool {
        let digits = 1 << digitBits
        let s = UInt64(shift), mask = UInt64(digits - 1)
        let slices = (0 ..< threads).map { t in n * t / threads ..< n * (t + 1) / threads }
        var counts: [[Int]] = []
        for r in ParallelMap.run(count: threads, parallel: threads > 1, { t -> [Int] in
            var c = [Int](repeating: 0, count: digits)
            c.withUnsafeMutableBufferPointer { c in
                for i in slices[t] { c[Int((src.base[i] >> s) & mask)] += 1 }
            }
            return c
        }) {
            guard case let .success(c) = r else { return false }
            counts.append(c)
        }
        var starts = counts
        var running = 0
        for d in 0 ..< digits {
            for t in 0 ..< threads {
                if counts[t][d] == n { return false }
                starts[t][d] = running
                running += counts[t][d]
            }
        }
        let layout = starts
        _ = ParallelMap.run(count: threads, parallel: threads > 1) { t in
            var at = layout[t]
            at.withUnsafeMutableBufferPointer { at in
                for i in slices[t] {
                    let w = src.base[i]
                    let d = Int((w >> s) & mask)
                    dst.base[at[d]] = w
                    at[d] += 1
                }
            }
        }
        return true
    }

    /// The low `indexBits` of each word as row indexes, split over threads.
    static func indexes(_ words: [UInt64], indexBits: Int, threads: Int) -> [Int32] {
        let n = words.count
        let mask = (UInt64(1) << UInt64(indexBits)) - 1
        return words.withUnsafeBufferPointer { w in
            [Int32](unsafeUninitializedCapacity: n) { out, done in
                guard let o = out.baseAddress, let wb = w.baseAddress else { return }
                let into = SharedBuffer(o), from = Words(UnsafeMutablePointer(mutating: wb))
                _ = ParallelMap.run(count: threads, parallel: threads > 1) { t in
                    for i in n * t / threads ..< n * (t + 1) / threads {
                        into.base[i] = Int32(truncatingIfNeeded: from.base[i] & mask)
                    }
                }
                done = n
            }
        }
    }
}
