// MERGE INTO (spec/dml.md): upserts a source (batches) into the table. Target files are pruned
// by the source's key values (a file is read only when, for every plain key column, some source
// key lies within its min/max statistics or equals its partition value), unless a WHEN NOT
// MATCHED BY SOURCE clause needs every row.
import Foundation
import TarnDelta

extension Table {
    /// Merges `source` into the table ON `condition` with `clauses` applied in order. With `txn`,
    /// the merge is idempotent: skipped when the app's txn version is already committed, and the
    /// commit records it.
    public func merge(source batches: [RecordBatch], on condition: String, clauses: [MergeClause],
                      txn: (appId: String, version: Int64)? = nil) throws -> DMLResult {
        let s = try snapshot()
        if let txn, let done = s.state.transactions[txn.appId], done.version >= txn.version {
            return DMLResult(version: s.version, committed: false)
        }
        guard let first = batches.first else {
            throw TarnError(.invalidArgument, "MERGE needs a source (no batches given)", table: location)
        }
        let source = try RecordBatch.concatenate(batches, schema: first.schema)
        var plan = try MergePlan(table: s.schema, source: source, on: condition, clauses: clauses, tableName: location)
        var w = try RowChangeWriter(table: self, snapshot: s)
        do {
            let pruning = try MergePruning(plan: plan, snapshot: s, store: store)
            for add in s.files where pruning.mayMatch(add) {
                try w.rewrite(add) { batch, live in try plan.apply(batch, live: live) }
            }
            for batch in try plan.inserts() { try w.insert(batch) }
            let parameters = MergePruning.parameters(condition, clauses)
            return try w.commit(operation: "MERGE", parameters: parameters, readPredicate: pruning.readPredicate,
                                readWholeTable: pruning.readsWholeTable, names: .merge, txn: txn) { w in
                let c = w.counts
                return ["numSourceRows": String(source.count), "numTargetRowsInserted": String(c.rowsInserted),
                        "numTargetRowsUpdated": String(c.rowsUpdated), "numTargetRowsDeleted": String(c.rowsDeleted),
                        "numTargetRowsCopied": String(c.rowsCopied),
                        "numOutputRows": String(c.rowsInserted + c.rowsUpdated + c.rowsCopied),
                        "numTargetRowsMatchedUpdated": String(plan.matchedUpdated),
                        "numTargetRowsMatchedDeleted": String(plan.matchedDeleted),
                        "numTargetRowsNotMatchedBySourceUpdated": String(plan.bySourceUpdated),
                        "numTargetRowsNotMatchedBySourceDeleted": String(plan.bySourceDeleted)]
            }
        } catch {
            w.abort()
            throw error
        }
    }
}

/// Which target files a MERGE reads, and the read predicate its commit checks conflicts with.
struct MergePruning {
    /// Per plain key column: the sorted distinct non-null source key values.
    let keys: [(column: String, values: [Value])]
    let readsWholeTable: Bool
    let readPredicate: TarnColumnar.Predicate?
    let scan: Scan

    init(plan: MergePlan, snapshot: Snapshot, store: any ObjectStore) throws {
        scan = try Scan(snapshot: snapshot, store: store)
        var keys: [(column: String, values: [Value])] = []
        if plan.notMatchedBySource.isEmpty {
            for (k, column) in plan.join.keyColumns.enumerated() {
                guard let column else { continue }
                let c = plan.sourceKeys[k]
                var seen = Set<Value>()
                for i in 0 ..< c.count where !c.isNull(i) { seen.insert(c.value(at: i)) }
                keys.append((column, seen.sorted { (Value.compare($0, $1) ?? 0) < 0 }))
            }
        }
        self.keys = keys
        readsWholeTable = keys.isEmpty
        readPredicate = keys.compactMap { k -> TarnColumnar.Predicate? in
            guard let lo = k.values.first, let hi = k.values.last else { return .literal(false) }
            return .and(.compare(column: k.column, op: .ge, value: lo), .compare(column: k.column, op: .le, value: hi))
        }.reduce(nil) { acc, p in acc.map { .and($0, p) } ?? p }
    }

    /// False when statistics prove no source key can match a row of `add`.
    func mayMatch(_ add: AddFile) -> Bool {
        for (column, values) in keys {
            guard let (stats, _) = scan.statistics(add, column: column), let lo = stats.min, let hi = stats.max else { continue }
            // First source value >= lo; the file may match when it is <= hi.
            var a = 0, b = values.count
            while a < b {
                let m = (a + b) / 2
                if (Value.compare(values[m], lo) ?? 0) < 0 { a = m + 1 } else { b = m }
            }
            if a == values.count || (Value.compare(values[a], hi) ?? 0) > 0 { return false }
        }
        return true
    }

    /// Spark's MERGE operationParameters.
    static func parameters(_ condition: String, _ clauses: [MergeClause]) -> [String: String] {
        func list(_ kind: MergeClause.Kind) -> String {
            JSONValue.array(clauses.filter { $0.kind == kind }.map { c in
                var m: [(String, JSONValue)] = [("actionType", .string(c.actionType))]
                if let p = c.condition { m.append(("predicate", .string(p))) }
                return .object(m)
            }).serialized()
        }
        return ["predicate": JSONValue.array([.string(condition)]).serialized(), "matchedPredicates": list(.matched),
                "notMatchedPredicates": list(.notMatched), "notMatchedBySourcePredicates": list(.notMatchedBySource)]
    }
}
