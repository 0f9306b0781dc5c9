// Checkpoints after commits: every `delta.checkpointInterval` versions Tarn writes a classic
// checkpoint of the new version and `_last_checkpoint`, then removes log files older than
// `delta.logRetentionDuration` that the newest checkpoint before the cutoff makes unnecessary
// (keeping that checkpoint's own commit, which readers and delta-rs need).
import Foundation
import TarnDelta

public enum Checkpoints {
    /// `configuration` is the table's configuration as of the commit.
    static func afterCommit(_ table: Table, version: Int64, configuration: [String: String]) throws {
        guard version > 0, version % TableProperties(configuration).checkpointInterval == 0 else { return }
        let s = try table.snapshot(version: version)
        let props = TableProperties(s.configuration)
        guard !(s.protocolAction.writerFeatures ?? []).contains("v2Checkpoint") else { return }
        try write(table, s)
        if props.enableExpiredLogCleanup { try cleanUpLog(table, retentionMillis: props.logRetentionMillis) }
    }

    /// Writes a classic checkpoint of `snapshot` and points `_last_checkpoint` at it.
    public static func write(_ table: Table, _ snapshot: Snapshot) throws {
        try TableFeatures.checkWrite(snapshot.protocolAction, snapshot.metadata, table: table.location)
        var state = snapshot.state
        let retention = TableProperties(snapshot.configuration).deletedFileRetentionMillis
        state.expireTombstones(before: Int64(Date().timeIntervalSince1970 * 1000) - retention)
        let (bytes, actions, adds) = try CheckpointWriter.bytes(state)
        try table.store.put(LogNames.checkpoint(snapshot.version), bytes)
        try table.store.put(LogNames.lastCheckpoint,
                            CheckpointWriter.lastCheckpoint(version: snapshot.version, actions: actions, sizeInBytes: bytes.count, adds: adds))
    }

    /// PROTOCOL.md "Metadata Cleanup": keep the newest checkpoint not newer than the cutoff, its
    /// commit, and everything after; delete older commits, checkpoints and checksums.
    public static func cleanUpLog(_ table: Table, retentionMillis: Int64) throws {
        let cutoff = Int64(Date().timeIntervalSince1970 * 1000) - retentionMillis
        let files = try table.logFiles()
        let oldCommits = files.filter { $0.kind == .commit && $0.lastModifiedMillis <= cutoff }
        guard let cutoffCommit = oldCommits.map(\.version).max() else { return }
        guard let keep = files.filter({ $0.isCheckpoint && $0.version <= cutoffCommit }).map(\.version).max() else { return }
        for f in files where f.version < keep {
            switch f.kind {
            case .commit, .checkpoint, .multiPartCheckpoint, .checksum, .v2Checkpoint: try table.store.delete(f.key)
            case let .compacted(end) where end <= keep: try table.store.delete(f.key)
            default: continue
            }
        }
    }
}
