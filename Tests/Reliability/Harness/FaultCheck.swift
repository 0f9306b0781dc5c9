// FaultCheck: the rule every faulted run must satisfy (spec/reliability.md "Faults"). Owns the
// classification of one run (succeeded, failed cleanly, ambiguous landed / not landed) and the
// checks: every commit file parses, no commit of the starting table is lost or changed, every
// version reads back (as the model says, for the starting versions), and after the faults are
// cleared the operation completes and a zero-retention full vacuum leaves no orphan.
import TarnColumnar
import TarnStorage
import TarnTable

/// How a faulted operation ended.
public enum FaultOutcome: String, CaseIterable, Sendable {
    case succeeded, failedCleanly, ambiguousLanded, ambiguousNotLanded
}

/// The context of one faulted run, for checks and failure messages.
struct FaultRun {
    let fixture: FaultFixture
    let step: FaultStep
    let spec: FaultSpec
    let position: Int
    let store: MemoryStore

    var table: Table { Table(store: store) }
    var name: String {
        "operation \(step.operation.rawValue) fault \(spec.label) position \(position) seed \(fixture.seed)"
    }

    func failure(_ what: String) -> HarnessFailure { HarnessFailure("\(name): \(what)") }

    /// Classifies the run and checks the rule; `error` is what the operation threw (nil: success).
    func check(error: (any Error)?) throws -> FaultOutcome {
        try checkLog()
        let after = step.apply(to: fixture)
        let actual = try readOrFail(nil, "the latest version")
        let dataCommits = try newDataCommits()
        let outcome: FaultOutcome
        if let error {
            guard let tarn = error as? TarnError else { throw failure("threw a non-TarnError: \(error)") }
            if spec.kind == .lostRace, tarn.code != .concurrentModification {
                throw failure("a lost commit race must retry or fail with concurrentModification, got \(tarn)")
            }
            outcome = try classifyFailure(tarn, actual: actual, after: after, dataCommits: dataCommits)
        } else {
            guard actual == after else { throw failure("succeeded but the table differs from the model: \(after.difference(actual))") }
            outcome = .succeeded
        }
        try checkVersionsReadable()
        return outcome
    }

    private func classifyFailure(_ error: TarnError, actual: FaultModel, after: FaultModel, dataCommits: Int) throws -> FaultOutcome {
        let before = fixture.latest
        if spec.kind == .failSync {
            if dataCommits == 0, actual == before { return landedCheckpoint() ? .ambiguousLanded : .ambiguousNotLanded }
            if dataCommits == 1, actual == after { return .ambiguousLanded }
            throw failure("ambiguous failure (\(error)) left a table that is neither before nor after: "
                + "\(dataCommits) new data commits, \(after.difference(actual))")
        }
        guard dataCommits == 0, actual == before else {
            throw failure("failed (\(error)) but the table changed: \(dataCommits) new data commits, \(before.difference(actual))")
        }
        return .failedCleanly
    }

    /// A checkpoint whose put reported failure may still have landed.
    private func landedCheckpoint() -> Bool {
        step.operation == .checkpoint && ((try? store.exists(LogNames.checkpoint(fixture.latestVersion))) ?? false)
    }

    /// Every commit file parses; every commit of the starting table is still there, byte for byte.
    func checkLog() throws {
        for meta in try store.list(prefix: LogNames.directory) where meta.key.hasSuffix(".json") {
            do { _ = try ActionCodec.parseCommit(try store.get(meta.key), file: meta.key) } catch {
                throw failure("commit file \(meta.key) does not parse (torn or partial): \(error)")
            }
        }
        for meta in try fixture.store.list(prefix: LogNames.directory) where meta.key.hasSuffix(".json") {
            guard let bytes = try? store.get(meta.key), bytes == (try fixture.store.get(meta.key)) else {
                throw failure("commit \(meta.key) of the starting table was lost or changed")
            }
        }
    }

    /// Commits after the starting version that change data, metadata or protocol.
    func newDataCommits() throws -> Int {
        var count = 0
        for meta in try store.list(prefix: LogNames.directory) where meta.key.hasSuffix(".json") {
            guard let file = LogNames.parse(meta), file.kind == .commit, file.version > fixture.latestVersion else { continue }
            let actions = try ActionCodec.parseCommit(try store.get(meta.key), file: meta.key)
            if actions.contains(where: { if case .commitInfo = $0 { return false }; return true }) { count += 1 }
        }
        return count
    }

    /// Every version reads; the starting versions read as their models (unless files were vacuumed).
    func checkVersionsReadable() throws {
        let latest = try table.snapshot().version
        let first = step.operation.vacuums ? latest : 0
        for version in first ... latest {
            let model = try readOrFail(version, "version \(version)")
            if !step.operation.vacuums, let expected = fixture.versions[version], expected.rows != model.rows {
                throw failure("version \(version) of the starting table now reads differently: \(expected.difference(model))")
            }
        }
    }

    func readOrFail(_ version: Int64?, _ what: String) throws -> FaultModel {
        do { return try FaultFixture.read(table, version: version) } catch let e as HarnessFailure { throw e } catch {
            throw failure("\(what) is not readable: \(error)")
        }
    }

    /// With the faults cleared: a failed operation completes as the model says, and a
    /// zero-retention full vacuum reclaims every unreferenced file without changing the rows.
    func recover(after outcome: FaultOutcome) throws {
        store.clearFaults()
        let after = step.apply(to: fixture)
        if outcome == .failedCleanly || outcome == .ambiguousNotLanded {
            do { try step.run(table) } catch { throw failure("after clearing the faults the operation still fails: \(error)") }
            let actual = try readOrFail(nil, "the latest version after the retry")
            guard actual == after else { throw failure("the retry after clearing the faults differs from the model: \(after.difference(actual))") }
        }
        do { _ = try table.vacuum(FaultStep.vacuumOptions(.full, now: step.vacuumNow)) } catch {
            throw failure("the cleanup vacuum failed: \(error)")
        }
        let actual = try readOrFail(nil, "the latest version after the cleanup vacuum")
        guard actual == after else { throw failure("the cleanup vacuum changed the rows: \(after.difference(actual))") }
        try checkNoOrphans()
    }

    /// Every object outside `_delta_log/` is a data or deletion-vector file the latest version uses.
    func checkNoOrphans() throws {
        let snapshot = try table.snapshot()
        var referenced = Set<String>()
        for add in snapshot.files {
            referenced.insert(LogPath.decode(add.path))
            if let dv = try add.deletionVector?.relativePath() { referenced.insert(dv) }
        }
        for meta in try store.list(prefix: "") where !meta.key.hasPrefix(LogNames.directory) {
            guard referenced.contains(meta.key) else {
                throw failure("file \(meta.key) is referenced by no version and survived a zero-retention full vacuum")
            }
        }
        for key in referenced where !((try? store.exists(key)) ?? false) {
            throw failure("file \(key) of the latest version is missing")
        }
    }
}
