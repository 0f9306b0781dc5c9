// InspectLog: the parts of an inspection read from `_delta_log` alone (spec/maintenance.md
// "Inspect"): the versions log cleanup and VACUUM would leave readable, the checkpoint state, and
// the newest OPTIMIZE and VACUUM END commits (searched newest first, stopping when both are found).
import TarnDelta

struct InspectLog {
    let retention: RetentionInfo
    let checkpoint: CheckpointInfo
    let lastOptimize: MaintenanceEvent?
    let lastVacuum: MaintenanceEvent?

    /// `oldestVersionAfterVacuum` comes from VACUUM's plan when it could plan; else it is computed here.
    init(table: Table, snapshot s: Snapshot, now: Int64, oldestVersionAfterVacuum: Int64?) throws {
        let listing = try table.logFiles()
        let segment = try LogSegment(files: listing, target: s.version, table: table.location)
        let props = TableProperties(s.configuration)
        checkpoint = CheckpointInfo(lastCheckpointVersion: segment.checkpointVersion,
                                    commitsSinceCheckpoint: s.version - (segment.checkpointVersion ?? -1),
                                    checkpointInterval: props.checkpointInterval)
        let afterVacuum = try oldestVersionAfterVacuum
            ?? VacuumPlan.versionAt(now - props.deletedFileRetentionMillis, table, listing: listing, latest: s.version)
        let afterCleanup = props.enableExpiredLogCleanup
            ? InspectLog.oldestAfterLogCleanup(listing, cutoff: now - props.logRetentionMillis, earliest: segment.earliestVersion)
            : segment.earliestVersion
        retention = RetentionInfo(earliestVersion: segment.earliestVersion, logRetentionMillis: props.logRetentionMillis,
                                  oldestVersionAfterLogCleanup: afterCleanup, deletedFileRetentionMillis: props.deletedFileRetentionMillis,
                                  oldestVersionAfterVacuum: afterVacuum)
        (lastOptimize, lastVacuum) = try InspectLog.lastMaintenance(table, listing, latest: s.version)
    }

    /// Checkpoints.cleanUpLog's rule at `cutoff`: the newest checkpoint at or before the newest
    /// commit written at or before the cutoff becomes the oldest version; without one nothing goes.
    static func oldestAfterLogCleanup(_ listing: [LogFile], cutoff: Int64, earliest: Int64) -> Int64 {
        guard let cutoffCommit = listing.filter({ $0.kind == .commit && $0.lastModifiedMillis <= cutoff }).map(\.version).max(),
              let keep = listing.filter({ $0.isCheckpoint && $0.version <= cutoffCommit }).map(\.version).max() else { return earliest }
        return max(earliest, keep)
    }

    /// The newest OPTIMIZE and VACUUM END commits at or before `latest`, read newest first in
    /// parallel chunks. A commit that cannot be read is passed over (the events are informational).
    static func lastMaintenance(_ table: Table, _ listing: [LogFile], latest: Int64) throws -> (MaintenanceEvent?, MaintenanceEvent?) {
        let commits = listing.filter { $0.kind == .commit && $0.version <= latest }.sorted { $0.version > $1.version }
        let times = Dictionary(try table.commitTimestamps().map { ($0.version, $0.millis) }, uniquingKeysWith: { a, _ in a })
        var optimize: MaintenanceEvent?, vacuum: MaintenanceEvent?
        var start = 0
        while start < commits.count && (optimize == nil || vacuum == nil) {
            let chunk = Array(commits[start ..< min(commits.count, start + 64)])
            start += chunk.count
            let store = table.store
            let infos = ParallelMap.run(count: chunk.count, parallel: true) { i in commitInfo(try store.get(chunk[i].key)) }
            for (file, result) in zip(chunk, infos) {
                guard case let .success(found) = result, let info = found, let op = info.operation else { continue }
                if op == "OPTIMIZE" && optimize == nil || op == "VACUUM END" && vacuum == nil {
                    let event = MaintenanceEvent(version: file.version, timestampMillis: times[file.version] ?? file.lastModifiedMillis, operation: op,
                                                 parameters: strings(info["operationParameters"]), metrics: strings(info["operationMetrics"]))
                    if op == "OPTIMIZE" { optimize = event } else { vacuum = event }
                }
            }
        }
        return (optimize, vacuum)
    }

    /// The commitInfo of a commit file: only its `{"commitInfo":…}` line is parsed.
    static func commitInfo(_ bytes: [UInt8]) -> CommitInfo? {
        let key = Array("\"commitInfo\"".utf8)
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let object = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            guard object.first == UInt8(ascii: "{"), object.dropFirst().drop(while: { $0 == UInt8(ascii: " ") }).starts(with: key),
                  let members = (try? JSONParser.parse(Array(line)))?["commitInfo"]?.objectValue else { continue }
            return CommitInfo(members: members)
        }
        return nil
    }

    /// A commitInfo object's members as text (strings as they are, other values as JSON).
    static func strings(_ value: JSONValue?) -> [String: String] {
        Dictionary((value?.objectValue ?? []).map { ($0.0, $0.1.stringValue ?? $0.1.serialized()) }, uniquingKeysWith: { a, _ in a })
    }
}
