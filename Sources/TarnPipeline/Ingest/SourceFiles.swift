// SourceFiles: the files a file source reads: regular files directly in a directory whose names
// match a glob (`*` any run of characters, `?` one character), in name order, with their size
// and modification time (the pipeline's watermark of seen files).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TarnColumnar

/// One file of a file source.
public struct SourceFile: Sendable, Equatable {
    /// `directory/name`.
    public let path: String
    public let name: String
    public let modifiedMillis: Int64
    public let sizeBytes: Int64

    public init(path: String, name: String, modifiedMillis: Int64, sizeBytes: Int64) {
        self.path = path
        self.name = name
        self.modifiedMillis = modifiedMillis
        self.sizeBytes = sizeBytes
    }
}

public enum SourceFiles {
    /// Regular files directly in `directory` whose names match the glob `pattern` (`*`, `?`), sorted by name.
    /// Hidden files (names starting with '.') match only a pattern starting with '.'; symbolic
    /// links and subdirectories are skipped. A missing directory throws `.notFound`.
    public static func list(directory: String, pattern: String) throws -> [SourceFile] {
        guard let dir = opendir(directory) else {
            let e = errno
            let code: TarnError.Code = e == ENOENT || e == ENOTDIR ? .notFound : .io
            throw TarnError(code, "cannot list the source directory \(directory): \(String(cString: strerror(e)))", file: directory)
        }
        defer { closedir(dir) }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        var found: [SourceFile] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            if name.hasPrefix("."), !pattern.hasPrefix(".") { continue }
            guard matches(name, pattern: pattern) else { continue }
            var st = stat()
            guard lstat(base + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            found.append(SourceFile(path: base + name, name: name, modifiedMillis: modifiedMillis(st), sizeBytes: Int64(st.st_size)))
        }
        return found.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    private static func modifiedMillis(_ st: stat) -> Int64 {
        #if canImport(Darwin)
        return Int64(st.st_mtimespec.tv_sec) * 1000 + Int64(st.st_mtimespec.tv_nsec) / 1_000_000
        #else
        return Int64(st.st_mtim.tv_sec) * 1000 + Int64(st.st_mtim.tv_nsec) / 1_000_000
        #endif
    }

    /// Whether `name` matches the glob `pattern`: `*` matches any run of characters (also
    /// empty), `?` exactly one character, everything else itself (case-sensitive).
    public static func matches(_ name: String, pattern: String) -> Bool {
        let n = Array(name), p = Array(pattern)
        var i = 0, j = 0
        var star = -1, resume = 0
        while i < n.count {
            if j < p.count, p[j] == "?" || (p[j] != "*" && p[j] == n[i]) {
                i += 1
                j += 1
            } else if j < p.count, p[j] == "*" {
                star = j
                resume = i
                j += 1
            } else if star >= 0 {
                j = star + 1
                resume += 1
                i = resume
            } else {
                return false
            }
        }
        while j < p.count, p[j] == "*" { j += 1 }
        return j == p.count
    }
}
