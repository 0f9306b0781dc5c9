// CrashHarness: the crash-testing run (issue 7 item 1). A seeded sequence of `tarn` child
// processes against one table, most killed with SIGKILL at a random point; after every kill the
// table is checked against the reference model (CrashChecker); at the end a full vacuum must
// reclaim every orphan of the killed writers.
import Foundation
import TarnTestSupport

/// What to run.
public struct CrashOptions: Sendable {
    /// The `tarn` binary the children run.
    public var tarn: String
    /// The work directory (the table and the step inputs go under it); a temp dir when nil.
    public var work: String?
    public var seed: UInt64
    /// Kills to make before the run ends.
    public var kills: Int
    /// The share of steps killed (the rest run to completion).
    public var killFraction: Double = 0.7
    /// Called with a progress line every `progressEvery` kills (and at the end).
    public var progressEvery: Int = 25
    public var progress: (@Sendable (String) -> Void)?
    /// Also reports every step (kind, kill delay, outcome) through `progress`.
    public var traceSteps = false

    public init(tarn: String, work: String? = nil, seed: UInt64, kills: Int) {
        self.tarn = tarn; self.work = work; self.seed = seed; self.kills = kills
    }
}

/// The figures of a run.
public struct CrashReport: Sendable, Codable, CustomStringConvertible {
    public var seed: UInt64
    public var deletionVectors = false
    public var partitioned = false
    public var kills = 0
    public var steps = 0
    public var stepsCompleted = 0
    public var killsByKind: [String: Int] = [:]
    public var killsCommitted = 0
    public var killsNotCommitted = 0
    public var checksPassed = 0
    public var versionsTimeTravelled = 0
    public var staleCheckpointHints = 0
    public var orphansReclaimed = 0
    public var hiddenFilesLeft = 0
    public var finalVersion: Int64 = 0
    public var finalRows = 0
    public var seconds = 0.0

    public var description: String {
        let byKind = killsByKind.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return """
        crash seed \(seed) (deletion vectors \(deletionVectors), partitioned \(partitioned)): \(kills) kills \
        (\(killsCommitted) after the commit, \(killsNotCommitted) before it), \(steps) steps (\(stepsCompleted) completed), \
        \(checksPassed) checks passed, \(versionsTimeTravelled) versions time-travelled, \(staleCheckpointHints) stale \
        checkpoint hints, \(orphansReclaimed) orphans reclaimed, \(hiddenFilesLeft) hidden files left, final version \
        \(finalVersion) with \(finalRows) rows, \(String(format: "%.1f", seconds)) s
        kills by kind: \(byKind)
        """
    }
}

/// Runs the crash harness: `try CrashHarness(options).run()`.
public struct CrashHarness {
    public let options: CrashOptions
    public init(_ options: CrashOptions) { self.options = options }

    /// Runs until `options.kills` kills were made and checked; throws HarnessFailure on any
    /// broken invariant.
    public func run() throws -> CrashReport {
        var state = try CrashRunState(options)
        defer { state.cleanUp() }
        try state.create()
        let maxSteps = options.kills * 5 + 50
        while state.report.kills < options.kills && state.report.steps < maxSteps {
            try state.step()
        }
        try state.finish()
        return state.report
    }
}

/// The mutable state of one run.
struct CrashRunState {
    let options: CrashOptions
    let work: String
    let ownsWork: Bool
    let table: String
    var rng: SeededRandom
    var planner: CrashPlanner
    var model: CrashRows = [:]
    /// Models of the versions time travel must still reach (those from the last vacuum on).
    var versions: [Int64: CrashRows] = [:]
    var latest: Int64 = 0
    var durations = CrashDurations()
    var bronze: CrashBronze
    var report: CrashReport
    let started = Date()

    init(_ options: CrashOptions) throws {
        self.options = options
        ownsWork = options.work == nil
        work = options.work ?? (NSTemporaryDirectory() + "tarn-crash-\(options.seed)-\(UUID().uuidString)")
        table = work + "/table"
        let fm = FileManager.default
        if fm.fileExists(atPath: table) { throw HarnessFailure("crash seed \(options.seed): \(table) already exists; give an empty --work") }
        try fm.createDirectory(atPath: work + "/inputs", withIntermediateDirectories: true)
        rng = SeededRandom(seed: options.seed)
        let partitioned = rng.chance(0.3)
        planner = CrashPlanner(table: table, inputDir: work + "/inputs", partitioned: partitioned)
        bronze = try CrashBronze(work: work)
        report = CrashReport(seed: options.seed)
        report.partitioned = partitioned
        report.deletionVectors = rng.chance(0.5)
    }

    func cleanUp() { if ownsWork { try? FileManager.default.removeItem(atPath: work) } }

    func context(step: Int) -> String { "seed \(options.seed) step \(step) kill \(report.kills)" }

    /// Creates the table (version 0) with an unkilled child.
    mutating func create() throws {
        var args = ["create", table, "--schema", "id long not null, k long, v long, s string"]
        if planner.partitioned { args += ["--partition-by", "k"] }
        if report.deletionVectors { args += ["--property", "delta.enableDeletionVectors=true"] }
        let out = try CrashProcess.run(options.tarn, args, dir: work, killAfter: nil)
        guard out.status == 0 else { throw HarnessFailure("crash seed \(options.seed) step 0: create failed: \(out.stderr)") }
        latest = 0
        versions[0] = [:]
    }

    /// Plans, runs (maybe kills) and checks one step.
    mutating func step() throws {
        let n = report.steps + 1
        let kind = planner.kind(&rng, rows: model.count)
        let step = planner.plan(kind, step: n, model: model, versions: versions, latest: latest, rng: &rng)
        if let input = step.input { try Data(input.text.utf8).write(to: URL(fileURLWithPath: input.path)) }
        if step.kind == .pipeline { try bronze.land(step: n, planner: &planner, rng: &rng) }
        var killAfter: Double?
        if let typical = durations.typical(step.kind), rng.chance(options.killFraction) {
            // A third of the kills anywhere in the run, a third in its second half, a third near
            // its end, where the commit is.
            let low = [0, 0.5, 0.85][Int.random(in: 0 ..< 3, using: &rng)] * typical
            killAfter = Double.random(in: low ... typical * 1.15, using: &rng)
        }
        if step.kind == .vacuumLite || step.kind == .vacuumFull {
            // Versions before the vacuum may lose files from now on, killed or not.
            versions = versions.filter { $0.key >= latest }
        }
        let out = try CrashProcess.run(options.tarn, step.arguments, dir: work, killAfter: killAfter)
        if options.traceSteps {
            options.progress?("step \(n) \(step.kind.rawValue): kill after \(killAfter.map { String(format: "%.3f s", $0) } ?? "never"), "
                + "killed \(out.killed), \(String(format: "%.3f", out.seconds)) s, status \(out.status)")
        }
        report.steps = n
        if !out.killed {
            guard out.status == 0 else {
                throw HarnessFailure("crash \(context(step: n)): `tarn \(step.arguments.joined(separator: " "))` failed (status \(out.status)): \(out.stderr)")
            }
            report.stepsCompleted += 1
            durations.record(step.kind, out.seconds)
        }
        if let input = step.input { try? FileManager.default.removeItem(atPath: input.path) }
        try advance(step, killed: out.killed, n: n)
    }

    /// Checks the table after the step and moves the model to the state it committed.
    mutating func advance(_ step: CrashStep, killed: Bool, n: Int) throws {
        if killed { report.kills += 1 }
        let checker = CrashChecker(tablePath: table, context: context(step: n))
        let log = try checker.checkLog()
        report.checksPassed += 1
        guard log.latest >= latest else { throw checker.fail("the latest version went back from \(latest) to \(log.latest)") }
        let committed = log.latest > latest
        if !killed && step.kind.changesData && !committed && step.after != model {
            throw checker.fail("\(step.kind.rawValue) completed but committed nothing")
        }
        let expected = committed ? step.after : model
        let current = try checker.rows()
        if current.version != log.latest { throw checker.fail("the latest snapshot is \(current.version), the log ends at \(log.latest)") }
        try checker.expect(current.rows, equals: expected, "after \(killed ? "killed " : "")\(step.kind.rawValue) (committed \(committed))")
        report.checksPassed += 1
        let bronzeCommitted = step.kind == .pipeline ? try bronze.check(context: context(step: n), killed: killed) : false
        if killed {
            report.killsByKind[step.kind.rawValue, default: 0] += 1
            if committed || bronzeCommitted { report.killsCommitted += 1 } else { report.killsNotCommitted += 1 }
        }
        if committed { for v in latest + 1 ... log.latest { versions[v] = expected } }
        model = expected
        latest = log.latest
        if killed { try checkHistory(checker) }
        if killed && report.kills % options.progressEvery == 0 { options.progress?(progressLine()) }
    }

    /// After a kill: every retained version scans to its model; the checkpoints read.
    mutating func checkHistory(_ checker: CrashChecker) throws {
        for (v, rows) in versions.sorted(by: { $0.key < $1.key }) where v < latest {
            try checker.expect(try checker.rows(version: v).rows, equals: rows, "time travel to version \(v)")
            report.versionsTimeTravelled += 1
        }
        if try !checker.checkCheckpoints() { report.staleCheckpointHints += 1 }
        report.checksPassed += 2
    }

    func progressLine() -> String {
        "crash seed \(options.seed): \(report.kills) kills, \(report.steps) steps, version \(latest), \(model.count) rows, "
            + "\(report.checksPassed) checks, \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
    }

    /// The final full vacuum: every orphan is reclaimed and the rows still equal the model.
    mutating func finish() throws {
        let n = report.steps + 1
        let checker = CrashChecker(tablePath: table, context: "seed \(options.seed) step \(n) (final vacuum) after \(report.kills) kills")
        let before = try checker.unreferencedFiles()
        let args = ["vacuum", table, "--full", "--retention-hours", "0", "--force"]
        let out = try CrashProcess.run(options.tarn, args, dir: work, killAfter: nil)
        guard out.status == 0 else { throw checker.fail("the final vacuum failed (status \(out.status)): \(out.stderr)") }
        let after = try checker.unreferencedFiles()
        if !after.orphans.isEmpty {
            throw checker.fail("\(after.orphans.count) unreferenced data files survive vacuum --full: \(after.orphans.prefix(5))")
        }
        let log = try checker.checkLog()
        let current = try checker.rows()
        try checker.expect(current.rows, equals: model, "after the final vacuum")
        report.checksPassed += 3
        report.orphansReclaimed = before.orphans.count
        report.hiddenFilesLeft = after.hidden.count
        report.finalVersion = log.latest
        report.finalRows = current.rows.count
        report.seconds = Date().timeIntervalSince(started)
        options.progress?(progressLine())
    }
}
