// LocalStore+Sink: streaming writes for large objects. Bytes go (in ≥ 1 MiB writes) to a
// temporary file in the target's directory; close() fsyncs (when durable), renames it over the
// key and fsyncs the directory; abort() or dropping an unclosed sink removes the temporary file.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TarnParquet

/// A LocalStore write in progress. Not thread-safe.
final class LocalStoreSink: ObjectSink {
    /// Bytes are handed to the kernel in writes of at least this size.
    static let bufferBytes = 1 << 20
    private let store: LocalStore
    private let key: String
    private let leaf: String
    /// Empty when the bytes go to an unnamed (O_TMPFILE) file, linked into place on close.
    private var temporaryName: String
    private var dirfd: Int32
    private var fd: Int32
    private var buffer: [UInt8] = []
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
        buffer.reserveCapacity(Self.bufferBytes)
    }

    deinit { abort() }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!finished, "write to a closed or aborted sink for '\(key)'")
        bytesWritten += bytes.count
        var rest = bytes
        if !buffer.isEmpty {
            let take = min(rest.count, Self.bufferBytes - buffer.count)
            buffer.append(contentsOf: rest.prefix(take))
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(take))
            if buffer.count < Self.bufferBytes { return }
            try flush()
        }
        if rest.count >= Self.bufferBytes {
            try store.writeAll(fd, rest, key: key)
        } else {
            buffer.append(contentsOf: rest)
        }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try store.writeAll(fd, $0, key: key) }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        precondition(!finished, "close of a closed or aborted sink for '\(key)'")
        do {
            try flush()
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
        buffer = []
    }
}
