// Writing to a table (spec/delta.md "Writes"): create, append, overwrite and replaceWhere,
// partitioned by Hive-style directories, files split at the target size, schema enforcement and
// mergeSchema evolution, idempotent writes through txn (appId, version). A failed write commits
// nothing and deletes the files it wrote.
import Foundation
import TarnDelta

public enum SaveMode: String, Sendable { case append, overwrite }

/// A row condition: a predicate for file skipping and the exact row test.
public struct RowCondition: Sendable {
    public let text: String
    public let predicate: TarnColumnar.Predicate?
    public let evaluate: @Sendable (RecordBatch) throws -> Bitmap
    /// Top-level columns `evaluate` reads (nil = unknown: all).
    public let columns: [String]?

    public init(text: String, predicate: TarnColumnar.Predicate?, columns: [String]? = nil,
                evaluate: @escaping @Sendable (RecordBatch) throws -> Bitmap) {
        self.text = text
        self.predicate = predicate
        self.columns = columns
        self.evaluate = evaluate
    }
}

public struct WriteOptions: Sendable {
    public var mode: SaveMode = .append
    /// Partition columns for a new table (an existing table keeps its own).
    public var partitionBy: [String] = []
    /// Table properties for a new table.
    public var properties: [String: String] = [:]
    /// Overwrite only the rows matching this condition; every written row must match it.
    public var replaceWhere: RowCondition?
    public var mergeSchema = false
    /// Idempotent write: skipped when this app's txn version is already committed.
    public var txn: (appId: String, version: Int64)?
    public var codec: CompressionCodec = .zstd
    public var targetFileSizeBytes: Int?

    public init(mode: SaveMode = .append) { self.mode = mode }
}

public struct WriteResult: Sendable {
    public let version: Int64
    /// Rows removed by replaceWhere.
    public var rowsDeleted = 0
    /// The OPTIMIZE that auto-compaction ran after this write (`delta.autoOptimize.autoCompact`).
    public var autoCompaction: OptimizeResult?
    public let committed: Bool
    public let filesAdded: Int
    public let filesRemoved: Int
    public let rowsWritten: Int
    public let bytesWritten: Int64
    public let retries: Int
}

extension Table {
    /// Writes `batches` (creating the table when it has no log yet).
    public func write(_ batches: [RecordBatch], options: WriteOptions = WriteOptions()) throws -> WriteResult {
        let existing = try latestIfAny()
        var plan = try WritePlan(table: self, snapshot: existing, batches: batches, options: options)
        if let done = plan.alreadyCommitted { return done }
        do {
            try plan.writeFiles()
            try plan.planRemovals()
            let outcome = try plan.transaction().commit()
            if !outcome.committed { plan.abort() }
            if outcome.committed { try? Checkpoints.afterCommit(self, version: outcome.version, configuration: plan.configuration) }
            var r = plan.result(outcome)
            r.rowsDeleted = outcome.committed ? plan.matchedRows : 0
            if outcome.committed { r.autoCompaction = AutoCompaction.afterWrite(self, adds: plan.adds) }
            return r
        } catch {
            plan.abort()
            throw error
        }
    }

    /// The latest snapshot, or nil when the table has no log yet.
    func latestIfAny() throws -> Snapshot? {
        do {
            return try snapshot()
        } catch let e as TarnError where e.code == .notFound {
            guard try logFiles().isEmpty else { throw e }
            return nil
        }
    }

    /// Creates an empty table (version 0: protocol and metaData).
    @discardableResult
    public func create(schema: StructType, partitionBy: [String] = [], properties: [String: String] = [:]) throws -> Snapshot {
        guard try logFiles().isEmpty else {
            throw TarnError(.invalidArgument, "a table already exists at \(location)", table: location)
        }
        var tx = Transaction(table: self, readSnapshot: nil, operation: "CREATE TABLE")
        tx.actions = try TableCreation.actions(schema: schema, partitionBy: partitionBy, properties: properties, table: location)
        tx.operationParameters = ["partitionBy": JSONValue.array(partitionBy.map { .string($0) }).serialized(),
                                  "properties": JSONValue.object(properties.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }).serialized()]
        _ = try tx.commit()
        return try snapshot()
    }
}

enum TableCreation {
    /// protocol and metaData actions for a new table; assigns column-mapping ids and physical
    /// names when `delta.columnMapping.mode` is name or id.
    static func actions(schema: StructType, partitionBy: [String], properties: [String: String], table: String) throws -> [Action] {
        var seen = Set<String>()
        for f in schema.fields where !seen.insert(f.name.lowercased()).inserted {
            throw TarnError(.invalidArgument, "duplicate column '\(f.name)' (names are case-insensitive)", table: table, column: f.name)
        }
        var parts: [String] = []
        for p in partitionBy {
            guard let f = schema.field(named: p) else {
                throw TarnError(.invalidArgument, "partition column '\(p)' is not in the schema", table: table, column: p)
            }
            guard f.type.isPrimitive else {
                throw TarnError(.invalidArgument, "partition column '\(p)' has type \(f.type); partition columns must be primitive", table: table, column: p)
            }
            parts.append(f.name)
        }
        guard parts.count < schema.fields.count || schema.fields.isEmpty else {
            throw TarnError(.invalidArgument, "a table needs at least one column that is not a partition column", table: table)
        }
        var config = properties
        var finalSchema = schema
        if let mode = config["delta.columnMapping.mode"], mode == "name" || mode == "id" {
            var next: Int64 = 0
            finalSchema = assignColumnMapping(schema, &next)
            config["delta.columnMapping.maxColumnId"] = String(next)
        }
        if TableProperties(config).inCommitTimestamps {
            config["delta.inCommitTimestampEnablementVersion"] = "0"
            config["delta.inCommitTimestampEnablementTimestamp"] = String(Int64(Date().timeIntervalSince1970 * 1000))
        }
        _ = try TableConstraints(schema: finalSchema, configuration: config, table: table)   // refuse constraints it cannot check
        let p = TableFeatures.minimalProtocol(schema: finalSchema, configuration: config)
        let m = MetadataAction(id: UUID().uuidString.lowercased(), schemaString: finalSchema.jsonString, partitionColumns: parts,
                               createdTime: Int64(Date().timeIntervalSince1970 * 1000), configuration: config)
        return [.protocol(p), .metaData(m)]
    }

    static func assignColumnMapping(_ s: StructType, _ next: inout Int64) -> StructType {
        StructType(s.fields.map { f in
            var g = f
            next += 1
            g.metadata["delta.columnMapping.id"] = .int(next)
            g.metadata["delta.columnMapping.physicalName"] = .string("col-" + UUID().uuidString.lowercased())
            if case let .struct(inner) = f.type { g.type = .struct(assignColumnMapping(inner, &next)) }
            return g
        })
    }
}
