// LogSegment: the files that make up the table state at one version: the newest complete
// checkpoint at or before it and the contiguous commits after it (PROTOCOL.md "Action
// Reconciliation"). Invariants, checked in `init`:
//  1. commits are exactly versions checkpointVersion+1 ... version (or 0 ... version without a
//     checkpoint), with no gaps;
//  2. a multi-part checkpoint is used only when all its parts are listed;
//  3. version is at most the newest version in the log.

public struct LogSegment: Sendable {
    public let version: Int64
    public let checkpointVersion: Int64?
    /// The parts of the chosen checkpoint (one file, all parts of a multi-part one, or one v2 file).
    public let checkpointFiles: [LogFile]
    /// Commits after the checkpoint, ascending.
    public let commits: [LogFile]
    /// The newest version any commit or checkpoint in the listing has.
    public let latestVersion: Int64
    /// The oldest version that can be reconstructed from the listing.
    public let earliestVersion: Int64

    /// Builds the segment for `target` (the latest version when nil) from a listing of `_delta_log/`.
    public init(files listing: [LogFile], target: Int64?, table: String) throws {
        let commitsByVersion = Dictionary(listing.filter { $0.kind == .commit }.map { ($0.version, $0) }, uniquingKeysWith: { a, _ in a })
        let checkpoints = LogSegment.completeCheckpoints(listing)
        guard let latest = (Array(commitsByVersion.keys) + Array(checkpoints.keys)).max() else {
            throw TarnError(.notFound, "no commits or checkpoints in _delta_log: not a Delta table", table: table)
        }
        latestVersion = latest
        earliestVersion = LogSegment.earliestReconstructible(commitsByVersion, checkpoints) ?? latest
        let v = target ?? latest
        guard v >= 0, v <= latest else {
            throw TarnError(.versionNotFound, "version \(v) does not exist: the latest version is \(latest)", table: table, version: v)
        }
        let cp = checkpoints.keys.filter { $0 <= v }.max()
        let first = (cp ?? -1) + 1
        var commits: [LogFile] = []
        if first <= v {
            for n in first ... v {
                guard let c = commitsByVersion[n] else {
                    if n == first && cp == nil && (commitsByVersion.keys.min() ?? 0) > 0 {
                        throw TarnError(.versionNotFound,
                                        "version \(v) cannot be reconstructed: the log starts at version \(commitsByVersion.keys.min() ?? 0) and has no checkpoint at or before \(v); the earliest available version is \(earliestVersion)",
                                        table: table, version: v)
                    }
                    throw TarnError(.corruption, "versions are not contiguous: commit \(n) is missing between \(first) and \(v)",
                                    table: table, version: n)
                }
                commits.append(c)
            }
        }
        version = v
        checkpointVersion = cp
        checkpointFiles = cp.flatMap { checkpoints[$0] } ?? []
        self.commits = commits
    }

    /// Complete checkpoints by version; a v2 checkpoint is preferred, then classic, then multi-part.
    static func completeCheckpoints(_ listing: [LogFile]) -> [Int64: [LogFile]] {
        var out: [Int64: [LogFile]] = [:]
        let byVersion = Dictionary(grouping: listing.filter(\.isCheckpoint), by: \.version)
        for (v, files) in byVersion {
            if let v2 = files.first(where: { if case .v2Checkpoint = $0.kind { return true }; return false }) {
                out[v] = [v2]
            } else if let single = files.first(where: { $0.kind == .checkpoint }) {
                out[v] = [single]
            } else {
                let parts = files.compactMap { f -> (Int, Int, LogFile)? in
                    if case let .multiPartCheckpoint(p, n) = f.kind { return (p, n, f) }
                    return nil
                }
                for n in Set(parts.map(\.1)) {
                    let set = parts.filter { $0.1 == n }.sorted { $0.0 < $1.0 }
                    if set.map(\.0) == Array(1 ... n) { out[v] = set.map(\.2); break }
                }
            }
        }
        return out
    }

    /// The oldest version from which the log can be replayed: the oldest checkpoint with contiguous
    /// commits after it, or 0 when 0.json is present.
    static func earliestReconstructible(_ commits: [Int64: LogFile], _ checkpoints: [Int64: [LogFile]]) -> Int64? {
        var starts = Array(checkpoints.keys)
        if commits[0] != nil { starts.append(0) }
        return starts.min()
    }

    private init(version: Int64, checkpointVersion: Int64?, checkpointFiles: [LogFile], commits: [LogFile],
                 latestVersion: Int64, earliestVersion: Int64) {
        self.version = version
        self.checkpointVersion = checkpointVersion
        self.checkpointFiles = checkpointFiles
        self.commits = commits
        self.latestVersion = latestVersion
        self.earliestVersion = earliestVersion
    }

    /// This segment followed by `newer` commits, which must continue it without a gap.
    public func appending(_ newer: [LogFile]) throws -> LogSegment {
        var v = version
        for c in newer {
            guard c.kind == .commit, c.version == v + 1 else {
                throw TarnError(.corruption, "versions are not contiguous: expected commit \(v + 1), found \(c.version)", version: c.version)
            }
            v = c.version
        }
        return LogSegment(version: v, checkpointVersion: checkpointVersion, checkpointFiles: checkpointFiles, commits: commits + newer,
                          latestVersion: max(latestVersion, v), earliestVersion: earliestVersion)
    }

    /// Files to read, oldest first: checkpoint parts then commits.
    public var files: [LogFile] { checkpointFiles + commits }
}
