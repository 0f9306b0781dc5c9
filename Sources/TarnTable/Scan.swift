// Scan: reads a snapshot's rows: partition pruning and file skipping by statistics (a
// Predicate), row-group skipping inside files, deletion vectors, then exact row filtering and
// projection to the requested columns (in the table's logical names and types).
import TarnDelta

public struct Scan: Sendable {
    public let snapshot: Snapshot
    public let store: any ObjectStore
    /// Output columns, in order.
    public let fields: [StructField]
    /// Columns read from files: the output columns plus those the row filter needs.
    let readFields: [StructField]
    /// For skipping files and row groups (sound: never drops a matching row).
    public let predicate: TarnColumnar.Predicate?
    /// Exact row filter applied after reading (TRUE rows are kept).
    public let rowFilter: (@Sendable (RecordBatch) throws -> Bitmap)?
    let mapping: ColumnMapping

    /// `filterColumns`: the top-level columns `rowFilter` reads (all columns when nil and there
    /// is a filter); they are read, filtered on, then projected away.
    public init(snapshot: Snapshot, store: any ObjectStore, columns: [String]? = nil, predicate: TarnColumnar.Predicate? = nil,
                rowFilter: (@Sendable (RecordBatch) throws -> Bitmap)? = nil, filterColumns: [String]? = nil) throws {
        self.snapshot = snapshot
        self.store = store
        self.predicate = predicate
        self.rowFilter = rowFilter
        mapping = ColumnMapping(configuration: snapshot.configuration)
        if let columns {
            fields = try columns.map { name in
                guard let f = snapshot.schema.field(named: name) else {
                    throw TarnError(.invalidArgument, "no column named '\(name)'; the table has \(snapshot.schema.fieldNames.joined(separator: ", "))",
                                    table: snapshot.table, column: name)
                }
                return f
            }
        } else {
            fields = snapshot.schema.fields
        }
        if rowFilter == nil || columns == nil {
            readFields = fields
        } else {
            let wanted = Set((filterColumns ?? snapshot.schema.fieldNames).map { $0.lowercased() }).union(fields.map { $0.name.lowercased() })
            readFields = snapshot.schema.fields.filter { wanted.contains($0.name.lowercased()) }
        }
    }

    /// Convenience: a scan filtered by a parsed condition.
    public init(snapshot: Snapshot, store: any ObjectStore, columns: [String]? = nil, condition: RowCondition?) throws {
        try self.init(snapshot: snapshot, store: store, columns: columns, predicate: condition?.predicate,
                      rowFilter: condition?.evaluate, filterColumns: condition?.columns)
    }

    public var outputSchema: StructType { StructType(fields) }

    /// Files that may hold matching rows, and how many were skipped.
    public func plannedFiles() throws -> (files: [AddFile], skipped: Int) {
        let all = snapshot.files
        guard let predicate else { return (all, 0) }
        let kept = all.filter { add in predicate.mayMatch { self.statistics(add, column: $0) } }
        return (kept, all.count - kept.count)
    }

    /// Statistics of `column` (a logical top-level name or dotted path) in one file.
    func statistics(_ add: AddFile, column: String) -> (ColumnStatistics, DataType)? {
        let path = column.split(separator: ".").map(String.init)
        guard let top = snapshot.schema.field(named: path[0]) else { return nil }
        let stats = DeltaStats.parse(add.stats)
        if snapshot.partitionColumns.contains(where: { $0.lowercased() == top.name.lowercased() }), path.count == 1 {
            let raw = add.partitionValues[mapping.physicalName(top)] ?? add.partitionValues[top.name] ?? nil
            guard let v = try? PartitionValues.parse(raw, top.type, column: top.name) else { return nil }
            let rows = stats?.numRecords ?? 1
            return (ColumnStatistics(min: v.isNull ? nil : v, max: v.isNull ? nil : v, nullCount: v.isNull ? rows : 0, rowCount: rows), top.type)
        }
        guard let stats else { return nil }
        var physical = [mapping.physicalName(top)]
        var field = top
        for name in path.dropFirst() {
            guard case let .struct(s) = field.type, let child = s.field(named: name) else { return nil }
            physical.append(mapping.physicalName(child))
            field = child
        }
        return (stats.columnStatistics(physical, field.type), field.type)
    }

    /// Reads every matching row, one batch at a time (per row group of each file).
    public func read(_ each: (RecordBatch) throws -> Void) throws {
        for add in try plannedFiles().files {
            try FileScan(scan: self, add: add).read(each)
        }
    }

    /// All matching rows as batches.
    public func batches() throws -> [RecordBatch] {
        var out: [RecordBatch] = []
        try read { out.append($0) }
        return out
    }
}
