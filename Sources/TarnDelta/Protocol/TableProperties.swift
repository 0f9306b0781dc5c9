// TableProperties: typed access to the `metaData.configuration` keys Tarn honours (PROTOCOL.md
// and Delta's table properties), with their defaults, and the `interval <n> <unit>` syntax of
// durations.

public struct TableProperties: Sendable {
    public let raw: [String: String]
    public init(_ raw: [String: String]) { self.raw = raw }

    func bool(_ key: String, _ fallback: Bool) -> Bool {
        raw[key].map { $0.lowercased() == "true" } ?? fallback
    }

    /// Commits between checkpoints (default 100, as delta-rs).
    public var checkpointInterval: Int64 { raw["delta.checkpointInterval"].flatMap { Int64($0) }.map { max(1, $0) } ?? 100 }
    /// How long log files are kept after a newer checkpoint (default 30 days).
    public var logRetentionMillis: Int64 { TableProperties.interval(raw["delta.logRetentionDuration"]) ?? 30 * 86_400_000 }
    /// How long removed files stay restorable before vacuum may delete them (default 7 days).
    public var deletedFileRetentionMillis: Int64 { TableProperties.interval(raw["delta.deletedFileRetentionDuration"]) ?? 7 * 86_400_000 }
    public var enableExpiredLogCleanup: Bool { bool("delta.enableExpiredLogCleanup", true) }
    public var appendOnly: Bool { bool("delta.appendOnly", false) }
    public var inCommitTimestamps: Bool { bool("delta.enableInCommitTimestamps", false) }
    public var inCommitTimestampEnablementVersion: Int64? { raw["delta.inCommitTimestampEnablementVersion"].flatMap { Int64($0) } }
    /// Target size of data files written (default 128 MiB).
    public var targetFileSizeBytes: Int { raw["delta.targetFileSize"].flatMap { Int($0) } ?? 128 << 20 }
    /// Leaf columns that get statistics: the first N (default 32, -1 = all) unless a list is given.
    public var dataSkippingNumIndexedCols: Int { raw["delta.dataSkippingNumIndexedCols"].flatMap { Int($0) } ?? 32 }
    public var dataSkippingStatsColumns: [String]? {
        raw["delta.dataSkippingStatsColumns"].map { $0.split(separator: ",").map { $0.trimmedWhitespace } }
    }
    public var isolationLevel: String { raw["delta.isolationLevel"] ?? "WriteSerializable" }

    /// Milliseconds of "interval <n> <unit>" (also "<n> <unit>"); nil when absent or malformed.
    public static func interval(_ text: String?) -> Int64? {
        guard let text else { return nil }
        var words = text.lowercased().split(separator: " ").map(String.init)
        if words.first == "interval" { words.removeFirst() }
        guard words.count == 2, let n = Double(words[0]) else { return nil }
        let unit = words[1].hasSuffix("s") ? String(words[1].dropLast()) : words[1]
        let ms: Double
        switch unit {
        case "nanosecond": ms = n / 1_000_000
        case "microsecond": ms = n / 1000
        case "millisecond": ms = n
        case "second": ms = n * 1000
        case "minute": ms = n * 60_000
        case "hour": ms = n * 3_600_000
        case "day": ms = n * 86_400_000
        case "week": ms = n * 604_800_000
        default: return nil
        }
        return Int64(ms)
    }
}
