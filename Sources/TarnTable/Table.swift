// Table: a Delta table in an ObjectStore: loading snapshots (latest, a version, or the version
// current at a timestamp), with `_last_checkpoint` as a hint that falls back to a full listing
// when it is missing, stale or corrupt.
import Dispatch
import Synchronization
import TarnDelta

public final class Table: Sendable {
    public let store: any ObjectStore
    /// The newest snapshot loaded through this Table, advanced incrementally by later loads.
    private let latest = Mutex<Snapshot?>(nil)

    public init(store: any ObjectStore) { self.store = store }

    /// Opens the table in a local directory; errors when it has no `_delta_log`.
    public static func open(path: String) throws -> Table {
        let store: LocalStore
        do {
            store = try LocalStore.open(root: path)
        } catch let e as TarnError where e.code == .notFound {
            throw TarnError(.notFound, "no table at \(path): the directory does not exist", table: path)
        }
        let table = Table(store: store)
        guard try !store.list(prefix: LogNames.directory, startAfter: nil).isEmpty else {
            throw TarnError(.notFound, "\(path) is not a Delta table: it has no _delta_log", table: path)
        }
        return table
    }

    public var location: String { store.location }

    /// Every protocol file of `_delta_log/` (after `startAfter` when given), sorted.
    /// A listing taken while other writers create commits can show commit v+2 without v+1: the
    /// directory is read in hash order, not creation order (found by the load harness). Commit v
    /// is only ever created after v-1 exists, so each hole is probed by key; a commit that is
    /// really missing stays missing, and LogSegment reports it as corruption.
    public func logFiles(startAfter: String? = nil) throws -> [LogFile] {
        let listed = try store.list(prefix: LogNames.directory, startAfter: startAfter).compactMap(LogNames.parse)
        let commits = listed.filter { $0.kind == .commit }.map(\.version)
        guard let first = commits.first, let last = commits.last, last - first + 1 > Int64(commits.count) else { return listed }
        let present = Set(commits)
        var found: [LogFile] = []
        for v in first ... last where !present.contains(v) {
            guard let meta = try? store.head(LogNames.commit(v)), let file = LogNames.parse(meta) else { continue }
            found.append(file)
        }
        return found.isEmpty ? listed : (listed + found).sorted { $0.key < $1.key }   // log keys are ASCII: byte order
    }

    /// The snapshot at `version` (the latest when nil).
    public func snapshot(version: Int64? = nil) throws -> Snapshot {
        if let version, let cached = latest.withLock({ $0 }), cached.version == version { return cached }
        if version == nil {
            if let s = try? advancedLatest() { return s }
            if let hinted = try? hintedSegment(), let s = try? Snapshot.load(self, hinted) { return remember(s) }
        }
        let files = try logFiles()
        let segment = try LogSegment(files: files, target: version, table: location)
        let s: Snapshot
        do {
            s = try Snapshot.load(self, segment)
        } catch let e as TarnError where e.code == .corruption && (e.file?.contains(".checkpoint.") ?? false) {
            s = try loadWithoutCheckpoint(files, segment, version: version, error: e)
        }
        return version == nil ? remember(s) : s
    }

    /// A checkpoint that does not read (torn by a crash mid-write on a store without atomic
    /// replace, as Spark also tolerates): the snapshot from an older checkpoint and the commits.
    private func loadWithoutCheckpoint(_ files: [LogFile], _ segment: LogSegment, version: Int64?, error: TarnError) throws -> Snapshot {
        guard let bad = segment.checkpointVersion,
              let fallback = try? LogSegment(files: files.filter { !($0.isCheckpoint && $0.version == bad) }, target: version, table: location)
        else { throw error }
        return try Snapshot.load(self, fallback)
    }

    private func remember(_ s: Snapshot) -> Snapshot {
        latest.withLock { current in
            if current.map({ $0.version < s.version }) ?? true { current = s }
        }
        return s
    }

    /// The cached latest snapshot with any newer commits applied (only those are listed and
    /// read, so loading the latest version does not grow with history). nil without a cache, or
    /// when the log changed in a way the cache cannot follow (e.g. a new checkpoint only).
    private func advancedLatest() throws -> Snapshot? {
        // Take the cached snapshot out so that advancing it mutates the only copy.
        guard var cached = latest.withLock({ current -> Snapshot? in defer { current = nil }; return current }) else { return nil }
        let newer = try logFiles(startAfter: LogNames.commit(cached.version)).filter { $0.kind == .commit }.sorted { $0.version < $1.version }
        guard !newer.isEmpty else {
            // No newer commit; make sure the cached one was not cleaned away or replaced.
            return try store.exists(LogNames.commit(cached.version)) ? remember(cached) : nil
        }
        guard newer.map(\.version) == Array(cached.version + 1 ... cached.version + Int64(newer.count)) else { return nil }
        try cached.advance(by: newer, table: self)
        return remember(cached)
    }

    /// The raw replayed state at `version` (latest when nil), without protocol or schema checks:
    /// for inspecting logs a Snapshot refuses (e.g. a metaData without a schema).
    public func replayState(version: Int64? = nil) throws -> (segment: LogSegment, state: TableState) {
        let segment = try LogSegment(files: try logFiles(), target: version, table: location)
        return (segment, try Snapshot.replay(self, segment))
    }

    /// Uses `_last_checkpoint` to list only from the checkpoint on; nil when there is no usable hint.
    private func hintedSegment() throws -> LogSegment? {
        guard try store.exists(LogNames.lastCheckpoint) else { return nil }
        let json = try JSONParser.parse(try store.get(LogNames.lastCheckpoint))
        guard let v = json["version"]?.int64Value, v >= 0 else { return nil }
        let start = LogNames.directory + LogNames.pad(v, 20)
        let files = try logFiles(startAfter: LogNames.directory + LogNames.pad(v - 1, 20) + "~")
        guard files.contains(where: { $0.version == v && $0.isCheckpoint }), files.allSatisfy({ $0.key >= start }) else { return nil }
        let segment = try LogSegment(files: files, target: nil, table: location)
        return segment.checkpointVersion == v ? segment : nil
    }
}
