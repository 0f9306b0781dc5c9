// LocalStoreTests: what only the file-system store can get wrong: opening vs creating the root,
// the on-disk layout, temporary files (hidden, cleaned up, swept), atomic replace under a
// concurrent reader, millisecond mtimes, symbolic links planted inside the root (never listed or
// followed), and the speed of listing 10,000 files.
import Foundation
import Testing
import TarnParquet
import TarnStorage

@Suite struct LocalStoreTests {
    @Test func openRequiresTheRootAndCreateMakesIt() throws {
        let dir = try TempDir()
        expectTarnError(.notFound) { try LocalStore.open(root: dir.file("missing")) }
        expectTarnError(.notFound) { try LocalStore(root: dir.file("missing")) }
        let store = try LocalStore.create(root: dir.file("x/y/z/"))
        #expect(store.location == dir.file("x/y/z"))
        #expect(FileManager.default.fileExists(atPath: dir.file("x/y/z")))
        _ = try LocalStore.open(root: dir.file("x/y/z"))
        _ = try LocalStore.create(root: dir.file("x/y/z"))     // creating an existing root is fine
        #expect(FileManager.default.createFile(atPath: dir.file("plain"), contents: Data([1])))
        expectTarnError(.invalidArgument) { try LocalStore.open(root: dir.file("plain")) }
    }

    @Test func objectsAreFilesUnderTheRootAndNoTemporaryFilesRemain() throws {
        let dir = try TempDir()
        let store = try LocalStore.create(root: dir.path)
        try store.put("a/b/c.json", bytes("{}"))
        #expect(FileManager.default.contents(atPath: dir.file("a/b/c.json")) == Data("{}".utf8))
        #expect(try store.putIfAbsent("a/b/d.json", bytes("1")))
        #expect(try !store.putIfAbsent("a/b/d.json", bytes("2")))
        let sink = try store.sink("a/e.parquet")
        try sink.write([1, 2])
        try sink.close()
        let aborted = try store.sink("a/f.parquet")
        try aborted.write([1])
        aborted.abort()
        let names = try FileManager.default.subpathsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["a", "a/b", "a/b/c.json", "a/b/d.json", "a/e.parquet"])
        // A file in the way of a directory is an error, not a crash.
        expectTarnError(.invalidArgument) { try store.put("a/e.parquet/x", [1]) }
        // Deleting a directory "key" is refused; delete never recurses.
        expectTarnError(.invalidArgument) { try store.delete("a/b") }
        try store.delete("a/b/c.json")
        try store.delete("a/b/d.json")
        #expect(FileManager.default.fileExists(atPath: dir.file("a/b")))   // the directory stays
    }

    @Test func temporaryFilesAreHiddenAndSweptByAge() throws {
        let dir = try TempDir()
        let store = try LocalStore.create(root: dir.path)
        try store.put("t/x", [1])
        // Leftovers of a killed writer: a temporary file at the top and one in a subdirectory.
        #expect(FileManager.default.createFile(atPath: dir.file(".tarn-tmp-99-abc"), contents: Data([1, 2, 3])))
        #expect(FileManager.default.createFile(atPath: dir.file("t/.tarn-tmp-99-def"), contents: Data([1])))
        #expect(try store.list(prefix: "").map(\.key) == ["t/x"])
        #expect(try store.list(prefix: "t/.tarn").isEmpty)
        #expect(try store.removeTemporaryFiles(modifiedBefore: 0) == 0)   // too new to sweep
        #expect(try store.removeTemporaryFiles(modifiedBefore: Int64(Date().timeIntervalSince1970 * 1000) + 60_000) == 2)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: dir.path).sorted() == ["t", "t/x"])
    }

    @Test func lastModifiedIsMillisecondMtime() throws {
        let dir = try TempDir()
        let store = try LocalStore.create(root: dir.path)
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        try store.put("f", [1])
        let meta = try store.head("f")
        #expect(abs(meta.lastModifiedMillis - before) < 10_000, "\(meta.lastModifiedMillis) vs \(before)")
        // Set an mtime with a millisecond fraction and read it back exactly, from head and list.
        var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 123_456_789), timespec(tv_sec: 1_700_000_000, tv_nsec: 123_456_789)]
        #expect(utimensat(AT_FDCWD, dir.file("f"), &times, 0) == 0)
        #expect(try store.head("f").lastModifiedMillis == 1_700_000_000_123)
        #expect(try store.list(prefix: "f").first?.lastModifiedMillis == 1_700_000_000_123)
    }

    @Test func nonDurableStoreWritesTheSame() throws {
        let dir = try TempDir()
        let store = try LocalStore.create(root: dir.path, durable: false)
        #expect(!store.durable)
        try store.put("a", [1])
        #expect(try store.putIfAbsent("b", [2]))
        let sink = try store.sink("c")
        try sink.write([3])
        try sink.close()
        #expect(try store.list(prefix: "").map(\.size) == [1, 1, 1])
    }

    @Test func concurrentReaderSeesOnlyCompleteValues() throws {
        let dir = try TempDir()
        let store = try LocalStore.create(root: dir.path, durable: false)
        let old = [UInt8](repeating: 0xAA, count: 64 << 10)
        let new = [UInt8](repeating: 0xBB, count: 300 << 10)
        try store.put("k", old)
        let shared = Shared()
        let writer = Thread {
            for i in 0 ..< 300 {
                do { try store.put("k", i % 2 == 0 ? new : old) } catch { shared.record("put: \(error)") }
            }
            shared.flag.store(true, ordering: .sequentiallyConsistent)
        }
        writer.start()
        var reads = 0
        var seen: Set<Int> = []
        while !shared.flag.load(ordering: .sequentiallyConsistent) || reads < 50 {
            let got = try store.get("k")
            reads += 1
            seen.insert(got.count)
            let complete = got == old || got == new
            #expect(complete, "read \(reads): \(got.count) bytes, first \(got.first ?? 0), last \(got.last ?? 0)")
            if !complete { break }
            let src = try store.source("k")     // a source holds one version for its lifetime
            let all = try src.read(offset: 0, count: src.size)
            #expect(all == old || all == new)
        }
        #expect(shared.messages.withLock { $0 }.isEmpty)
        #expect(try store.list(prefix: "").map(\.key) == ["k"])
        print("LocalStore atomic replace: \(reads) reads during 300 puts, sizes seen \(seen.sorted())")
    }

    @Test func putIfAbsentRaceLeavesOneFileAndNoTemporaries() throws {
        let dir = try TempDir()
        let store = try LocalStore.create(root: dir.path)
        let shared = Shared()
        runConcurrently(16) { i in
            if (try? store.putIfAbsent("_delta_log/00000000000000000007.json", bytes("\(i)"))) == true {
                shared.counter.add(1, ordering: .relaxed)
            }
        }
        #expect(shared.counter.load(ordering: .relaxed) == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("_delta_log")) == ["00000000000000000007.json"])
    }

    @Test func listsTenThousandFilesQuickly() throws {
        let dir = try TempDir()
        let store = try LocalStore.create(root: dir.path, durable: false)
        for i in 0 ..< 10_000 {
            let name = String(i)
            let key = "_delta_log/" + String(repeating: "0", count: 20 - name.count) + name + ".json"
            try store.put(key, [UInt8(i & 0xFF)])
        }
        try store.put("part-0.parquet", [1])
        var best = Double.infinity
        var listed: [ObjectMeta] = []
        for _ in 0 ..< 3 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            listed = try store.list(prefix: "_delta_log/")
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        #expect(listed.count == 10_000)
        #expect(listed.first?.key == "_delta_log/00000000000000000000.json")
        #expect(listed.last?.key == "_delta_log/00000000000000009999.json")
        #expect(zip(listed, listed.dropFirst()).allSatisfy { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
        let tail = try store.list(prefix: "_delta_log/", startAfter: "_delta_log/00000000000000009990.json")
        #expect(tail.count == 9)
        print(String(format: "LocalStore.list of 10,000 files: %.1f ms (best of 3)", best))
        #expect(best < 1000, "listing 10,000 files took \(best) ms")
    }
}
