// OptimizePlan: what OPTIMIZE would rewrite (spec/maintenance.md "Bin-packing"): per partition, the
// files below the size threshold (and files with deletion vectors) form one bin, kept only when it
// holds two or more files or a deletion vector, so a compacted table plans nothing. With Z-ORDER BY, a partition's files not yet clustered on the
// same columns (all of them with `full`) form its bin, and a bin of one unclustered file counts.
import TarnDelta

public struct OptimizeOptions: Sendable {
    /// Only partitions matching this condition (which may read partition columns only).
    public var condition: RowCondition?
    /// Output file size (default: the table's `delta.targetFileSize`, else 128 MiB).
    public var targetFileSizeBytes: Int?
    /// Files at or above this size are left alone by compaction (default: the target size).
    public var minFileSizeBytes: Int?
    public var zOrderBy: [String] = []
    public var curve: ZOrderCurve = .morton
    /// Z-order: recluster every file, not only those not yet clustered on these columns.
    public var full = false
    public var dryRun = false
    /// Called with the fraction of planned bytes rewritten so far.
    public var progress: (@Sendable (Double) -> Void)?
    /// Auto-compaction after a write: only these partitions (OptimizePlanner.partitionKey).
    var partitions: Set<[String]>?
    var auto = false
    /// Writers per Z-order bin (nil: the cores left over by running the bins side by side).
    var lanes: Int?

    public init() {}
}

/// The files of one partition rewritten together.
public struct OptimizeBin: Sendable {
    public let partitionValues: [String: String?]
    public let files: [AddFile]
    public var bytes: Int64 { files.reduce(0) { $0 + $1.size } }
}

public struct OptimizePlan: Sendable {
    public let bins: [OptimizeBin]
    /// Live files considered (after the partition condition) and those left alone.
    public let consideredFiles: Int
    public let skippedFiles: Int
    public let targetFileSizeBytes: Int
    public var bytes: Int64 { bins.reduce(0) { $0 + $1.bytes } }
    public var fileCount: Int { bins.reduce(0) { $0 + $1.files.count } }
}

enum OptimizePlanner {
    /// The tag Tarn puts on Z-ordered files: the clustering columns and curve, e.g. "morton:customer_id,category".
    static let zOrderTag = "tarn.zOrderBy"

    static func zOrderTagValue(_ columns: [String], _ curve: ZOrderCurve) -> String {
        curve.rawValue + ":" + columns.map { $0.lowercased() }.joined(separator: ",")
    }

    static func plan(_ s: Snapshot, _ options: OptimizeOptions) throws -> OptimizePlan {
        let target = options.targetFileSizeBytes ?? TableProperties(s.configuration).targetFileSizeBytes
        guard target > 0 else { throw TarnError(.invalidArgument, "the target file size must be positive", table: s.table) }
        let threshold = Int64(options.minFileSizeBytes ?? target)
        try checkColumns(s, options)
        var byPartition: [[String]: [AddFile]] = [:]
        var considered = 0
        for add in s.files where try PartitionFilter.matches(add, options.condition, s) {
            let key = partitionKey(add, s)
            if let only = options.partitions, !only.contains(key) { continue }
            considered += 1
            byPartition[key, default: []].append(add)
        }
        let tag = zOrderTagValue(options.zOrderBy, options.curve)
        var bins: [OptimizeBin] = []
        for key in byPartition.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let files = byPartition[key], let first = files.first else { continue }
            if options.zOrderBy.isEmpty {
                // Small files, and files with deletion vectors (rewriting purges their deleted rows).
                let small = files.filter { $0.size < threshold || $0.deletionVector != nil }
                if small.count >= 2 || small.contains(where: { $0.deletionVector != nil }) {
                    bins.append(OptimizeBin(partitionValues: first.partitionValues, files: small))
                }
            } else {
                let todo = options.full ? files : files.filter { $0.tags?[zOrderTag] != tag }
                if !todo.isEmpty { bins.append(OptimizeBin(partitionValues: first.partitionValues, files: todo)) }
            }
        }
        let planned = bins.reduce(0) { $0 + $1.files.count }
        return OptimizePlan(bins: bins, consideredFiles: considered, skippedFiles: considered - planned, targetFileSizeBytes: target)
    }

    private static func checkColumns(_ s: Snapshot, _ options: OptimizeOptions) throws {
        let partitions = Set(s.partitionColumns.map { $0.lowercased() })
        if let c = options.condition, let used = c.columns, let bad = used.first(where: { !partitions.contains($0.lowercased()) }) {
            throw TarnError(.invalidArgument, "OPTIMIZE --where may use partition columns only; '\(bad)' is not one (partition columns: \(s.partitionColumns.joined(separator: ", ")))",
                            table: s.table, column: bad)
        }
        guard !options.zOrderBy.isEmpty else { return }
        let fields = try options.zOrderBy.map { name -> StructField in
            guard let f = s.schema.field(named: name) else {
                throw TarnError(.invalidArgument, "ZORDER BY column '\(name)' is not in the table (it has \(s.schema.fieldNames.joined(separator: ", ")))",
                                table: s.table, column: name)
            }
            guard !partitions.contains(f.name.lowercased()) else {
                throw TarnError(.invalidArgument, "ZORDER BY column '\(name)' is a partition column: every file holds one value of it already",
                                table: s.table, column: name)
            }
            return f
        }
        try ZOrderRanker.validate(columns: zip(options.zOrderBy, fields).map { ($0, $1.type) }, table: s.table)
    }

    /// The file's partition values in the table's partition-column order.
    static func partitionKey(_ add: AddFile, _ s: Snapshot) -> [String] {
        let mapping = ColumnMapping(configuration: s.configuration)
        return s.partitionColumns.map { p in
            guard let f = s.schema.field(named: p) else { return "" }
            let v = add.partitionValues[mapping.physicalName(f)] ?? add.partitionValues[f.name] ?? nil
            return v.map { "v" + $0 } ?? "n"
        }
    }
}

enum PartitionFilter {
    /// Whether the file's partition values satisfy `condition` (which reads partition columns
    /// only); true without a condition.
    static func matches(_ add: AddFile, _ condition: RowCondition?, _ s: Snapshot) throws -> Bool {
        guard let condition else { return true }
        return try condition.evaluate(PartitionRow.make(add, s))[0]
    }
}
