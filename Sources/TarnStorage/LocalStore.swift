// LocalStore: an ObjectStore over a local directory tree (spec/storage.md "LocalStore").
// Owns opening/creating the root and the single-object operations: get, ranged get, head, put
// (temp + fsync + rename + fsync dir), putIfAbsent (temp + fsync + link(2) + fsync dir, never
// rename), delete, source and sink. Listing is in LocalStore+List.swift, syscalls in +POSIX.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import TarnParquet

/// Objects are regular files under `root`; key "a/b/c" is the file `root/a/b/c`.
///
/// Invariants:
/// 1. No operation reads, writes, deletes or follows a path outside `root`: keys are validated by
///    `ObjectKey.validate`, and every path is walked from a descriptor of the root, one component
///    at a time, with O_NOFOLLOW; a symbolic link anywhere on the way is refused (and never listed).
/// 2. An object appears at its key complete or not at all: writes go to a temporary file
///    (`ObjectKey.temporaryPrefix`) in the target's directory and are renamed or linked into place.
/// 3. With `durable` (the default), a write returns only after the file and its directory are fsynced.
public final class LocalStore: ObjectStore {
    /// The root directory as given (without trailing '/').
    public let root: String
    /// Whether writes fsync the file and its directory before returning.
    public let durable: Bool
    /// A descriptor of the root directory; every path is resolved relative to it.
    let rootFD: Int32
    /// fsyncs made so far: files, directories (what the durability tests count).
    let syncs = Mutex<(files: Int, directories: Int)>((0, 0))

    /// Files fsynced so far by this store (each put, putIfAbsent and sink close syncs one when durable).
    public var syncedFiles: Int { syncs.withLock { $0.files } }
    /// Directories fsynced so far (after each rename or link, and after creating a directory).
    public var syncedDirectories: Int { syncs.withLock { $0.directories } }

    public var location: String { root }

    /// Opens an existing root directory (`.notFound` if it does not exist).
    public init(root: String, durable: Bool = true) throws {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard !trimmed.isEmpty, !trimmed.utf8.contains(0) else {
            throw TarnError(.invalidArgument, "invalid store root '\(ObjectKey.printable(root))'", file: root)
        }
        let fd = openPath(trimmed, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT { throw TarnError(.notFound, "no such directory: \(trimmed)", file: trimmed) }
            if e == ENOTDIR { throw TarnError(.invalidArgument, "\(trimmed) is not a directory", file: trimmed) }
            throw TarnError(.io, "cannot open \(trimmed): \(errnoDescription(e))", file: trimmed)
        }
        self.root = trimmed
        self.durable = durable
        rootFD = fd
    }

    deinit { closeFD(rootFD) }

    /// Opens an existing root directory (`.notFound` if it does not exist).
    public static func open(root: String, durable: Bool = true) throws -> LocalStore {
        try LocalStore(root: root, durable: durable)
    }

    /// Creates the root directory (with intermediate directories) if needed, then opens it.
    public static func create(root: String, durable: Bool = true) throws -> LocalStore {
        var path = ""
        for (i, part) in root.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            path += i == 0 ? String(part) : "/" + part
            if part.isEmpty || part == "." || part == ".." { continue }
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw TarnError(.io, "cannot create directory \(path): \(errnoDescription(errno))", file: path)
            }
        }
        return try LocalStore(root: root, durable: durable)
    }

    // MARK: Reads

    public func get(_ key: String) throws -> [UInt8] {
        let (fd, st) = try openForReading(key)
        defer { closeFD(fd) }
        return try readExactly(fd, offset: 0, count: Int(st.st_size), key: key)
    }

    public func get(_ key: String, range: Range<Int>) throws -> [UInt8] {
        let (fd, st) = try openForReading(key)
        defer { closeFD(fd) }
        try StoreSupport.checkRange(range, size: Int(st.st_size), key: key)
        return try readExactly(fd, offset: range.lowerBound, count: range.count, key: key)
    }

    public func head(_ key: String) throws -> ObjectMeta {
        try ObjectKey.validate(key)
        let parts = ObjectKey.segments(key)
        let dirfd = try openDirectory(parts.dropLast(), key: key, create: false)
        defer { closeFD(dirfd) }
        guard let st = try statEntry(dirfd, String(parts[parts.count - 1]), key: key), st.isRegular else {
            throw StoreSupport.notFound(key, in: location)
        }
        return ObjectMeta(key: key, size: Int(st.st_size), lastModifiedMillis: st.modifiedMillis)
    }

    public func source(_ key: String) throws -> any ByteSource {
        let (fd, _) = try openForReading(key)
        return try LocalFileSource(adopting: fd, name: key)
    }

    // MARK: Writes

    public func put(_ key: String, _ bytes: [UInt8]) throws {
        try ObjectKey.validate(key)
        let parts = ObjectKey.segments(key)
        let leaf = String(parts[parts.count - 1])
        let dirfd = try openDirectory(parts.dropLast(), key: key, create: true)
        defer { closeFD(dirfd) }
        let temp = try writeTemporary(in: dirfd, bytes, key: key)
        try publish(temp, as: leaf, in: dirfd, key: key)
    }

    /// Renames temporary `temp` over `leaf` (refusing to replace a link) and syncs the directory.
    /// The temporary file is removed on failure.
    func publish(_ temp: String, as leaf: String, in dirfd: Int32, key: String) throws {
        do {
            _ = try statEntry(dirfd, leaf, key: key)   // throws if the target is a symbolic link
            guard renameat(dirfd, temp, dirfd, leaf) == 0 else { throw failure("rename into place", errno, key: key) }
        } catch {
            unlinkat(dirfd, temp, 0)
            throw error
        }
        try syncDirectory(dirfd, key: key)
    }

    public func putIfAbsent(_ key: String, _ bytes: [UInt8]) throws -> Bool {
        try ObjectKey.validate(key)
        let parts = ObjectKey.segments(key)
        let leaf = String(parts[parts.count - 1])
        let dirfd = try openDirectory(parts.dropLast(), key: key, create: true)
        defer { closeFD(dirfd) }
        if let fd = createAnonymous(in: dirfd) {
            defer { closeFD(fd) }
            try bytes.withUnsafeBytes { try writeAll(fd, $0, key: key) }
            try syncFile(fd, key: key)
            guard try linkAnonymous(fd, as: leaf, in: dirfd, key: key) else {
                _ = try statEntry(dirfd, leaf, key: key)   // a link at the key is refused, not reported as taken
                return false
            }
            try syncDirectory(dirfd, key: key)
            return true
        }
        let temp = try writeTemporary(in: dirfd, bytes, key: key)
        defer { unlinkat(dirfd, temp, 0) }   // the temporary name is always removed
        // link(2) never replaces an existing entry (not even a link, which it does not follow).
        if linkat(dirfd, temp, dirfd, leaf, 0) != 0 {
            let e = errno
            if e == EEXIST {
                _ = try statEntry(dirfd, leaf, key: key)   // a link at the key is refused, not reported as taken
                return false
            }
            if e == EPERM || e == EOPNOTSUPP {
                throw TarnError(.io, "the file system of \(location) does not support hard links, which "
                                    + "put-if-absent needs (\(errnoDescription(e)))", file: key)
            }
            throw failure("link into place", e, key: key)
        }
        try syncDirectory(dirfd, key: key)
        return true
    }

    public func delete(_ key: String) throws {
        try ObjectKey.validate(key)
        let parts = ObjectKey.segments(key)
        let dirfd: Int32
        do {
            dirfd = try openDirectory(parts.dropLast(), key: key, create: false)
        } catch let error as TarnError where error.code == .notFound {
            return
        }
        defer { closeFD(dirfd) }
        let leaf = String(parts[parts.count - 1])
        guard let st = try statEntry(dirfd, leaf, key: key) else { return }
        guard st.isRegular else {
            throw TarnError(.invalidArgument, "'\(key)' in \(location) is not a file; delete removes only objects",
                            file: key)
        }
        if unlinkat(dirfd, leaf, 0) != 0 && errno != ENOENT { throw failure("unlink", errno, key: key) }
    }

    public func sink(_ key: String) throws -> any ObjectSink {
        try LocalStoreSink(store: self, key: key)
    }
}
