// Snapshot: an immutable view of a table at one version: protocol, metadata, schema, the live
// files and transactions, built by replaying a LogSegment (checkpoint parts, then commits read
// in parallel and applied in order). Invariants checked on load: the segment has a protocol and
// a metaData, and Tarn can read the protocol.
import Dispatch
import TarnDelta

public struct Snapshot: Sendable {
    public let table: String
    public private(set) var version: Int64
    public private(set) var protocolAction: ProtocolAction
    public private(set) var metadata: MetadataAction
    public private(set) var schema: StructType
    public private(set) var state: TableState
    public private(set) var segment: LogSegment

    public var partitionColumns: [String] { metadata.partitionColumns }
    public var configuration: [String: String] { metadata.configuration }
    /// Live files, sorted by path.
    public var files: [AddFile] { state.files.values.sorted { $0.path < $1.path } }

    /// The replayed state of `segment` without validating it (no protocol or schema checks).
    static func replay(_ table: Table, _ segment: LogSegment) throws -> TableState {
        var state = TableState()
        for actions in try readCheckpoint(table, segment) { state.apply(actions) }
        for actions in try readCommits(table, segment.commits) { state.apply(actions) }
        return state
    }

    static func load(_ table: Table, _ segment: LogSegment) throws -> Snapshot {
        let state = try replay(table, segment)
        let where_ = "version \(segment.version)"
        guard let p = state.protocolAction else {
            throw TarnError(.corruption, "the table state at \(where_) has no protocol action", table: table.location, version: segment.version)
        }
        guard let m = state.metadata else {
            throw TarnError(.corruption, "the table state at \(where_) has no metaData action", table: table.location, version: segment.version)
        }
        try TableFeatures.checkRead(p, table: table.location)
        return Snapshot(table: table.location, version: segment.version, protocolAction: p, metadata: m,
                        schema: try m.schema(), state: state, segment: segment)
    }

    /// Applies `commits` (the next versions, in order) in place. When this value holds the only
    /// reference to its state, no table-sized copy is made, so following a growing log costs only
    /// the new commits.
    mutating func advance(by commits: [LogFile], table: Table) throws {
        let parsed = try Snapshot.readCommits(table, commits)
        for actions in parsed { state.apply(actions) }
        guard let p = state.protocolAction, let m = state.metadata, let last = commits.last else { return }
        try TableFeatures.checkRead(p, table: table.location)
        if m != metadata { schema = try m.schema() }
        protocolAction = p
        metadata = m
        segment = try segment.appending(commits)
        version = last.version
    }

    /// The checkpoint's actions (all parts; for v2, the top-level file and its sidecars).
    static func readCheckpoint(_ table: Table, _ segment: LogSegment) throws -> [[Action]] {
        var out: [[Action]] = []
        for file in segment.checkpointFiles {
            do {
                if case .v2Checkpoint(_, true) = file.kind {
                    out.append(try CheckpointReader.actions(json: try table.store.get(file.key), file: file.key))
                } else {
                    out.append(try CheckpointReader.actions(parquet: try ParquetFile(source: try table.store.source(file.key))))
                }
            } catch var e as TarnError {
                e.table = table.location
                e.version = file.version
                if e.file == nil { e.file = file.key }
                throw e
            }
        }
        // v2: add/remove actions may live in sidecar files.
        let sidecars = out.flatMap { $0 }.compactMap { a -> SidecarFile? in if case let .sidecar(s) = a { return s }; return nil }
        for s in sidecars {
            let key = LogNames.sidecarDirectory + LogPath.decode(s.path)
            out.append(try CheckpointReader.actions(parquet: try ParquetFile(source: try table.store.source(key))))
        }
        return out
    }

    /// Reads and parses commit files in parallel; results in version order.
    static func readCommits(_ table: Table, _ commits: [LogFile]) throws -> [[Action]] {
        try readCommits(table, commits) { _, _ in true }.map { $0 ?? [] }
    }

    /// The commits' actions (read in parallel); nil for a commit whose bytes `parseIf` declines.
    static func readCommits(_ table: Table, _ commits: [LogFile],
                            parseIf: @escaping @Sendable (Int, [UInt8]) -> Bool) throws -> [[Action]?] {
        let store = table.store
        let results = ParallelMap.run(count: commits.count, parallel: true) { i -> [Action]? in
            let bytes = try store.get(commits[i].key)
            return parseIf(i, bytes) ? try ActionCodec.parseCommit(bytes, file: commits[i].key) : nil
        }
        return try results.enumerated().map { i, r in
            do { return try r.get() } catch var e as TarnError {
                e.table = table.location
                e.version = commits[i].version
                throw e
            }
        }
    }
}

