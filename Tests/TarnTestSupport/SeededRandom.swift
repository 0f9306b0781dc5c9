// SeededRandom: a small, fast, reproducible generator (SplitMix64) for property tests. Every
// randomized test takes a seed, prints it on failure, and can be re-run with TARN_SEED=<seed>.
import Foundation
import TarnCodecs

public struct SeededRandom: RandomNumberGenerator {
    private var generator: SplitMix64
    public let seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        generator = SplitMix64(seed: seed)
    }

    public mutating func next() -> UInt64 { generator.next() }

    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0 ..< 1, using: &self) < p }

    /// Seeds for a test: TARN_SEED if set (one seed), otherwise `count` seeds derived from `base`.
    public static func seeds(count: Int, base: UInt64) -> [UInt64] {
        if let s = ProcessInfo.processInfo.environment["TARN_SEED"], let v = UInt64(s) { return [v] }
        return (0 ..< UInt64(count)).map { base &+ $0 &* 7919 }
    }
}
