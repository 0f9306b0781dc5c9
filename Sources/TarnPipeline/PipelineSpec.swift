// PipelineSpec: the in-memory form of a pipeline definition (spec/pipeline.md), built from YAML
// (PipelineYAML) or directly from Swift: named stages, each with a source, an optional contract,
// transforms, an optional expectation suite, a target table with a write mode, and an optional
// maintenance policy. Validation (PipelineValidation) checks names, references and owners.
import TarnColumnar

public struct PipelineSpec: Sendable, Equatable {
    public var name: String
    public var stages: [StageSpec]
    /// Where run records go (JSON lines); relative paths are relative to the pipeline file.
    public var runLog: String?

    public init(name: String, stages: [StageSpec], runLog: String? = nil) {
        self.name = name
        self.stages = stages
        self.runLog = runLog
    }
}

public struct StageSpec: Sendable, Equatable {
    public var name: String
    public var source: SourceSpec
    public var contract: Contract?
    public var transforms: [TransformSpec]
    public var expectations: ExpectationSuite?
    public var target: TargetSpec
    public var maintenance: MaintenancePolicy?
    /// Stages that must run first (besides those whose target this stage's source reads).
    public var dependsOn: [String]

    public init(name: String, source: SourceSpec, contract: Contract? = nil, transforms: [TransformSpec] = [],
                expectations: ExpectationSuite? = nil, target: TargetSpec, maintenance: MaintenancePolicy? = nil,
                dependsOn: [String] = []) {
        self.name = name
        self.source = source
        self.contract = contract
        self.transforms = transforms
        self.expectations = expectations
        self.target = target
        self.maintenance = maintenance
        self.dependsOn = dependsOn
    }
}

public enum FileFormat: String, Sendable, Equatable, CaseIterable {
    case csv, jsonl, parquet
}

public enum SourceSpec: Sendable, Equatable {
    /// Files in `directory` whose names match `pattern` (a glob: `*`, `?`), read in name order.
    case files(directory: String, pattern: String, format: FileFormat)
    /// A Tarn table: what of it a run reads is `read`.
    case table(path: String, read: TableRead)
}

public enum TableRead: String, Sendable, Equatable, CaseIterable {
    /// The rows appended by the versions after the watermark (append-only sources).
    case appended
    /// Inserts and update post-images from the change data feed after the watermark.
    case changeFeed = "change_feed"
    /// The whole table, whenever its version moved past the watermark (gold aggregates).
    case full
}

/// The declared shape of a source's records and what to do when the source differs from it.
public struct Contract: Sendable, Equatable {
    public var fields: [ContractField]
    public var onDrift: DriftPolicy

    public init(fields: [ContractField], onDrift: DriftPolicy = .fail) {
        self.fields = fields
        self.onDrift = onDrift
    }
}

public struct ContractField: Sendable, Equatable {
    public var name: String
    public var type: DataType
    public var nullable: Bool
    /// Personally identifiable: the column carries `tarn.pii: true` in the table schema's metadata.
    public var pii: Bool

    public init(name: String, type: DataType, nullable: Bool = true, pii: Bool = false) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.pii = pii
    }
}

public enum DriftPolicy: String, Sendable, Equatable, CaseIterable {
    /// Any difference from the contract fails the stage before any work.
    case fail
    /// Additive columns are added to the target (mergeSchema); any other difference fails.
    case evolve
    /// A file whose schema differs is set aside: its records go to the dead-letter table (SCHEMA_MISMATCH).
    case quarantine
}

public enum TransformSpec: Sendable, Equatable {
    case select([String])
    case rename([String: String])
    case cast(column: String, to: DataType)
    /// A new (or replaced) column computed by an expression (spec/expressions.md).
    case derive(column: String, expression: String)
    case filter(String)
    /// Keep one row per key: the greatest `orderBy`, ties broken by the smallest `tieBreaker`.
    case dedup(keys: [String], orderBy: String, tieBreaker: String)
    case aggregate(groupBy: [String], aggregates: [AggregateSpec])
    /// Left join with a dimension table on `on` (columns of the same name), adding `columns`.
    case join(table: String, on: [String], columns: [String])
}

public struct AggregateSpec: Sendable, Equatable {
    public enum Function: String, Sendable, Equatable, CaseIterable {
        case count, sum, min, max, avg
        case countDistinct = "count_distinct"
    }
    public var function: Function
    /// Input column (nil for count(*)).
    public var column: String?
    public var alias: String

    public init(function: Function, column: String?, alias: String) {
        self.function = function
        self.column = column
        self.alias = alias
    }
}

public struct ExpectationSuite: Sendable, Equatable {
    /// Who is told when an expectation fails; required (a suite without one is refused).
    public var owner: String
    public var expectations: [ExpectationSpec]

    public init(owner: String, expectations: [ExpectationSpec]) {
        self.owner = owner
        self.expectations = expectations
    }
}

public struct ExpectationSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case notNull(column: String)
        case unique(columns: [String])
        /// Bounds are literals in the expression language (`0`, `'2024-01-01'`); nil = open.
        case range(column: String, min: String?, max: String?)
        case acceptedValues(column: String, values: [String])
        case regex(column: String, pattern: String)
        case rowCount(min: Int?, max: Int?)
        /// The newest value of a timestamp column is at most this old when the stage runs.
        case freshness(column: String, maxAgeSeconds: Int)
        /// Every non-null value of `column` is present in `table`'s `tableColumn`.
        case referential(column: String, table: String, tableColumn: String)
    }
    public enum Action: String, Sendable, Equatable, CaseIterable {
        case warn
        /// Failing rows go to the dead-letter table (EXPECTATION_FAILED); the rest load.
        case drop
        case fail
    }
    public var name: String
    public var kind: Kind
    public var action: Action

    public init(name: String, kind: Kind, action: Action) {
        self.name = name
        self.kind = kind
        self.action = action
    }
}

public struct TargetSpec: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case append
        case overwrite
        /// Replace the rows matching the condition (partition swap).
        case replaceWhere(String)
        /// Type 1: update rows whose keys match, insert the others.
        case merge(keys: [String])
        /// Type 2 history: valid_from / valid_to / is_current, versions ordered by `sequence`.
        case scd2(keys: [String], sequence: String)
    }
    public var path: String
    public var mode: Mode
    public var partitionBy: [String]
    /// Where rejected records go (a Tarn table); default `<target>_dead_letter` beside the target.
    public var deadLetter: String?

    public init(path: String, mode: Mode = .append, partitionBy: [String] = [], deadLetter: String? = nil) {
        self.path = path
        self.mode = mode
        self.partitionBy = partitionBy
        self.deadLetter = deadLetter
    }
}

/// Maintenance after a run, only when the thresholds say so.
public struct MaintenancePolicy: Sendable, Equatable {
    /// Compact when a partition has at least this many small files…
    public var compactMinSmallFiles: Int = 16
    /// …or small files are at least this fraction of the table's files.
    public var compactMinSmallFileRatio: Double = 0.5
    /// Z-order by these columns (with compaction) when the unclustered share of bytes is at least `zOrderMinUnclusteredRatio`.
    public var zOrderBy: [String] = []
    public var zOrderMinUnclusteredRatio: Double = 0.25
    /// Vacuum when at least this many bytes are reclaimable at the table's retention.
    public var vacuumMinReclaimableBytes: Int64 = 1 << 30

    public init() {}
}
