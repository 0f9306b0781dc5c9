// VacuumPaths: which stored keys VACUUM may delete and how the log's paths map to keys
// (spec/maintenance.md "Vacuum"). A deletion candidate must be a plain relative key inside the
// table root (never absolute, never a URI, never `..`), outside `_delta_log/` and hidden
// directories; a protected path is normalised generously so that no spelling of a live file escapes.
import TarnDelta

/// A path named by the log that VACUUM left alone, and why.
public struct VacuumSkip: Sendable, Hashable {
    /// The path as decoded from the log (or the key, for failed deletions).
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

enum VacuumPaths {
    enum Deletable {
        case key(String)
        case skip(VacuumSkip)
    }

    /// What a protected log path (live or recently removed file) stands for.
    enum Protected: Equatable {
        /// The key of a file inside the table root.
        case key(String)
        /// A relative path whose `..` segments leave the root: it cannot name a file in the table.
        case outside
        /// An absolute path or URI that is not under the table root as Tarn knows it: it might
        /// still be one of the table's files under another spelling.
        case foreign(String)
    }

    /// The key a deletion candidate names, or why it is not one VACUUM may delete. The path is
    /// percent-decoded exactly once; a `%2F` left after that is a literal character of a file name.
    static func deletable(_ logPath: String, hidden: HiddenRule) -> Deletable {
        let decoded = LogPath.decode(logPath)
        func skip(_ why: String) -> Deletable { .skip(VacuumSkip(path: decoded, reason: why)) }
        if hasScheme(decoded) { return skip("it is a URI (\(decoded.prefix { $0 != ":" }):), not a path inside the table root") }
        if decoded.hasPrefix("/") { return skip("it is an absolute path; vacuum deletes only files inside the table root") }
        do { try ObjectKey.validate(decoded) } catch let e as TarnError { return skip(e.message) } catch { return skip("\(error)") }
        if isLog(decoded) { return skip("it is inside _delta_log") }
        if hidden.isHidden(decoded) { return skip("it is in a hidden directory or has a hidden name") }
        return .key(decoded)
    }

    /// The key a protected path stands for. `file:` URIs and absolute paths under `root` become
    /// relative keys; `.` and empty segments are dropped and `..` resolved lexically.
    static func protected(_ logPath: String, root: String) -> Protected {
        var p = LogPath.decode(logPath)
        if p.hasPrefix("file://") { p.removeFirst("file://".count) } else if p.hasPrefix("file:") { p.removeFirst("file:".count) }
        if hasScheme(p) { return .foreign(p) }
        if p.hasPrefix("/") {
            let base = root.hasSuffix("/") ? root : root + "/"
            guard root.hasPrefix("/"), p.hasPrefix(base) else { return .foreign(p) }
            p.removeFirst(base.count)
        }
        var parts: [Substring] = []
        for segment in p.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if parts.isEmpty { return .outside }
                parts.removeLast()
                continue
            }
            parts.append(segment)
        }
        return parts.isEmpty ? .outside : .key(parts.joined(separator: "/"))
    }

    /// Whether the path starts with a URI scheme (`s3:`, `file:`, `C:` …): letters, digits, `+ - .`
    /// before the first ':' and no '/' before it.
    static func hasScheme(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return false }
        func letter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
        func digit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        guard letter(bytes[0]) else { return false }
        return bytes[1 ..< colon].allSatisfy { letter($0) || digit($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }

    static func isLog(_ key: String) -> Bool { key == "_delta_log" || key.hasPrefix(LogNames.directory) }

    /// The hidden-path rule of full vacuum (as Spark and delta-rs): a key with a segment starting
    /// with `_` or `.` is hidden, except `_change_data`, segments starting with `_delta_index`,
    /// and partition directories `<partition column>=…` (logical or physical name).
    struct HiddenRule {
        let partitionPrefixes: [String]

        init(partitionColumns: [String]) {
            partitionPrefixes = partitionColumns.map { $0 + "=" }
        }

        func isHidden(_ key: String) -> Bool {
            for segment in key.split(separator: "/") {
                guard let c = segment.first, c == "_" || c == "." else { continue }
                if segment == "_change_data" || segment.hasPrefix("_delta_index") { continue }
                if partitionPrefixes.contains(where: { segment.hasPrefix($0) }) { continue }
                return true
            }
            return false
        }
    }
}
