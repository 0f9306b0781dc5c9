// Names of files in `_delta_log/` (PROTOCOL.md "Delta Log Entries", "Checkpoints"): commits
// %020d.json, classic checkpoints %020d.checkpoint.parquet, multi-part
// %020d.checkpoint.%010d.%010d.parquet, v2 %020d.checkpoint.<uuid>.json|parquet, checksums
// %020d.crc, compactions %020d.%020d.compacted.json, and _last_checkpoint. Anything else is ignored.

public enum LogFileKind: Sendable, Hashable {
    case commit
    case checkpoint
    case multiPartCheckpoint(part: Int, parts: Int)
    case v2Checkpoint(uuid: String, json: Bool)
    case checksum
    case compacted(endVersion: Int64)
}

public struct LogFile: Sendable, Hashable {
    public let version: Int64
    public let kind: LogFileKind
    /// The object key (e.g. "_delta_log/00000000000000000003.json").
    public let key: String
    public let size: Int
    public let lastModifiedMillis: Int64

    public var isCheckpoint: Bool {
        switch kind {
        case .checkpoint, .multiPartCheckpoint, .v2Checkpoint: return true
        default: return false
        }
    }
}

public enum LogNames {
    public static let directory = "_delta_log/"
    public static let lastCheckpoint = "_delta_log/_last_checkpoint"
    public static let sidecarDirectory = "_delta_log/_sidecars/"

    public static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    public static func commit(_ version: Int64) -> String { directory + pad(version, 20) + ".json" }
    public static func checkpoint(_ version: Int64) -> String { directory + pad(version, 20) + ".checkpoint.parquet" }

    /// Parses a key under `_delta_log/`; nil for names the protocol does not define.
    public static func parse(_ meta: ObjectMeta) -> LogFile? {
        guard meta.key.hasPrefix(directory) else { return nil }
        let name = meta.key.dropFirst(directory.count)
        guard !name.contains("/"), name.count > 20 else { return nil }
        let digits = name.prefix(20)
        guard digits.allSatisfy(\.isASCIIDigitChar), let version = Int64(digits) else { return nil }
        let rest = String(name.dropFirst(20))
        guard let kind = kind(rest) else { return nil }
        return LogFile(version: version, kind: kind, key: meta.key, size: meta.size, lastModifiedMillis: meta.lastModifiedMillis)
    }

    private static func kind(_ rest: String) -> LogFileKind? {
        switch rest {
        case ".json": return .commit
        case ".checkpoint.parquet": return .checkpoint
        case ".crc": return .checksum
        default: break
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        // ["", "checkpoint", part, parts, "parquet"] or ["", "checkpoint", uuid, "json"|"parquet"]
        if parts.count == 5, parts[1] == "checkpoint", parts[4] == "parquet", parts[2].count == 10, parts[3].count == 10,
           let p = Int(parts[2]), let n = Int(parts[3]), p >= 1, n >= 1, p <= n {
            return .multiPartCheckpoint(part: p, parts: n)
        }
        if parts.count == 4, parts[1] == "checkpoint", parts[3] == "json" || parts[3] == "parquet", !parts[2].isEmpty {
            return .v2Checkpoint(uuid: parts[2], json: parts[3] == "json")
        }
        if parts.count == 4, parts[2] == "compacted", parts[3] == "json", parts[1].count == 20, let end = Int64(parts[1]) {
            return .compacted(endVersion: end)
        }
        return nil
    }
}

extension Character {
    var isASCIIDigitChar: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}
