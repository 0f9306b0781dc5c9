// LineReader: a source file's lines, read in 4 MiB chunks (memory for one chunk plus one
// partial line), with 1-based line numbers; blank lines are skipped but counted, surrounding
// whitespace and a CR are trimmed. Also whole-file reads for the CSV tokenizer.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TarnColumnar

struct LineReader {
    let path: String
    var chunkBytes = 1 << 22

    init(path: String) {
        self.path = path
    }

    /// Calls `body(bytes, start, end, line)` for each non-blank line (`bytes[start..<end]`, trimmed).
    func forEachLine(_ body: ([UInt8], Int, Int, Int) throws -> Void) throws {
        let fp = try Self.open(path)
        defer { fclose(fp) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: Self.chunkSize(path, limit: chunkBytes))
        var line = 0
        var first = true
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, fp) }
            if n == 0 {
                if ferror(fp) != 0 { throw TarnError(.io, "cannot read \(path)", file: path) }
                break
            }
            buffer.append(contentsOf: chunk[0 ..< n])
            var start = 0
            if first, buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            first = false
            while let nl = Self.newline(in: buffer, from: start) {
                line += 1
                try emit(buffer, start, nl, line, body)
                start = nl + 1
            }
            buffer.removeFirst(start)
        }
        if !buffer.isEmpty {
            line += 1
            try emit(buffer, 0, buffer.count, line, body)
        }
    }

    private func emit(_ b: [UInt8], _ start: Int, _ end: Int, _ line: Int, _ body: ([UInt8], Int, Int, Int) throws -> Void) throws {
        var s = start, e = end
        while s < e, Self.isSpace(b[s]) { s += 1 }
        while e > s, Self.isSpace(b[e - 1]) { e -= 1 }
        if s < e { try body(b, s, e, line) }
    }

    /// A small file needs a chunk only as big as itself (plus one byte to see the end).
    private static func chunkSize(_ path: String, limit: Int) -> Int {
        var st = stat()
        guard stat(path, &st) == 0, st.st_size >= 0 else { return limit }
        return max(1, min(limit, Int(st.st_size) + 1))
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 10 }

    private static func newline(in b: [UInt8], from: Int) -> Int? {
        guard from < b.count else { return nil }
        return b.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress, let hit = memchr(base + from, 10, raw.count - from) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
    }

    /// The whole file.
    static func readAll(_ path: String) throws -> [UInt8] {
        var out: [UInt8] = []
        try LineReader(path: path).forChunks { out.append(contentsOf: $0) }
        return out
    }

    private func forChunks(_ body: (ArraySlice<UInt8>) -> Void) throws {
        let fp = try Self.open(path)
        defer { fclose(fp) }
        var chunk = [UInt8](repeating: 0, count: Self.chunkSize(path, limit: chunkBytes))
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, fp) }
            if n == 0 {
                if ferror(fp) != 0 { throw TarnError(.io, "cannot read \(path)", file: path) }
                return
            }
            body(chunk[0 ..< n])
        }
    }

    private static func open(_ path: String) throws -> UnsafeMutablePointer<FILE> {
        guard let fp = fopen(path, "rb") else {
            let e = errno
            let code: TarnError.Code = e == ENOENT || e == ENOTDIR ? .notFound : .io
            throw TarnError(code, "cannot open \(path): \(String(cString: strerror(e)))", file: path)
        }
        return fp
    }
}
