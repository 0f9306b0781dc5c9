// ObjectStore: the only way the Delta and table layers reach stored bytes (spec/storage.md).
// Owns the ObjectStore and ObjectSink protocols, ObjectMeta, and the conveniences every store
// shares (list without a start key, exists, byte-order key comparison, range checks).
// Implementations: LocalStore (POSIX directory tree) and MemoryStore (tests, fault injection).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TarnParquet

/// What a listing or `head` reports about one object.
public struct ObjectMeta: Sendable, Hashable {
    /// The object's key ('/'-separated, relative to the store root).
    public let key: String
    /// Size in bytes.
    public let size: Int
    /// Last modification time, milliseconds since the Unix epoch.
    public let lastModifiedMillis: Int64

    public init(key: String, size: Int, lastModifiedMillis: Int64) {
        self.key = key
        self.size = size
        self.lastModifiedMillis = lastModifiedMillis
    }
}

/// A flat key → bytes store with sorted listings and an atomic create.
///
/// Guarantees every implementation gives (spec/storage.md):
/// 1. Keys are validated by `ObjectKey.validate`; an invalid key throws `.invalidArgument` and
///    touches nothing.
/// 2. `put` and `ObjectSink.close` replace atomically: a reader sees the old bytes or the new
///    bytes, never a mixture or a prefix.
/// 3. `putIfAbsent` is atomic: of N racing callers for one key exactly one gets `true`.
/// 4. `list` is sorted by the UTF-8 bytes of the key and never contains a store's temporary files.
public protocol ObjectStore: AnyObject, Sendable {
    /// Human-readable location (a path or "memory://name") for error messages.
    var location: String { get }
    /// Every object whose key starts with `prefix` (recursive), sorted by key in byte order;
    /// `startAfter` skips keys <= it.
    func list(prefix: String, startAfter: String?) throws -> [ObjectMeta]
    /// The whole object; `.notFound` naming the key when absent.
    func get(_ key: String) throws -> [UInt8]
    /// Bytes `range` of the object. A negative lower bound throws `.invalidArgument`; a range
    /// reaching past the end throws `.corruption` (a reader trusted a bad offset).
    func get(_ key: String, range: Range<Int>) throws -> [UInt8]
    /// Size and modification time; `.notFound` when absent.
    func head(_ key: String) throws -> ObjectMeta
    /// Atomic replace (readers never see partial content).
    func put(_ key: String, _ bytes: [UInt8]) throws
    /// Atomic create: returns false (and changes nothing) if the key exists.
    /// Exactly one of N racing callers gets true.
    func putIfAbsent(_ key: String, _ bytes: [UInt8]) throws -> Bool
    /// Removes the object; deleting a missing key is not an error.
    func delete(_ key: String) throws
    /// Random-access reader for Parquet (ByteSource from TarnParquet).
    func source(_ key: String) throws -> any ByteSource
    /// Streaming writer (for large data files); the object appears at `key` only on `close()`;
    /// `abort()` discards.
    func sink(_ key: String) throws -> any ObjectSink
}

/// A streaming write to one key. Nothing is visible at the key until `close()` returns;
/// `abort()` (or dropping an unclosed sink) discards everything written.
public protocol ObjectSink: ByteSink {
    /// Publishes the bytes at the key (atomic replace, like `put`).
    func close() throws
    /// Discards the bytes; safe to call more than once and after a failed `close()`.
    func abort()
    /// Bytes accepted by `write` so far.
    var bytesWritten: Int { get }
}

extension ObjectStore {
    /// Every object whose key starts with `prefix`, sorted by key bytes.
    public func list(prefix: String) throws -> [ObjectMeta] {
        try list(prefix: prefix, startAfter: nil)
    }

    /// Whether an object exists at `key` (other errors than `.notFound` are thrown).
    public func exists(_ key: String) throws -> Bool {
        do {
            _ = try head(key)
            return true
        } catch let error as TarnError where error.code == .notFound {
            return false
        }
    }
}

/// Helpers shared by the store implementations.
enum StoreSupport {
    /// Byte-order comparison of keys (Swift's `<` on String compares Unicode scalars after
    /// normalisation, which is not the order object stores and Delta use). memcmp on the
    /// contiguous UTF-8 of native strings; the generic path only for bridged ones.
    @inline(__always)
    static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                let n = min(pa.count, pb.count)
                if n > 0, let x = pa.baseAddress, let y = pb.baseAddress {
                    let c = memcmp(x, y, n)
                    if c != 0 { return c < 0 }
                }
                return pa.count < pb.count
            }
        }
    }

    /// Whether `key` starts with `prefix`, byte for byte.
    @inline(__always)
    static func hasPrefix(_ key: String, _ prefix: String) -> Bool {
        var key = key, prefix = prefix
        return key.withUTF8 { pk in
            prefix.withUTF8 { pp in
                guard pp.count <= pk.count else { return false }
                guard pp.count > 0, let x = pk.baseAddress, let y = pp.baseAddress else { return true }
                return memcmp(x, y, pp.count) == 0
            }
        }
    }

    /// Checks a ranged read of an object of `size` bytes (see `ObjectStore.get(_:range:)`).
    static func checkRange(_ range: Range<Int>, size: Int, key: String) throws {
        guard range.lowerBound >= 0 else {
            throw TarnError(.invalidArgument, "ranged read of '\(key)' starts at negative offset \(range.lowerBound)",
                            file: key, offset: range.lowerBound)
        }
        guard range.upperBound <= size else {
            throw TarnError(.corruption,
                            "read of bytes \(range.lowerBound)..<\(range.upperBound) is outside the \(size)-byte object '\(key)'",
                            file: key, offset: range.lowerBound)
        }
    }

    static func notFound(_ key: String, in location: String) -> TarnError {
        TarnError(.notFound, "no object '\(key)' in \(location)", file: key)
    }
}
