// Table: a Delta table in an ObjectStore: loading snapshots (latest, a version, or the version
// current at a timestamp), with `_last_checkpoint` as a hint that falls back to a full listing
// when it is missing, stale or corrupt.
import Dispatch
import TarnDelta

public final class Table: Sendable {
    public let store: any ObjectStore

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
    public func logFiles(startAfter: String? = nil) throws -> [LogFile] {
        try store.list(prefix: LogNames.directory, startAfter: startAfter).compactMap(LogNames.parse)
    }

    /// The snapshot at `version` (the latest when nil).
    public func snapshot(version: Int64? = nil) throws -> Snapshot {
        if version == nil, let hinted = try? hintedSegment() {
            if let s = try? Snapshot.load(self, hinted) { return s }
        }
        let segment = try LogSegment(files: try logFiles(), target: version, table: location)
        return try Snapshot.load(self, segment)
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
