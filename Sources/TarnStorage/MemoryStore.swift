// MemoryStore: a thread-safe in-memory ObjectStore for tests (spec/storage.md "MemoryStore").
// Owns the object map (keyed by key bytes, so keys that differ only in Unicode normalisation
// stay distinct, as on disk), the settable millisecond clock, operation statistics and the
// streaming sink. Fault injection (MemoryStore.Fault) is in MemoryStore+Faults.swift.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import TarnParquet

/// An ObjectStore in memory with the same key rules and guarantees as LocalStore, plus a
/// controllable clock and injectable faults.
///
/// Clock: each write is stamped with `clockMillis`. By default that is the wall clock, bumped so
/// that stamps strictly increase. After `setClock(t)` writes are stamped t, t+1, t+2, … (so tests
/// control commit times exactly, including going back in time); `useWallClock()` returns to default.
public final class MemoryStore: ObjectStore {
    /// Operations performed, for tests that bound I/O (e.g. "opening a snapshot lists once").
    public struct Stats: Sendable, Hashable {
        /// get, ranged get and source.
        public var gets = 0
        public var heads = 0
        public var lists = 0
        /// put, putIfAbsent and sink close.
        public var puts = 0
        public var deletes = 0

        public init(gets: Int = 0, heads: Int = 0, lists: Int = 0, puts: Int = 0, deletes: Int = 0) {
            self.gets = gets
            self.heads = heads
            self.lists = lists
            self.puts = puts
            self.deletes = deletes
        }
    }

    struct Object {
        var key: String
        var bytes: [UInt8]
        var modifiedMillis: Int64
    }

    struct State {
        var objects: [[UInt8]: Object] = [:]
        var manualClock: Int64?
        var lastStamp = Int64.min
        var armed: [ArmedFault] = []
        var fired: [Fault.Kind: Int] = [:]
        var passed: [Fault.Kind: Int] = [:]
        var stats = Stats()

        /// The stamp the next write gets; `consume` advances the clock.
        mutating func stamp(consume: Bool) -> Int64 {
            let t = manualClock ?? max(wallClockMillis(), lastStamp &+ 1)
            if consume {
                lastStamp = t
                if manualClock != nil { manualClock = t &+ 1 }
            }
            return t
        }
    }

    public let name: String
    let state = Mutex(State())

    public var location: String { "memory://\(name)" }

    public init(name: String = "memory") {
        self.name = name
    }

    // MARK: Clock and statistics

    /// The modification time the next write gets, in milliseconds since the epoch. Setting it is
    /// `setClock(_:)`.
    public var clockMillis: Int64 {
        get { state.withLock { $0.stamp(consume: false) } }
        set { setClock(newValue) }
    }

    /// Stamps the following writes `millis`, `millis + 1`, … (may go back in time).
    public func setClock(_ millis: Int64) {
        state.withLock { $0.manualClock = millis }
    }

    /// Moves the clock forward (switching to a manual clock if it was the wall clock).
    public func advanceClock(byMillis delta: Int64) {
        state.withLock { $0.manualClock = $0.stamp(consume: false) &+ delta }
    }

    /// Returns to the default wall clock (still strictly increasing).
    public func useWallClock() {
        state.withLock { $0.manualClock = nil }
    }

    public var stats: Stats { state.withLock { $0.stats } }

    /// How many objects the store holds.
    public var count: Int { state.withLock { $0.objects.count } }

    /// A new store holding a copy of every object (keys, bytes and modification times) and the
    /// clock; no faults are armed and the statistics start at zero.
    public func clone(name: String) -> MemoryStore {
        let copy = MemoryStore(name: name)
        let (objects, clock, last) = state.withLock { ($0.objects, $0.manualClock, $0.lastStamp) }
        copy.state.withLock {
            $0.objects = objects
            $0.manualClock = clock
            $0.lastStamp = last
        }
        return copy
    }

    // MARK: ObjectStore

    public func list(prefix: String, startAfter: String?) throws -> [ObjectMeta] {
        try ObjectKey.validatePrefix(prefix)
        var listed = state.withLock { s -> [ObjectMeta] in
            s.stats.lists += 1
            var out: [ObjectMeta] = []
            for object in s.objects.values where StoreSupport.hasPrefix(object.key, prefix) {
                if let after = startAfter, !StoreSupport.precedes(after, object.key) { continue }
                out.append(ObjectMeta(key: object.key, size: object.bytes.count, lastModifiedMillis: object.modifiedMillis))
            }
            s.applyListingGap(to: &out)
            return out
        }
        listed.sort { StoreSupport.precedes($0.key, $1.key) }
        return listed
    }

    public func get(_ key: String) throws -> [UInt8] {
        try read(key) { $0.bytes }
    }

    public func get(_ key: String, range: Range<Int>) throws -> [UInt8] {
        let bytes = try read(key) { $0.bytes }
        try StoreSupport.checkRange(range, size: bytes.count, key: key)
        return Array(bytes[range])
    }

    public func head(_ key: String) throws -> ObjectMeta {
        try read(key, counting: \.heads) {
            ObjectMeta(key: $0.key, size: $0.bytes.count, lastModifiedMillis: $0.modifiedMillis)
        }
    }

    public func source(_ key: String) throws -> any ByteSource {
        MemorySource(try get(key), name: key)
    }

    public func put(_ key: String, _ bytes: [UInt8]) throws {
        try write(key, bytes, ifAbsent: false, operation: "put")
    }

    public func putIfAbsent(_ key: String, _ bytes: [UInt8]) throws -> Bool {
        try write(key, bytes, ifAbsent: true, operation: "putIfAbsent")
    }

    public func delete(_ key: String) throws {
        try ObjectKey.validate(key)
        try state.withLock { s in
            s.stats.deletes += 1
            if s.take(.failDelete, key: key) != nil { throw Self.injected("delete", key) }
            s.objects[Array(key.utf8)] = nil
        }
    }

    public func sink(_ key: String) throws -> any ObjectSink {
        try ObjectKey.validate(key)
        return MemoryObjectSink(store: self, key: key)
    }

    // MARK: Shared paths

    /// Runs `body` on the object at `key` under the lock (after a possible `failGet` fault).
    private func read<T>(_ key: String, counting counter: WritableKeyPath<Stats, Int> = \.gets,
                         _ body: (Object) -> T) throws -> T {
        try ObjectKey.validate(key)
        return try state.withLock { s in
            s.stats[keyPath: counter] += 1
            if s.take(.failGet, key: key) != nil { throw Self.injected("read", key) }
            guard let object = s.objects[Array(key.utf8)] else { throw StoreSupport.notFound(key, in: location) }
            return body(object)
        }
    }

    /// put (`ifAbsent` false), putIfAbsent and sink close: one atomic step under the lock, with
    /// the write faults applied (MemoryStore+Faults.swift). Returns whether the bytes were stored.
    @discardableResult
    func write(_ key: String, _ bytes: [UInt8], ifAbsent: Bool, operation: String) throws -> Bool {
        try ObjectKey.validate(key)
        let id = Array(key.utf8)
        return try state.withLock { s in
            s.stats.puts += 1
            if s.take(.failPut, key: key) != nil { throw Self.injected(operation, key) }
            if ifAbsent && s.objects[id] != nil { return false }
            if ifAbsent, case .lostRace(let rival, _)? = s.take(.lostRace, key: key) {
                s.objects[id] = Object(key: key, bytes: rival, modifiedMillis: s.stamp(consume: true))
                return false
            }
            if case .tornWrite(let keep, _)? = s.take(.tornWrite, key: key) {
                let kept = Array(bytes.prefix(max(0, keep)))
                s.objects[id] = Object(key: key, bytes: kept, modifiedMillis: s.stamp(consume: true))
                throw Self.injected(operation, key, detail: "torn write: kept \(kept.count) of \(bytes.count) bytes")
            }
            s.objects[id] = Object(key: key, bytes: bytes, modifiedMillis: s.stamp(consume: true))
            if s.take(.failSync, key: key) != nil {
                throw Self.injected(operation, key, detail: "sync failed after the bytes were stored")
            }
            return true
        }
    }

    static func injected(_ operation: String, _ key: String, detail: String = "injected failure") -> TarnError {
        TarnError(.io, "\(operation) of '\(key)' failed (\(detail))", file: key, cause: "MemoryStore fault injection")
    }
}

/// The current wall-clock time in milliseconds since the epoch.
func wallClockMillis() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

/// A MemoryStore write in progress: bytes collect here and reach the store on `close()`.
final class MemoryObjectSink: ObjectSink {
    private let store: MemoryStore
    private let key: String
    private var bytes: [UInt8] = []
    private var finished = false

    init(store: MemoryStore, key: String) {
        self.store = store
        self.key = key
    }

    private(set) var bytesWritten = 0

    func write(_ chunk: UnsafeRawBufferPointer) throws {
        precondition(!finished, "write to a closed or aborted sink for '\(key)'")
        bytes.append(contentsOf: chunk)
        bytesWritten += chunk.count
    }

    func close() throws {
        precondition(!finished, "close of a closed or aborted sink for '\(key)'")
        finished = true
        defer { bytes = [] }
        try store.write(key, bytes, ifAbsent: false, operation: "sink close")
    }

    func abort() {
        finished = true
        bytes = []
    }
}
