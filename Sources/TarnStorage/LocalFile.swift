// LocalFile: POSIX files as Parquet byte sources and sinks. LocalFileSource reads with pread
// (thread-safe, no shared offset); LocalFileSink writes through a LocalStore rooted at the
// target's directory, so a failed or aborted write never leaves output under the final name.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TarnParquet

private func errnoText(_ code: Int32) -> String { String(cString: strerror(code)) }

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

/// A new local file at any path: the bytes go through a LocalStore rooted at the file's
/// directory (so the same durable publish rules apply: unnamed or temporary file, fsync, then
/// link or rename into place on `close()`). Not thread-safe. Dropping an unclosed sink discards it.
public final class LocalFileSink: ByteSink {
    public let path: String
    private let sink: any ObjectSink

    /// Creates the sink for `path`, whose directory must exist. With `durable: false` close()
    /// skips the fsyncs (benchmarks comparing with writers that do not sync).
    public init(path: String, durable: Bool = true) throws {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let leaf = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !leaf.isEmpty else { throw TarnError(.invalidArgument, "output path \(path) names a directory", file: path) }
        do {
            sink = try LocalStore.open(root: dir, durable: durable).sink(leaf)
        } catch var e as TarnError {
            e.file = path
            throw e
        }
    }

    public var bytesWritten: Int { sink.bytesWritten }

    public func write(_ bytes: UnsafeRawBufferPointer) throws { try sink.write(bytes) }

    /// Publishes the file at `path`; on failure nothing appears there.
    public func close() throws { try sink.close() }

    /// Discards everything written. Safe to call more than once.
    public func abort() { sink.abort() }
}
