// ObjectKey: the rules an object key must follow before any store touches it (spec/storage.md
// "Keys"). This is a security boundary (issue 7 item 4): a key that passes `validate` names a
// path strictly inside the store root, whatever the store does with it.
// Percent-encoding is NOT decoded here: callers decode URIs first; "%2F" is a literal name.
import TarnParquet

/// Validation of object keys and listing prefixes.
public enum ObjectKey {
    /// Names starting with this are a store's in-flight temporary files: LocalStore writes
    /// `.tarn-tmp-<pid>-<random hex>` beside the target and renames or links it into place.
    /// Such names are reserved: no key may use them and listings never show them.
    public static let temporaryPrefix = ".tarn-tmp-"
    /// Longest segment accepted (NAME_MAX on Linux and macOS), in UTF-8 bytes.
    public static let maxSegmentBytes = 255
    /// Longest key accepted (below PATH_MAX once joined to a reasonable root), in UTF-8 bytes.
    public static let maxKeyBytes = 3072

    /// Throws `.invalidArgument` naming the key unless it is a '/'-separated relative path of
    /// non-empty segments, none of them "." or ".." or a temporary name, with no backslash, no NUL,
    /// no leading '/', and within the length limits.
    public static func validate(_ key: String) throws {
        if let problem = problem(in: key, isPrefix: false) {
            throw TarnError(.invalidArgument, "invalid object key '\(printable(key))': \(problem)", file: printable(key))
        }
    }

    /// Whether `validate` would accept `key`.
    public static func isValid(_ key: String) -> Bool { problem(in: key, isPrefix: false) == nil }

    /// Validates a listing prefix: "" (everything), or complete segments that follow the key
    /// rules, optionally followed by '/' or by the beginning of a final segment ("_delta_log/0000").
    public static func validatePrefix(_ prefix: String) throws {
        if let problem = problem(in: prefix, isPrefix: true) {
            throw TarnError(.invalidArgument, "invalid listing prefix '\(printable(prefix))': \(problem)",
                            file: printable(prefix))
        }
    }

    /// The segments of a valid key (call `validate` first).
    static func segments(_ key: String) -> [Substring] {
        key.split(separator: "/", omittingEmptySubsequences: false)
    }

    private static func problem(in key: String, isPrefix: Bool) -> String? {
        var key = key
        return key.withUTF8 { problem(in: $0, isPrefix: isPrefix) }
    }

    /// The rules on the key's UTF-8 bytes, segment by segment (no substrings are made).
    private static func problem(in utf8: UnsafeBufferPointer<UInt8>, isPrefix: Bool) -> String? {
        if utf8.isEmpty { return isPrefix ? nil : "the key is empty" }
        if utf8.count > maxKeyBytes { return "longer than \(maxKeyBytes) bytes" }
        if utf8[0] == UInt8(ascii: "/") { return "absolute paths are not allowed (leading '/')" }
        if utf8.contains(0) { return "contains a NUL byte" }
        if utf8.contains(UInt8(ascii: "\\")) { return "contains a backslash" }
        let tmp = Array(temporaryPrefix.utf8)
        var start = 0
        while start <= utf8.count {
            var end = start
            while end < utf8.count && utf8[end] != UInt8(ascii: "/") { end += 1 }
            let part = UnsafeBufferPointer(rebasing: utf8[start ..< end])
            let isLast = end == utf8.count
            // In a prefix the last part is only the start of a name: "" (after a '/') or "." is fine,
            // because listing compares it as a string and never opens it as a path.
            if isPrefix && isLast { return part.count > maxSegmentBytes ? "a segment is too long" : nil }
            if part.isEmpty { return isLast ? "ends with '/'" : "contains an empty segment ('//')" }
            let dot = UInt8(ascii: ".")
            if part.count == 1 && part[0] == dot { return "contains a '.' segment" }
            if part.count == 2 && part[0] == dot && part[1] == dot { return "contains a '..' segment" }
            if part.count > maxSegmentBytes { return "a segment is longer than \(maxSegmentBytes) bytes" }
            if part.starts(with: tmp) {
                return "segments starting with '\(temporaryPrefix)' are reserved for temporary files"
            }
            start = end + 1
        }
        return nil
    }

    /// The key with control characters escaped, for messages.
    static func printable(_ key: String) -> String {
        var out = ""
        for scalar in key.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
