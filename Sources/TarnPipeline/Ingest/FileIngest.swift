// FileIngest: bronze ingest of source files into typed record batches. Each file's schema is
// checked against the contract (SchemaDrift) and the drift policy applied; records are typed by
// the contract, bad ones dead-lettered with a RejectCode; lineage columns are appended. Nothing
// is lost: rowsRead == rows in batches + rejected.count.
import TarnColumnar
import TarnParquet

public struct IngestResult: Sendable {
    /// Typed rows: contract fields in contract order (+ additive columns under .evolve,
    /// appended), then _source_file (string), _ingested_at (timestamp), _run_id (string).
    public var batches: [RecordBatch]
    public var rejected: [Rejected]
    /// Records read (lines / CSV records / parquet rows), == rows in batches + rejected.count.
    public var rowsRead: Int
    /// Differences found (empty when none), each once, in the order first found.
    public var drift: [SchemaChange]
    /// File names set aside under .quarantine.
    public var quarantinedFiles: [String]

    public init(batches: [RecordBatch] = [], rejected: [Rejected] = [], rowsRead: Int = 0,
                drift: [SchemaChange] = [], quarantinedFiles: [String] = []) {
        self.batches = batches
        self.rejected = rejected
        self.rowsRead = rowsRead
        self.drift = drift
        self.quarantinedFiles = quarantinedFiles
    }
}

/// The lineage columns appended to every ingested batch.
public enum IngestColumns {
    public static let sourceFile = "_source_file"
    public static let ingestedAt = "_ingested_at"
    public static let runId = "_run_id"
}

public enum FileIngest {
    /// Reads `files` (in the given order) as `format`, typed by `contract`.
    ///
    /// - JSON lines: each non-blank line is a record; a line that is not a JSON object is
    ///   JSON_PARSE_ERROR. Conversions: see `IngestValues.fromJSON` (Spark from_json-like:
    ///   "42" → long is accepted, 3.5 → long is not). A file's drift is decided from the union of
    ///   its records' keys and inferred types; the records are typed in the same pass and the
    ///   output discarded if the policy sets the file aside (so a failing file yields nothing).
    /// - CSV: header row first (names case-insensitive), RFC 4180 quoting; a malformed record
    ///   (unterminated quote, text after a closing quote, wrong field count) is CSV_PARSE_ERROR
    ///   and reading resumes at the next line. Unquoted empty fields are null.
    /// - Parquet: an unreadable file is one PARQUET_READ_ERROR and reading goes on.
    /// - Without a contract, each file's schema is inferred and there is no drift check (new
    ///   columns of later files are appended, as under .evolve).
    /// Under .quarantine every record of a drifting file is SCHEMA_MISMATCH (also its unparsable
    /// ones). `Rejected.sourceFile` and `_source_file` are the file's path.
    public static func read(_ files: [SourceFile], format: FileFormat, contract: Contract?, runId: String,
                            ingestedAtMicros: Int64) throws -> IngestResult {
        let state = IngestState(contract: contract)
        @Sendable func ingest(_ file: SourceFile, into state: IngestState) throws {
            switch format {
            case .jsonl: try JSONLinesIngest.ingest(file, state)
            case .csv: try CSVIngest.ingest(file, state)
            case .parquet: try ParquetIngest.ingest(file, state)
            }
        }
        // With a fixed typed schema (a contract that does not evolve) files are independent: they
        // are read in parallel, each into its own state, and merged in file order.
        if let contract, contract.onDrift != .evolve, files.count > 1 {
            let parts = ParallelMap.run(count: files.count, parallel: true) { i -> IngestState in
                let own = IngestState(contract: contract)
                try ingest(files[i], into: own)
                return own
            }
            for p in parts { state.absorb(try p.get()) }
        } else {
            for file in files { try ingest(file, into: state) }
        }
        return try state.result(runId: runId, ingestedAtMicros: ingestedAtMicros)
    }
}

/// What a file's drift means under the contract's policy.
enum DriftDecision {
    /// Read the file with these typed fields (the contract's, plus any evolved additive ones).
    case accept([StructField])
    case quarantine
}

/// The state of one `read`: the growing typed schema and everything accepted so far.
final class IngestState: @unchecked Sendable {   // one thread at a time: each parallel file has its own
    let contract: Contract?
    private(set) var fields: [StructField]
    private var chunks: [(columns: [Column], count: Int, path: String)] = []
    private var rejected: [Rejected] = []
    private var rowsRead = 0
    private var drift: [SchemaChange] = []
    private var quarantined: [String] = []

    init(contract: Contract?) {
        self.contract = contract
        // A PII field carries `tarn.pii: true` in its metadata, which the table's schema keeps.
        fields = contract?.fields.map { StructField($0.name, $0.type, nullable: $0.nullable, metadata: $0.pii ? ["tarn.pii": .bool(true)] : [:]) } ?? []
    }

    /// Applies the policy to a file whose source schema is `source`; throws under .fail (and
    /// for non-additive changes under .evolve). Without a contract, new columns are appended.
    func decide(_ file: SourceFile, source: StructType) throws -> DriftDecision {
        guard let contract else {
            extend(with: source.fields)
            return .accept(fields)
        }
        let changes = SchemaDrift.compare(source: source, contract: contract)
        if changes.isEmpty { return .accept(fields) }
        for c in changes where !drift.contains(c) { drift.append(c) }
        let additiveOnly = changes.allSatisfy { if case .additive = $0 { return true } else { return false } }
        switch contract.onDrift {
        case .quarantine:
            return .quarantine
        case .evolve where additiveOnly:
            extend(with: source.fields.filter { f in changes.contains { $0 == .additive(column: f.name, type: f.type) } })
            return .accept(fields)
        case .fail, .evolve:
            throw TarnError(.schemaMismatch, "\(file.name): source schema differs from the contract:\n\(SchemaDrift.describe(changes))",
                            file: file.path)
        }
    }

    /// Appends the columns not yet in the typed schema (nullable; nested JSON kept as text).
    private func extend(with source: [StructField]) {
        for f in source where !fields.contains(where: { $0.name.lowercased() == f.name.lowercased() }) {
            fields.append(StructField(f.name, f.type, nullable: true))
        }
    }

    func accept(_ file: SourceFile, _ out: FileOutput) {
        chunks += out.chunks.map { ($0.columns, $0.count, file.path) }
        rejected += out.rejected
        rowsRead += out.rowsRead
    }

    /// Appends another state's files (read with the same fixed schema) after this one's.
    func absorb(_ other: IngestState) {
        chunks += other.chunks
        rejected += other.rejected
        rowsRead += other.rowsRead
        for c in other.drift where !drift.contains(c) { drift.append(c) }
        quarantined += other.quarantined
    }

    func quarantine(_ file: SourceFile, _ out: FileOutput) {
        quarantined.append(file.name)
        rejected += out.rejected
        rowsRead += out.rowsRead
    }

    func result(runId: String, ingestedAtMicros: Int64) throws -> IngestResult {
        let schema = StructType(fields + [
            StructField(IngestColumns.sourceFile, .string, nullable: false),
            StructField(IngestColumns.ingestedAt, .timestamp, nullable: false),
            StructField(IngestColumns.runId, .string, nullable: false),
        ])
        // The lineage columns repeat one value; chunks of equal size share one column's buffers
        // (copy-on-write arrays), so 10 M rows do not hold 10 M copies of the path and run id.
        var shared: [String: Column] = [:]
        func repeated(_ v: Value, _ type: DataType, _ count: Int, _ tag: String) throws -> Column {
            let key = "\(tag)\u{0}\(count)"
            if let c = shared[key] { return c }
            let c = try Column.repeating(v, type: type, count: count)
            shared[key] = c
            return c
        }
        let batches = try chunks.map { chunk in
            var columns = chunk.columns
            for f in fields[columns.count...] { columns.append(Column.allNull(f.type, count: chunk.count)) }
            columns.append(try repeated(.string(chunk.path), .string, chunk.count, "file:" + chunk.path))
            columns.append(try repeated(.timestamp(ingestedAtMicros), .timestamp, chunk.count, "at"))
            columns.append(try repeated(.string(runId), .string, chunk.count, "run"))
            return RecordBatch(schema: schema, columns: columns, count: chunk.count)
        }
        return IngestResult(batches: batches, rejected: rejected, rowsRead: rowsRead, drift: drift, quarantinedFiles: quarantined)
    }
}

extension Rejected {
    /// A SCHEMA_MISMATCH rejection for a record of a quarantined file.
    static func quarantined(_ file: SourceFile, line: Int?, raw: String) -> Rejected {
        Rejected(sourceFile: file.path, line: line, raw: raw, code: .schemaMismatch,
                 message: "\(file.name) was quarantined: its schema differs from the contract")
    }
}
