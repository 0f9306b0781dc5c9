// DELETE, UPDATE and MERGE against a reference model (a plain list of rows per version): seeded
// random sequences over partitioned and unpartitioned tables, copy-on-write and deletion
// vectors, with and without the change data feed; the table equals the model at every version.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

/// The model's own evaluation of the few conditions the sequences use.
struct ModelCondition {
    let text: String
    let test: ([Value]) -> Bool

    static func random(_ rng: inout SeededRandom) -> ModelCondition {
        switch Int.random(in: 0 ..< 4, using: &rng) {
        case 0:
            let k = Int64.random(in: 0 ... 120, using: &rng)
            return ModelCondition(text: "id < \(k)") { if case let .int(v) = $0[0] { return v < k }; return false }
        case 1:
            let c = ["a", "b", "c"].randomElement(using: &rng) ?? "a"
            return ModelCondition(text: "cat = '\(c)'") { $0[2] == .string(c) }
        case 2:
            let a = Int128(Int.random(in: -50 ... 50, using: &rng))
            return ModelCondition(text: "amount > \(a)") { if case let .decimal(v) = $0[3] { return v > a * 100 }; return false }
        default:
            let k = Int64.random(in: 0 ... 120, using: &rng)
            let c = ["a", "b"].randomElement(using: &rng) ?? "a"
            return ModelCondition(text: "id % 3 = 0 AND (cat = '\(c)' OR id > \(k))") { row in
                guard case let .int(v) = row[0] else { return false }
                return v % 3 == 0 && (row[2] == .string(c) || v > k)
            }
        }
    }
}

@Suite struct DMLModelTests {
    static func randomRows(_ n: Int, ids: inout Int64, _ rng: inout SeededRandom) -> [[Value]] {
        (0 ..< n).map { _ in
            ids += 1
            return T.row(ids, day: Int32.random(in: 19_000 ... 19_003, using: &rng), cat: ["a", "b", "c"].randomElement(using: &rng) ?? "a",
                         amount: Int128(Int.random(in: -5000 ... 5000, using: &rng)))
        }
    }

    static func configurations() -> [(partitioned: Bool, properties: [String: String])] {
        [(false, [:]), (true, [:]), (false, ["delta.enableDeletionVectors": "true"]),
         (true, ["delta.enableDeletionVectors": "true", "delta.enableChangeDataFeed": "true"]),
         (false, ["delta.enableChangeDataFeed": "true"])]
    }

    @Test(arguments: 0 ..< 5)
    func randomOperationsMatchTheModel(configuration: Int) throws {
        let config = DMLModelTests.configurations()[configuration]
        for seed in SeededRandom.seeds(count: 3, base: UInt64(7100 + configuration * 10)) {
            var rng = SeededRandom(seed: seed)
            let (table, _) = T.memoryTable()
            var options = WriteOptions()
            options.partitionBy = config.partitioned ? ["cat"] : []
            options.properties = config.properties
            options.targetFileSizeBytes = 1 << 12
            var ids: Int64 = 0
            var current = DMLModelTests.randomRows(60, ids: &ids, &rng)
            _ = try table.write([try T.batch(current)], options: options)
            var model: [Int64: [[Value]]] = [0: current]
            var vectors = 0, changeFiles = 0, rewritten = 0
            for step in 0 ..< 10 {
                let context = "seed \(seed) config \(configuration) step \(step)"
                let (next, r) = try DMLModelTests.randomStep(table, current, &ids, &rng, context: context)
                vectors += r.deletionVectorsAdded
                changeFiles += r.changeFilesAdded
                rewritten += r.rowsCopied
                if r.committed {
                    model[r.version] = next
                    current = next
                } else {
                    #expect(next.map(\.description).sorted() == current.map(\.description).sorted(), "\(context): nothing committed but the model changed")
                }
                #expect(try T.rows(table) == T.sorted(current), "\(context)")
            }
            let dv = config.properties["delta.enableDeletionVectors"] != nil
            #expect(dv ? vectors > 0 && rewritten == 0 : vectors == 0, "seed \(seed) config \(configuration): \(vectors) DVs, \(rewritten) rows copied")
            #expect((config.properties["delta.enableChangeDataFeed"] != nil) == (changeFiles > 0), "seed \(seed): \(changeFiles) change files")
            for (v, rows) in model {
                #expect(try T.rows(table, version: v) == T.sorted(rows), "seed \(seed) config \(configuration) version \(v)")
            }
            if config.properties["delta.enableChangeDataFeed"] != nil {
                try DMLModelTests.checkChangeFeed(table, model, context: "seed \(seed) config \(configuration)")
            }
        }
    }

    /// One random DELETE, UPDATE, MERGE or append, applied to the table and to the model.
    static func randomStep(_ table: Table, _ current: [[Value]], _ ids: inout Int64, _ rng: inout SeededRandom,
                           context: String) throws -> ([[Value]], DMLResult) {
        let schema = try table.snapshot().schema
        switch Int.random(in: 0 ..< 4, using: &rng) {
        case 0:
            let c = ModelCondition.random(&rng)
            let r = try table.delete(where: try RowCondition.parse(c.text, schema: schema))
            let next = current.filter { !c.test($0) }
            #expect(r.rowsDeleted == current.count - next.count, "\(context): DELETE \(c.text)")
            return (next, r)
        case 1:
            let c = ModelCondition.random(&rng)
            let toZ = rng.chance(0.5)
            let set = toZ ? "cat = 'z', amount = amount + 1" : "amount = -amount, ts = ts"
            let r = try table.update(set: set, where: try RowCondition.parse(c.text, schema: schema))
            var updated = 0
            let next = current.map { row -> [Value] in
                guard c.test(row), case let .decimal(a) = row[3] else { return row }
                updated += 1
                var out = row
                if toZ { out[2] = .string("z"); out[3] = .decimal(a + 100) } else { out[3] = .decimal(-a) }
                return out
            }
            #expect(r.rowsUpdated == updated, "\(context): UPDATE \(set) WHERE \(c.text)")
            return (next, r)
        case 2:
            return try randomMerge(table, current, &ids, &rng, context: context)
        default:
            let rows = randomRows(Int.random(in: 1 ... 20, using: &rng), ids: &ids, &rng)
            let w = try table.write([try T.batch(rows)])
            var r = DMLResult(version: w.version, committed: w.committed)
            r.rowsInserted = rows.count
            return (current + rows, r)
        }
    }

    /// A MERGE of a source with unique ids (some existing, some new) and random clauses.
    static func randomMerge(_ table: Table, _ current: [[Value]], _ ids: inout Int64, _ rng: inout SeededRandom,
                            context: String) throws -> ([[Value]], DMLResult) {
        var source: [[Value]] = []
        for row in current where rng.chance(0.2) {
            var s = row
            s[2] = .string(["a", "b", "q"].randomElement(using: &rng) ?? "a")
            s[3] = .decimal(Int128(Int.random(in: -5000 ... 5000, using: &rng)))
            source.append(s)
        }
        source += randomRows(Int.random(in: 0 ... 10, using: &rng), ids: &ids, &rng)
        guard !source.isEmpty else { return (current, DMLResult(version: try table.snapshot().version, committed: false)) }
        let threshold = Int128(Int.random(in: -3000 ... 3000, using: &rng))
        let deleteMatched = rng.chance(0.5), bySource = rng.chance(0.4), insert = rng.chance(0.8)
        let limit = Int64.random(in: 0 ... 60, using: &rng)
        var clauses: [MergeClause] = []
        if deleteMatched { clauses.append(.matchedDelete(if: "source.amount < \(threshold)")) }
        clauses.append(.matchedUpdate(set: "cat = source.cat, amount = source.amount"))
        if insert { clauses.append(.notMatchedInsert(rng.chance(0.5) ? "*" : "(id, cat, amount, day, ts) VALUES (source.id, source.cat, source.amount, source.day, source.ts)")) }
        if bySource { clauses.append(.notMatchedBySourceDelete(if: "target.id < \(limit)")) }
        let r = try table.merge(source: [try T.batch(source)], on: "target.id = source.id", clauses: clauses)
        // The model.
        var byId: [Value: [Value]] = [:]
        for s in source { byId[s[0]] = s }
        var next: [[Value]] = []
        var matchedIds = Set<Value>()
        for row in current {
            guard let s = byId[row[0]] else {
                if bySource, case let .int(v) = row[0], v < limit { continue }
                next.append(row)
                continue
            }
            matchedIds.insert(row[0])
            if deleteMatched, case let .decimal(a) = s[3], a < threshold * 100 { continue }
            var u = row
            u[2] = s[2]
            u[3] = s[3]
            next.append(u)
        }
        if insert { next += source.filter { !matchedIds.contains($0[0]) } }
        #expect(r.rowsInserted == (insert ? source.count - matchedIds.count : 0), "\(context): MERGE inserts")
        return (next, r)
    }

    /// Every version's change rows turn the model's previous version into its next one: remove
    /// the deletes and pre-images, add the inserts and post-images.
    static func checkChangeFeed(_ table: Table, _ model: [Int64: [[Value]]], context: String) throws {
        let latest = try table.snapshot().version
        let changes = try table.changes(fromVersion: 1, toVersion: latest).batches().flatMap(\.rows)
        var previous = model[0] ?? []
        for v in 1 ... latest {
            let mine = changes.filter { $0[6] == .int(v) }
            guard let expected = model[v] else {
                #expect(mine.isEmpty, "\(context): changes at version \(v), which committed nothing")
                continue
            }
            var rows: [String: Int] = [:]
            for r in previous { rows[r.description, default: 0] += 1 }
            var pre = 0, post = 0
            for c in mine {
                let data = Array(c.prefix(5)).description
                switch c[5] {
                case .string("delete"): rows[data, default: 0] -= 1
                case .string("update_preimage"): rows[data, default: 0] -= 1; pre += 1
                case .string("update_postimage"): rows[data, default: 0] += 1; post += 1
                case .string("insert"): rows[data, default: 0] += 1
                default: Issue.record("\(context): bad _change_type \(c[5])")
                }
            }
            var want: [String: Int] = [:]
            for r in expected { want[r.description, default: 0] += 1 }
            #expect(rows.filter { $0.value != 0 } == want, "\(context): version \(v)'s changes do not lead from the previous version to it")
            #expect(pre == post, "\(context): version \(v) has \(pre) pre-images and \(post) post-images")
            previous = expected
        }
    }
}
