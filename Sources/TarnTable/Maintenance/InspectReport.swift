// InspectReport: the value `Table.inspect` returns (spec/maintenance.md "Inspect"): file counts,
// sizes, a size histogram, deletion vectors and clustering per partition and for the table, what
// OPTIMIZE and VACUUM would do now, retained versions, checkpoint state, the last OPTIMIZE and
// VACUUM, and recommendations. Plain values only; gathering is Inspect.swift, advice InspectAdvice.swift.
import TarnDelta

/// Files by size, in buckets relative to the target file size `t`: below t/128, t/16, t/4, t/2,
/// t, and at least t (for 128 MiB: < 1, 1–8, 8–32, 32–64, 64–128, ≥ 128 MiB).
public struct SizeHistogram: Sendable, Hashable {
    /// The exclusive upper bound of every bucket but the last (which holds files ≥ the target).
    public let upperBoundsBytes: [Int64]
    /// Files per bucket; one more entry than `upperBoundsBytes`.
    public internal(set) var counts: [Int]

    init(targetFileSizeBytes t: Int64) {
        upperBoundsBytes = [t / 128, t / 16, t / 4, t / 2, t]
        counts = Array(repeating: 0, count: upperBoundsBytes.count + 1)
    }

    mutating func add(_ sizeBytes: Int64) {
        counts[upperBoundsBytes.firstIndex { sizeBytes < $0 } ?? upperBoundsBytes.count] += 1
    }
}

/// Files Z-ordered by Tarn on one set of columns with one curve (file tag `tarn.zOrderBy`).
public struct Clustering: Sendable, Hashable {
    /// The tag value, "<curve>:<col>,<col>".
    public let tag: String
    public var curve: String { String(tag.prefix { $0 != ":" }) }
    public var columns: [String] { tag.split(separator: ":", maxSplits: 1).dropFirst().first.map { $0.split(separator: ",").map(String.init) } ?? [] }
    public internal(set) var files: Int
    public internal(set) var bytes: Int64
}

/// Counts over a set of live files (a partition or the whole table).
public struct FileSummary: Sendable {
    public internal(set) var files = 0
    public internal(set) var bytes: Int64 = 0
    /// Rows stored in the files by their statistics (deleted rows included); nil when a file has none.
    public internal(set) var storedRows: Int64? = 0
    public internal(set) var histogram: SizeHistogram
    /// Files below the target size (OPTIMIZE's compaction threshold) and their bytes.
    public internal(set) var smallFiles = 0
    public internal(set) var smallFileBytes: Int64 = 0
    /// Files with a deletion vector, the rows those vectors delete, and the rows stored in those
    /// files (nil when one has no statistics).
    public internal(set) var deletionVectorFiles = 0
    public internal(set) var deletedRows: Int64 = 0
    public internal(set) var rowsInDeletionVectorFiles: Int64? = 0
    /// Z-ordered files by clustering, most files first; files with no clustering tag.
    public internal(set) var clusterings: [Clustering] = []
    public internal(set) var unclusteredFiles = 0
    public internal(set) var unclusteredBytes: Int64 = 0

    init(targetFileSizeBytes: Int64) { histogram = SizeHistogram(targetFileSizeBytes: targetFileSizeBytes) }

    /// Live rows (stored minus deleted); nil without statistics.
    public var rows: Int64? { storedRows.map { $0 - deletedRows } }
    /// Deleted rows as a fraction of the rows stored in the files with deletion vectors.
    public var deletedFractionOfDeletionVectorFiles: Double? { Self.fraction(deletedRows, rowsInDeletionVectorFiles) }
    /// Deleted rows as a fraction of all rows stored in these files.
    public var deletedFraction: Double? { Self.fraction(deletedRows, storedRows) }

    static func fraction(_ part: Int64, _ whole: Int64?) -> Double? {
        guard let whole, whole > 0 else { return nil }
        return Double(part) / Double(whole)
    }

    mutating func add(_ f: AddFile, targetFileSizeBytes: Int64, numRecords: Int64?) {
        files += 1
        bytes += f.size
        storedRows = storedRows.flatMap { s in numRecords.map { s + $0 } }
        histogram.add(f.size)
        if f.size < targetFileSizeBytes {
            smallFiles += 1
            smallFileBytes += f.size
        }
        if let dv = f.deletionVector {
            deletionVectorFiles += 1
            deletedRows += dv.cardinality
            rowsInDeletionVectorFiles = rowsInDeletionVectorFiles.flatMap { s in numRecords.map { s + $0 } }
        }
        guard let tag = f.tags?[OptimizePlanner.zOrderTag] else {
            unclusteredFiles += 1
            unclusteredBytes += f.size
            return
        }
        if let i = clusterings.firstIndex(where: { $0.tag == tag }) {
            clusterings[i].files += 1
            clusterings[i].bytes += f.size
        } else {
            clusterings.append(Clustering(tag: tag, files: 1, bytes: f.size))
        }
    }

    /// Orders clusterings by files (descending), then tag.
    mutating func finish() {
        clusterings.sort { ($0.files, $1.tag) > ($1.files, $0.tag) }
    }
}

public struct PartitionInspection: Sendable {
    /// Partition column (logical name) → value (nil = null), in the table's partition-column order.
    public let values: [(column: String, value: String?)]
    /// "col=value/col=value" ("" for an unpartitioned table).
    public var label: String { values.map { "\($0.column)=\($0.value ?? "null")" }.joined(separator: "/") }
    public internal(set) var summary: FileSummary
    /// What OPTIMIZE (compaction, dry run) would rewrite in this partition.
    public internal(set) var optimizeFiles = 0
    public internal(set) var optimizeBytes: Int64 = 0
}

/// What VACUUM with the table's retention would delete now (dry run).
public struct VacuumOutlook: Sendable {
    public let retentionMillis: Int64
    public let cutoffMillis: Int64
    /// Lite mode (the default): files the log removed, by kind.
    public let files: Int
    public let bytes: Int64
    public let counts: [VacuumFile.Kind: Int]
    /// Full mode: lite's files plus unreferenced files older than the cutoff found by listing.
    public let fullModeFiles: Int
    public let fullModeBytes: Int64
}

/// Which versions stay readable.
public struct RetentionInfo: Sendable {
    /// The oldest version the log can reconstruct now.
    public let earliestVersion: Int64
    /// `delta.logRetentionDuration`; the oldest version left once log cleanup runs now.
    public let logRetentionMillis: Int64
    public let oldestVersionAfterLogCleanup: Int64
    /// `delta.deletedFileRetentionDuration`; the oldest version whose files VACUUM keeps now (its cutoff's version).
    public let deletedFileRetentionMillis: Int64
    public let oldestVersionAfterVacuum: Int64
    /// The oldest version time travel reaches once both have run.
    public var oldestTimeTravelVersion: Int64 { max(oldestVersionAfterLogCleanup, oldestVersionAfterVacuum) }
}

public struct CheckpointInfo: Sendable {
    public let lastCheckpointVersion: Int64?
    /// Commits a reader replays after the checkpoint (all of them without one).
    public let commitsSinceCheckpoint: Int64
    public let checkpointInterval: Int64
}

/// A maintenance commit found in the log (its commitInfo).
public struct MaintenanceEvent: Sendable {
    public let version: Int64
    public let timestampMillis: Int64
    public let operation: String
    public let parameters: [String: String]
    public let metrics: [String: String]
    /// OPTIMIZE run by auto-compaction.
    public var auto: Bool { parameters["auto"] == "true" }
}

public struct Recommendation: Sendable, Hashable {
    public enum Code: String, Sendable, CaseIterable {
        case compact = "COMPACT", zOrder = "ZORDER", purgeDeletionVectors = "PURGE_DELETION_VECTORS"
        case vacuum = "VACUUM", checkpoint = "CHECKPOINT", none = "NONE"
    }

    public let code: Code
    /// Plain language, with the numbers.
    public let message: String
    /// The command to run (shell-quoted); nil for NONE.
    public let command: String?
    /// The partition it is about (its label), nil for the whole table.
    public let partition: String?
}

public struct TableInspection: Sendable {
    public let table: String
    public let version: Int64
    public let nowMillis: Int64
    public let partitionColumns: [String]
    public let targetFileSizeBytes: Int64
    public let totals: FileSummary
    /// Ordered by partition values.
    public let partitions: [PartitionInspection]
    /// OPTIMIZE (compaction, dry run): files and bytes it would rewrite, in how many partitions.
    public let optimizeFiles: Int
    public let optimizeBytes: Int64
    public let optimizePartitions: Int
    /// nil when VACUUM cannot plan (the message is in `vacuumError`).
    public let vacuum: VacuumOutlook?
    public let vacuumError: String?
    public let retention: RetentionInfo
    public let checkpoint: CheckpointInfo
    public let lastOptimize: MaintenanceEvent?
    public let lastVacuum: MaintenanceEvent?
    public let thresholds: InspectThresholds
    /// At least one; `[NONE]` when there is nothing to do.
    public let recommendations: [Recommendation]
}
