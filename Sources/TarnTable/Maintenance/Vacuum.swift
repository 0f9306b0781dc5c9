// VACUUM (spec/maintenance.md "Vacuum"): deletes the files no retained version references, after
// recording a commitInfo-only `VACUUM START` commit, and records `VACUUM END` afterwards, as
// Spark does. Planning (retention, protected set, candidates) is VacuumPlan; path rules are
// VacuumPaths. Only the ObjectStore API is used (list, head, get, delete).
import Foundation
import TarnDelta

public enum VacuumMode: String, Sendable {
    /// Only files the log names as removed (tombstones and removes still in the log); no listing.
    case lite
    /// Also unreferenced files found by listing the table root (not hidden, not newer than the cutoff).
    case full
}

public struct VacuumOptions {
    /// Retention in hours; nil uses the table's `delta.deletedFileRetentionDuration` (default 7 days).
    public var retentionHours: Double?
    /// Plan and report only: nothing is deleted and nothing is committed.
    public var dryRun = false
    public var mode: VacuumMode = .lite
    /// Accept a retention shorter than the table's (a warning is returned instead of an error).
    public var force = false
    /// The clock (ms since the epoch) the cutoff is computed from; nil = now.
    public var nowMillis: Int64?
    /// Called with the fraction of files deleted (0…1), on the calling thread.
    public var progress: ((Double) -> Void)?

    public init(retentionHours: Double? = nil, dryRun: Bool = false, mode: VacuumMode = .lite, force: Bool = false) {
        self.retentionHours = retentionHours
        self.dryRun = dryRun
        self.mode = mode
        self.force = force
    }
}

/// One file VACUUM deleted (or, in a dry run, would delete).
public struct VacuumFile: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A data file named by a remove action.
        case data
        /// A deletion-vector file (`deletion_vector_<uuid>.bin`).
        case deletionVector
        /// A change-data file (`cdc` action or under `_change_data/`).
        case changeData
        /// Full mode: a file no log entry names (orphan).
        case untracked

        /// The kind of a listed file the log does not name.
        static func untracked(_ key: String) -> Kind {
            if key.hasPrefix("_change_data/") { return .changeData }
            let name = key.split(separator: "/").last.map(String.init) ?? key
            return name.hasPrefix("deletion_vector_") && name.hasSuffix(".bin") ? .deletionVector : .untracked
        }
    }

    /// The object key (path relative to the table root).
    public let key: String
    public let sizeBytes: Int64
    public let kind: Kind
    public let lastModifiedMillis: Int64
}

public struct VacuumResult: Sendable {
    public let dryRun: Bool
    public let mode: VacuumMode
    /// Files deleted (dry run: to delete), sorted by key.
    public let files: [VacuumFile]
    /// Total bytes of `files`.
    public var totalBytes: Int64 { files.reduce(0) { $0 + $1.sizeBytes } }
    /// Files of each kind in `files`.
    public var counts: [VacuumFile.Kind: Int] { Dictionary(grouping: files, by: \.kind).mapValues(\.count) }
    public let retentionMillis: Int64
    public let configuredRetentionMillis: Int64
    /// now − retention: the oldest retained version is the one current at this time.
    public let cutoffMillis: Int64
    /// The oldest version whose files are kept; every later version is kept too.
    public let oldestRetainedVersion: Int64
    /// The version the plan read.
    public let readVersion: Int64
    /// Versions of the VACUUM START and VACUUM END commits (nil in a dry run).
    public let startVersion: Int64?
    public let endVersion: Int64?
    /// Paths the log names that vacuum did not touch (outside the root, hidden, symbolic links …).
    public let skipped: [VacuumSkip]
    /// Deletions that failed (the files are still there, harmlessly unreferenced).
    public let failed: [VacuumSkip]
    /// E.g. a forced retention shorter than the table's.
    public internal(set) var warnings: [String]
    /// Full mode: unreferenced files kept because they are newer than the cutoff.
    public let filesNewerThanCutoff: Int
    /// Distinct directories that held deleted files.
    public let vacuumedDirectories: Int
}

extension Table {
    /// Deletes the files no version within the retention references (spec/maintenance.md).
    /// Throws before deleting anything when the retention is too short without force, a
    /// retained version references a path vacuum cannot place, or VACUUM START cannot commit.
    public func vacuum(_ options: VacuumOptions = VacuumOptions()) throws -> VacuumResult {
        var plan = try VacuumPlan(table: self, options: options)
        guard !options.dryRun else { return VacuumRun.result(plan, options, deleted: plan.files, failed: [], start: nil, end: nil) }
        let started = try VacuumRun.start(self, plan, options).commit().version
        try? Checkpoints.afterCommit(self, version: started, configuration: plan.latest.configuration)
        // Commits that landed between planning and VACUUM START may reference planned files again.
        let between = try logFiles(startAfter: LogNames.commit(plan.latest.version))
            .filter { $0.kind == .commit && $0.version > plan.latest.version && $0.version < started }
        plan.keepReferenced(by: try Snapshot.readCommits(self, between), root: location)

        let (deleted, failed) = VacuumRun.delete(plan.files, store: store, progress: options.progress)
        let end = VacuumRun.commitEnd(self, deleted: deleted, failed: failed)
        var result = VacuumRun.result(plan, options, deleted: deleted, failed: failed, start: started, end: end.version)
        if let warning = end.warning { result.warnings.append(warning) }
        return result
    }
}

enum VacuumRun {
    static let chunk = 256

    /// The commitInfo-only VACUUM START commit, with Spark's parameters and metrics.
    static func start(_ table: Table, _ plan: VacuumPlan, _ options: VacuumOptions) -> Transaction {
        var start = Transaction(table: table, readSnapshot: plan.latest, operation: "VACUUM START")
        start.isBlindAppend = true
        var parameters = ["retentionCheckEnabled": String(!options.force), "defaultRetentionMillis": String(plan.configuredRetentionMillis),
                          "vacuumType": options.mode == .full ? "FULL" : "LITE"]
        if options.retentionHours != nil { parameters["specifiedRetentionMillis"] = String(plan.retentionMillis) }
        start.operationParameters = parameters
        start.operationMetrics = ["numFilesToDelete": String(plan.files.count), "sizeOfDataToDelete": String(plan.files.reduce(0) { $0 + $1.sizeBytes })]
        return start
    }

    /// Deletes `files` in parallel chunks; progress after each chunk.
    static func delete(_ files: [VacuumFile], store: any ObjectStore, progress: ((Double) -> Void)?) -> ([VacuumFile], [VacuumSkip]) {
        var deleted: [VacuumFile] = [], failed: [VacuumSkip] = []
        progress?(0)
        var i = 0
        while i < files.count {
            let part = Array(files[i ..< min(files.count, i + chunk)])
            let results = IOParallel.run(count: part.count) { j in try store.delete(part[j].key) }
            for (f, r) in zip(part, results) {
                switch r {
                case .success: deleted.append(f)
                case let .failure(e): failed.append(VacuumSkip(path: f.key, reason: (e as? TarnError)?.message ?? "\(e)"))
                }
            }
            i += part.count
            progress?(Double(i) / Double(files.count))
        }
        if files.isEmpty { progress?(1) }
        return (deleted, failed)
    }

    /// The VACUUM END commit, retried on a fresh snapshot when a metadata change conflicts. The
    /// files are gone by now, so a failure here is a warning, not an error.
    static func commitEnd(_ table: Table, deleted: [VacuumFile], failed: [VacuumSkip]) -> (version: Int64?, warning: String?) {
        var lastError = ""
        for _ in 0 ..< 3 {
            do {
                let latest = try table.snapshot()
                var end = Transaction(table: table, readSnapshot: latest, operation: "VACUUM END")
                end.isBlindAppend = true
                end.operationParameters = ["status": failed.isEmpty ? "COMPLETED" : "FAILED"]
                end.operationMetrics = ["numDeletedFiles": String(deleted.count), "numVacuumedDirectories": String(directories(deleted))]
                let v = try end.commit().version
                try? Checkpoints.afterCommit(table, version: v, configuration: latest.configuration)
                return (v, nil)
            } catch {
                lastError = (error as? TarnError)?.message ?? "\(error)"
            }
        }
        return (nil, "the files were deleted but the VACUUM END commit failed: \(lastError)")
    }

    /// Distinct parent directories of the files ("" for the root).
    static func directories(_ files: [VacuumFile]) -> Int {
        Set(files.map { f in f.key.lastIndex(of: "/").map { String(f.key[..<$0]) } ?? "" }).count
    }

    static func result(_ plan: VacuumPlan, _ options: VacuumOptions, deleted: [VacuumFile], failed: [VacuumSkip],
                       start: Int64?, end: Int64?) -> VacuumResult {
        VacuumResult(dryRun: options.dryRun, mode: options.mode, files: deleted, retentionMillis: plan.retentionMillis,
                     configuredRetentionMillis: plan.configuredRetentionMillis, cutoffMillis: plan.cutoffMillis,
                     oldestRetainedVersion: plan.oldestRetainedVersion, readVersion: plan.latest.version, startVersion: start,
                     endVersion: end, skipped: plan.skipped, failed: failed, warnings: plan.warnings,
                     filesNewerThanCutoff: plan.filesNewerThanCutoff, vacuumedDirectories: directories(deleted))
    }
}
