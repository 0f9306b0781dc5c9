// FuzzTests: replays every kept regression input and every committed seed through its target
// (a crash kills the test process; a hang shows as a slow input), and checks that the seeds are
// real inputs: the pyarrow encoding files decode to the values an independent model predicts,
// and each derived page seed decodes as a page.
import Foundation
import Testing
import TarnParquet
import TarnColumnar
@testable import TarnFuzz

@Suite struct FuzzReplayTests {
    /// Seconds one input may take in a debug build before it counts as a hang.
    static let slowInput = 2.0

    @Test func fixturesLoad() throws {
        try FuzzTarget.selfCheck()
    }

    @Test(arguments: FuzzTarget.allCases)
    func replaySeedsAndRegressions(_ target: FuzzTarget) throws {
        let seeds = FuzzCorpus.seeds(target)
        #expect(seeds.count >= 4, "target \(target): only \(seeds.count) committed seeds under \(FuzzCorpus.seedsDirectory.path)")
        for (name, bytes) in seeds + FuzzCorpus.regressions(target) {
            let started = ContinuousClock.now
            target.run(bytes)
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            #expect(seconds < Self.slowInput, "target \(target) input \(name): \(seconds) s")
        }
    }

    /// The pyarrow seed files (Tests/Fuzz/make-seeds) hold 40 rows whose i64 column is i² × 1000003
    /// and whose i32 column is 7i − 50, null when i is a multiple of 5, whatever the encoding.
    @Test func encodingSeedsDecodeToTheModel() throws {
        let files = FuzzCorpus.files(in: FuzzCorpus.seedsDirectory.appendingPathComponent("parquet")).filter { $0.0.hasPrefix("pa-") }
        #expect(files.count >= 10)
        for (name, bytes) in files {
            let file = try ParquetFile(source: MemorySource(bytes, name: name))
            let batches = try file.readAll()
            let rows = batches.flatMap { b in (0 ..< b.count).map { r in b.columns.map { $0.value(at: r) } } }
            #expect(rows.count == 40, "\(name)")
            guard let i64 = file.schema.index(of: "i64"), let i32 = file.schema.index(of: "i32") else {
                Issue.record("\(name): missing columns")
                continue
            }
            for (i, row) in rows.enumerated() {
                let long: Int64 = Int64(i) * Int64(i) * 1_000_003
                let int: Value = i % 5 == 0 ? Value.null : Value.int(Int64(i) * 7 - 50)
                #expect(row[i64] == Value.int(long), "\(name) row \(i)")
                #expect(row[i32] == int, "\(name) row \(i)")
            }
        }
    }

    /// Every page seed taken from an uncompressed pyarrow file re-frames into a file that reads.
    @Test func derivedPageSeedsDecode() throws {
        let files = FuzzCorpus.files(in: FuzzCorpus.seedsDirectory.appendingPathComponent("parquet"))
            .filter { $0.0.hasPrefix("pa-") && $0.0.hasSuffix("-none.parquet") }
        var decoded = 0
        for (name, bytes) in files {
            for (k, seed) in FuzzSeeds.pages(fromParquet: bytes).enumerated() {
                let built = try #require(FuzzPages.build(seed), "\(name) page seed \(k)")
                let file = try ParquetFile(source: MemorySource(built, name: "\(name)#\(k)"))
                let batches = try file.readAll()
                #expect(batches.first?.count == Int(file.numRows), "\(name) page seed \(k)")
                decoded += 1
            }
        }
        #expect(decoded >= 20)
    }
}
