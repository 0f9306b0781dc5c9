// LocalStore+Sink: streaming writes for large objects. Bytes go (in 1 MiB writes) to a temporary
// file in the target's directory; close() fsyncs (when durable), renames it over the key and
// fsyncs the directory; abort() or dropping an unclosed sink removes the temporary file. Once an
// object passes 1 MiB its full buffers bypass the page cache (O_DIRECT, where the file system
// takes it): a data file is written once and fsynced, so caching it only costs a copy.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TarnParquet

/// A LocalStore write in progress. Not thread-safe.
final class LocalStoreSink: ObjectSink {
    /// Bytes are handed to the kernel in writes of this size (the tail at close is shorter).
    static let bufferBytes = 1 << 20
    private let store: LocalStore
    private let key: String
    private let leaf: String
    /// Empty when the bytes go to an unnamed (O_TMPFILE) file, linked into place on close.
    private var temporaryName: String
    private var dirfd: Int32
    private var fd: Int32
    /// `bufferBytes` of page-aligned memory (direct I/O needs aligned buffers), `buffered` in use.
    private let buffer: UnsafeMutableRawPointer
    private var buffered = 0
    /// Whether full buffers go around the page cache (off after the file system refuses once).
    private var direct = LocalStoreSink.directSupported
    private var finished = false
    private(set) var bytesWritten = 0

    init(store: LocalStore, key: String) throws {
        try ObjectKey.validate(key)
        let parts = ObjectKey.segments(key)
        let dirfd = try store.openDirectory(parts.dropLast(), key: key, create: true)
        do {
            if let anonymous = store.createAnonymous(in: dirfd) {
                (fd, temporaryName) = (anonymous, "")
            } else {
                (fd, temporaryName) = try store.createTemporary(in: dirfd, key: key)
            }
        } catch {
            closeFD(dirfd)
            throw error
        }
        self.store = store
        self.key = key
        self.dirfd = dirfd
        leaf = String(parts[parts.count - 1])
        buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.bufferBytes, alignment: Self.directAlignment)
    }

    deinit {
        abort()
        buffer.deallocate()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!finished, "write to a closed or aborted sink for '\(key)'")
        guard var from = bytes.baseAddress else { return }
        bytesWritten += bytes.count
        var rest = bytes.count
        while rest > 0 {
            let take = min(rest, Self.bufferBytes - buffered)
            (buffer + buffered).copyMemory(from: from, byteCount: take)
            buffered += take
            from += take
            rest -= take
            if buffered == Self.bufferBytes { try flush(full: true) }
        }
    }

    /// Writes out the buffer: a full one directly when allowed, the tail through the page cache.
    private func flush(full: Bool) throws {
        guard buffered > 0 else { return }
        var done = 0
        if direct && full && setDirect(true) { done = writeDirect() }
        if direct && done < buffered { _ = setDirect(false) }
        try store.writeAll(fd, UnsafeRawBufferPointer(start: buffer + done, count: buffered - done), key: key)
        buffered = 0
    }

    /// Writes the buffer with O_DIRECT; returns the bytes written. A refusal (EINVAL: the file
    /// system takes the flag but not the write) turns direct writes off; the caller writes the rest.
    private func writeDirect() -> Int {
        var done = 0
        while done < buffered {
            let n = writeFD(fd, buffer + done, buffered - done)
            if n > 0 && n % Self.directAlignment == 0 { done += n; continue }
            if n > 0 { return done + n }   // short, unaligned: the rest goes through the cache
            if n < 0 && errno == EINTR { continue }
            direct = false
            return done
        }
        return done
    }

    func close() throws {
        precondition(!finished, "close of a closed or aborted sink for '\(key)'")
        do {
            try flush(full: false)
            try store.syncFile(fd, key: key)
            if temporaryName.isEmpty {
                // Unnamed file: link it at the key; when the key exists, link it at a temporary
                // name and rename that over the key (a replace).
                if try !store.linkAnonymous(fd, as: leaf, in: dirfd, key: key) {
                    let name = ObjectKey.temporaryPrefix + "\(getpid())-" + String(UInt64.random(in: 0 ... .max), radix: 16)
                    guard try store.linkAnonymous(fd, as: name, in: dirfd, key: key) else {
                        throw TarnError(.io, "could not name a temporary file for '\(key)'", file: key)
                    }
                    temporaryName = name
                } else {
                    let rc = closeFD(fd)
                    fd = -1
                    finished = true
                    if rc != 0 { throw store.failure("close", errno, key: key) }
                    try store.syncDirectory(dirfd, key: key)
                    closeFD(dirfd)
                    dirfd = -1
                    return
                }
            }
            let rc = closeFD(fd)
            fd = -1
            if rc != 0 { throw store.failure("close", errno, key: key) }
            finished = true
            try store.publish(temporaryName, as: leaf, in: dirfd, key: key)   // removes the temp on failure
        } catch {
            abort()
            throw error
        }
        closeFD(dirfd)
        dirfd = -1
    }

    func abort() {
        if fd >= 0 { closeFD(fd) }
        fd = -1
        if !finished && !temporaryName.isEmpty { unlinkat(dirfd, temporaryName, 0) }
        finished = true
        if dirfd >= 0 { closeFD(dirfd) }
        dirfd = -1
        buffered = 0
    }
}

extension LocalStoreSink {
    /// Direct I/O wants buffers, lengths and offsets on the device's block; 4 KiB covers all.
    static let directAlignment = 4096

    #if os(Linux) && arch(x86_64)
    static let directFlag: Int32 = 0o40000
    #elseif os(Linux) && arch(arm64)
    static let directFlag: Int32 = 0o200000
    #else
    static let directFlag: Int32 = 0
    #endif
    static let directSupported = directFlag != 0

    /// Turns O_DIRECT on or off for the file; false when the file system refuses it (which also
    /// turns direct writes off for this sink).
    private func setDirect(_ on: Bool) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0 else { direct = false; return false }
        let wanted = on ? flags | Self.directFlag : flags & ~Self.directFlag
        if wanted == flags { return true }
        if fcntl(fd, F_SETFL, wanted) == 0 { return true }
        direct = false
        return false
    }
}
