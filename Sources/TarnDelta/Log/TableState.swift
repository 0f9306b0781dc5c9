// TableState: the reconciled state of a table at one version (PROTOCOL.md "Action
// Reconciliation"): one protocol, one metaData, the live files keyed by (path, DV id), unexpired
// tombstones, the latest txn version per appId, live domain metadata. Built by forward replay
// of a checkpoint and then commits in order.
import TarnColumnar

public struct TableState: Sendable {
    public var protocolAction: ProtocolAction?
    public var metadata: MetadataAction?
    public private(set) var files: [FileKey: AddFile] = [:]
    public private(set) var tombstones: [FileKey: RemoveFile] = [:]
    public private(set) var transactions: [String: SetTransaction] = [:]
    public private(set) var domains: [String: DomainMetadata] = [:]
    /// commitInfo of the newest commit applied (not kept in checkpoints).
    public private(set) var commitInfo: CommitInfo?

    public init() {}

    public mutating func apply(_ actions: [Action]) {
        var commitInfoSeen: CommitInfo?
        for a in actions {
            switch a {
            case let .protocol(p): protocolAction = p
            case let .metaData(m): metadata = m
            case let .add(add):
                let key = TableState.normalized(add.key)
                files[key] = add
                tombstones[key] = nil
            case let .remove(r):
                let key = TableState.normalized(r.key)
                files[key] = nil
                tombstones[key] = r
            case let .txn(t): transactions[t.appId] = t
            case let .domainMetadata(d): domains[d.domain] = d.removed ? nil : d
            case let .commitInfo(c): commitInfoSeen = c
            case .cdc, .checkpointMetadata, .sidecar: break
            }
        }
        commitInfo = commitInfoSeen
    }

    /// Paths compare after decoding and dropping a `file:` scheme, so `file:/a`, `file:///a` and
    /// `/a` name the same file.
    public static func normalized(_ key: FileKey) -> FileKey {
        var p = key.path
        if p.hasPrefix("file://") { p.removeFirst("file://".count) } else if p.hasPrefix("file:") { p.removeFirst("file:".count) }
        return FileKey(path: p, dvId: key.dvId)
    }

    /// Drops tombstones whose deletion timestamp is older than `cutoffMillis` (for checkpoints).
    public mutating func expireTombstones(before cutoffMillis: Int64) {
        tombstones = tombstones.filter { ($0.value.deletionTimestamp ?? 0) >= cutoffMillis }
    }
}
