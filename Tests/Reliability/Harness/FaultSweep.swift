// FaultSweep: the systematic fault-injection sweep (issue 7 item 2). For every seed, operation,
// fault and position — the n-th store operation where the fault could fire, counted by a dry
// run — it clones the starting table, arms the fault, runs the operation and checks the rule of
// FaultCheck, then clears the fault and checks recovery. FaultReport holds the figures.
import Foundation
import TarnCodecs
import TarnStorage
import TarnTable
import TarnTestSupport

/// A fault the sweep injects: a MemoryStore fault with its key matcher, and a label.
public struct FaultSpec: Sendable {
    public let label: String
    public let kind: MemoryStore.Fault.Kind
    let make: @Sendable (FaultFixture) -> MemoryStore.Fault
    /// Faults armed beside the positioned one, from the start and for the whole run.
    var companions: [MemoryStore.Fault] = []

    /// A commit another writer slipped in: commitInfo only, so it conflicts with nothing.
    static let rival = Array(#"{"commitInfo":{"timestamp":1,"operation":"RIVAL WRITER","operationParameters":{},"isBlindAppend":true}}"#.utf8) + [10]

    static func isCommit(_ key: String) -> Bool { key.hasPrefix(LogNames.directory) && key.hasSuffix(".json") }

    /// Every fault of the sweep. Torn writes spare commit files: every store creates a commit
    /// atomically (LocalStore links a complete temporary file), so a torn commit is not a state a
    /// real store produces; data files, checkpoints and `_last_checkpoint` are torn.
    public static func all(seed: UInt64) -> [FaultSpec] {
        let keep = Int(seed % 97)
        return [
            FaultSpec(label: "failPut", kind: .failPut) { _ in .failPut() },
            FaultSpec(label: "tornWrite", kind: .tornWrite) { _ in .tornWrite(keepBytes: keep, .init { !isCommit($0) }) },
            FaultSpec(label: "lostRace", kind: .lostRace) { _ in .lostRace(rival: rival, .init { isCommit($0) }) },
            FaultSpec(label: "listingGap", kind: .listingGap) { _ in .listingGap(omitting: .any) },
            FaultSpec(label: "listingGap-newestCommit", kind: .listingGap) { f in
                .listingGap(omitting: .exact(LogNames.commit(f.latestVersion)))
            },
            FaultSpec(label: "failSync", kind: .failSync) { _ in .failSync() },
            FaultSpec(label: "failGet", kind: .failGet) { _ in .failGet() },
            FaultSpec(label: "failDelete", kind: .failDelete) { _ in .failDelete() },
            // A crash between the data-file writes and the commit: the commit fails and so does
            // every cleanup delete, so the data files stay behind for vacuum to reclaim.
            FaultSpec(label: "crashBeforeCommit", kind: .failPut, make: { _ in .failPut(.init { isCommit($0) }) },
                      companions: [.failDelete()]),
        ]
    }
}

/// What to sweep.
public struct FaultSweepOptions: Sendable {
    public var seeds: [UInt64] = [1]
    public var operations: [FaultOperation] = FaultOperation.allCases
    /// Fault labels to run (nil: all of `FaultSpec.all`).
    public var faults: Set<String>?
    /// At most this many positions per operation and fault (the first, the last and seeded
    /// others); nil runs every position.
    public var maxPositions: Int?

    public init(seeds: [UInt64] = [1], maxPositions: Int? = nil) {
        self.seeds = seeds
        self.maxPositions = maxPositions
    }
}

/// The sweep's figures.
public struct FaultReport: Sendable {
    /// Faulted runs (operation × fault × position × seed).
    public var runs = 0
    /// Positions the dry runs counted, over every operation, fault and seed.
    public var positionsCounted = 0
    /// Runs whose fault never fired (the operation took another path than in the dry run).
    public var notFired = 0
    public var injected: [MemoryStore.Fault.Kind: Int] = [:]
    public var outcomes: [FaultOutcome: Int] = [:]
    /// Runs per operation and fault label.
    public var cells: [String: Int] = [:]
    public var seconds = 0.0

    /// The report as one JSON object.
    public func json() -> JSONValue {
        func counts<K>(_ d: [K: Int], _ name: (K) -> String) -> JSONValue {
            .object(d.map { (name($0.key), JSONValue.int($0.value)) }.sorted { $0.0 < $1.0 })
        }
        return .object([
            ("runs", .int(runs)), ("positionsCounted", .int(positionsCounted)), ("notFired", .int(notFired)),
            ("faultsInjected", .int(injected.values.reduce(0, +))), ("injectedByKind", counts(injected) { $0.rawValue }),
            ("outcomes", counts(outcomes) { $0.rawValue }), ("cells", .int(cells.count)),
            ("seconds", .number(String(format: "%.1f", seconds))),
        ])
    }

    /// A few lines for people.
    public func text() -> String {
        let kinds = injected.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
        let ends = FaultOutcome.allCases.map { "\($0.rawValue) \(outcomes[$0] ?? 0)" }
        return """
        faults: \(runs) runs over \(cells.count) operation × fault cells (\(positionsCounted) positions counted), \(notFired) not fired
        injected: \(injected.values.reduce(0, +)) (\(kinds.joined(separator: ", ")))
        outcomes: \(ends.joined(separator: ", "))
        seconds: \(String(format: "%.1f", seconds))
        """
    }
}

/// The sweep; `run()` throws the first HarnessFailure.
public struct FaultSweep: Sendable {
    public let options: FaultSweepOptions
    public init(_ options: FaultSweepOptions) { self.options = options }

    public func run(progress: (String) -> Void = { _ in }) throws -> FaultReport {
        let start = Date()
        var report = FaultReport()
        for seed in options.seeds {
            let fixtures = [false: try FaultFixture(seed: seed, deletionVectors: false),
                            true: try FaultFixture(seed: seed, deletionVectors: true)]
            let specs = FaultSpec.all(seed: seed).filter { options.faults?.contains($0.label) ?? true }
            for operation in options.operations {
                guard let fixture = fixtures[operation.deletionVectors] else { continue }
                try sweep(FaultStep(operation, fixture: fixture), fixture, specs, into: &report)
                progress("seed \(seed) \(operation.rawValue): \(report.runs) runs so far")
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    private func sweep(_ step: FaultStep, _ fixture: FaultFixture, _ specs: [FaultSpec], into report: inout FaultReport) throws {
        for spec in specs {
            let count = try dryRun(step, fixture, spec)
            report.positionsCounted += count
            for position in positions(count, seed: fixture.seed, step: step) {
                let store = fixture.store.clone(name: "fault-\(fixture.seed)-\(step.operation.rawValue)-\(spec.label)-\(position)")
                store.inject(spec.make(fixture), after: position)
                for companion in spec.companions { store.inject(companion, times: 1_000) }
                var thrown: (any Error)?
                do { try step.run(Table(store: store)) } catch { thrown = error }
                let fired = store.injectedCount(spec.kind)
                let companionsFired = Dictionary(spec.companions.map { ($0.kind, store.injectedCount($0.kind)) }) { a, _ in a }
                store.clearFaults()
                let run = FaultRun(fixture: fixture, step: step, spec: spec, position: position, store: store)
                let outcome = try run.check(error: thrown)
                try run.recover(after: outcome)
                report.runs += 1
                report.cells["\(step.operation.rawValue)/\(spec.label)", default: 0] += 1
                report.injected[spec.kind, default: 0] += fired
                for companion in Set(spec.companions.map(\.kind)) { report.injected[companion, default: 0] += companionsFired[companion] ?? 0 }
                if fired == 0 { report.notFired += 1 }
                report.outcomes[outcome, default: 0] += 1
            }
        }
    }

    /// Runs the operation with `spec` armed to never fire; returns its opportunities. The run must
    /// succeed and match the model.
    func dryRun(_ step: FaultStep, _ fixture: FaultFixture, _ spec: FaultSpec) throws -> Int {
        let store = fixture.store.clone(name: "fault-dry-\(fixture.seed)-\(step.operation.rawValue)")
        store.inject(spec.make(fixture), after: .max)
        let run = FaultRun(fixture: fixture, step: step, spec: spec, position: -1, store: store)
        do { try step.run(Table(store: store)) } catch { throw run.failure("the dry run without faults failed: \(error)") }
        let count = store.passedOpportunities(spec.kind)
        store.clearFaults()
        guard try run.check(error: nil) == .succeeded else { throw run.failure("the dry run did not succeed") }
        return count
    }

    /// The positions to run: all, or at most `maxPositions` (the first, the last, seeded others).
    func positions(_ count: Int, seed: UInt64, step: FaultStep) -> [Int] {
        guard let limit = options.maxPositions, count > limit else { return Array(0 ..< count) }
        var chosen: Set<Int> = limit >= 2 ? [0, count - 1] : [0]
        var rng = SeededRandom(seed: seed &+ UInt64(count) &* 131 &+ UInt64(step.operation.rawValue.utf8.count))
        while chosen.count < limit { chosen.insert(Int(rng.next() % UInt64(count))) }
        return chosen.sorted()
    }
}
