// VacuumPlan: what VACUUM would delete, decided before anything is touched (spec/maintenance.md
// "Vacuum"): the retention check, the oldest retained version, the protected set (every file a
// retained version references), and the candidates of lite mode (paths the log removed) and full
// mode (also unreferenced files found by listing, older than the cutoff), each passed through
// VacuumPaths' rules. Reads the store only (log, listing, heads).
import Foundation
import TarnDelta

struct VacuumPlan {
    let latest: Snapshot
    let configuredRetentionMillis: Int64
    let retentionMillis: Int64
    let cutoffMillis: Int64
    let oldestRetainedVersion: Int64
    private(set) var files: [VacuumFile] = []
    private(set) var skipped: [VacuumSkip] = []
    private(set) var warnings: [String] = []
    /// Full mode: unreferenced files kept because they are newer than the cutoff.
    private(set) var filesNewerThanCutoff = 0
    private(set) var protectedKeys = Set<String>()

    init(table: Table, options: VacuumOptions) throws {
        latest = try table.snapshot()
        if !options.dryRun { try TableFeatures.checkWrite(latest.protocolAction, latest.metadata, table: table.location) }
        configuredRetentionMillis = TableProperties(latest.configuration).deletedFileRetentionMillis
        retentionMillis = try VacuumPlan.retention(options, configured: configuredRetentionMillis, table: table.location, warnings: &warnings)
        let cutoff = (options.nowMillis ?? Int64(Date().timeIntervalSince1970 * 1000)) - retentionMillis
        cutoffMillis = cutoff
        let listing = try table.logFiles()
        let latestVersion = latest.version
        oldestRetainedVersion = try VacuumPlan.versionAt(cutoff, table, listing: listing, latest: latestVersion)

        let commits = listing.filter { $0.kind == .commit && $0.version <= latestVersion }.sorted { $0.version < $1.version }
        // Commits up to R contribute only their remove and cdc paths: one without either is not parsed.
        let retained = oldestRetainedVersion
        let parsed = try Snapshot.readCommits(table, commits) { i, bytes in
            commits[i].version > retained || VacuumPlan.mayName(bytes)
        }.enumerated().compactMap { i, a in a.map { (commits[i].version, $0) } }
        let retainedState = retained == latestVersion ? latest.state : try stateAtOldestRetained(table, listing, parsed)
        try protect(retainedState, parsed, root: table.location)
        let hidden = VacuumPaths.HiddenRule(partitionColumns: VacuumPlan.partitionNames(latest))
        let named = collectNamed(retainedState, parsed, hidden: hidden)
        try addExisting(named, store: table.store)
        if options.mode == .full { try addUnreferenced(table.store, named: named, hidden: hidden) }
        files.sort { $0.key < $1.key }
    }

    /// Whether a commit's text may hold a remove or cdc action (a cheap test before parsing it).
    static func mayName(_ bytes: [UInt8]) -> Bool {
        ByteSearch.contains(bytes, "\"remove\"") || ByteSearch.contains(bytes, "\"cdc\"")
    }

    /// The oldest retained version: the newest commit at or before `cutoff` (commit timestamps as time
    /// travel uses them), or the oldest reconstructible version when every commit is newer.
    static func versionAt(_ cutoff: Int64, _ table: Table, listing: [LogFile], latest: Int64) throws -> Int64 {
        let earliest = try LogSegment(files: listing, target: latest, table: table.location).earliestVersion
        let times = try table.commitTimestamps(listing: listing).filter { $0.version <= latest }
        let atCutoff = times.last { $0.millis <= cutoff }?.version ?? earliest
        return min(latest, max(atCutoff, earliest))
    }

    /// The retention to use: the option (hours) or the table's; shorter than the table's needs force.
    static func retention(_ options: VacuumOptions, configured: Int64, table: String, warnings: inout [String]) throws -> Int64 {
        guard let hours = options.retentionHours else { return configured }
        guard hours.isFinite, hours >= 0, hours < 1e9 else {
            throw TarnError(.invalidArgument, "retention of \(hours) hours is not a non-negative number of hours", table: table)
        }
        let millis = Int64((hours * 3_600_000).rounded())
        guard millis < configured else { return millis }
        let what = "retention of \(VacuumPlan.hours(millis)) is shorter than the table's delta.deletedFileRetentionDuration of \(VacuumPlan.hours(configured))"
        guard options.force else {
            throw TarnError(.invalidArgument,
                            "\(what); versions older than that would lose their files and time travel or RESTORE to them would fail; pass force (tarn vacuum --force) to vacuum anyway",
                            table: table)
        }
        warnings.append("\(what): versions committed before the cutoff lose their files; time travel and RESTORE to them will fail")
        return millis
    }

    static func hours(_ millis: Int64) -> String {
        let h = Double(millis) / 3_600_000
        return h == h.rounded() ? "\(Int64(h)) hours" : "\(h) hours"
    }

    /// Partition column names a partition directory may start with (logical and physical).
    static func partitionNames(_ s: Snapshot) -> [String] {
        let mapping = ColumnMapping(configuration: s.configuration)
        return s.partitionColumns.flatMap { name in [name] + (s.schema.field(named: name).map { [mapping.physicalName($0)] } ?? []) }
    }

    /// The replayed state at the oldest retained version, from its checkpoint and the parsed commits.
    private func stateAtOldestRetained(_ table: Table, _ listing: [LogFile], _ parsed: [(Int64, [Action])]) throws -> TableState {
        let segment = try LogSegment(files: listing, target: oldestRetainedVersion, table: table.location)
        var state = TableState()
        for actions in try Snapshot.readCheckpoint(table, segment) { state.apply(actions) }
        let first = (segment.checkpointVersion ?? -1) + 1
        for (v, actions) in parsed where v >= first && v <= oldestRetainedVersion { state.apply(actions) }
        return state
    }

    // MARK: Protected set

    /// Every data, deletion-vector and change-data file a retained version references: the live
    /// files at the oldest retained version and every path added, removed or recorded as change
    /// data by the commits after it (so the change feed between retained versions stays readable).
    private mutating func protect(_ state: TableState, _ parsed: [(Int64, [Action])], root: String) throws {
        let r = oldestRetainedVersion
        for add in state.files.values { try protect(add.path, add.deletionVector, version: r, root: root) }
        for (v, actions) in parsed where v > r {
            for a in actions {
                switch a {
                case let .add(x): try protect(x.path, x.deletionVector, version: v, root: root)
                case let .remove(x): try protect(x.path, x.deletionVector, version: v, root: root)
                case let .cdc(x): try protect(x.path, nil, version: v, root: root)
                default: continue
                }
            }
        }
    }

    private mutating func protect(_ path: String, _ dv: DeletionVectorDescriptor?, version: Int64, root: String) throws {
        try protectPath(path, version: version, root: root)
        guard let dv, !dv.isInline else { return }
        if dv.storageType == .absolutePath { return try protectPath(dv.pathOrInlineDv, version: version, root: root) }
        do {
            guard let rel = try dv.relativePath() else { return }
            try protectPath(rel, version: version, root: root)
        } catch var e as TarnError {
            e.table = root
            e.version = version
            e.message = "cannot vacuum: the deletion vector of '\(LogPath.decode(path))' at version \(version) is unreadable: \(e.message)"
            throw e
        }
    }

    private mutating func protectPath(_ path: String, version: Int64, root: String) throws {
        switch VacuumPaths.protected(path, root: root) {
        case let .key(k): protectedKeys.insert(k)
        case .outside: return
        case let .foreign(p):
            throw TarnError(.unsupportedFeature,
                            "cannot vacuum: version \(version) references '\(p)', an absolute path or URI outside the table root as Tarn knows it; Tarn cannot prove that no file it would delete is that file",
                            file: p, table: root, version: version)
        }
    }

    // MARK: Candidates

    /// Keys the log names as no longer needed (not protected), with their kind; bad paths go to `skipped`.
    private mutating func collectNamed(_ state: TableState, _ parsed: [(Int64, [Action])],
                                       hidden: VacuumPaths.HiddenRule) -> [String: VacuumFile.Kind] {
        var out: [String: VacuumFile.Kind] = [:]
        var seenSkips = Set<String>()
        func consider(_ path: String, _ kind: VacuumFile.Kind) {
            switch VacuumPaths.deletable(path, hidden: hidden) {
            case let .key(key):
                if !protectedKeys.contains(key) && out[key] == nil { out[key] = kind }
            case let .skip(skip):
                if seenSkips.insert(skip.path).inserted { skipped.append(skip) }
            }
        }
        func consider(_ r: RemoveFile) {
            consider(r.path, .data)
            guard let dv = r.deletionVector, dv.storageType != .inline else { return }
            if dv.storageType == .absolutePath { return consider(dv.pathOrInlineDv, .deletionVector) }
            if let rel = try? dv.relativePath() { consider(rel, .deletionVector) }
        }
        for r in state.tombstones.values.sorted(by: { $0.path < $1.path }) { consider(r) }
        for (v, actions) in parsed where v <= oldestRetainedVersion {
            for a in actions {
                if case let .remove(r) = a { consider(r) }
                if case let .cdc(c) = a { consider(c.path, .changeData) }
            }
        }
        return out
    }

    /// The named candidates that exist, with their sizes (one head each, in parallel).
    private mutating func addExisting(_ named: [String: VacuumFile.Kind], store: any ObjectStore) throws {
        let keys = named.keys.sorted()
        let heads = ParallelMap.run(count: keys.count, parallel: true) { i -> ObjectMeta? in
            do { return try store.head(keys[i]) } catch let e as TarnError where e.code == .notFound { return nil }
        }
        for (key, r) in zip(keys, heads) {
            switch r {
            case let .success(meta?): files.append(VacuumFile(key: key, sizeBytes: Int64(meta.size), kind: named[key] ?? .data,
                                                              lastModifiedMillis: meta.lastModifiedMillis))
            case .success(nil): continue
            case let .failure(e): skipped.append(VacuumSkip(path: key, reason: (e as? TarnError)?.message ?? "\(e)"))
            }
        }
    }

    /// Full mode: every listed file outside `_delta_log` and hidden paths that no retained version
    /// references, the log does not already name, and that is not newer than the cutoff.
    private mutating func addUnreferenced(_ store: any ObjectStore, named: [String: VacuumFile.Kind], hidden: VacuumPaths.HiddenRule) throws {
        for meta in try store.list(prefix: "") {
            let key = meta.key
            guard !VacuumPaths.isLog(key), !hidden.isHidden(key), !protectedKeys.contains(key), named[key] == nil else { continue }
            guard meta.lastModifiedMillis <= cutoffMillis else {
                filesNewerThanCutoff += 1
                continue
            }
            files.append(VacuumFile(key: key, sizeBytes: Int64(meta.size), kind: VacuumFile.Kind.untracked(key), lastModifiedMillis: meta.lastModifiedMillis))
        }
    }

    /// Removes from the plan every file the given commits reference (they landed after planning).
    mutating func keepReferenced(by commits: [[Action]], root: String) {
        var keep = Set<String>()
        func note(_ path: String) { if case let .key(k) = VacuumPaths.protected(path, root: root) { keep.insert(k) } }
        func note(_ dv: DeletionVectorDescriptor?) { if let rel = try? dv?.relativePath() { note(rel) } }
        for a in commits.joined() {
            switch a {
            case let .add(x): note(x.path); note(x.deletionVector)
            case let .remove(x): note(x.path); note(x.deletionVector)
            case let .cdc(x): note(x.path)
            default: continue
            }
        }
        files.removeAll { keep.contains($0.key) }
    }
}
