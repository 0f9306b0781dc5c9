// History and time travel by timestamp (spec/delta.md "Time travel"): commit timestamps are
// in-commit timestamps (commitInfo.inCommitTimestamp) from the enablement version on when the
// table has them, otherwise the commit files' modification times made monotonic as Spark does
// (a time not after the previous one becomes previous + 1 ms).
import TarnDelta

public struct HistoryEntry: Sendable {
    public let version: Int64
    public let timestampMillis: Int64
    public let commitInfo: CommitInfo?
}

extension Table {
    /// (version, commit timestamp) of every commit in the log, ascending.
    public func commitTimestamps() throws -> [(version: Int64, millis: Int64)] {
        try commitTimestamps(listing: try logFiles())
    }

    /// As `commitTimestamps()`, from a listing of the log the caller already has.
    func commitTimestamps(listing: [LogFile]) throws -> [(version: Int64, millis: Int64)] {
        let commits = listing.filter { $0.kind == .commit }.sorted { $0.version < $1.version }
        guard let last = commits.last else { return [] }
        let props = TableProperties((try? snapshot(version: last.version))?.configuration ?? [:])
        let ictFrom = props.inCommitTimestamps ? (props.inCommitTimestampEnablementVersion ?? 0) : Int64.max
        var out: [(Int64, Int64)] = []
        var previous = Int64.min
        for c in commits {
            var t = c.lastModifiedMillis
            if c.version >= ictFrom, let ict = try commitInfo(c.key)?.inCommitTimestamp {
                t = ict
            } else if t <= previous {
                t = previous + 1
            }
            out.append((c.version, t))
            previous = t
        }
        return out
    }

    func commitInfo(_ key: String) throws -> CommitInfo? {
        for a in try ActionCodec.parseCommit(try store.get(key), file: key) {
            if case let .commitInfo(c) = a { return c }
        }
        return nil
    }

    /// The snapshot current at `millis`: the newest version committed at or before it.
    public func snapshot(timestampMillis millis: Int64) throws -> Snapshot {
        let times = try commitTimestamps()
        guard let first = times.first else {
            throw TarnError(.notFound, "the table has no commits to travel to", table: location)
        }
        guard millis >= first.millis else {
            throw TarnError(.versionNotFound,
                            "timestamp \(Temporal.formatTimestamp(millis * 1000, utc: true)) is before the earliest available commit (version \(first.version) at \(Temporal.formatTimestamp(first.millis * 1000, utc: true)))",
                            table: location)
        }
        var lo = 0, hi = times.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if times[mid].millis <= millis { lo = mid } else { hi = mid - 1 }
        }
        return try snapshot(version: times[lo].version)
    }

    /// Commits newest first, at most `limit`.
    public func history(limit: Int? = nil) throws -> [HistoryEntry] {
        let times = try commitTimestamps().reversed()
        return try times.prefix(limit ?? Int.max).map { v, t in
            HistoryEntry(version: v, timestampMillis: t, commitInfo: try commitInfo(LogNames.commit(v)))
        }
    }
}
