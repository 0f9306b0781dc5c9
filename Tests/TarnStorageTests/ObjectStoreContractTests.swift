// ObjectStoreContractTests: the ObjectStore guarantees of spec/storage.md, checked identically on
// LocalStore and MemoryStore: put/get/head/delete, ranged reads, sorted listings with prefixes and
// startAfter, put-if-absent (including a 16-thread race), sinks, and key validation on every call.
import Foundation
import Testing
import TarnParquet
import TarnStorage

@Suite struct ObjectStoreContractTests {
    @Test(arguments: StoreKind.allCases)
    func putGetHeadDelete(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let s = f.store
        try s.put("a/b/c.bin", [1, 2, 3])
        #expect(try s.get("a/b/c.bin") == [1, 2, 3])
        let meta = try s.head("a/b/c.bin")
        #expect(meta.key == "a/b/c.bin" && meta.size == 3)
        #expect(try s.exists("a/b/c.bin"))
        try s.put("a/b/c.bin", [9])                       // replace
        #expect(try s.get("a/b/c.bin") == [9])
        try s.put("empty", [])
        #expect(try s.get("empty") == [])
        #expect(try s.head("empty").size == 0)
        try s.delete("a/b/c.bin")
        #expect(try !s.exists("a/b/c.bin"))
        try s.delete("a/b/c.bin")                         // deleting a missing key is fine
        try s.delete("never/was/here")
        let e = expectTarnError(.notFound) { try s.get("a/b/c.bin") }
        #expect(e?.file == "a/b/c.bin")
        #expect(e?.message.contains("a/b/c.bin") == true)
        expectTarnError(.notFound) { try s.head("missing") }
        expectTarnError(.notFound) { try s.source("missing") }
        expectTarnError(.notFound) { try s.get("a/b", range: 0 ..< 0) }   // a "directory" is not an object
        #expect(try !s.exists("a/b"))
    }

    @Test(arguments: StoreKind.allCases)
    func rangedReadsAndSources(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let s = f.store
        let data = (0 ..< 100).map { UInt8($0) }
        try s.put("d/file.parquet", data)
        #expect(try s.get("d/file.parquet", range: 10 ..< 20) == Array(data[10 ..< 20]))
        #expect(try s.get("d/file.parquet", range: 0 ..< 100) == data)
        #expect(try s.get("d/file.parquet", range: 100 ..< 100) == [])
        expectTarnError(.corruption) { try s.get("d/file.parquet", range: 90 ..< 101) }
        expectTarnError(.corruption) { try s.get("d/file.parquet", range: 200 ..< 210) }
        expectTarnError(.invalidArgument) { try s.get("d/file.parquet", range: -1 ..< 5) }
        let src = try s.source("d/file.parquet")
        #expect(src.size == 100)
        #expect(try src.read(offset: 96, count: 4) == [96, 97, 98, 99])
        expectTarnError(.corruption) { try src.read(offset: 98, count: 4) }
    }

    @Test(arguments: StoreKind.allCases)
    func listingIsSortedByKeyBytesWithPrefixAndStartAfter(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let s = f.store
        // Byte order: "a.txt" < "a/x" ('.' 0x2E < '/' 0x2F), "Z" < "_" < "a", "é" (0xC3…) after ASCII.
        let keys = ["a/x", "a.txt", "_delta_log/00000000000000000001.json", "_delta_log/00000000000000000000.json",
                    "_delta_log/_last_checkpoint", "Z", "é/1", "a/y/z", "b", "_delta_log/00000000000000000010.checkpoint.parquet"]
        for (i, k) in keys.enumerated() { try s.put(k, [UInt8](repeating: 7, count: i)) }
        let all = try s.list(prefix: "").map(\.key)
        #expect(all == keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(all.first == "Z" && all.last == "é/1")
        #expect(try s.list(prefix: "_delta_log/").map(\.key) == [
            "_delta_log/00000000000000000000.json", "_delta_log/00000000000000000001.json",
            "_delta_log/00000000000000000010.checkpoint.parquet", "_delta_log/_last_checkpoint",
        ])
        // A prefix may end mid-name.
        #expect(try s.list(prefix: "_delta_log/0000000000000000000").map(\.key) == [
            "_delta_log/00000000000000000000.json", "_delta_log/00000000000000000001.json",
        ])
        #expect(try s.list(prefix: "a").map(\.key) == ["a.txt", "a/x", "a/y/z"])
        #expect(try s.list(prefix: "a/").map(\.key) == ["a/x", "a/y/z"])
        #expect(try s.list(prefix: "nothing/").isEmpty)
        #expect(try s.list(prefix: "b/").isEmpty)             // "b" is an object, not a directory
        // startAfter skips keys <= it, whether or not it exists.
        #expect(try s.list(prefix: "_delta_log/", startAfter: "_delta_log/00000000000000000000.json").map(\.key) == [
            "_delta_log/00000000000000000001.json", "_delta_log/00000000000000000010.checkpoint.parquet",
            "_delta_log/_last_checkpoint",
        ])
        #expect(try s.list(prefix: "", startAfter: "a/x").map(\.key) == ["a/y/z", "b", "é/1"])
        #expect(try s.list(prefix: "", startAfter: "a/").map(\.key) == ["a/x", "a/y/z", "b", "é/1"])
        #expect(try s.list(prefix: "", startAfter: "zzz").map(\.key) == ["é/1"])
        // Sizes are reported.
        let sizes = Dictionary(uniqueKeysWithValues: try s.list(prefix: "").map { ($0.key, $0.size) })
        for (i, k) in keys.enumerated() { #expect(sizes[k] == i, "\(k)") }
    }

    @Test(arguments: StoreKind.allCases)
    func putIfAbsentCreatesOnce(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let s = f.store
        #expect(try s.putIfAbsent("_delta_log/00000000000000000000.json", bytes("first")))
        #expect(try !s.putIfAbsent("_delta_log/00000000000000000000.json", bytes("second")))
        #expect(try s.get("_delta_log/00000000000000000000.json") == bytes("first"))
        #expect(try s.list(prefix: "").map(\.key) == ["_delta_log/00000000000000000000.json"])
    }

    @Test(arguments: StoreKind.allCases)
    func putIfAbsentRaceHasExactlyOneWinner(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let s = f.store
        for round in 0 ..< 5 {
            let key = "_delta_log/\(round).json"
            let shared = Shared()
            runConcurrently(16) { i in
                do {
                    if try s.putIfAbsent(key, bytes("writer \(i)")) {
                        shared.counter.add(1, ordering: .relaxed)
                        shared.record("\(i)")
                    }
                } catch {
                    shared.record("error \(error)")
                }
            }
            let winners = shared.messages.withLock { $0 }
            #expect(shared.counter.load(ordering: .relaxed) == 1, "round \(round): \(winners)")
            #expect(try s.get(key) == bytes("writer \(winners.first ?? "?")"))
        }
        #expect(try s.list(prefix: "").count == 5)
    }

    @Test(arguments: StoreKind.allCases)
    func sinkAppearsOnlyOnClose(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let s = f.store
        let sink = try s.sink("data/part-0.parquet")
        let chunk = [UInt8](repeating: 5, count: 700_000)
        try sink.write(chunk)
        try sink.write(chunk)                              // crosses the 1 MiB buffer on LocalStore
        try sink.write([1, 2, 3])
        #expect(sink.bytesWritten == 1_400_003)
        #expect(try !s.exists("data/part-0.parquet"))
        #expect(try s.list(prefix: "").isEmpty)
        try sink.close()
        let got = try s.get("data/part-0.parquet")
        #expect(got.count == 1_400_003 && got.suffix(3) == [1, 2, 3])
        #expect(sink.bytesWritten == 1_400_003)

        let aborted = try s.sink("data/part-1.parquet")
        try aborted.write(chunk)
        aborted.abort()
        aborted.abort()                                    // twice is fine
        #expect(try !s.exists("data/part-1.parquet"))
        do {                                               // dropped without close: discarded
            let dropped = try s.sink("data/part-2.parquet")
            try dropped.write([1])
        }
        #expect(try s.list(prefix: "").map(\.key) == ["data/part-0.parquet"])

        let replacing = try s.sink("data/part-0.parquet")  // a sink replaces like put
        try replacing.write([4, 2])
        #expect(try s.get("data/part-0.parquet").count == 1_400_003)
        try replacing.close()
        #expect(try s.get("data/part-0.parquet") == [4, 2])
    }

    @Test(arguments: StoreKind.allCases)
    func invalidKeysAreRejectedByEveryOperation(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let s = f.store
        try s.put("ok", [1])
        for key in ObjectKeyTests.invalidKeys {
            let ctx = "key \(key.debugDescription)"
            expectTarnError(.invalidArgument, ctx) { try s.put(key, [1]) }
            expectTarnError(.invalidArgument, ctx) { try s.putIfAbsent(key, [1]) }
            expectTarnError(.invalidArgument, ctx) { try s.get(key) }
            expectTarnError(.invalidArgument, ctx) { try s.get(key, range: 0 ..< 1) }
            expectTarnError(.invalidArgument, ctx) { try s.head(key) }
            expectTarnError(.invalidArgument, ctx) { try s.delete(key) }
            expectTarnError(.invalidArgument, ctx) { try s.source(key) }
            expectTarnError(.invalidArgument, ctx) { try s.sink(key) }
        }
        for prefix in ["/", "/etc", "../", "a//", "./x", "a\\b", "a\u{0}"] {
            expectTarnError(.invalidArgument, "prefix \(prefix.debugDescription)") { try s.list(prefix: prefix) }
        }
        #expect(try s.list(prefix: "").map(\.key) == ["ok"])
    }

    @Test(arguments: StoreKind.allCases)
    func percentEncodedNamesAreLiteral(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let s = f.store
        try s.put("%2E%2E/x", [1])
        try s.put("p=a%2Fb/part.parquet", [2])
        #expect(try s.list(prefix: "").map(\.key) == ["%2E%2E/x", "p=a%2Fb/part.parquet"])
        #expect(try s.get("%2E%2E/x") == [1])
        if let dir = f.directory {    // stayed inside the root
            #expect(FileManager.default.fileExists(atPath: dir.file("table/%2E%2E/x")))
            #expect(!FileManager.default.fileExists(atPath: dir.file("x")))
        }
    }
}
