// ActionCodec: Delta actions to and from JSON (one object with one key per line of a commit,
// PROTOCOL.md "Delta Log Entries"). Reading tolerates unknown actions and fields, explicit nulls,
// blank lines and a missing final newline; a malformed line is an error naming the line.
import TarnColumnar

public enum ActionCodec {
    /// Parses a commit file. `file` names it in errors. Unknown action kinds are skipped.
    public static func parseCommit(_ bytes: [UInt8], file: String) throws -> [Action] {
        var actions: [Action] = []
        var start = 0
        var line = 1
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            if let a = try parseLine(bytes, start, end, file: file, line: line) { actions.append(a) }
            start = end + 1
            line += 1
        }
        return actions
    }

    private static func parseLine(_ bytes: [UInt8], _ start: Int, _ end: Int, file: String, line: Int) throws -> Action? {
        var s = start, e = end
        while s < e && (bytes[s] == 32 || bytes[s] == 9 || bytes[s] == 13) { s += 1 }
        while e > s && (bytes[e - 1] == 32 || bytes[e - 1] == 9 || bytes[e - 1] == 13) { e -= 1 }
        if s == e { return nil }
        do {
            let json = try JSONParser.parse(bytes, start: s, end: e)
            return try action(from: json)
        } catch let err as TarnError {
            throw TarnError(.corruption, "line \(line) of the commit is not a valid action: \(err.message)", file: file,
                            offset: err.offset)
        }
    }

    /// The action in a one-key JSON object; nil for unknown action kinds.
    public static func action(from json: JSONValue) throws -> Action? {
        guard case let .object(members) = json else { throw TarnError.corruption("an action must be a JSON object") }
        guard let (kind, body) = members.first(where: { !$0.1.isNull }) else { return nil }
        let r = FieldReader(body, kind)
        switch kind {
        case "protocol":
            return .protocol(ProtocolAction(minReaderVersion: try r.int("minReaderVersion"), minWriterVersion: try r.int("minWriterVersion"),
                                            readerFeatures: try r.strings("readerFeatures"), writerFeatures: try r.strings("writerFeatures")))
        case "metaData": return .metaData(try metadata(r))
        case "add": return .add(try add(r))
        case "remove": return .remove(try remove(r))
        case "cdc":
            return .cdc(AddCDCFile(path: try r.string("path"), partitionValues: try r.partitionValues("partitionValues") ?? [:],
                                   size: try r.int64("size"), dataChange: try r.optBool("dataChange") ?? false, tags: try r.stringMap("tags")))
        case "txn":
            return .txn(SetTransaction(appId: try r.string("appId"), version: try r.int64("version"), lastUpdated: try r.optInt64("lastUpdated")))
        case "commitInfo":
            guard case let .object(m) = body else { throw TarnError.corruption("commitInfo must be an object") }
            return .commitInfo(CommitInfo(members: m))
        case "domainMetadata":
            return .domainMetadata(DomainMetadata(domain: try r.string("domain"), configuration: try r.string("configuration"),
                                                  removed: try r.optBool("removed") ?? false))
        case "checkpointMetadata":
            return .checkpointMetadata(CheckpointMetadata(version: try r.int64("version"), tags: try r.stringMap("tags")))
        case "sidecar":
            return .sidecar(SidecarFile(path: try r.string("path"), sizeInBytes: try r.int64("sizeInBytes"),
                                        modificationTime: try r.int64("modificationTime"), tags: try r.stringMap("tags")))
        default: return nil
        }
    }

    private static func metadata(_ r: FieldReader) throws -> MetadataAction {
        var m = MetadataAction(id: try r.string("id"), name: try r.optString("name"), description: try r.optString("description"),
                               schemaString: try r.optString("schemaString") ?? "", partitionColumns: try r.strings("partitionColumns") ?? [],
                               createdTime: try r.optInt64("createdTime"), configuration: try r.stringMap("configuration") ?? [:])
        if let format = r.body["format"], !format.isNull {
            let f = FieldReader(format, "metaData.format")
            m.formatProvider = try f.optString("provider") ?? "parquet"
            m.formatOptions = try f.stringMap("options") ?? [:]
        }
        return m
    }

    private static func add(_ r: FieldReader) throws -> AddFile {
        var a = AddFile(path: try r.string("path"), partitionValues: try r.partitionValues("partitionValues") ?? [:],
                        size: try r.int64("size"), modificationTime: try r.optInt64("modificationTime") ?? 0,
                        dataChange: try r.optBool("dataChange") ?? true, stats: try r.optString("stats"), tags: try r.stringMap("tags"),
                        deletionVector: try r.deletionVector())
        a.baseRowId = try r.optInt64("baseRowId")
        a.defaultRowCommitVersion = try r.optInt64("defaultRowCommitVersion")
        a.clusteringProvider = try r.optString("clusteringProvider")
        return a
    }

    private static func remove(_ r: FieldReader) throws -> RemoveFile {
        var x = RemoveFile(path: try r.string("path"), deletionTimestamp: try r.optInt64("deletionTimestamp"),
                           dataChange: try r.optBool("dataChange") ?? true, extendedFileMetadata: try r.optBool("extendedFileMetadata"),
                           partitionValues: try r.partitionValues("partitionValues"), size: try r.optInt64("size"),
                           stats: try r.optString("stats"), deletionVector: try r.deletionVector())
        x.tags = try r.stringMap("tags")
        x.baseRowId = try r.optInt64("baseRowId")
        x.defaultRowCommitVersion = try r.optInt64("defaultRowCommitVersion")
        return x
    }
}

/// Typed access to the fields of one action object, with errors naming action and field.
struct FieldReader {
    let body: JSONValue
    let kind: String

    init(_ body: JSONValue, _ kind: String) {
        self.body = body
        self.kind = kind
    }

    func value(_ key: String) -> JSONValue? {
        guard let v = body[key], !v.isNull else { return nil }
        return v
    }

    func fail(_ key: String, _ what: String) -> TarnError {
        TarnError.corruption("\(kind).\(key) \(what)")
    }

    func string(_ key: String) throws -> String {
        guard let v = try optString(key) else { throw fail(key, "is missing") }
        return v
    }

    func optString(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.stringValue else { throw fail(key, "must be a string") }
        return s
    }

    func int64(_ key: String) throws -> Int64 {
        guard let v = try optInt64(key) else { throw fail(key, "is missing") }
        return v
    }

    func optInt64(_ key: String) throws -> Int64? {
        guard let v = value(key) else { return nil }
        if let n = v.int64Value { return n }
        if let s = v.stringValue, let n = Int64(s) { return n }
        if let d = v.doubleValue, let n = Int64(exactly: d) { return n }
        throw fail(key, "must be an integer")
    }

    func int(_ key: String) throws -> Int { Int(try int64(key)) }

    func optBool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        if let b = v.boolValue { return b }
        if let s = v.stringValue { return s == "true" }
        throw fail(key, "must be a boolean")
    }

    func strings(_ key: String) throws -> [String]? {
        guard let v = value(key) else { return nil }
        guard let a = v.arrayValue else { throw fail(key, "must be an array") }
        return try a.map { guard let s = $0.stringValue else { throw fail(key, "must hold strings") }; return s }
    }

    func stringMap(_ key: String) throws -> [String: String]? {
        guard let v = value(key) else { return nil }
        guard let o = v.objectValue else { throw fail(key, "must be an object") }
        var out: [String: String] = [:]
        for (k, x) in o {
            if x.isNull { continue }
            guard let s = x.stringValue ?? (x.int64Value.map(String.init)) ?? (x.boolValue.map { String($0) }) else {
                throw fail(key, "must map strings to strings")
            }
            out[k] = s
        }
        return out
    }

    func partitionValues(_ key: String) throws -> [String: String?]? {
        guard let v = value(key) else { return nil }
        guard let o = v.objectValue else { throw fail(key, "must be an object") }
        var out: [String: String?] = [:]
        for (k, x) in o {
            if x.isNull { out[k] = .some(nil); continue }
            guard let s = x.stringValue else { throw fail(key, "must map strings to strings or null") }
            out[k] = .some(s)
        }
        return out
    }

    func deletionVector() throws -> DeletionVectorDescriptor? {
        guard let v = value("deletionVector") else { return nil }
        do {
            return try DeletionVectorDescriptor(json: v)
        } catch let e as TarnError {
            throw fail("deletionVector", "is invalid: \(e.message)")
        }
    }
}
