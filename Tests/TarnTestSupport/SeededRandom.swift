// SeededRandom: a small, fast, reproducible generator (SplitMix64) for property tests. Every
// randomized test takes a seed, prints it on failure, and can be re-run with TARN_SEED=<seed>.
import Foundation

public struct SeededRandom: RandomNumberGenerator {
    public private(set) var state: UInt64
    public let seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0 ..< 1, using: &self) < p }

    /// Seeds for a test: TARN_SEED if set (one seed), otherwise `count` seeds derived from `base`.
    public static func seeds(count: Int, base: UInt64) -> [UInt64] {
        if let s = ProcessInfo.processInfo.environment["TARN_SEED"], let v = UInt64(s) { return [v] }
        return (0 ..< UInt64(count)).map { base &+ $0 &* 7919 }
    }
}
