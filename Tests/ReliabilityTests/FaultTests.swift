// FaultTests: the CI-sized fault-injection sweep (one seed, every operation × fault, a few
// positions each) and proofs that its checker can fail: a commit torn by hand, a table changed
// behind the operation's back, and a store that silently drops writes must each be reported.
import Testing
import TarnReliability
import TarnStorage
import TarnTable
import TarnTestSupport

@Suite struct FaultTests {
    @Test func ciSweepEveryOperationAndFault() throws {
        let seed = SeededRandom.seeds(count: 1, base: 7)[0]
        let report = try FaultSweep(FaultSweepOptions(seeds: [seed], maxPositions: 2)).run()
        for operation in FaultOperation.allCases {
            #expect(report.cells.keys.contains { $0.hasPrefix(operation.rawValue + "/") }, "\(operation) never ran: \(report.text())")
        }
        #expect(report.injected.values.reduce(0, +) > report.runs / 2, "\(report.text())")
        for kind in MemoryStore.Fault.Kind.allCases {
            #expect((report.injected[kind] ?? 0) > 0, "no \(kind) fault fired: \(report.text())")
        }
        #expect((report.outcomes[.failedCleanly] ?? 0) > 0 && (report.outcomes[.succeeded] ?? 0) > 0, "\(report.text())")
        #expect((report.outcomes[.ambiguousLanded] ?? 0) > 0, "\(report.text())")
    }

    @Test func aTornCommitIsReported() throws {
        let fixture = try FaultFixture(seed: 3, deletionVectors: false)
        let store = fixture.store.clone(name: "torn-by-hand")
        let key = LogNames.commit(fixture.latestVersion + 1)
        #expect(try store.putIfAbsent(key, Array(#"{"commitInfo":{"timestamp":1},"add":{"pa"#.utf8)))
        let failure = expectFailure { try FaultProbe.check(fixture, .append, store: store, error: TarnError(.io, "x")) }
        #expect(failure?.contains("does not parse") == true && failure?.contains("seed 3") == true, "\(failure ?? "")")
    }

    @Test func aFailedOperationThatChangedTheTableIsReported() throws {
        let fixture = try FaultFixture(seed: 5, deletionVectors: false)
        let store = fixture.store.clone(name: "changed-behind")
        _ = try Table(store: store).delete(where: try RowCondition.parse("cat = 'a'", schema: FaultFixture.schema))
        let failure = expectFailure { try FaultProbe.check(fixture, .append, store: store, error: TarnError(.io, "x")) }
        #expect(failure?.contains("the table changed") == true, "\(failure ?? "")")
        let success = expectFailure { try FaultProbe.check(fixture, .append, store: store, error: nil) }
        #expect(success?.contains("differs from the model") == true, "\(success ?? "")")
    }

    @Test func aStoreThatSilentlyDropsADataFileIsReported() throws {
        let fixture = try FaultFixture(seed: 9, deletionVectors: false)
        let store = fixture.store.clone(name: "dropping")
        try FaultProbe.run(fixture, .append, store: store)
        let data = try store.list(prefix: "").map(\.key).filter { !$0.hasPrefix(LogNames.directory) }
        let newest = try #require(data.max { try store.head($0).lastModifiedMillis < store.head($1).lastModifiedMillis })
        try store.delete(newest)                        // the put "succeeded" but the bytes are gone
        let failure = expectFailure { try FaultProbe.check(fixture, .append, store: store, error: nil) }
        #expect(failure?.contains("not readable") == true, "\(failure ?? "")")
    }

    @Test func listingGapOnTheNewestCommitNeverLosesACommit() throws {
        let options = FaultSweepOptions(seeds: [11], maxPositions: 3)
        var o = options
        o.faults = ["listingGap-newestCommit", "lostRace"]
        let report = try FaultSweep(o).run()
        #expect(report.runs > 0 && (report.injected[.listingGap] ?? 0) > 0 && (report.injected[.lostRace] ?? 0) > 0)
    }

    // MARK: Regressions of bugs the sweep found

    /// Bug: a commit whose putIfAbsent stored the bytes and then threw (failed fsync, lost reply)
    /// made the write delete its data files, leaving a committed version naming missing files.
    @Test func anAmbiguousCommitFailureKeepsTheDataFiles() throws {
        let store = MemoryStore(name: "ambiguous-commit")
        let table = Table(store: store)
        try table.create(schema: FaultFixture.schema)
        store.inject(.failSync(.suffix(".json")))
        let rows: [[Value]] = [[.int(1), .string("a"), .int(5)], [.int(2), .string("b"), .int(6)]]
        let r = try table.write([try RecordBatch(schema: FaultFixture.schema, rows: rows)])
        #expect(r.version == 1 && store.injectedCount(.failSync) == 1)
        let read = try Scan(snapshot: try Table(store: store).snapshot(), store: store).batches().flatMap(\.rows)
        #expect(read.count == 2)
    }

    /// Bug: a checkpoint torn mid-write (a store without atomic replace) made the table unreadable.
    @Test func aTornCheckpointFallsBackToTheCommits() throws {
        let fixture = try FaultFixture(seed: 2, deletionVectors: false)
        let store = fixture.store.clone(name: "torn-checkpoint")
        try store.put(LogNames.checkpoint(fixture.latestVersion), Array("PAR1tor".utf8))
        let outcome = try FaultProbe.check(fixture, .optimize, store: store, error: nil)
        #expect(outcome == .succeeded)
        #expect(try Table(store: store).snapshot(version: fixture.latestVersion).files.count > 0)
    }

    private func expectFailure(_ body: () throws -> Void) -> String? {
        do { try body() } catch let f as HarnessFailure { return f.description } catch {
            Issue.record("expected a HarnessFailure, got \(error)")
            return nil
        }
        Issue.record("the checker accepted a broken table")
        return nil
    }
}
