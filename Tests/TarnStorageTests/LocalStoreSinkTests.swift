// LocalStoreSinkTests: streamed writes of large objects. Full 1 MiB buffers go around the page
// cache (O_DIRECT) and the unaligned tail through it; every split of writes must read back
// byte for byte, on the temporary directory's file system and on tmpfs (which may refuse
// direct writes, so the sink falls back). On ext4 and XFS a big object's pages are not cached.
import Foundation
import Testing
import TarnParquet
import TarnStorage

@Suite struct LocalStoreSinkTests {
    /// Sizes around the buffer and alignment boundaries, written in pieces of awkward lengths.
    static let sizes = [0, 1, 4095, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 2 << 20, (3 << 20) + 12_345]

    static func pattern(_ n: Int, seed: UInt64) -> [UInt8] {
        var x = seed | 1
        return (0 ..< n).map { _ in
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            return UInt8(truncatingIfNeeded: x)
        }
    }

    static func roundTrips(root: String) throws {
        let store = try LocalStore.create(root: root)
        for (k, size) in sizes.enumerated() {
            let bytes = pattern(size, seed: UInt64(k + 1))
            let sink = try store.sink("d/f\(k).parquet")
            var at = 0, piece = 1
            while at < size {       // pieces of 1, 7, 49, … bytes, then one large remainder
                let n = min(size - at, piece)
                try bytes[at ..< at + n].withUnsafeBytes { try sink.write($0) }
                at += n
                piece = piece < 1 << 21 ? piece * 7 : piece
            }
            try sink.close()
            #expect(sink.bytesWritten == size)
            #expect(try store.get("d/f\(k).parquet") == bytes, "size \(size) under \(root)")
            #expect(try store.head("d/f\(k).parquet").size == Int64(size))
        }
        #expect(try store.list(prefix: "d/").count == sizes.count)
    }

    /// The type of the file system holding `path` (the longest mount point above it).
    static func fileSystem(of path: String) throws -> String {
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let mounts = try String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)
        var best = (point: "", type: "unknown")
        for line in mounts.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count > 2 else { continue }
            let point = String(f[1])
            let under = real == point || real.hasPrefix(point.hasSuffix("/") ? point : point + "/")
            if under && point.count >= best.point.count { best = (point, String(f[2])) }
        }
        return best.type
    }

    @Test func everySplitReadsBackOnDisk() throws {
        try LocalStoreSinkTests.roundTrips(root: try TempDir().path)
    }

    /// /dev/shm is tmpfs on Linux; a kernel before 6.6 refuses O_DIRECT there.
    @Test func everySplitReadsBackOnTmpfs() throws {
        let shm = "/dev/shm"
        #expect(FileManager.default.fileExists(atPath: shm), "this test needs tmpfs at /dev/shm")
        guard FileManager.default.fileExists(atPath: shm) else { return }
        try LocalStoreSinkTests.roundTrips(root: try TempDir(under: shm).path)
    }

    @Test func bigObjectsBypassThePageCacheOnExt4AndXFS() throws {
        let dir = try TempDir()
        let type = try LocalStoreSinkTests.fileSystem(of: dir.path)
        guard type == "ext4" || type == "xfs" else {
            print("LocalStoreSink: \(dir.path) is on \(type), not ext4 or XFS; cache check not applicable")
            return
        }
        let store = try LocalStore.create(root: dir.path)
        let size = 8 << 20
        let sink = try store.sink("big.parquet")
        try LocalStoreSinkTests.pattern(size, seed: 9).withUnsafeBytes { try sink.write($0) }
        try sink.close()
        let fd = open(dir.file("big.parquet"), O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        guard let map = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else {
            Issue.record("mmap failed")
            return
        }
        defer { munmap(map, size) }
        var resident = [UInt8](repeating: 0, count: size / 4096)
        #expect(mincore(map, size, &resident) == 0)
        let cached = resident.filter { $0 & 1 == 1 }.count
        print("LocalStoreSink: \(cached) of \(resident.count) pages of an 8 MiB object in the page cache")
        #expect(cached * 8 < resident.count, "\(cached) of \(resident.count) pages cached")
    }
}
