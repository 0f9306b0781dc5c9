// DMLInteropSupport: the rows, conditions and MERGE cases DMLInteropTests runs through Tarn and deltalake, each with
// the test's own evaluation (a plain model: conditions and assignments as Swift closures over row arrays), and the
// seeded random sequence of appends, DELETE, UPDATE (partition column included), MERGE, RESTORE and ADD CONSTRAINT
// applied to a Tarn table and to the model, version by version.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

enum DMLRows {
    static let schema = StructType([
        StructField("id", .long, nullable: false), StructField("cat", .string), StructField("qty", .integer),
        StructField("amount", .decimal(precision: 10, scale: 2)), StructField("day", .date), StructField("ts", .timestamp),
        StructField("note", .string), StructField("score", .double), StructField("tags", .array(element: .string, containsNull: true)),
        StructField("info", .struct(StructType([StructField("a", .long), StructField("b", .string)]))),
    ])
    /// Plain partition values: deltalake 1.6.6's load_cdf does not decode escaped change-data paths (cdf_peer.py).
    static let cats = ["a", "b", "c"]
    static let (id, cat, qty, amount, note) = (0, 1, 2, 3, 6)

    static func random(_ n: Int, ids: inout Int64, _ rng: inout SeededRandom) -> [[Value]] {
        (0 ..< n).map { _ in
            ids += 1
            var row = schema.fields.map { RandomData.value($0.type, nullable: $0.nullable, &rng) }
            row[id] = .int(ids)
            row[cat] = .string(cats.randomElement(using: &rng) ?? "a")
            row[qty] = rng.chance(0.15) ? .null : .int(Int64.random(in: -100 ... 100, using: &rng))
            row[amount] = rng.chance(0.1) ? .null : .decimal(Int128(Int.random(in: -5_000_000 ... 5_000_000, using: &rng)))
            return row
        }
    }

    /// A MERGE source: about a fifth of the target's ids (distinct) with new values, and some new ids.
    static func source(from target: [[Value]], ids: inout Int64, _ rng: inout SeededRandom) -> [[Value]] {
        var seen = Set<Value>(), out: [[Value]] = []
        for row in target where rng.chance(0.2) && seen.insert(row[id]).inserted {
            var fresh = random(1, ids: &ids, &rng)[0]
            fresh[id] = row[id]
            out.append(fresh)
        }
        return out + random(Int.random(in: 1 ... 15, using: &rng), ids: &ids, &rng)
    }

    static func batch(_ rows: [[Value]]) throws -> RecordBatch { try RecordBatch(schema: schema, rows: rows) }
    static func lines(_ rows: [[Value]]) throws -> [String] { RowJSON.lines(try batch(rows)) }

    static func int(_ v: Value?) -> Int64? { if case let .int(x)? = v { return x }; return nil }
    static func dec(_ v: Value?) -> Int128? { if case let .decimal(x)? = v { return x }; return nil }
}

/// A SQL condition over a target row and / or a source row, with the model's evaluation (NULL is not TRUE).
struct Cond: CustomStringConvertible {
    let text: String
    let test: ([Value]?, [Value]?) -> Bool
    var description: String { text }

    /// One of a few conditions over the side named by `prefix` ("" and "target." read the first row).
    static func random(_ rng: inout SeededRandom, prefix p: String, maxId: Int64) -> Cond {
        let onSource = p == "source."
        func on(_ f: @escaping ([Value]) -> Bool) -> ([Value]?, [Value]?) -> Bool {
            { t, s in (onSource ? s : t).map(f) ?? false }
        }
        let r = DMLRows.self
        switch Int.random(in: 0 ..< 6, using: &rng) {
        case 0:
            let k = Int64.random(in: 0 ... max(1, maxId), using: &rng)
            return Cond(text: "\(p)id < \(k)", test: on { (r.int($0[r.id]) ?? .max) < k })
        case 1:
            let c = r.cats.randomElement(using: &rng) ?? "a"
            return Cond(text: "\(p)cat = '\(c)'", test: on { $0[r.cat] == .string(c) })
        case 2:
            let k = Int64.random(in: -60 ... 60, using: &rng)
            return Cond(text: "\(p)qty > \(k)", test: on { r.int($0[r.qty]).map { $0 > k } ?? false })
        case 3:
            let k = Int.random(in: -40000 ... 40000, using: &rng)
            return Cond(text: "\(p)amount < \(k)", test: on { r.dec($0[r.amount]).map { $0 < Int128(k) * 100 } ?? false })
        case 4:
            return Cond(text: "\(p)id % 3 = 0 AND (\(p)cat = 'b' OR \(p)qty IS NULL)",
                        test: on { (r.int($0[r.id]) ?? 1) % 3 == 0 && ($0[r.cat] == .string("b") || $0[r.qty] == .null) })
        default:
            return Cond(text: "\(p)qty IS NULL OR \(p)note LIKE 'a%'", test: on { row in
                if row[r.qty] == .null { return true }
                if case let .string(n) = row[r.note] { return n.hasPrefix("a") }
                return false
            })
        }
    }
}

/// A MERGE: the ON condition (`target.id = source.id` plus an optional extra conjunct) and its clauses.
struct MergeCase: CustomStringConvertible {
    struct Clause {
        let kind: MergeClause.Kind
        let action: String
        let condition: Cond?
        /// Assignments (column, SQL) and the model's result row; nil with "*" (update all / insert all) or delete.
        let set: [(String, String)]?
        let apply: (([Value]?, [Value]?) -> [Value])?

        init(kind: MergeClause.Kind, action: String, condition: Cond? = nil, set: [(String, String)]? = nil,
             apply: (([Value]?, [Value]?) -> [Value])? = nil) {
            (self.kind, self.action, self.condition, self.set, self.apply) = (kind, action, condition, set, apply)
        }

        var clause: MergeClause {
            let text = set.map { $0.map { "\($0.0) = \($0.1)" }.joined(separator: ", ") } ?? "*"
            switch action {
            case "delete": return MergeClause(kind: kind, action: .delete, condition: condition?.text)
            case "insert":
                let values = set.map { "(\($0.map(\.0).joined(separator: ", "))) VALUES (\($0.map(\.1).joined(separator: ", ")))" } ?? "*"
                return MergeClause(kind: kind, action: .insert(values), condition: condition?.text)
            default: return MergeClause(kind: kind, action: .update(text), condition: condition?.text)
            }
        }

        var sql: String {
            let when = "WHEN \(kind.rawValue)" + (condition.map { " AND \($0.text)" } ?? "")
            switch clause.action {
            case .delete: return when + " THEN DELETE"
            case let .insert(v): return when + " THEN INSERT \(v)"
            case let .update(v): return when + " THEN UPDATE SET \(v)"
            }
        }

        var spec: [String: Any] {
            var m: [String: Any] = ["kind": kind.rawValue, "action": action, "set": set.map { Dictionary(uniqueKeysWithValues: $0) } ?? "*"]
            if let c = condition { m["condition"] = c.text }
            return m
        }

        /// The row this clause makes of target row t and source row s.
        func result(_ t: [Value]?, _ s: [Value]?) -> [Value] { apply?(t, s) ?? s ?? t ?? [] }
    }

    let on: String
    let extra: Cond?
    let clauses: [Clause]

    init(on: String, extra: Cond?, clauses: [Clause]) { (self.on, self.extra, self.clauses) = (on, extra, clauses) }

    var description: String { "MERGE ON \(on) " + clauses.map(\.sql).joined(separator: " ") }
    var specJSON: String {
        let data = (try? JSONSerialization.data(withJSONObject: ["predicate": on, "clauses": clauses.map(\.spec)], options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// `conditionalInserts: false` for deltalake on CDF tables: deltalake 1.6.6 refuses a conditional WHEN NOT
    /// MATCHED INSERT there when the condition rejects a source row ("rows failed validation check": the rejected
    /// rows reach its NOT NULL check as all-null change rows).
    static func random(_ rng: inout SeededRandom, maxId: Int64, conditionalInserts: Bool = true) -> MergeCase {
        let r = DMLRows.self
        var extra: Cond?
        switch Int.random(in: 0 ..< 4, using: &rng) {
        case 0: extra = Cond(text: "target.cat = source.cat") { t, s in t.map { $0[r.cat] } == s.map { $0[r.cat] } }
        case 1: extra = Cond(text: "target.qty > -50") { t, _ in r.int(t?[r.qty]).map { $0 > -50 } ?? false }
        default: extra = nil
        }
        var clauses: [Clause] = []
        if rng.chance(0.5) { clauses.append(Clause(kind: .matched, action: "delete", condition: Cond.random(&rng, prefix: "source.", maxId: maxId))) }
        switch Int.random(in: 0 ..< 3, using: &rng) {
        case 0:
            clauses.append(Clause(kind: .matched, action: "update", condition: rng.chance(0.5) ? Cond.random(&rng, prefix: "target.", maxId: maxId) : nil,
                                  set: [("cat", "source.cat"), ("qty", "source.qty"), ("amount", "target.amount + source.amount"), ("note", "source.note")]) { t, s in
                var out = t ?? []
                for i in [r.cat, r.qty, r.note] { out[i] = s?[i] ?? .null }
                out[r.amount] = r.dec(t?[r.amount]).flatMap { a in r.dec(s?[r.amount]).map { .decimal(a + $0) } } ?? .null
                return out
            })
        case 1: clauses.append(Clause(kind: .matched, action: "update", condition: rng.chance(0.5) ? Cond.random(&rng, prefix: "source.", maxId: maxId) : nil))
        default: break
        }
        if rng.chance(0.3) { clauses.append(Clause(kind: .matched, action: "delete")) }
        if rng.chance(0.8) {
            let cond = rng.chance(0.4) && conditionalInserts ? Cond.random(&rng, prefix: "source.", maxId: maxId + 20) : nil
            if rng.chance(0.5) {
                clauses.append(Clause(kind: .notMatched, action: "insert", condition: cond))
            } else {
                let cols = [("id", "source.id"), ("cat", "source.cat"), ("qty", "source.qty * 10"), ("amount", "source.amount"), ("day", "source.day")]
                clauses.append(Clause(kind: .notMatched, action: "insert", condition: cond, set: cols) { _, s in
                    var out = [Value](repeating: .null, count: r.schema.fields.count)
                    for i in [r.id, r.cat, r.amount, 4] { out[i] = s?[i] ?? .null }
                    out[r.qty] = r.int(s?[r.qty]).map { .int($0 * 10) } ?? .null
                    return out
                })
            }
        }
        if rng.chance(0.3) {
            clauses.append(Clause(kind: .notMatchedBySource, action: "update", condition: Cond.random(&rng, prefix: "target.", maxId: maxId),
                                  set: [("note", "'orphan'"), ("qty", "0")]) { t, _ in
                var out = t ?? []
                out[r.note] = .string("orphan")
                out[r.qty] = .int(0)
                return out
            })
        }
        if rng.chance(0.4) { clauses.append(Clause(kind: .notMatchedBySource, action: "delete", condition: Cond.random(&rng, prefix: "target.", maxId: maxId))) }
        if clauses.isEmpty { clauses.append(Clause(kind: .notMatched, action: "insert")) }
        return MergeCase(on: "target.id = source.id" + (extra.map { " AND \($0.text)" } ?? ""), extra: extra, clauses: clauses)
    }

    /// The model: the target's rows after the MERGE and its row counts (first clause whose condition holds wins).
    func model(target: [[Value]], source: [[Value]]) throws -> (rows: [[Value]], inserted: Int, updated: Int, deleted: Int) {
        let matched = clauses.filter { $0.kind == .matched }, bySource = clauses.filter { $0.kind == .notMatchedBySource }
        let multipleAllowed = matched.isEmpty || (matched.count == 1 && matched[0].action == "delete" && matched[0].condition == nil)
        var out: [[Value]] = [], used = Set<Int>(), inserted = 0, updated = 0, deleted = 0
        func apply(_ list: [Clause], _ t: [Value], _ s: [Value]?) {
            guard let c = list.first(where: { $0.condition?.test(t, s) ?? true }) else { return out.append(t) }
            if c.action == "delete" { deleted += 1 } else { updated += 1; out.append(c.result(t, s)) }
        }
        for t in target {
            let hits = source.indices.filter { j in t[DMLRows.id] == source[j][DMLRows.id] && (extra?.test(t, source[j]) ?? true) }
            used.formUnion(hits)
            if hits.isEmpty { apply(bySource, t, nil); continue }
            if hits.count > 1 && !multipleAllowed { throw TarnError(.invalidArgument, "model: ambiguous match of target id \(t[DMLRows.id])") }
            apply(matched, t, source[hits[0]])
        }
        for j in source.indices where !used.contains(j) {
            if let c = clauses.first(where: { $0.kind == .notMatched && ($0.condition?.test(nil, source[j]) ?? true) }) {
                inserted += 1
                out.append(c.result(nil, source[j]))
            }
        }
        return (out, inserted, updated, deleted)
    }
}

/// A seeded random sequence of Tarn writes and the model of every version it commits.
struct DMLSequence: CustomStringConvertible {
    enum Op: CaseIterable { case append, delete, update, updatePartition, merge, restore, addConstraint }
    static let constraints = [("c_id", "id >= 0", "id = -1 - id"), ("c_cat", "cat IN ('a', 'b', 'c')", "cat = 'zz'"),
                              ("c_qty", "qty IS NULL OR qty > -1000000", "qty = -2000000")]

    let seed: UInt64
    let config: DMLInteropTests.Config
    let table: Table
    private var rng: SeededRandom
    private var ids: Int64 = 0
    private(set) var rows: [[Value]] = []
    private(set) var expected: [Int64: [[Value]]] = [:]
    private var constraintsAt: [Int64: [String]] = [:]
    private(set) var latest: Int64 = -1
    private var log: [String] = []

    init(seed: UInt64, config: DMLInteropTests.Config, table: Table) {
        (self.seed, self.config, self.table, rng) = (seed, config, table, SeededRandom(seed: seed))
    }

    var description: String { "seed \(seed) (TARN_SEED=\(seed)), \(config):\n  " + log.joined(separator: "\n  ") }

    mutating func run() throws {
        var o = WriteOptions()
        o.partitionBy = config.partitioned ? ["cat"] : []
        o.properties = config.properties
        o.targetFileSizeBytes = 1 << 13
        rows = DMLRows.random(Int.random(in: 100 ... 160, using: &rng), ids: &ids, &rng)
        try record(try table.write([try DMLRows.batch(rows)], options: o).version, constraints: [], "create with \(rows.count) rows")
        var ops = Op.allCases + [.merge, .delete, .update, .merge]
        ops.shuffle(using: &rng)
        for op in ops { try perform(op) }
    }

    private mutating func record(_ version: Int64, constraints: [String], _ what: String) throws {
        guard version == latest + 1 else { throw TarnError(.invalidArgument, "\(what): committed version \(version), expected \(latest + 1)\n\(self)") }
        latest = version
        expected[version] = rows
        constraintsAt[version] = constraints
        log.append("v\(version): \(what)")
    }

    /// A DML result: the model's next rows at a new version, or (nothing committed) the same rows.
    private mutating func dml(_ r: DMLResult, _ next: [[Value]], _ what: String) throws {
        if r.committed {
            rows = next
            return try record(r.version, constraints: constraintsAt[latest] ?? [], what + " (\(r.rowsDeleted) deleted, \(r.rowsUpdated) updated, \(r.rowsInserted) inserted)")
        }
        guard try DMLRows.lines(next).sorted() == DMLRows.lines(rows).sorted(), r.version == latest else {
            throw TarnError(.invalidArgument, "\(what): Tarn committed nothing (version \(r.version)) but the model changes\n\(self)")
        }
        log.append("   \(what): nothing committed")
    }

    mutating func perform(_ op: Op) throws {
        let r = DMLRows.self
        switch op {
        case .append:
            let new = DMLRows.random(Int.random(in: 10 ... 40, using: &rng), ids: &ids, &rng)
            rows += new
            try record(try table.write([try DMLRows.batch(new)]).version, constraints: constraintsAt[latest] ?? [], "append \(new.count) rows")
        case .delete:
            let c = Cond.random(&rng, prefix: "", maxId: ids)
            let result = try table.delete(where: try RowCondition.parse(c.text, schema: DMLRows.schema))
            try dml(result, rows.filter { !c.test($0, nil) }, "DELETE WHERE \(c)")
        case .update, .updatePartition:
            let c = Cond.random(&rng, prefix: "", maxId: ids)
            let (set, f): (String, ([Value]) -> [Value]) = op == .updatePartition
                ? rng.chance(0.5) ? { let k = r.cats.randomElement(using: &rng) ?? "a"; return ("cat = '\(k)'", { var x = $0; x[r.cat] = .string(k); return x }) }()
                    : ("cat = CASE WHEN qty > 0 THEN 'c' ELSE 'a' END", { var x = $0; x[r.cat] = .string((r.int(x[r.qty]) ?? 0) > 0 ? "c" : "a"); return x })
                : rng.chance(0.5) ? ("qty = qty + 1, note = 'upd'", { var x = $0; x[r.qty] = r.int(x[r.qty]).map { .int($0 + 1) } ?? .null; x[r.note] = .string("upd"); return x })
                    : ("amount = -amount", { var x = $0; x[r.amount] = r.dec(x[r.amount]).map { .decimal(-$0) } ?? .null; return x })
            let result = try table.update(set: set, where: try RowCondition.parse(c.text, schema: DMLRows.schema))
            try dml(result, rows.map { c.test($0, nil) ? f($0) : $0 }, "UPDATE SET \(set) WHERE \(c)")
        case .merge:
            let source = DMLRows.source(from: rows, ids: &ids, &rng)
            let m = MergeCase.random(&rng, maxId: ids)
            let want = try m.model(target: rows, source: source)
            let result = try table.merge(source: [try DMLRows.batch(source)], on: m.on, clauses: m.clauses.map(\.clause))
            try dml(result, want.rows, "\(m) with \(source.count) source rows")
        case .restore:
            guard latest > 0 else { return try perform(.append) }
            let v = Int64.random(in: 0 ..< latest, using: &rng)
            let result = try table.restore(toVersion: v)
            if result.committed { rows = expected[v] ?? [] }
            try result.committed ? record(result.version, constraints: constraintsAt[v] ?? [], "RESTORE TO VERSION \(v)") : log.append("   RESTORE \(v): nothing committed")
        case .addConstraint:
            let present = constraintsAt[latest] ?? []
            if let (name, expr, _) = Self.constraints.filter({ !present.contains($0.0) }).randomElement(using: &rng) {
                try record(try table.addConstraint(name: name, expression: expr), constraints: present + [name], "ADD CONSTRAINT \(name) CHECK (\(expr))")
            }
            try refusals()
        }
    }

    /// An UPDATE breaking a constraint and a constraint the rows break: constraintViolation, nothing changes.
    private mutating func refusals() throws {
        guard !rows.isEmpty, let (name, _, set) = Self.constraints.filter({ (constraintsAt[latest] ?? []).contains($0.0) }).randomElement(using: &rng) else { return }
        let files = try dataFiles(), table = table
        let attempts: [(String, () throws -> Void)] = [
            ("UPDATE SET \(set) against \(name)", { _ = try table.update(set: set, where: nil) }),
            ("ADD CONSTRAINT c_bad CHECK (id < 0)", { _ = try table.addConstraint(name: "c_bad", expression: "id < 0") }),
        ]
        for (what, attempt) in attempts {
            do {
                try attempt()
                throw TarnError(.invalidArgument, "\(what) succeeded\n\(self)")
            } catch let e as TarnError where e.code == .constraintViolation {
                log.append("   \(what): refused (\(e.message.prefix(80)))")
            }
            let now = try table.snapshot().version, after = try dataFiles()
            guard now == latest, after == files else {
                throw TarnError(.invalidArgument, "\(what) was refused but the table changed: version \(now), files \(after.subtracting(files))\n\(self)")
            }
        }
    }

    /// Every file under the table root outside _delta_log.
    private func dataFiles() throws -> Set<String> {
        let root = URL(fileURLWithPath: table.location)
        let all = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return Set(all.filter { !$0.hasPrefix("_delta_log") })
    }
}
