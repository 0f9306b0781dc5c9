// FuzzMutationTests: the CI-sized in-process fuzz. Per target, seeded random mutations (bit flips,
// byte inserts and deletes, interesting integers, chunk copies, splices of two seeds) of the
// committed seeds; every input must return (a trap kills the test process) and none may hang.
// Re-run one case with TARN_SEED=<seed>; the failing input is written next to the message.
import Foundation
import Testing
import TarnTestSupport
@testable import TarnFuzz

/// Seeded byte-string mutations in the style of libFuzzer's mutators.
struct Mutator {
    var random: SeededRandom
    static let interesting: [UInt64] = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000,
                                        0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, UInt64.max]

    mutating func int(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(random.next() % UInt64(bound)) }

    /// One to four mutations of `input`; `other` is a second seed for splices.
    mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0 ... int(4) { step(&b, other) }
        return b.count > 1 << 16 ? Array(b.prefix(1 << 16)) : b
    }

    mutating func step(_ b: inout [UInt8], _ other: [UInt8]) {
        switch int(8) {
        case 0 where !b.isEmpty: b[int(b.count)] ^= 1 << UInt8(int(8))
        case 1 where !b.isEmpty: b[int(b.count)] = UInt8(truncatingIfNeeded: random.next())
        case 2: b.insert(contentsOf: (0 ... int(4)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: int(b.count + 1))
        case 3 where !b.isEmpty:
            let at = int(b.count)
            b.removeSubrange(at ..< min(b.count, at + 1 + int(8)))
        case 4 where !b.isEmpty: putInteresting(&b)
        case 5 where !b.isEmpty:   // copy a chunk of the input over another place
            let from = int(b.count), to = int(b.count), n = min(1 + int(32), b.count - max(from, to))
            if n > 0 { b.replaceSubrange(to ..< to + n, with: b[from ..< from + n]) }
        case 6 where !other.isEmpty:   // splice: a prefix of one with a suffix of the other
            b = Array(b.prefix(int(b.count + 1))) + other.suffix(int(other.count + 1))
        case 7 where !b.isEmpty: b = Array(b.prefix(int(b.count + 1)))
        default: b.append(UInt8(truncatingIfNeeded: random.next()))
        }
    }

    /// Overwrites 1, 2, 4 or 8 bytes (either byte order) with an interesting integer.
    mutating func putInteresting(_ b: inout [UInt8]) {
        let width = [1, 2, 4, 8][int(4)]
        guard b.count >= width else { return }
        let at = int(b.count - width + 1)
        let v = Mutator.interesting[int(Mutator.interesting.count)] &- UInt64(int(2))
        let bigEndian = int(2) == 0
        for k in 0 ..< width {
            let shift = UInt64(bigEndian ? width - 1 - k : k) * 8
            b[at + k] = UInt8(truncatingIfNeeded: v >> shift)
        }
    }
}

/// Writes `bytes` to `path` (plain stdio: no fsync, it runs before every input).
func keep(_ bytes: [UInt8], at path: String) {
    guard let f = fopen(path, "wb") else { return }
    bytes.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, f) }
    fclose(f)
}

@Suite struct FuzzMutationTests {
    /// Inputs per target per seed in the CI-sized run (TARN_FUZZ_INPUTS overrides).
    static let inputs = ProcessInfo.processInfo.environment["TARN_FUZZ_INPUTS"].flatMap { Int($0) } ?? 2000
    /// Seconds one mutated input may take in a debug build before it counts as a hang.
    static let slowInput = 2.0

    @Test(arguments: FuzzTarget.allCases)
    func mutatedSeedsReturn(_ target: FuzzTarget) throws {
        let seeds = FuzzCorpus.seeds(target).map(\.1) + FuzzCorpus.regressions(target).map(\.1)
        try #require(!seeds.isEmpty, "target \(target) has no seeds")
        for seed in SeededRandom.seeds(count: 1, base: target.rawValue.utf8.reduce(UInt64(0x7A2F_0000)) { $0 &* 31 &+ UInt64($1) }) {
            var m = Mutator(random: SeededRandom(seed: seed))
            // A trap kills the process before any message: the input being run is always on disk.
            let last = FileManager.default.temporaryDirectory.appendingPathComponent("tarn-fuzz-last-\(target)")
            print("fuzz: target \(target) seed \(seed): \(Self.inputs) inputs; the current one is kept at \(last.path)")
            for step in 0 ..< Self.inputs {
                let input = m.mutate(seeds[m.int(seeds.count)], other: seeds[m.int(seeds.count)])
                keep(input, at: last.path)
                let started = ContinuousClock.now
                target.run(input)
                let seconds = (ContinuousClock.now - started) / .seconds(1)
                if seconds >= Self.slowInput {
                    let kept = FileManager.default.temporaryDirectory.appendingPathComponent("tarn-fuzz-slow-\(target)-\(seed)-\(step)")
                    _ = FileManager.default.createFile(atPath: kept.path, contents: Data(input))
                    Issue.record("target \(target) seed \(seed) step \(step): \(seconds) s (input kept at \(kept.path))")
                }
            }
        }
    }
}
