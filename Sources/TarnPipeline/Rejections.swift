// Rejections: records a stage could not load, with an error code from a fixed taxonomy
// (spec/pipeline.md "Dead-letter"), and the dead-letter table's schema. Nothing is dropped
// silently: every record read is loaded, rejected here, or counted as a duplicate.
import TarnColumnar

public enum RejectCode: String, Sendable, Equatable, CaseIterable {
    case jsonParseError = "JSON_PARSE_ERROR"
    case csvParseError = "CSV_PARSE_ERROR"
    case parquetReadError = "PARQUET_READ_ERROR"
    case missingRequiredField = "MISSING_REQUIRED_FIELD"
    case typeCastError = "TYPE_CAST_ERROR"
    case schemaMismatch = "SCHEMA_MISMATCH"
    case expectationFailed = "EXPECTATION_FAILED"
    case duplicateKey = "DUPLICATE_KEY"
    case referentialMissing = "REFERENTIAL_MISSING"
}

/// One rejected record.
public struct Rejected: Sendable, Equatable {
    /// The source file (or table) the record came from.
    public var sourceFile: String
    /// 1-based line (CSV: the record's first line; Parquet: the row index + 1); nil when unknown.
    public var line: Int?
    /// The record as read (the line's text; a Parquet or table row as JSON).
    public var raw: String
    public var code: RejectCode
    public var message: String
    public var column: String?

    public init(sourceFile: String, line: Int?, raw: String, code: RejectCode, message: String, column: String? = nil) {
        self.sourceFile = sourceFile
        self.line = line
        self.raw = raw
        self.code = code
        self.message = message
        self.column = column
    }
}

public enum DeadLetter {
    /// The dead-letter table's columns.
    public static let schema = StructType([
        StructField("run_id", .string, nullable: false),
        StructField("stage", .string, nullable: false),
        StructField("source_file", .string, nullable: false),
        StructField("line", .long, nullable: true),
        StructField("raw_record", .string, nullable: false),
        StructField("error_code", .string, nullable: false),
        StructField("error_message", .string, nullable: false),
        StructField("column", .string, nullable: true),
        StructField("rejected_at", .timestamp, nullable: false),
    ])

    /// The rejections as one batch of the dead-letter schema.
    public static func batch(_ rejected: [Rejected], runId: String, stage: String, atMicros: Int64) throws -> RecordBatch {
        let rows: [[Value]] = rejected.map { r in
            [.string(runId), .string(stage), .string(r.sourceFile), r.line.map { .int(Int64($0)) } ?? .null, .string(r.raw),
             .string(r.code.rawValue), .string(r.message), r.column.map { .string($0) } ?? .null, .timestamp(atMicros)]
        }
        return try RecordBatch(schema: schema, rows: rows)
    }
}
