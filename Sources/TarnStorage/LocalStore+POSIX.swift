// LocalStore+POSIX: the system-call layer under LocalStore. Owns the link-free directory walk
// (every component opened with O_NOFOLLOW relative to the root descriptor, so no key can lead
// outside the root), temporary-file creation and writing, fsync of files and directories, and
// the mapping of errno values to TarnError.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TarnParquet

// File-scope names for POSIX calls that methods of the store types shadow.
@discardableResult func closeFD(_ fd: Int32) -> Int32 { close(fd) }
func openPath(_ path: String, _ flags: Int32) -> Int32 { open(path, flags) }
func writeFD(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
func errnoDescription(_ code: Int32) -> String { String(cString: strerror(code)) }

/// Flags for opening a directory component without following a link.
let directoryFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC

extension stat {
    var isRegular: Bool { (st_mode & S_IFMT) == S_IFREG }
    var isDirectory: Bool { (st_mode & S_IFMT) == S_IFDIR }
    var isLink: Bool { (st_mode & S_IFMT) == S_IFLNK }
    /// Modification time in whole milliseconds since the epoch.
    var modifiedMillis: Int64 {
        #if canImport(Darwin)
        let t = st_mtimespec
        #else
        let t = st_mtim
        #endif
        return Int64(t.tv_sec) * 1000 + Int64(t.tv_nsec) / 1_000_000
    }
}

extension LocalStore {
    /// The error for a key that would pass through a symbolic link.
    func linkRefused(_ key: String, component: String) -> TarnError {
        TarnError(.invalidArgument,
                  "refusing to follow the symbolic link '\(component)' in \(location) for key '\(key)': "
                      + "stores never follow links", file: key)
    }

    /// A TarnError for a failed call on `key`; ENOENT/ENOTDIR become `.notFound`.
    func failure(_ op: String, _ code: Int32, key: String) -> TarnError {
        if code == ENOENT || code == ENOTDIR { return StoreSupport.notFound(key, in: location) }
        return TarnError(.io, "\(op) failed for '\(key)' in \(location): \(errnoDescription(code))", file: key,
                         cause: "errno \(code)")
    }

    /// Opens the directory that holds the key's last segment, walking `dirs` from the root one
    /// component at a time with O_NOFOLLOW. With `create`, missing directories are made (and their
    /// parents fsynced when durable). A component that is a symbolic link throws `linkRefused`;
    /// a missing one (without `create`) or one that is a file throws `.notFound`.
    func openDirectory(_ dirs: ArraySlice<Substring>, key: String, create: Bool) throws -> Int32 {
        var fd = openat(rootFD, ".", directoryFlags)
        guard fd >= 0 else { throw failure("open of the store root", errno, key: key) }
        var walked = ""
        for part in dirs {
            let name = String(part)
            walked += walked.isEmpty ? name : "/" + name
            var next = openat(fd, name, directoryFlags)
            if next < 0 && errno == ENOENT && create {
                if mkdirat(fd, name, 0o755) == 0 {
                    if durable {
                        _ = fsync(fd)
                        syncs.withLock { $0.directories += 1 }
                    }
                } else if errno != EEXIST {
                    let e = errno
                    closeFD(fd)
                    throw failure("mkdir of '\(walked)'", e, key: key)
                }
                next = openat(fd, name, directoryFlags)
            }
            if next < 0 {
                let e = errno
                var st = stat()
                let isLink = fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.isLink
                closeFD(fd)
                if isLink { throw linkRefused(key, component: walked) }
                if e == ENOTDIR && create {
                    throw TarnError(.invalidArgument, "cannot write '\(key)' in \(location): '\(walked)' is a file",
                                    file: key)
                }
                throw failure("open of directory '\(walked)'", e, key: key)
            }
            closeFD(fd)
            fd = next
        }
        return fd
    }

    /// lstat of `name` in `dirfd`: nil when absent; throws `linkRefused` for a link.
    func statEntry(_ dirfd: Int32, _ name: String, key: String) throws -> stat? {
        var st = stat()
        if fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 {
            let e = errno
            if e == ENOENT || e == ENOTDIR { return nil }
            throw failure("stat", e, key: key)
        }
        if st.isLink { throw linkRefused(key, component: key) }
        return st
    }

    /// Opens the object's file for reading without following a link. Returns the descriptor and
    /// its stat; anything but a regular file is `.notFound` (directories are not objects).
    func openForReading(_ key: String) throws -> (fd: Int32, stat: stat) {
        try ObjectKey.validate(key)
        let parts = ObjectKey.segments(key)
        let dirfd = try openDirectory(parts.dropLast(), key: key, create: false)
        defer { closeFD(dirfd) }
        let leaf = String(parts[parts.count - 1])
        // O_NONBLOCK so that a FIFO planted at the key cannot block the open; it is then refused below.
        let fd = openat(dirfd, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let e = errno
            var st = stat()
            if fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.isLink {
                throw linkRefused(key, component: key)
            }
            throw failure("open", e, key: key)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            closeFD(fd)
            throw failure("stat", e, key: key)
        }
        guard st.isRegular else {
            closeFD(fd)
            throw StoreSupport.notFound(key, in: location)
        }
        return (fd, st)
    }

    /// Creates a new temporary file (`ObjectKey.temporaryPrefix` + pid + random) in `dirfd`.
    func createTemporary(in dirfd: Int32, key: String) throws -> (fd: Int32, name: String) {
        for _ in 0 ..< 16 {
            let name = ObjectKey.temporaryPrefix + "\(getpid())-" + String(UInt64.random(in: 0 ... .max), radix: 16)
            let fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd >= 0 { return (fd, name) }
            if errno != EEXIST { throw failure("create of a temporary file", errno, key: key) }
        }
        throw TarnError(.io, "could not find a free temporary name for '\(key)' in \(location)", file: key)
    }

    /// O_TMPFILE (Linux: __O_TMPFILE | O_DIRECTORY); not imported into Swift as a constant.
    static let openTemporaryFileFlag: Int32 = 0o20200000

    /// An unnamed file in `dirfd` (O_TMPFILE), or nil where the system or file system lacks it.
    /// Unnamed files never leave a deleted temporary name behind, which keeps ext4's inode
    /// allocation from slowing down as a table's history grows.
    func createAnonymous(in dirfd: Int32) -> Int32? {
        #if os(Linux)
        let fd = openat(dirfd, ".", LocalStore.openTemporaryFileFlag | O_WRONLY | O_CLOEXEC, 0o644)
        return fd >= 0 ? fd : nil
        #else
        return nil
        #endif
    }

    /// Gives the unnamed file `fd` the name `name` in `dirfd`; false when the name exists.
    func linkAnonymous(_ fd: Int32, as name: String, in dirfd: Int32, key: String) throws -> Bool {
        if linkat(AT_FDCWD, "/proc/self/fd/\(fd)", dirfd, name, AT_SYMLINK_FOLLOW) == 0 { return true }
        let e = errno
        if e == EEXIST { return false }
        throw failure("link into place", e, key: key)
    }

    /// Writes all of `bytes` to `fd` at its current offset (retrying short writes and EINTR).
    func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, key: String) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = writeFD(fd, base + done, bytes.count - done)
            if n >= 0 { done += n; continue }
            if errno == EINTR { continue }
            throw failure("write", errno, key: key)
        }
    }

    /// Writes `bytes` to a new temporary file in `dirfd`, fsyncs it (when durable) and closes it.
    /// Returns the temporary name; on failure the temporary file is already removed.
    func writeTemporary(in dirfd: Int32, _ bytes: [UInt8], key: String) throws -> String {
        let (fd, name) = try createTemporary(in: dirfd, key: key)
        var closed = false
        do {
            try bytes.withUnsafeBytes { try writeAll(fd, $0, key: key) }
            try syncFile(fd, key: key)
            closed = true
            if closeFD(fd) != 0 { throw failure("close", errno, key: key) }
        } catch {
            if !closed { closeFD(fd) }
            unlinkat(dirfd, name, 0)
            throw error
        }
        return name
    }

    /// fsyncs a directory after an entry in it changed (no-op when not durable). EINVAL (a file
    /// system that cannot sync directories) is ignored.
    func syncDirectory(_ dirfd: Int32, key: String) throws {
        guard durable else { return }
        if fsync(dirfd) != 0 && errno != EINVAL { throw failure("fsync of the directory", errno, key: key) }
        syncs.withLock { $0.directories += 1 }
    }

    /// fsyncs a written file before it is published (when durable).
    func syncFile(_ fd: Int32, key: String) throws {
        guard durable else { return }
        if fsync(fd) != 0 { throw failure("fsync", errno, key: key) }
        syncs.withLock { $0.files += 1 }
    }

    /// Reads exactly `count` bytes at `offset` of `fd` with pread.
    func readExactly(_ fd: Int32, offset: Int, count: Int, key: String) throws -> [UInt8] {
        if count == 0 { return [] }
        var failed: Int32 = 0
        var got = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
            guard let base = buf.baseAddress else { return }
            while got < count {
                let n = pread(fd, base + got, count - got, off_t(offset + got))
                if n > 0 { got += n } else if n == 0 { break } else if errno != EINTR { failed = errno; break }
            }
            initialized = got
        }
        if failed != 0 { throw failure("read", failed, key: key) }
        guard got == count else {
            throw TarnError(.io, "'\(key)' ended after \(got) of \(count) bytes (was it truncated while being read?)",
                            file: key, offset: offset + got)
        }
        return bytes
    }
}
