// MemoryStoreTests: the MemoryStore clock (millisecond, monotonic by default, settable for time
// travel), its statistics, and every fault kind of spec/storage.md "Faults": when it fires, what
// it leaves in the store, how it is consumed and counted, and when it does not fire.
import Foundation
import Testing
import TarnParquet
import TarnStorage

@Suite struct MemoryStoreTests {
    @Test func defaultClockIsWallClockMillisAndStrictlyIncreasing() throws {
        let s = MemoryStore(name: "clock")
        #expect(s.location == "memory://clock")
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        for i in 0 ..< 200 { try s.put("k\(i)", [1]) }
        let stamps = try s.list(prefix: "").sorted { $0.lastModifiedMillis < $1.lastModifiedMillis }.map(\.lastModifiedMillis)
        #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 < $1 })
        let first = try #require(stamps.first)
        #expect(abs(first - now) < 10_000, "stamp \(first) is milliseconds near \(now)")
        #expect(try s.head("k0").lastModifiedMillis < s.head("k199").lastModifiedMillis)
        // A replaced object gets a newer stamp.
        let before = try s.head("k0").lastModifiedMillis
        try s.put("k0", [2])
        #expect(try s.head("k0").lastModifiedMillis > before)
    }

    @Test func settableClockForTimeTravel() throws {
        let s = MemoryStore()
        s.setClock(1_000)
        #expect(s.clockMillis == 1_000)
        try s.put("_delta_log/0.json", [1])
        try s.put("_delta_log/1.json", [1])
        s.clockMillis = 5_000
        #expect(try s.putIfAbsent("_delta_log/2.json", [1]))
        s.setClock(500)                                  // back in time: commit times out of order
        let sink = try s.sink("_delta_log/3.json")
        try sink.write([1])
        try sink.close()
        s.advanceClock(byMillis: 1_000)
        try s.put("_delta_log/4.json", [1])
        #expect(try s.list(prefix: "_delta_log/").map(\.lastModifiedMillis) == [1_000, 1_001, 5_000, 500, 1_501])
        s.useWallClock()
        try s.put("_delta_log/5.json", [1])
        #expect(try s.head("_delta_log/5.json").lastModifiedMillis > 1_000_000_000_000)
    }

    @Test func statistics() throws {
        let s = MemoryStore()
        try s.put("a", [1])
        _ = try s.putIfAbsent("a", [1])
        _ = try s.get("a")
        _ = try s.get("a", range: 0 ..< 1)
        _ = try s.source("a")
        _ = try s.head("a")
        _ = try s.list(prefix: "")
        try s.delete("a")
        #expect(s.stats == MemoryStore.Stats(gets: 3, heads: 1, lists: 1, puts: 2, deletes: 1))
        #expect(s.count == 0)
    }

    // MARK: Faults

    @Test func failPutFailsTheNextNWritesAndStoresNothing() throws {
        let s = MemoryStore()
        s.inject(.failPut(), times: 2)
        #expect(s.pendingFaults == 2)
        let e = expectTarnError(.io) { try s.put("a", [1]) }
        #expect(e?.file == "a")
        expectTarnError(.io) { try s.putIfAbsent("b", [1]) }
        #expect(s.count == 0)
        try s.put("a", [1])                              // consumed: the third write succeeds
        #expect(s.injectedCount == 2 && s.injectedCount(.failPut) == 2 && s.pendingFaults == 0)
    }

    @Test func failPutWithAKeyPredicateAndOnSinkClose() throws {
        let s = MemoryStore()
        s.inject(.failPut(.suffix(".json")))
        try s.put("data/part-0.parquet", [1])            // does not match: untouched
        #expect(s.pendingFaults == 1)
        let sink = try s.sink("_delta_log/0.json")
        try sink.write([1, 2, 3])
        expectTarnError(.io) { try sink.close() }
        #expect(try !s.exists("_delta_log/0.json"))
        s.inject(.failPut(.prefix("_delta_log/")))
        s.inject(.failPut(.exact("x")))
        expectTarnError(.io) { try s.put("_delta_log/1.json", [1]) }
        expectTarnError(.io) { try s.put("x", [1]) }
        try s.put("xx", [1])
        #expect(s.injectedCount(.failPut) == 3)
        #expect(s.pendingFaults == 0)
    }

    @Test func tornWriteKeepsAPrefixThenThrows() throws {
        let s = MemoryStore()
        s.inject(.tornWrite(keepBytes: 4))
        expectTarnError(.io) { try s.put("_delta_log/5.json", bytes("{\"add\":{}}\n")) }
        #expect(try s.get("_delta_log/5.json") == bytes("{\"ad"))
        s.inject(.tornWrite(keepBytes: 2), times: 2)
        let sink = try s.sink("part.parquet")
        try sink.write([1, 2, 3, 4, 5])
        expectTarnError(.io) { try sink.close() }
        #expect(try s.get("part.parquet") == [1, 2])
        #expect(try !s.putIfAbsent("part.parquet", [9]))  // exists: the torn write does not fire
        #expect(s.pendingFaults == 1)
        expectTarnError(.io) { try s.putIfAbsent("new", [7, 8, 9]) }
        #expect(try s.get("new") == [7, 8])
        #expect(s.injectedCount(.tornWrite) == 3)
    }

    @Test func lostRaceMakesPutIfAbsentReturnFalseWithTheRivalsBytes() throws {
        let s = MemoryStore()
        s.inject(.lostRace(rival: bytes("rival"), .exact("_delta_log/3.json")))
        try s.put("_delta_log/3.json.tmp", [1])                       // put: never affected
        #expect(try s.putIfAbsent("_delta_log/2.json", bytes("ours")))  // other key: unaffected
        #expect(try !s.putIfAbsent("_delta_log/3.json", bytes("ours")))
        #expect(try s.get("_delta_log/3.json") == bytes("rival"))
        #expect(s.injectedCount(.lostRace) == 1 && s.pendingFaults == 0)
        #expect(try s.putIfAbsent("_delta_log/4.json", bytes("ours")))
    }

    @Test func listingGapOmitsMatchingKeysOnce() throws {
        let s = MemoryStore()
        for k in ["_delta_log/0.json", "_delta_log/1.json", "_delta_log/2.json"] { try s.put(k, [1]) }
        s.inject(.listingGap(omitting: .exact("_delta_log/2.json")))
        #expect(try s.list(prefix: "data/").isEmpty)                  // nothing to hide: not consumed
        #expect(s.pendingFaults == 1)
        #expect(try s.list(prefix: "_delta_log/").map(\.key) == ["_delta_log/0.json", "_delta_log/1.json"])
        #expect(try s.list(prefix: "_delta_log/").count == 3)
        s.inject(.listingGap())
        #expect(try s.list(prefix: "").isEmpty)
        #expect(s.injectedCount(.listingGap) == 2)
    }

    @Test func failSyncStoresTheBytesButThrows() throws {
        let s = MemoryStore()
        s.inject(.failSync(), times: 3)
        expectTarnError(.io) { try s.put("a", [1, 2]) }
        #expect(try s.get("a") == [1, 2])                              // it landed
        expectTarnError(.io) { try s.putIfAbsent("_delta_log/0.json", [3]) }
        #expect(try !s.putIfAbsent("_delta_log/0.json", [4]))          // a retry finds our own commit
        #expect(try s.get("_delta_log/0.json") == [3])
        #expect(s.pendingFaults == 1, "the losing putIfAbsent does not consume the fault")
        let sink = try s.sink("b")
        try sink.write([5])
        expectTarnError(.io) { try sink.close() }
        #expect(try s.get("b") == [5])
        #expect(s.injectedCount(.failSync) == 3)
    }

    @Test func failGetAppliesToEveryRead() throws {
        let s = MemoryStore()
        try s.put("a", [1, 2, 3])
        s.inject(.failGet(.exact("a")), times: 4)
        try s.put("b", [1])
        _ = try s.get("b")
        expectTarnError(.io) { try s.get("a") }
        expectTarnError(.io) { try s.get("a", range: 0 ..< 1) }
        expectTarnError(.io) { try s.head("a") }
        expectTarnError(.io) { try s.source("a") }
        #expect(try s.get("a") == [1, 2, 3])
        #expect(s.injectedCount(.failGet) == 4)
    }

    @Test func failDeleteRemovesNothing() throws {
        let s = MemoryStore()
        try s.put("a", [1])
        s.inject(.failDelete())
        expectTarnError(.io) { try s.delete("a") }
        #expect(try s.exists("a"))
        try s.delete("a")
        #expect(try !s.exists("a"))
        #expect(s.injectedCount(.failDelete) == 1)
    }

    @Test func everyKindIsCountedAndClearable() throws {
        let s = MemoryStore()
        try s.put("x", [1])
        s.inject(.failPut(.exact("p")))
        s.inject(.tornWrite(keepBytes: 0, .exact("t")))
        s.inject(.lostRace(rival: [0], .exact("r")))
        s.inject(.listingGap(omitting: .exact("x")))
        s.inject(.failSync(.exact("f")))
        s.inject(.failGet(.exact("x")))
        s.inject(.failDelete(.exact("x")))
        _ = try? s.put("p", [1])
        _ = try? s.put("t", [1])
        _ = try s.putIfAbsent("r", [1])
        _ = try s.list(prefix: "")
        _ = try? s.put("f", [1])
        _ = try? s.get("x")
        _ = try? s.delete("x")
        for kind in MemoryStore.Fault.Kind.allCases { #expect(s.injectedCount(kind) == 1, "\(kind)") }
        #expect(s.injectedCount == MemoryStore.Fault.Kind.allCases.count)
        s.inject(.failPut(), times: 5)
        s.clearFaults()
        #expect(s.pendingFaults == 0)
        try s.put("after", [1])
    }

    @Test func faultsAreThreadSafe() throws {
        let s = MemoryStore()
        s.inject(.failPut(), times: 50)
        let shared = Shared()
        runConcurrently(8) { t in
            for i in 0 ..< 25 {
                do { try s.put("t\(t)/\(i)", [1]) } catch { shared.counter.add(1, ordering: .relaxed) }
            }
        }
        #expect(shared.counter.load(ordering: .relaxed) == 50)
        #expect(s.count == 150 && s.injectedCount == 50)
    }

    // MARK: Fault positions and clones

    @Test func faultAfterSkipFiresOnTheNthOpportunity() throws {
        let s = MemoryStore()
        s.inject(.failPut(.suffix(".json")), after: 2)
        try s.put("a.parquet", [1])                      // not an opportunity: no match
        try s.put("0.json", [1])
        try s.put("1.json", [1])
        expectTarnError(.io) { try s.put("2.json", [1]) }
        #expect(s.passedOpportunities(.failPut) == 2 && s.injectedCount(.failPut) == 1 && s.pendingFaults == 0)
        s.inject(.lostRace(rival: [9]), after: 1)
        #expect(try s.putIfAbsent("0.json", [1]) == false)  // exists: not an opportunity
        #expect(try s.putIfAbsent("3.json", [1]))
        #expect(try s.putIfAbsent("4.json", [1]) == false)
        #expect(try s.get("4.json") == [9])
        s.inject(.listingGap(omitting: .exact("1.json")), after: 1)
        #expect(try s.list(prefix: "").count == 5)       // a.parquet, 0, 1, 3 and 4.json: passed over
        #expect(try s.list(prefix: "").map(\.key) == ["0.json", "3.json", "4.json", "a.parquet"])
        s.resetFaultCounts()
        #expect(s.injectedCount == 0 && s.passedOpportunities(.failPut) == 0)
    }

    @Test func aProbeWithSkipMaxCountsOpportunitiesAndNeverFires() throws {
        let s = MemoryStore()
        for kind in [MemoryStore.Fault.failGet(), .failSync(), .failDelete()] { s.inject(kind, after: .max) }
        try s.put("a", [1])
        try s.put("b", [2])
        _ = try s.get("a")
        _ = try s.head("b")
        try s.delete("a")
        #expect(s.passedOpportunities(.failSync) == 2 && s.passedOpportunities(.failGet) == 2)
        #expect(s.passedOpportunities(.failDelete) == 1 && s.injectedCount == 0 && s.count == 1)
    }

    @Test func cloneCopiesObjectsAndTimesButNotFaults() throws {
        let s = MemoryStore()
        s.setClock(1_000)
        try s.put("a", [1, 2])
        s.inject(.failPut())
        let c = s.clone(name: "copy")
        try c.put("b", [3])                              // the fault stayed with the original
        #expect(try c.get("a") == [1, 2] && c.count == 2 && s.count == 1)
        #expect(try c.head("a").lastModifiedMillis == 1_000 && c.head("b").lastModifiedMillis == 1_001)
        #expect(c.stats.puts == 1 && s.pendingFaults == 1)
    }
}
