// Test helpers for TarnCodecsTests: a seeded SplitMix64 generator (seeds are printed in failure
// messages so a failing case can be replayed) and data generators for codec round trips.

import TarnCodecs
import TarnTestSupport

/// The shared seeded generator (`seed` is kept for failure messages).
typealias CodecTestRNG = SeededRandom

enum CodecTestData {
    /// Fixed seeds plus one fresh seed per run (printed on failure).
    static let seeds: [UInt64] = [1, 42, 0xDEAD_BEEF, UInt64.random(in: 0 ... UInt64.max)]

    static func random(_ count: Int, _ rng: inout CodecTestRNG) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            var word = rng.next()
            for _ in 0 ..< min(8, count - i) {
                out[i] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                i += 1
            }
        }
        return out
    }

    /// Text-like bytes from a small alphabet with repeated words: compresses well.
    static func compressible(_ count: Int, _ rng: inout CodecTestRNG) -> [UInt8] {
        let words: [[UInt8]] = ["delta", "lake", "parquet", "tarn", "0123", "\n", " ", "{\"id\":"].map { Array($0.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(count + 8)
        while out.count < count { out.append(contentsOf: words[Int.random(in: 0 ..< words.count, using: &rng)]) }
        return Array(out.prefix(count))
    }

    static func isCorruption(_ error: any Error) -> Bool {
        (error as? TarnError)?.code == .corruption
    }
}
