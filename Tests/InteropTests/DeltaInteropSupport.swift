// DeltaInteropSupport: seeded random Delta scenarios for DeltaInteropTests: a schema with every Delta type,
// low-cardinality key columns to partition and replaceWhere on, a random sequence of Tarn operations on a
// table in a temporary directory, and a model of the rows every committed version must hold; plus helpers
// that dump Tarn's scan of each version as canonical rows and run the Python peer's delta-* commands.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

/// A low-cardinality column: partitioned by, or used as the replaceWhere condition's column.
struct KeyColumn: Sendable {
    let name: String
    let type: DataType
    let domain: [Value]
    let nullable: Bool
}

struct ScenarioConfig {
    /// Add a timestamp_ntz column (raises the protocol to (3,7) with timestampNtz).
    var ntz: Bool
    /// Partition by the first N key columns; random 0...2 when nil.
    var partitionCount: Int? = nil
    /// Types of k0, k1; random when nil.
    var keyTypes: [DataType]? = nil
    /// Number of operations (create included); random 7...12 when nil.
    var operations: Int? = nil
}

/// The replaceWhere condition `column op value`, evaluated row by row (SQL semantics: null is not selected).
struct KeyCondition: Sendable {
    let column: String
    let op: ComparisonOp
    let value: Value
    let type: DataType

    func test(_ v: Value) -> Bool {
        guard !v.isNull, let c = Value.compare(v, value) else { return false }
        switch op {
        case .eq: return c == 0
        case .ne: return c != 0
        case .lt: return c < 0
        case .le: return c <= 0
        case .gt: return c > 0
        case .ge: return c >= 0
        }
    }

    /// The value as SQL text (decimals with their scale, timestamps as literals).
    var literal: String {
        switch (value, type) {
        case let (.decimal(d), .decimal(_, scale)): return Decimal128.format(d, scale: scale)
        case let (.timestamp(t), .timestamp): return "TIMESTAMP '\(Temporal.formatTimestamp(t, utc: true))'"
        case let (.timestamp(t), .timestampNtz): return "TIMESTAMP_NTZ '\(Temporal.formatTimestamp(t, utc: false))'"
        default: return value.description
        }
    }

    var rowCondition: RowCondition {
        let me = self
        return RowCondition(text: "\(column) \(op.rawValue) \(literal)", predicate: .compare(column: column, op: op, value: value)) { batch in
            guard let col = batch.column(named: me.column) else {
                throw TarnError(.invalidArgument, "replaceWhere column \(me.column) is not in the batch")
            }
            return Bitmap((0 ..< batch.count).map { me.test(col.value(at: $0)) })
        }
    }
}

final class DeltaScenario {
    let seed: UInt64
    var rng: SeededRandom
    let root: URL
    let rowsDir: URL
    let table: Table
    let config: ScenarioConfig
    private(set) var schema: StructType
    let keys: [KeyColumn]
    let partitionBy: [String]
    let properties: [String: String]
    /// The rows the table holds now (model), in `schema` order.
    private(set) var rows: [[Value]] = []
    /// Expected (schema, rows) of every committed version.
    private(set) var expected: [Int64: (StructType, [[Value]])] = [:]
    private(set) var latest: Int64 = -1
    /// What happened, for failure messages.
    private(set) var opLog: [String] = []
    private var nextId: Int64 = 0
    private var addedColumns = 0
    private var txnVersion: Int64 = 0

    static let primitives: [DataType] = [.boolean, .byte, .short, .integer, .long, .float, .double, .string, .binary, .date, .timestamp]
    static let keyTypes: [DataType] = [.string, .integer, .long, .short, .byte, .date, .timestamp, .boolean, .decimal(precision: 9, scale: 2)]

    init(seed: UInt64, config: ScenarioConfig) throws {
        self.seed = seed
        self.config = config
        var rng = SeededRandom(seed: seed)
        root = try Peer.temporaryDirectory("tarn-delta-interop-\(seed)")
        rowsDir = root.appendingPathComponent("tarn-rows")
        try FileManager.default.createDirectory(at: rowsDir, withIntermediateDirectories: true)
        let tablePath = root.appendingPathComponent("table").path
        table = Table(store: try LocalStore.create(root: tablePath))

        var keyTypes = config.keyTypes ?? (0 ..< 2).map { _ in
            (DeltaScenario.keyTypes + (config.ntz ? [.timestampNtz] : [])).randomElement(using: &rng) ?? .string
        }
        while keyTypes.count < 2 { keyTypes.append(.integer) }
        keys = keyTypes.prefix(2).enumerated().map { DeltaScenario.keyColumn("k\($0.offset)", $0.element, nullable: rng.chance(0.5), &rng) }
        let parts = config.partitionCount ?? Int.random(in: 0 ... 2, using: &rng)
        partitionBy = keys.prefix(parts).map(\.name)
        properties = rng.chance(0.4) ? ["delta.checkpointInterval": String(Int.random(in: 2 ... 4, using: &rng))] : [:]

        var fields = [StructField("id", .long, nullable: false)]
        fields += keys.map { StructField($0.name, $0.type, nullable: $0.nullable) }
        var data: [DataType] = DeltaScenario.primitives
        data += [.decimal(precision: 9, scale: 2), .decimal(precision: 18, scale: 4), .decimal(precision: 38, scale: 10)]
        let p = Int.random(in: 1 ... 38, using: &rng)
        data.append(.decimal(precision: p, scale: Int.random(in: 0 ... p, using: &rng)))
        if config.ntz { data.append(.timestampNtz) }
        data.append(.struct(DeltaScenario.structType(&rng, ntz: config.ntz, depth: 0)))
        data.append(.array(element: DeltaScenario.nestedType(&rng, ntz: config.ntz, depth: 1), containsNull: rng.chance(0.7)))
        data.append(.array(element: .struct(DeltaScenario.structType(&rng, ntz: config.ntz, depth: 1)), containsNull: rng.chance(0.5)))
        if rng.chance(0.6) {
            data.append(.map(key: .string, value: DeltaScenario.nestedType(&rng, ntz: config.ntz, depth: 1), valueContainsNull: rng.chance(0.7)))
        }
        data.shuffle(using: &rng)
        for (i, t) in data.enumerated() {
            fields.append(StructField("c\(i)_\(DeltaScenario.shortName(t))", t, nullable: rng.chance(0.8)))
        }
        schema = StructType(fields)
        self.rng = rng
    }

    /// TARN_INTEROP_KEEP=1 keeps the table and rows directory for inspection.
    deinit {
        if ProcessInfo.processInfo.environment["TARN_INTEROP_KEEP"] == nil { try? FileManager.default.removeItem(at: root) }
    }

    var tablePath: String { root.appendingPathComponent("table").path }

    var description: String {
        "seed \(seed) (TARN_SEED=\(seed) reruns it): partitionBy \(partitionBy), keys \(keys.map { "\($0.name) \($0.type)" }), "
            + "properties \(properties), ntz \(config.ntz); operations:\n  " + opLog.joined(separator: "\n  ")
    }

    static func shortName(_ t: DataType) -> String {
        switch t {
        case let .decimal(p, s): return "decimal_\(p)_\(s)"
        case .struct: return "struct"
        case .array: return "array"
        case .map: return "map"
        default: return t.description
        }
    }

    static func primitive(_ rng: inout SeededRandom, ntz: Bool) -> DataType {
        let all = primitives + [.decimal(precision: 10, scale: 3)] + (ntz ? [.timestampNtz] : [])
        return all.randomElement(using: &rng) ?? .long
    }

    static func nestedType(_ rng: inout SeededRandom, ntz: Bool, depth: Int) -> DataType {
        if depth >= 2 || rng.chance(0.6) { return primitive(&rng, ntz: ntz) }
        return rng.chance(0.5) ? .struct(structType(&rng, ntz: ntz, depth: depth + 1))
            : .array(element: primitive(&rng, ntz: ntz), containsNull: rng.chance(0.6))
    }

    static func structType(_ rng: inout SeededRandom, ntz: Bool, depth: Int) -> StructType {
        let n = Int.random(in: 1 ... 3, using: &rng)
        return StructType((0 ..< n).map { StructField("f\($0)", nestedType(&rng, ntz: ntz, depth: depth + 1), nullable: rng.chance(0.75)) })
    }

    /// A key column with a small domain. Partition strings are never empty (Delta reads "" back as null) and
    /// include characters that must be escaped in directory names and log paths.
    static func keyColumn(_ name: String, _ type: DataType, nullable: Bool, _ rng: inout SeededRandom) -> KeyColumn {
        var domain: [Value]
        switch type {
        case .string: domain = ["a", "b b", "c/d=e", "é%", "p%20q", "x:y", "Z"].map { .string($0) }
        case .byte, .short, .integer, .long: domain = [-1, 0, 7, 100].map { .int($0) }
        case .date: domain = [0, 19753, -1, 2932896].map { .date($0) }
        case .timestamp, .timestampNtz: domain = [0, 1_706_666_400_123_456, -1, 1_000_000].map { .timestamp($0) }
        case .boolean: domain = [.bool(true), .bool(false)]
        case .decimal: domain = [-150, 0, 1234].map { .decimal($0) }
        default: domain = [.null]
        }
        domain.shuffle(using: &rng)
        return KeyColumn(name: name, type: type, domain: Array(domain.prefix(max(2, Int.random(in: 2 ... 4, using: &rng)))), nullable: nullable)
    }

    // MARK: - data

    /// Random rows of the current schema; key column `k` takes values from `pick(k)` (or its domain).
    func makeRows(_ count: Int, pick: ((KeyColumn) -> [Value])? = nil) -> [[Value]] {
        var out = RandomData.rows(schema, count: count, &rng)
        for r in out.indices {
            out[r][0] = .int(nextId)
            nextId += 1
            for (i, key) in keys.enumerated() {
                let choices = pick?(key) ?? key.domain
                let allowNull = key.nullable && pick == nil
                out[r][i + 1] = allowNull && rng.chance(0.1) ? .null : (choices.randomElement(using: &rng) ?? .null)
            }
        }
        return out
    }

    func batch(_ rows: [[Value]]) throws -> RecordBatch { try RecordBatch(schema: schema, rows: rows) }

    private func record(_ result: WriteResult, _ what: String) throws {
        guard result.committed else {
            throw TarnError(.invalidArgument, "\(what): Tarn did not commit (version \(result.version))")
        }
        guard result.version == latest + 1 else {
            throw TarnError(.invalidArgument, "\(what): committed version \(result.version), expected \(latest + 1)")
        }
        latest = result.version
        expected[latest] = (schema, rows)
        opLog.append("v\(latest): \(what)")
    }

    // MARK: - operations

    enum Op: String, CaseIterable { case append, overwrite, replaceWhere, mergeSchema, txn, checkpoint }

    /// create, then a shuffled sequence holding every kind of operation at least once.
    func run() throws {
        let total = config.operations ?? Int.random(in: 7 ... 12, using: &rng)
        var ops = Op.allCases
        while ops.count < total - 1 { ops.append([.append, .append, .overwrite, .replaceWhere, .txn, .mergeSchema].randomElement(using: &rng) ?? .append) }
        ops.shuffle(using: &rng)
        try create()
        for op in ops.prefix(max(0, total - 1)) { try perform(op) }
    }

    func perform(_ op: Op) throws {
        switch op {
        case .append: try append()
        case .overwrite: try overwrite()
        case .replaceWhere: try replaceWhere()
        case .mergeSchema: try mergeSchema()
        case .txn: try idempotentWrite()
        case .checkpoint: try checkpoint()
        }
    }

    func create() throws {
        if rng.chance(0.5) {
            try table.create(schema: schema, partitionBy: partitionBy, properties: properties)
            latest = 0
            expected[0] = (schema, [])
            opLog.append("v0: create (empty)")
        } else {
            let new = makeRows(Int.random(in: 10 ... 60, using: &rng))
            var o = WriteOptions(mode: .append)
            o.partitionBy = partitionBy
            o.properties = properties
            rows = new
            try record(try table.write([try batch(new)], options: o), "create by writing \(new.count) rows")
        }
    }

    func append() throws {
        let n = Int.random(in: 1 ... 3, using: &rng)
        let parts = (0 ..< n).map { _ in makeRows(Int.random(in: 10 ... 60, using: &rng)) }
        rows += parts.flatMap { $0 }
        try record(try table.write(try parts.map(batch), options: WriteOptions(mode: .append)),
                   "append \(parts.map(\.count)) rows")
    }

    func overwrite() throws {
        let new = makeRows(Int.random(in: 10 ... 80, using: &rng))
        rows = new
        try record(try table.write([try batch(new)], options: WriteOptions(mode: .overwrite)), "overwrite with \(new.count) rows")
    }

    func replaceWhere() throws {
        let key = keys.first { partitionBy.contains($0.name) } ?? keys[0]
        let index = 1 + (keys.firstIndex { $0.name == key.name } ?? 0)
        var ops: [ComparisonOp] = [.eq, .eq, .ne]
        if key.type != .boolean { ops += [.lt, .ge] }
        var cond = KeyCondition(column: key.name, op: ops.randomElement(using: &rng) ?? .eq,
                                value: key.domain.randomElement(using: &rng) ?? .null, type: key.type)
        var allowed = key.domain.filter(cond.test)
        if allowed.isEmpty {
            cond = KeyCondition(column: key.name, op: .eq, value: cond.value, type: key.type)
            allowed = [cond.value]
        }
        let new = makeRows(Int.random(in: 5 ... 40, using: &rng)) { k in k.name == key.name ? allowed : k.domain }
        let removed = rows.filter { cond.test($0[index]) }.count
        rows = rows.filter { !cond.test($0[index]) } + new
        var o = WriteOptions(mode: .overwrite)
        o.replaceWhere = cond.rowCondition
        try record(try table.write([try batch(new)], options: o),
                   "replaceWhere \(cond.rowCondition.text) (\(key.type)): \(removed) rows replaced by \(new.count)")
    }

    func mergeSchema() throws {
        addedColumns += 1
        let t = rng.chance(0.2) ? DataType.struct(DeltaScenario.structType(&rng, ntz: config.ntz, depth: 1))
            : DeltaScenario.primitive(&rng, ntz: config.ntz)
        let name = "added\(addedColumns)_\(DeltaScenario.shortName(t))"
        schema = StructType(schema.fields + [StructField(name, t, nullable: true)])
        rows = rows.map { $0 + [.null] }
        let new = makeRows(Int.random(in: 5 ... 40, using: &rng))
        rows += new
        var o = WriteOptions(mode: .append)
        o.mergeSchema = true
        try record(try table.write([try batch(new)], options: o), "mergeSchema append adding \(name) \(t), \(new.count) rows")
    }

    /// A txn write, then the same write again: the second must commit nothing.
    func idempotentWrite() throws {
        txnVersion += Int64.random(in: 1 ... 3, using: &rng)
        let new = makeRows(Int.random(in: 5 ... 30, using: &rng))
        var o = WriteOptions(mode: .append)
        o.txn = (appId: "tarn-delta-interop", version: txnVersion)
        rows += new
        try record(try table.write([try batch(new)], options: o), "txn (tarn-delta-interop, \(txnVersion)) append \(new.count) rows")
        let again = try table.write([try batch(new)], options: o)
        let now = try table.snapshot().version
        guard !again.committed, now == latest else {
            throw TarnError(.invalidArgument, "repeated txn write (tarn-delta-interop, \(txnVersion)) committed=\(again.committed), "
                + "table at version \(now), expected \(latest) unchanged")
        }
        opLog.append("   repeated the txn write: nothing committed")
    }

    func checkpoint() throws {
        guard latest >= 0 else { return }
        try Checkpoints.write(table, try table.snapshot())
        opLog.append("   checkpoint of v\(latest)")
    }

    /// Appends rows the caller wrote by other means (deltalake) to the model at a new version.
    func recordForeignAppend(_ new: [[Value]], version: Int64, what: String) {
        rows += new
        latest = version
        expected[version] = (schema, rows)
        opLog.append("v\(version): \(what)")
    }

    /// A foreign overwrite of the rows matching `cond` by `new`.
    func recordForeignReplace(_ cond: KeyCondition, _ new: [[Value]], version: Int64, what: String) {
        let index = schema.fields.firstIndex { $0.name == cond.column } ?? 0
        rows = rows.filter { !cond.test($0[index]) } + new
        latest = version
        expected[version] = (schema, rows)
        opLog.append("v\(version): \(what)")
    }

    func appendByTarn(_ count: Int) throws {
        let new = makeRows(count)
        rows += new
        try record(try table.write([try batch(new)], options: WriteOptions(mode: .append)), "Tarn append \(count) rows")
    }
}

enum DeltaInterop {
    /// Tarn's scan of `version` as canonical JSON lines (spec/rows.md).
    static func tarnLines(_ table: Table, version: Int64) throws -> [String] {
        let snapshot = try table.snapshot(version: version)
        var out: [UInt8] = []
        for b in try Scan(snapshot: snapshot, store: table.store).batches() { RowJSON.write(b, into: &out) }
        return String(decoding: out, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Writes DIR/V.jsonl (Tarn's canonical rows) for versions first...last; returns them by version.
    @discardableResult
    static func dumpVersions(_ table: Table, first: Int64 = 0, last: Int64, to dir: URL) throws -> [Int64: [String]] {
        var all: [Int64: [String]] = [:]
        for v in first ... last {
            let lines = try tarnLines(table, version: v)
            all[v] = lines
            try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: dir.appendingPathComponent("\(v).jsonl"))
        }
        return all
    }

    /// Differences between two multisets of lines, for messages.
    static func multisetDifference(_ want: [String], _ got: [String], limit: Int = 3) -> String? {
        var counts: [String: Int] = [:]
        for l in want { counts[l, default: 0] += 1 }
        for l in got { counts[l, default: 0] -= 1 }
        let missing = counts.filter { $0.value > 0 }.keys.sorted()
        let extra = counts.filter { $0.value < 0 }.keys.sorted()
        if missing.isEmpty && extra.isEmpty { return nil }
        return "expected \(want.count) rows, got \(got.count); \(missing.count) distinct rows missing, e.g. "
            + missing.prefix(limit).joined(separator: " | ") + "; \(extra.count) unexpected, e.g. " + extra.prefix(limit).joined(separator: " | ")
    }

    /// Parses the peer's one-line JSON summary.
    static func json(_ text: String) throws -> [String: Any] {
        let line = text.split(separator: "\n").last.map(String.init) ?? ""
        guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw TarnError(.invalidArgument, "the peer printed no JSON object: \(text.prefix(500))")
        }
        return obj
    }

    /// Writes a Parquet file of `batch` with Tarn's writer (an input for delta-write).
    static func writeParquet(_ batch: RecordBatch, to url: URL) throws {
        let sink = MemorySink()
        let w = try ParquetWriter(sink: sink, schema: batch.schema, options: WriterOptions())
        try w.write(batch)
        try w.close()
        try Data(sink.bytes).write(to: url)
    }

    /// Rewrites the modification times of commit files 0...latest (commit times without in-commit timestamps)
    /// so that some are equal to, and some earlier than, the previous commit's, each 0.5 ms past a millisecond:
    /// both sides must make them monotonic (previous + 1 ms) and floor them to milliseconds.
    static func scrambleCommitTimes(_ path: String, latest: Int64) throws -> [Int64] {
        let base = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
        var millis: [Int64] = []
        for v in 0 ... latest {
            let previous = millis.last ?? base
            let t = v == 0 ? base : (v % 3 == 1 ? previous : (v % 3 == 2 ? previous - 4 : previous + 10))
            millis.append(t)
            let file = path + "/_delta_log/" + String(repeating: "0", count: 20 - String(v).count) + String(v) + ".json"
            var times = [timespec(tv_sec: Int(t / 1000), tv_nsec: Int(t % 1000) * 1_000_000 + 500_000),
                         timespec(tv_sec: Int(t / 1000), tv_nsec: Int(t % 1000) * 1_000_000 + 500_000)]
            guard utimensat(AT_FDCWD, file, &times, 0) == 0 else {
                throw TarnError(.invalidArgument, "cannot set the modification time of \(file): errno \(errno)")
            }
        }
        return millis
    }

    /// One time-travel probe: the version Tarn, deltalake and (when given) a reference model load.
    struct Probe {
        let millis: Int64
        let tarn: Int64?
        let deltalake: Int64?
        let model: Int64?
    }

    /// Probes at every commit time, 1 ms before it, the midpoints between commits and 1 s after the last commit
    /// (plus 1 ms before the first, reported separately); `rawMillis` (commit file times as set) adds the
    /// reference: Spark's rule (a time not after the previous one becomes previous + 1 ms), latest commit at or
    /// before the timestamp.
    static func timeTravel(_ table: Table, path: String, rawMillis: [Int64]? = nil) throws -> (probes: [Probe], before: Probe) {
        let times = try table.commitTimestamps()
        guard let first = times.first, let last = times.last else {
            throw TarnError(.notFound, "the table at \(path) has no commits")
        }
        var probes = times.map(\.millis) + times.dropFirst().map { $0.millis - 1 }
        for i in times.indices.dropFirst() { probes.append((times[i - 1].millis + times[i].millis) / 2) }
        probes.append(last.millis + 1000)
        if let raw = rawMillis { probes += raw }
        probes = Array(Set(probes)).sorted()
        let before = first.millis - 1
        let out = try json(try Peer.run(["delta-version-at", path] + (probes + [before]).map(String.init)))
        let results = out["results"] as? [[String: Any]] ?? []
        guard results.count == probes.count + 1 else {
            throw TarnError(.invalidArgument, "delta-version-at returned \(results.count) results for \(probes.count + 1) timestamps")
        }
        var adjusted: [Int64] = []
        for r in rawMillis ?? [] { adjusted.append(adjusted.last.map { r > $0 ? r : $0 + 1 } ?? r) }
        func probe(_ i: Int, _ t: Int64) -> Probe {
            Probe(millis: t, tarn: try? table.snapshot(timestampMillis: t).version,
                  deltalake: (results[i]["version"] as? NSNumber)?.int64Value,
                  model: rawMillis == nil ? nil : adjusted.lastIndex { $0 <= t }.map(Int64.init))
        }
        return (probes.enumerated().map { probe($0.offset, $0.element) }, probe(probes.count, before))
    }

    static func describe(_ p: Probe) -> String {
        "at \(p.millis) ms Tarn loads version \(p.tarn.map(String.init) ?? "none (error)"), "
            + "deltalake \(p.deltalake.map(String.init) ?? "none (error)")" + (p.model.map { ", Spark's rule \($0)" } ?? "")
    }
}

extension DeltaInterop {
    /// File skipping by foreign statistics loses no rows: for each primitive column and each group of rows
    /// (all rows, and the rows of each value of `groupBy`, which deltalake writes to separate files), scans with
    /// `column >= max`, `column <= min` and `column = max` of the group keep exactly the rows a full scan filtered
    /// row by row keeps. Catches statistics that are narrower than the data (e.g. decimals rounded through float64).
    static func pruningProblems(_ table: Table, groupBy: String?) throws -> (scans: Int, problems: [String]) {
        let snapshot = try table.snapshot()
        let schema = snapshot.schema
        let rows = try Scan(snapshot: snapshot, store: table.store).batches().flatMap(\.rows)
        let groupIndex = groupBy.flatMap { g in schema.fields.firstIndex { $0.name == g } }
        var groups: [Value: [[Value]]] = [:]
        if let gi = groupIndex { for r in rows { groups[r[gi], default: []].append(r) } }
        var problems: [String] = [], scans = 0
        for (ci, field) in schema.fields.enumerated() {
            switch field.type {
            case .byte, .short, .integer, .long, .float, .double, .string, .date, .timestamp, .timestampNtz, .decimal: break
            default: continue
            }
            for group in [rows] + groups.values.sorted(by: { $0.count > $1.count }).prefix(3) {
                let values = group.map { $0[ci] }.filter { v in
                    if case let .float(f) = v { return !f.isNaN }
                    if case let .double(d) = v { return !d.isNaN }
                    return !v.isNull
                }
                guard let lo = values.min(by: { (Value.compare($0, $1) ?? 0) < 0 }),
                      let hi = values.max(by: { (Value.compare($0, $1) ?? 0) < 0 }) else { continue }
                for (op, v) in [(ComparisonOp.ge, hi), (.le, lo), (.eq, hi)] {
                    let cond = KeyCondition(column: field.name, op: op, value: v, type: field.type)
                    let want = rows.filter { cond.test($0[ci]) }.count
                    let rc = cond.rowCondition
                    let got = try Scan(snapshot: snapshot, store: table.store, predicate: rc.predicate, rowFilter: rc.evaluate).batches()
                        .reduce(0) { $0 + $1.count }
                    scans += 1
                    if got != want { problems.append("\(rc.text): the scan with file skipping returns \(got) rows, the filtered full scan \(want)") }
                }
            }
        }
        return (scans, problems)
    }
}
