// Serializing actions to the commit-file form: one compact JSON object per line, Delta's field
// names, optional fields left out when absent, configuration values as strings.
import TarnColumnar

extension ActionCodec {
    /// The commit file body: one line per action, commitInfo first, each ending in "\n".
    public static func commitBytes(_ actions: [Action]) -> [UInt8] {
        var out: [UInt8] = []
        let ordered = actions.filter { if case .commitInfo = $0 { return true }; return false }
            + actions.filter { if case .commitInfo = $0 { return false }; return true }
        for a in ordered {
            json(a).write(into: &out)
            out.append(10)
        }
        return out
    }

    public static func json(_ action: Action) -> JSONValue {
        switch action {
        case let .protocol(p):
            var m: [(String, JSONValue)] = [("minReaderVersion", .int(p.minReaderVersion)), ("minWriterVersion", .int(p.minWriterVersion))]
            if let r = p.readerFeatures { m.append(("readerFeatures", .array(r.map { .string($0) }))) }
            if let w = p.writerFeatures { m.append(("writerFeatures", .array(w.map { .string($0) }))) }
            return .object([("protocol", .object(m))])
        case let .metaData(x): return .object([("metaData", metadataJSON(x))])
        case let .add(a): return .object([("add", addJSON(a))])
        case let .remove(r): return .object([("remove", removeJSON(r))])
        case let .cdc(c):
            var m: [(String, JSONValue)] = [("path", .string(c.path)), ("partitionValues", partitionJSON(c.partitionValues)),
                                            ("size", .int(c.size)), ("dataChange", .bool(c.dataChange))]
            if let t = c.tags { m.append(("tags", mapJSON(t))) }
            return .object([("cdc", .object(m))])
        case let .txn(t):
            var m: [(String, JSONValue)] = [("appId", .string(t.appId)), ("version", .int(t.version))]
            if let l = t.lastUpdated { m.append(("lastUpdated", .int(l))) }
            return .object([("txn", .object(m))])
        case let .commitInfo(c): return .object([("commitInfo", .object(c.members))])
        case let .domainMetadata(d):
            return .object([("domainMetadata", .object([("domain", .string(d.domain)), ("configuration", .string(d.configuration)),
                                                        ("removed", .bool(d.removed))]))])
        case let .checkpointMetadata(c):
            var m: [(String, JSONValue)] = [("version", .int(c.version))]
            if let t = c.tags { m.append(("tags", mapJSON(t))) }
            return .object([("checkpointMetadata", .object(m))])
        case let .sidecar(s):
            var m: [(String, JSONValue)] = [("path", .string(s.path)), ("sizeInBytes", .int(s.sizeInBytes)),
                                            ("modificationTime", .int(s.modificationTime))]
            if let t = s.tags { m.append(("tags", mapJSON(t))) }
            return .object([("sidecar", .object(m))])
        }
    }

    static func metadataJSON(_ x: MetadataAction) -> JSONValue {
        var m: [(String, JSONValue)] = [("id", .string(x.id))]
        if let n = x.name { m.append(("name", .string(n))) }
        if let d = x.description { m.append(("description", .string(d))) }
        m.append(("format", .object([("provider", .string(x.formatProvider)), ("options", mapJSON(x.formatOptions))])))
        m.append(("schemaString", .string(x.schemaString)))
        m.append(("partitionColumns", .array(x.partitionColumns.map { .string($0) })))
        if let c = x.createdTime { m.append(("createdTime", .int(c))) }
        m.append(("configuration", mapJSON(x.configuration)))
        return .object(m)
    }

    static func addJSON(_ a: AddFile) -> JSONValue {
        var m: [(String, JSONValue)] = [("path", .string(a.path)), ("partitionValues", partitionJSON(a.partitionValues)),
                                        ("size", .int(a.size)), ("modificationTime", .int(a.modificationTime)),
                                        ("dataChange", .bool(a.dataChange))]
        if let s = a.stats { m.append(("stats", .string(s))) }
        if let t = a.tags { m.append(("tags", mapJSON(t))) }
        if let dv = a.deletionVector { m.append(("deletionVector", dv.json)) }
        if let b = a.baseRowId { m.append(("baseRowId", .int(b))) }
        if let d = a.defaultRowCommitVersion { m.append(("defaultRowCommitVersion", .int(d))) }
        if let c = a.clusteringProvider { m.append(("clusteringProvider", .string(c))) }
        return .object(m)
    }

    static func removeJSON(_ r: RemoveFile) -> JSONValue {
        var m: [(String, JSONValue)] = [("path", .string(r.path))]
        if let t = r.deletionTimestamp { m.append(("deletionTimestamp", .int(t))) }
        m.append(("dataChange", .bool(r.dataChange)))
        if let e = r.extendedFileMetadata { m.append(("extendedFileMetadata", .bool(e))) }
        if let p = r.partitionValues { m.append(("partitionValues", partitionJSON(p))) }
        if let s = r.size { m.append(("size", .int(s))) }
        if let s = r.stats { m.append(("stats", .string(s))) }
        if let t = r.tags { m.append(("tags", mapJSON(t))) }
        if let dv = r.deletionVector { m.append(("deletionVector", dv.json)) }
        if let b = r.baseRowId { m.append(("baseRowId", .int(b))) }
        if let d = r.defaultRowCommitVersion { m.append(("defaultRowCommitVersion", .int(d))) }
        return .object(m)
    }

    static func mapJSON(_ m: [String: String]) -> JSONValue {
        .object(m.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
    }

    static func partitionJSON(_ m: [String: String?]) -> JSONValue {
        .object(m.sorted { $0.key < $1.key }.map { ($0.key, $0.value.map { .string($0) } ?? .null) })
    }
}
