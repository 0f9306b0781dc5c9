// KeySortTests: the Z-order row order against the standard library's sort of (key, index) pairs,
// for keys narrow enough to pack with their index and keys that are not, with many ties.
import Testing
@testable import TarnTable
import TarnTestSupport

@Suite struct KeySortTests {
    static func reference(_ keys: [UInt64]) -> [Int32] {
        keys.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }.map { Int32($0) }
    }

    @Test(arguments: [(0, 1), (1, 1), (1000, 3), (5000, 20), (5000, 32), (3000, 44), (3000, 64), (20000, 12)])
    func matchesAStableSort(n: Int, keyBits: Int) {
        var rng = SeededRandom(seed: UInt64(n * 64 + keyBits))
        let mask = keyBits == 64 ? UInt64.max : (UInt64(1) << UInt64(keyBits)) - 1
        let pool = (0 ..< max(1, n / 4)).map { _ in UInt64.random(in: 0 ... UInt64.max, using: &rng) & mask }
        let keys = (0 ..< n).map { _ in pool[Int.random(in: 0 ..< pool.count, using: &rng)] }   // ties
        #expect(KeySort.order(keys) == KeySortTests.reference(keys), "n \(n), \(keyBits)-bit keys")
    }

    /// Passes split over threads (slices counted apart, buckets laid out slice by slice) give the
    /// same stable order, ties included.
    @Test(arguments: [1, 2, 3, 5])
    func threadsGiveTheSameOrder(threads: Int) {
        var rng = SeededRandom(seed: UInt64(threads))
        let n = KeySort.parallelMinimumRows * 2 + 77
        let pool = (0 ..< 500).map { _ in UInt64.random(in: 0 ..< (1 << 30), using: &rng) }
        let keys = (0 ..< n).map { _ in pool[Int.random(in: 0 ..< pool.count, using: &rng)] }
        #expect(KeySort.order(keys, threads: threads) == KeySortTests.reference(keys), "\(threads) threads")
        #expect(KeySort.order([UInt64](repeating: 3, count: n), threads: threads) == (0 ..< n).map { Int32($0) })
    }

    @Test func equalKeysKeepInputOrder() {
        #expect(KeySort.order([UInt64](repeating: 7, count: 100)) == (0 ..< 100).map { Int32($0) })
        #expect(KeySort.order([3, 1, 2, 1, UInt64.max, 0]) == [5, 1, 3, 2, 0, 4])
    }
}
