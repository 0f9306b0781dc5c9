// LocalStore+List: sorted recursive listing with opendir/readdir relative to directory
// descriptors (no path strings rebuilt per entry, no Foundation), and the sweep that removes
// temporary files left behind by killed writers. Symbolic links are never listed or entered;
// temporary files and names that are not valid keys (non-UTF-8, backslash) are skipped.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TarnParquet

extension LocalStore {
    public func list(prefix: String, startAfter: String?) throws -> [ObjectMeta] {
        try ObjectKey.validatePrefix(prefix)
        let parts = ObjectKey.segments(prefix)
        let dirs = parts.dropLast()
        let partial = String(parts.last ?? "")
        let dirfd: Int32
        do {
            dirfd = try openDirectory(dirs, key: prefix, create: false)
        } catch let error as TarnError where error.code == .notFound || error.code == .invalidArgument {
            return []   // a missing directory, a file, or a link on the way: nothing listed under it
        }
        let base = dirs.isEmpty ? "" : dirs.joined(separator: "/") + "/"
        var found: [ObjectMeta] = []
        try walk(dirfd, base: base, namePrefix: partial, startAfter: startAfter) { _, _, key, st in
            if let after = startAfter, !StoreSupport.precedes(after, key) { return }
            found.append(ObjectMeta(key: key, size: Int(st.st_size), lastModifiedMillis: st.modifiedMillis))
        }
        found.sort { StoreSupport.precedes($0.key, $1.key) }
        return found
    }

    /// Removes the temporary files (`ObjectKey.temporaryPrefix`) last modified before
    /// `cutoffMillis`, anywhere under the root: the leftovers of writers killed mid-write.
    /// Returns how many were removed. Use a cutoff well before any write still in progress.
    @discardableResult
    public func removeTemporaryFiles(modifiedBefore cutoffMillis: Int64) throws -> Int {
        let dirfd = try openDirectory([], key: "", create: false)
        var removed = 0
        try walk(dirfd, base: "", namePrefix: "", startAfter: nil, temporaryFiles: true) { dirfd, name, _, st in
            if st.modifiedMillis < cutoffMillis && unlinkat(dirfd, name, 0) == 0 { removed += 1 }
        }
        return removed
    }

    /// Walks the directory `fd` (taking ownership of it) and its subdirectories, calling `visit`
    /// with (directory fd, entry name, key, stat) for each regular file whose name starts with
    /// `namePrefix` (applied at this level only). Links are skipped, never followed. With
    /// `temporaryFiles` only the store's temporary files are visited, otherwise only objects.
    private func walk(_ fd: Int32, base: String, namePrefix: String, startAfter: String?,
                      temporaryFiles: Bool = false,
                      visit: (Int32, String, String, stat) throws -> Void) throws {
        guard let dir = fdopendir(fd) else {
            let e = errno
            closeFD(fd)
            throw failure("opendir", e, key: base)
        }
        defer { closedir(dir) }
        let dfd = dirfd(dir)
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw failure("readdir", errno, key: base) }
                return
            }
            #if canImport(Glibc)
            if entry.pointee.d_type == UInt8(DT_LNK) { continue }
            #endif
            guard let name = entryName(entry) else { continue }   // not UTF-8: not addressable as a key
            if name == "." || name == ".." || !StoreSupport.hasPrefix(name, namePrefix) { continue }
            #if canImport(Glibc)
            // Regular files at or before startAfter need no stat (keeps `list(startAfter:)` cheap
            // in a long log).
            if let after = startAfter, entry.pointee.d_type == UInt8(DT_REG), !StoreSupport.precedes(after, base + name) { continue }
            #endif
            var st = stat()
            guard fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }   // vanished meanwhile
            let isTemporary = StoreSupport.hasPrefix(name, ObjectKey.temporaryPrefix)
            if st.isDirectory {
                if isTemporary || name.utf8.contains(UInt8(ascii: "\\")) { continue }
                let dirKey = base + name + "/"
                // Every key under dirKey sorts before startAfter: skip the whole subtree.
                if let after = startAfter, StoreSupport.precedes(dirKey, after),
                   !StoreSupport.hasPrefix(after, dirKey) { continue }
                let child = openat(dfd, name, directoryFlags)
                if child < 0 { continue }   // replaced by a link or removed since the stat
                try walk(child, base: dirKey, namePrefix: "", startAfter: startAfter,
                         temporaryFiles: temporaryFiles, visit: visit)
            } else if st.isRegular && isTemporary == temporaryFiles {
                if !temporaryFiles && name.utf8.contains(UInt8(ascii: "\\")) { continue }
                try visit(dfd, name, base + name, st)
            }
        }
    }

    /// The entry's name, or nil when it is not valid UTF-8.
    private func entryName(_ entry: UnsafeMutablePointer<dirent>) -> String? {
        withUnsafePointer(to: &entry.pointee.d_name) { tuple in
            tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                String(validatingCString: $0)
            }
        }
    }
}
