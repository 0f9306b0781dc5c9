// Delta log actions (PROTOCOL.md "Actions"): protocol, metaData, add, remove, cdc, txn,
// commitInfo, domainMetadata, and the v2-checkpoint-only checkpointMetadata and sidecar. Field
// names follow the protocol exactly; JSON conversion is in ActionCodec.swift.
import TarnColumnar

public struct ProtocolAction: Sendable, Hashable {
    public var minReaderVersion: Int
    public var minWriterVersion: Int
    /// Present iff minReaderVersion == 3.
    public var readerFeatures: [String]?
    /// Present iff minWriterVersion == 7.
    public var writerFeatures: [String]?

    public init(minReaderVersion: Int, minWriterVersion: Int, readerFeatures: [String]? = nil, writerFeatures: [String]? = nil) {
        self.minReaderVersion = minReaderVersion
        self.minWriterVersion = minWriterVersion
        self.readerFeatures = readerFeatures
        self.writerFeatures = writerFeatures
    }
}

public struct MetadataAction: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var description: String?
    public var formatProvider: String = "parquet"
    public var formatOptions: [String: String] = [:]
    public var schemaString: String
    public var partitionColumns: [String]
    public var createdTime: Int64?
    public var configuration: [String: String]

    public init(id: String, name: String? = nil, description: String? = nil, schemaString: String,
                partitionColumns: [String], createdTime: Int64?, configuration: [String: String]) {
        self.id = id
        self.name = name
        self.description = description
        self.schemaString = schemaString
        self.partitionColumns = partitionColumns
        self.createdTime = createdTime
        self.configuration = configuration
    }

    /// The table schema parsed from `schemaString`.
    public func schema() throws -> StructType {
        guard !schemaString.isEmpty else { throw TarnError(.corruption, "metaData has no schemaString") }
        do {
            return try StructType(jsonString: schemaString)
        } catch let e as TarnError {
            throw TarnError(.corruption, "metaData.schemaString is not a valid schema: \(e.message)")
        }
    }
}

public struct AddFile: Sendable, Hashable {
    /// The path as a URI, exactly as in the log (percent-encoded).
    public var path: String
    /// Partition column → serialized value (nil = null).
    public var partitionValues: [String: String?]
    public var size: Int64
    public var modificationTime: Int64
    public var dataChange: Bool
    /// Per-file statistics as a JSON string (see Stats.swift).
    public var stats: String?
    public var tags: [String: String]?
    public var deletionVector: DeletionVectorDescriptor?
    public var baseRowId: Int64?
    public var defaultRowCommitVersion: Int64?
    public var clusteringProvider: String?

    public init(path: String, partitionValues: [String: String?], size: Int64, modificationTime: Int64, dataChange: Bool,
                stats: String? = nil, tags: [String: String]? = nil, deletionVector: DeletionVectorDescriptor? = nil) {
        self.path = path
        self.partitionValues = partitionValues
        self.size = size
        self.modificationTime = modificationTime
        self.dataChange = dataChange
        self.stats = stats
        self.tags = tags
        self.deletionVector = deletionVector
    }

    /// Replay key: (decoded path, DV unique id).
    public var key: FileKey { FileKey(path: LogPath.decode(path), dvId: deletionVector?.uniqueId) }
}

public struct RemoveFile: Sendable, Hashable {
    public var path: String
    public var deletionTimestamp: Int64?
    public var dataChange: Bool
    public var extendedFileMetadata: Bool?
    public var partitionValues: [String: String?]?
    public var size: Int64?
    public var stats: String?
    public var tags: [String: String]?
    public var deletionVector: DeletionVectorDescriptor?
    public var baseRowId: Int64?
    public var defaultRowCommitVersion: Int64?

    public init(path: String, deletionTimestamp: Int64?, dataChange: Bool, extendedFileMetadata: Bool? = nil,
                partitionValues: [String: String?]? = nil, size: Int64? = nil, stats: String? = nil,
                deletionVector: DeletionVectorDescriptor? = nil) {
        self.path = path
        self.deletionTimestamp = deletionTimestamp
        self.dataChange = dataChange
        self.extendedFileMetadata = extendedFileMetadata
        self.partitionValues = partitionValues
        self.size = size
        self.stats = stats
        self.deletionVector = deletionVector
    }

    public var key: FileKey { FileKey(path: LogPath.decode(path), dvId: deletionVector?.uniqueId) }

    /// The tombstone for removing `add` at `timestamp` (ms), keeping its size and partition values.
    public init(removing add: AddFile, at timestamp: Int64, dataChange: Bool) {
        self.init(path: add.path, deletionTimestamp: timestamp, dataChange: dataChange, extendedFileMetadata: true,
                  partitionValues: add.partitionValues, size: add.size, stats: add.stats, deletionVector: add.deletionVector)
        tags = add.tags
    }
}

/// Identity of a file in replay: the decoded path and the deletion-vector id (PROTOCOL.md).
public struct FileKey: Sendable, Hashable {
    public var path: String
    public var dvId: String?
}

public struct AddCDCFile: Sendable, Hashable {
    public var path: String
    public var partitionValues: [String: String?]
    public var size: Int64
    public var dataChange: Bool
    public var tags: [String: String]?

    public init(path: String, partitionValues: [String: String?], size: Int64, dataChange: Bool = false, tags: [String: String]? = nil) {
        self.path = path
        self.partitionValues = partitionValues
        self.size = size
        self.dataChange = dataChange
        self.tags = tags
    }
}

public struct SetTransaction: Sendable, Hashable {
    public var appId: String
    public var version: Int64
    public var lastUpdated: Int64?

    public init(appId: String, version: Int64, lastUpdated: Int64?) {
        self.appId = appId
        self.version = version
        self.lastUpdated = lastUpdated
    }
}

public struct DomainMetadata: Sendable, Hashable {
    public var domain: String
    public var configuration: String
    public var removed: Bool

    public init(domain: String, configuration: String, removed: Bool) {
        self.domain = domain
        self.configuration = configuration
        self.removed = removed
    }
}

/// commitInfo is free-form: kept as its JSON members, with typed accessors for common keys.
public struct CommitInfo: Sendable, Hashable {
    public var members: [(String, JSONValue)]

    public init(members: [(String, JSONValue)]) { self.members = members }

    public subscript(key: String) -> JSONValue? { members.first { $0.0 == key }?.1 }

    public var timestamp: Int64? { self["timestamp"]?.int64Value }
    public var inCommitTimestamp: Int64? { self["inCommitTimestamp"]?.int64Value }
    public var operation: String? { self["operation"]?.stringValue }

    public static func == (a: CommitInfo, b: CommitInfo) -> Bool { JSONValue.object(a.members) == JSONValue.object(b.members) }
    public func hash(into h: inout Hasher) { h.combine(JSONValue.object(members)) }
}

public struct CheckpointMetadata: Sendable, Hashable {
    public var version: Int64
    public var tags: [String: String]?
}

public struct SidecarFile: Sendable, Hashable {
    public var path: String
    public var sizeInBytes: Int64
    public var modificationTime: Int64
    public var tags: [String: String]?
}

public enum Action: Sendable, Hashable {
    case `protocol`(ProtocolAction)
    case metaData(MetadataAction)
    case add(AddFile)
    case remove(RemoveFile)
    case cdc(AddCDCFile)
    case txn(SetTransaction)
    case commitInfo(CommitInfo)
    case domainMetadata(DomainMetadata)
    case checkpointMetadata(CheckpointMetadata)
    case sidecar(SidecarFile)
}
