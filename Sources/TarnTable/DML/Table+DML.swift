// DELETE and UPDATE (spec/dml.md): candidate files are found by partition pruning and statistics,
// only files holding matching rows change (rewritten, or given a deletion vector), and the commit
// carries Spark's operation metrics. Nothing is committed when no row matches.
import Foundation
import TarnDelta

/// The outcome of DELETE, UPDATE or MERGE.
public struct DMLResult: Sendable {
    /// The committed version, or the version read when nothing changed.
    public let version: Int64
    public let committed: Bool
    public var rowsDeleted = 0
    public var rowsUpdated = 0
    public var rowsInserted = 0
    /// Unchanged rows copied into new files by copy-on-write rewrites.
    public var rowsCopied = 0
    public var filesAdded = 0
    public var filesRemoved = 0
    public var changeFilesAdded = 0
    public var deletionVectorsAdded = 0
    public var retries = 0
    /// The commit's operationMetrics.
    public var metrics: [String: String] = [:]

    public init(version: Int64, committed: Bool) {
        self.version = version
        self.committed = committed
    }
}

extension Table {
    /// Deletes the rows matching `condition` (every row when nil).
    public func delete(where condition: RowCondition?) throws -> DMLResult {
        let s = try snapshot()
        var w = try RowChangeWriter(table: self, snapshot: s)
        do {
            for add in try Scan(snapshot: s, store: store, predicate: condition?.predicate).plannedFiles().files {
                if !w.writesChangeData, let rows = try DMLFiles.wholeFileMatch(add, condition, s) {
                    if rows > 0 { w.removeWhole(add, rows: rows) }
                    continue
                }
                try w.rewrite(add, deleteOnlyColumns: condition?.columns) { batch, live in
                    let hit = try condition.map { try $0.evaluate(batch).intersection(live) } ?? live
                    return BatchChanges(deleted: hit, updated: Bitmap(count: batch.count, value: false), postimage: nil)
                }
            }
            let text = condition?.text ?? "true"
            return try w.commit(operation: "DELETE", parameters: ["predicate": JSONValue.array([.string(text)]).serialized()],
                                readPredicate: condition?.predicate, readWholeTable: condition == nil) { w in
                ["numDeletedRows": String(w.counts.rowsDeleted), "numCopiedRows": String(w.counts.rowsCopied)]
            }
        } catch {
            w.abort()
            throw error
        }
    }

    /// Sets columns of the rows matching `condition` (every row when nil): `assignments` is
    /// `col = expr, …` (spec/expressions.md), each value converted to its column's type.
    public func update(set assignments: String, where condition: RowCondition?) throws -> DMLResult {
        let s = try snapshot()
        let set = try Assignments(try ExprParser.parseAssignments(assignments), table: s.schema, input: s.schema, tableName: location)
        var w = try RowChangeWriter(table: self, snapshot: s)
        do {
            for add in try Scan(snapshot: s, store: store, predicate: condition?.predicate).plannedFiles().files {
                try w.rewrite(add) { batch, live in
                    let hit = try condition.map { try $0.evaluate(batch).intersection(live) } ?? live
                    guard hit.popcount > 0 else { return .none(batch.count) }
                    let matched = batch.filter(hit)
                    return BatchChanges(deleted: Bitmap(count: batch.count, value: false), updated: hit,
                                        postimage: try set.apply(input: matched, base: matched))
                }
            }
            var parameters = ["predicate": JSONValue.array([.string(condition?.text ?? "true")]).serialized()]
            parameters["set"] = assignments
            return try w.commit(operation: "UPDATE", parameters: parameters, readPredicate: condition?.predicate,
                                readWholeTable: condition == nil) { w in
                ["numUpdatedRows": String(w.counts.rowsUpdated), "numCopiedRows": String(w.counts.rowsCopied)]
            }
        } catch {
            w.abort()
            throw error
        }
    }
}

extension RowChangeWriter {
    /// Finishes the files and commits (nothing when no row changed). `metrics` adds the
    /// operation's own row counts to the file metrics every DML commit carries.
    mutating func commit(operation: String, parameters: [String: String], readPredicate: TarnColumnar.Predicate?,
                         readWholeTable: Bool = false, names: DMLMetricNames = DMLMetricNames(),
                         txn: (appId: String, version: Int64)? = nil,
                         metrics: (RowChangeWriter) -> [String: String]) throws -> DMLResult {
        guard hasChanges else { return DMLResult(version: snapshot.version, committed: false) }
        try finish()
        let all = fileMetrics(names).merging(metrics(self)) { _, own in own }
        var tx = transaction(operation: operation, parameters: parameters, metrics: all)
        if let txn {
            tx.actions.append(.txn(SetTransaction(appId: txn.appId, version: txn.version, lastUpdated: Int64(Date().timeIntervalSince1970 * 1000))))
        }
        tx.readPredicate = readPredicate
        tx.readWholeTable = readWholeTable
        let outcome = try tx.commit()
        try? Checkpoints.afterCommit(table, version: outcome.version, configuration: snapshot.configuration)
        var r = DMLResult(version: outcome.version, committed: outcome.committed)
        r.rowsDeleted = counts.rowsDeleted
        r.rowsUpdated = counts.rowsUpdated
        r.rowsInserted = counts.rowsInserted
        r.rowsCopied = counts.rowsCopied
        r.filesAdded = newFiles.count
        r.filesRemoved = removedFiles.count
        r.changeFilesAdded = changeFiles.count
        r.deletionVectorsAdded = counts.deletionVectorsAdded
        r.retries = outcome.retries
        r.metrics = tx.operationMetrics
        return r
    }
}

enum DMLFiles {
    /// When `condition` reads only partition columns, whether the whole of `add` matches,
    /// decided from its partition values without reading it: its live row count when every row
    /// matches, 0 when none does; nil when the file must be read.
    static func wholeFileMatch(_ add: AddFile, _ condition: RowCondition?, _ s: Snapshot) throws -> Int? {
        guard let stats = DeltaStats.parse(add.stats) else { return nil }
        let rows = Int(stats.numRecords) - Int(add.deletionVector?.cardinality ?? 0)
        guard let condition else { return rows }
        let partitions = Set(s.partitionColumns.map { $0.lowercased() })
        guard !partitions.isEmpty, let used = condition.columns, used.allSatisfy({ partitions.contains($0.lowercased()) }) else {
            return nil
        }
        return try PartitionFilter.matches(add, condition, s) ? rows : 0
    }
}
