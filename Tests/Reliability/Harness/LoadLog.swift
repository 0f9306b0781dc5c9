// LoadLog: the log of acknowledged writes (one `AckedOp` per operation that committed, as JSON
// lines) and `LoadModel`, the reference model rebuilt from it: plain dictionaries id → value,
// each writer's operations applied in the order that writer had them acknowledged.
import Foundation
import TarnCodecs

/// One row the harness wrote: its id and its value column.
public struct LoadRow: Codable, Sendable, Hashable {
    public var id: Int64
    public var val: Int64
    public init(id: Int64, val: Int64) {
        self.id = id
        self.val = val
    }
}

/// One acknowledged operation: what it did, as the model needs it.
public struct AckedOp: Codable, Sendable {
    public var writer: Int
    /// The writer's operation number (its step).
    public var seq: Int
    public var kind: LoadOpKind
    /// The version it committed (nil when it changed nothing, e.g. an optimize with no work).
    public var version: Int64?
    /// append: new rows; merge: rows upserted by id.
    public var rows: [LoadRow]?
    /// delete / update: the id range [lo, hi); optimize / zorder: the bucket (partition) in `lo`.
    public var lo: Int64?
    public var hi: Int64?
    /// update: added to `val`.
    public var add: Int64?
    /// ConcurrentModification errors retried before it committed.
    public var conflicts = 0

    public init(writer: Int, seq: Int, kind: LoadOpKind) {
        self.writer = writer
        self.seq = seq
        self.kind = kind
    }
}

/// A JSON-lines file of acknowledged operations, appended to by every writer.
public final class LoadLogFile: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private let encoder = JSONEncoder()

    /// Creates (truncating) the file at `path`.
    public init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw TarnError(.invalidArgument, "cannot create the acknowledged-writes log \(path)")
        }
        handle = h
        encoder.outputFormatting = .sortedKeys
    }

    /// Appends one acknowledged operation as a line.
    public func append(_ op: AckedOp) throws {
        var line = try encoder.encode(op)
        line.append(0x0A)
        lock.lock()
        defer { lock.unlock() }
        try handle.write(contentsOf: line)
    }

    public func close() { try? handle.close() }

    /// Reads a JSON-lines log back.
    public static func read(path: String) throws -> [AckedOp] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = JSONDecoder()
        var out: [AckedOp] = []
        for (n, line) in text.split(separator: "\n").enumerated() {
            do { out.append(try decoder.decode(AckedOp.self, from: Data(line.utf8))) } catch {
                throw TarnError(.corruption, "acknowledged-writes log \(path) line \(n + 1): \(error)")
            }
        }
        return out
    }
}

/// The expected table: id → (value, the operation that last wrote it).
public struct LoadModel: Sendable {
    public private(set) var rows: [Int64: Int64] = [:]
    /// Who last touched each id ("writer W step N kind"), for failure messages.
    public private(set) var origin: [Int64: String] = [:]

    public init() {}

    /// The model of `log`: each writer's operations applied in `seq` order (their key spaces are
    /// disjoint, so writers' relative order does not matter).
    public init(log: [AckedOp]) throws {
        let ordered = log.sorted { ($0.writer, $0.seq) < ($1.writer, $1.seq) }
        for op in ordered { try apply(op) }
    }

    /// Applies one acknowledged operation.
    public mutating func apply(_ op: AckedOp) throws {
        let tag = "writer \(op.writer) step \(op.seq) \(op.kind.rawValue)"
        switch op.kind {
        case .append:
            for r in op.rows ?? [] {
                guard rows[r.id] == nil else { throw HarnessFailure("model: \(tag) appends id \(r.id), which already exists") }
                rows[r.id] = r.val
                origin[r.id] = tag
            }
        case .merge:
            for r in op.rows ?? [] {
                rows[r.id] = r.val
                origin[r.id] = tag
            }
        case .delete:
            for id in idsInRange(op) {
                rows[id] = nil
                origin[id] = tag
            }
        case .update:
            for id in idsInRange(op) {
                rows[id] = (rows[id] ?? 0) &+ (op.add ?? 0)
                origin[id] = tag
            }
        case .optimize, .zorder: break
        }
    }

    private func idsInRange(_ op: AckedOp) -> [Int64] {
        guard let lo = op.lo, let hi = op.hi, lo < hi else { return [] }
        if hi - lo <= 10_000 { return (lo ..< hi).filter { rows[$0] != nil } }
        return rows.keys.filter { $0 >= lo && $0 < hi }
    }

    /// Ids currently in the model within [lo, hi), sorted.
    public func ids(from lo: Int64, to hi: Int64) -> [Int64] {
        rows.keys.filter { $0 >= lo && $0 < hi }.sorted()
    }
}
