// Reading the change data feed (PROTOCOL.md "Change Data Files", spec/dml.md "Change data feed"):
// resolving a version or timestamp range, checking that every version in it recorded changes
// (`delta.enableChangeDataFeed=true`), commit timestamps, and the feed's schema. How one
// version's actions become change rows is in ChangeFeed+Read.swift.
import TarnDelta

/// The row changes of a range of versions: the table's columns at the end version, then
/// `_change_type`, `_commit_version` and `_commit_timestamp`.
public struct ChangeFeed: Sendable {
    public static let changeTypeColumn = "_change_type"
    public static let commitVersionColumn = "_commit_version"
    public static let commitTimestampColumn = "_commit_timestamp"
    public static let changeTypes: Set<String> = ["insert", "update_preimage", "update_postimage", "delete"]

    public let table: Table
    /// The versions read, inclusive; `toVersion < fromVersion` only for an empty feed between two
    /// timestamps that no commit falls between.
    public let fromVersion: Int64
    public let toVersion: Int64
    public let schema: StructType
    /// The end version: its schema, partition columns and column mapping shape every file read.
    let snapshot: Snapshot
    let commits: [CommitChanges]

    /// One commit of the range: its actions and its commit timestamp.
    struct CommitChanges: Sendable {
        let version: Int64
        let timestampMillis: Int64
        let actions: [Action]
    }

    init(table: Table, from: Int64, to: Int64, snapshot: Snapshot, commits: [CommitChanges]) throws {
        let reserved = [ChangeFeed.changeTypeColumn, ChangeFeed.commitVersionColumn, ChangeFeed.commitTimestampColumn]
        if let clash = snapshot.schema.fields.first(where: { f in reserved.contains { $0 == f.name.lowercased() } }) {
            throw TarnError(.unsupportedFeature,
                            "the table has a column named '\(clash.name)', which the change data feed reserves for its own columns",
                            table: table.location, version: snapshot.version, column: clash.name)
        }
        self.table = table
        fromVersion = from
        toVersion = to
        self.snapshot = snapshot
        self.commits = commits
        schema = StructType(snapshot.schema.fields + [
            StructField(ChangeFeed.changeTypeColumn, .string, nullable: false),
            StructField(ChangeFeed.commitVersionColumn, .long, nullable: false),
            StructField(ChangeFeed.commitTimestampColumn, .timestamp, nullable: false),
        ])
    }

    /// Every change row, versions in ascending order, one batch per file row group.
    public func read(_ each: (RecordBatch) throws -> Void) throws {
        let scan = try Scan(snapshot: snapshot, store: table.store)
        for commit in commits {
            try ChangeReader(feed: self, scan: scan, commit: commit).read(each)
        }
    }

    /// All change rows as batches.
    public func batches() throws -> [RecordBatch] {
        var out: [RecordBatch] = []
        try read { out.append($0) }
        return out
    }

    /// True when `configuration` makes writers record changes.
    static func enabled(_ configuration: [String: String]) -> Bool {
        configuration["delta.enableChangeDataFeed"]?.lowercased() == "true"
    }
}

extension Table {
    /// The changes committed in versions `fromVersion ... toVersion` (the latest when nil; a
    /// `toVersion` past the latest reads to the latest). Throws versionNotFound when
    /// `fromVersion` is past the latest version or a commit of the range is no longer in the
    /// log, invalidArgument when the range is reversed or a version of it did not record
    /// changes (`delta.enableChangeDataFeed` not true).
    public func changes(fromVersion: Int64, toVersion: Int64? = nil) throws -> ChangeFeed {
        guard fromVersion >= 0 else {
            throw TarnError(.invalidArgument, "the change feed's start version must be 0 or more, not \(fromVersion)", table: location)
        }
        let latest = try snapshot()
        guard fromVersion <= latest.version else {
            throw TarnError(.versionNotFound, "start version \(fromVersion) is after the latest version \(latest.version)",
                            table: location, version: fromVersion)
        }
        if let toVersion, toVersion < fromVersion {
            throw TarnError(.invalidArgument, "the change feed's end version \(toVersion) is before its start version \(fromVersion)",
                            table: location, version: toVersion)
        }
        let to = min(toVersion ?? latest.version, latest.version)
        let end = to == latest.version ? latest : try snapshot(version: to)
        let commits = try changeCommits(from: fromVersion, to: to)
        return try ChangeFeed(table: self, from: fromVersion, to: to, snapshot: end, commits: commits)
    }

    /// The changes committed between two times (ms since the epoch, inclusive): from the first
    /// version committed at or after `fromTimestampMillis` to the last committed at or before
    /// `toTimestampMillis` (the latest when nil); commit times as `commitTimestamps()` defines them.
    public func changes(fromTimestampMillis: Int64, toTimestampMillis: Int64? = nil) throws -> ChangeFeed {
        if let to = toTimestampMillis, to < fromTimestampMillis {
            throw TarnError(.invalidArgument, "the change feed's end time \(ChangeFeed.format(to)) is before its start time \(ChangeFeed.format(fromTimestampMillis))",
                            table: location)
        }
        let times = try commitTimestamps()
        guard let last = times.last else { throw TarnError(.notFound, "the table has no commits", table: location) }
        guard let first = times.first(where: { $0.millis >= fromTimestampMillis }) else {
            throw TarnError(.versionNotFound,
                            "start time \(ChangeFeed.format(fromTimestampMillis)) is after the latest commit (version \(last.version) at \(ChangeFeed.format(last.millis)))",
                            table: location)
        }
        guard let toMillis = toTimestampMillis else { return try changes(fromVersion: first.version) }
        guard let end = times.last(where: { $0.millis <= toMillis }) else {
            throw TarnError(.versionNotFound,
                            "end time \(ChangeFeed.format(toMillis)) is before the earliest commit (version \(times[0].version) at \(ChangeFeed.format(times[0].millis)))",
                            table: location)
        }
        if end.version < first.version {   // no commit between the two times
            return try ChangeFeed(table: self, from: first.version, to: end.version, snapshot: try snapshot(version: end.version), commits: [])
        }
        return try changes(fromVersion: first.version, toVersion: end.version)
    }

    /// The commits `from ... to` with their timestamps, after checking that each recorded changes.
    private func changeCommits(from: Int64, to: Int64) throws -> [ChangeFeed.CommitChanges] {
        let start = try snapshot(version: from)
        guard ChangeFeed.enabled(start.configuration) else { throw changesNotRecorded(version: from, from: from, to: to) }
        let listed = try logFiles().filter { $0.kind == .commit && $0.version >= from && $0.version <= to }
        let byVersion = Dictionary(listed.map { ($0.version, $0) }, uniquingKeysWith: { a, _ in a })
        var files: [LogFile] = []
        for v in from ... to {
            guard let f = byVersion[v] else {
                throw TarnError(.versionNotFound, "the commit of version \(v) is no longer in the log (log cleanup); its changes cannot be read",
                                table: location, version: v)
            }
            files.append(f)
        }
        let parsed = try Snapshot.readCommits(self, files)
        let times = Dictionary(try commitTimestamps().map { ($0.version, $0.millis) }, uniquingKeysWith: { a, _ in a })
        var out: [ChangeFeed.CommitChanges] = []
        for (file, actions) in zip(files, parsed) {
            for case let .metaData(m) in actions where file.version > from && !ChangeFeed.enabled(m.configuration) {
                throw changesNotRecorded(version: file.version, from: from, to: to)
            }
            out.append(.init(version: file.version, timestampMillis: times[file.version] ?? file.lastModifiedMillis, actions: actions))
        }
        return out
    }

    private func changesNotRecorded(version: Int64, from: Int64, to: Int64) -> TarnError {
        TarnError(.invalidArgument,
                  "cannot read changes of versions \(from) to \(to): version \(version) did not record changes (the table property delta.enableChangeDataFeed is not true there)",
                  table: location, version: version)
    }
}

extension ChangeFeed {
    static func format(_ millis: Int64) -> String { Temporal.formatTimestamp(millis * 1000, utc: true) }
}
