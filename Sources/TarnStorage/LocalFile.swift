// LocalFile: POSIX files as Parquet byte sources and sinks. LocalFileSource reads with pread
// (thread-safe, no shared offset); LocalFileSink writes to a temporary name in the target's
// directory with ≥ 1 MiB buffered writes, and close() fsyncs and renames it into place, so a
// failed or aborted write never leaves partial output under the final name.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TarnParquet

private func errnoText(_ code: Int32) -> String { String(cString: strerror(code)) }
// File-scope names for the POSIX calls whose names the sink's own methods shadow.
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
@discardableResult private func posixClose(_ fd: Int32) -> Int32 { close(fd) }

/// A read-only local file. The descriptor is closed when the value is released.
public final class LocalFileSource: ByteSource {
    public let name: String
    public let size: Int
    private let fd: Int32

    /// Opens `path` for reading; a missing file throws `.notFound`, any other failure `.io`.
    public init(path: String) throws {
        name = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT || e == ENOTDIR {
                throw TarnError(.notFound, "no such file: \(path)", file: path)
            }
            throw TarnError(.io, "cannot open \(path): \(errnoText(e))", file: path)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw TarnError(.io, "cannot stat \(path): \(errnoText(e))", file: path)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw TarnError(.invalidArgument, "\(path) is a directory, not a file", file: path)
        }
        self.fd = fd
        size = Int(st.st_size)
    }

    /// Takes ownership of an open descriptor of a regular file (closed when the source is
    /// released, or here if this throws). LocalStore uses it to read files it opened without
    /// following symbolic links.
    package init(adopting fd: Int32, name: String) throws {
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw TarnError(.io, "cannot stat \(name): \(errnoText(e))", file: name)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw TarnError(.invalidArgument, "\(name) is not a regular file", file: name)
        }
        self.name = name
        self.fd = fd
        size = Int(st.st_size)
    }

    deinit { close(fd) }

    public func read(offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size - count else {
            throw TarnError(.corruption, "read of \(count) bytes at offset \(offset) is outside the \(size)-byte file",
                            file: name, offset: offset)
        }
        if count == 0 { return [] }
        var failure: Int32 = 0
        var got = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
            while got < count {
                let n = pread(fd, buf.baseAddress! + got, count - got, off_t(offset + got))
                if n > 0 { got += n } else if n == 0 { break } else if errno != EINTR { failure = errno; break }
            }
            initialized = got
        }
        if failure != 0 {
            throw TarnError(.io, "read of \(count) bytes failed: \(errnoText(failure))", file: name, offset: offset)
        }
        guard got == count else {
            throw TarnError(.io, "file ended after \(got) of \(count) bytes (was it truncated while being read?)",
                            file: name, offset: offset + got)
        }
        return bytes
    }
}

/// A new local file, written under a temporary name and renamed into place by `close()`.
/// Not thread-safe. Dropping an unclosed sink removes the temporary file.
public final class LocalFileSink: ByteSink {
    public let path: String
    /// The temporary file the bytes go to until `close()`.
    public let temporaryPath: String
    /// Bytes are handed to the kernel in writes of at least this size.
    public static let bufferBytes = 1 << 20
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var finished = false
    public private(set) var bytesWritten = 0
    /// Whether close() fsyncs the file and its directory (durability; on by default).
    public let durable: Bool

    /// Creates the temporary file in the directory of `path` (which must exist). With
    /// `durable: false` close() skips the fsyncs (benchmarks comparing with writers that do not sync).
    public init(path: String, durable: Bool = true) throws {
        self.path = path
        self.durable = durable
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !base.isEmpty else { throw TarnError(.invalidArgument, "output path \(path) names a directory", file: path) }
        var fd: Int32 = -1
        var tmp = ""
        for attempt in 0 ..< 16 {
            tmp = "\(dir).\(base).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
            fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 || errno != EEXIST || attempt == 15 { break }
        }
        guard fd >= 0 else {
            let e = errno
            let code: TarnError.Code = e == ENOENT || e == ENOTDIR ? .notFound : .io
            throw TarnError(code, "cannot create \(path): \(errnoText(e))", file: path)
        }
        self.fd = fd
        temporaryPath = tmp
        buffer.reserveCapacity(LocalFileSink.bufferBytes)
    }

    deinit {
        if !finished { abort() }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!finished, "write to a closed LocalFileSink (\(path))")
        bytesWritten += bytes.count
        var rest = bytes
        if !buffer.isEmpty {
            let take = min(rest.count, LocalFileSink.bufferBytes - buffer.count)
            buffer.append(contentsOf: rest.prefix(take))
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(take))
            if buffer.count < LocalFileSink.bufferBytes { return }
            try flush()
        }
        if rest.count >= LocalFileSink.bufferBytes { try writeAll(rest) } else { buffer.append(contentsOf: rest) }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = posixWrite(fd, bytes.baseAddress! + done, bytes.count - done)
            if n >= 0 { done += n; continue }
            if errno == EINTR { continue }
            throw TarnError(.io, "write failed: \(errnoText(errno))", file: path)
        }
    }

    /// Flushes, fsyncs and renames the file into place (then fsyncs the directory).
    /// On failure the temporary file is removed and nothing appears under `path`.
    public func close() throws {
        precondition(!finished, "close of a finished LocalFileSink (\(path))")
        do {
            try flush()
            guard !durable || fsync(fd) == 0 else { throw TarnError(.io, "fsync failed: \(errnoText(errno))", file: path) }
            let rc = posixClose(fd)
            fd = -1
            guard rc == 0 else { throw TarnError(.io, "close failed: \(errnoText(errno))", file: path) }
            guard rename(temporaryPath, path) == 0 else {
                throw TarnError(.io, "cannot rename into place: \(errnoText(errno))", file: path)
            }
            finished = true
        } catch {
            abort()
            throw error
        }
        if durable { syncDirectory() }
    }

    /// Discards everything written: closes and removes the temporary file. Safe to call twice.
    public func abort() {
        if finished { return }
        finished = true
        if fd >= 0 { posixClose(fd) }
        fd = -1
        unlink(temporaryPath)
        buffer = []
    }

    private func syncDirectory() {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let dfd = open(dir, O_RDONLY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            posixClose(dfd)
        }
    }
}
