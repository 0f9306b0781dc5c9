// Input side of the CLI: opens a CSV, JSON-lines or Parquet file as a stream of record batches
// (row group by row group for Parquet, fixed-size batches for text), and exposes local files to
// the text readers as restartable chunked TextInputs.
import TarnParquet
import TarnStorage

/// A stream of batches with a known schema.
protocol BatchSource {
    var schema: StructType { get }
    func next() throws -> RecordBatch?
}

extension CSVReader: BatchSource {}
extension JSONLinesReader: BatchSource {}

/// A Parquet file read one row group at a time, optionally projected to some columns.
final class ParquetBatches: BatchSource {
    let file: ParquetFile
    let schema: StructType
    private let columns: [Int]
    private var group = 0

    init(_ file: ParquetFile, columns: [String]? = nil) throws {
        self.file = file
        self.columns = try file.columnIndices(columns)
        schema = StructType(self.columns.map { file.schema.fields[$0] })
    }

    func next() throws -> RecordBatch? {
        guard group < file.rowGroupCount else { return nil }
        defer { group += 1 }
        return try file.readRowGroup(group, columnIndices: columns)
    }
}

enum Inputs {
    /// Text readers take batches of this many rows.
    static let textBatchRows = 65_536
    /// Chunk size for reading text files.
    static let chunkBytes = 4 << 20

    static func parquet(_ path: String) throws -> ParquetFile {
        try ParquetFile(source: LocalFileSource(path: path))
    }

    /// A local file as a TextInput (each pass reopens it; the first open happens here so a
    /// missing file fails early).
    static func text(_ path: String) throws -> TextInput {
        _ = try LocalFileSource(path: path)
        return TextInput(name: path) {
            let source = try LocalFileSource(path: path)
            var offset = 0
            return {
                guard offset < source.size else { return nil }
                let n = min(chunkBytes, source.size - offset)
                let bytes = try source.read(offset: offset, count: n)
                offset += n
                return bytes
            }
        }
    }

    /// Opens `path` in `format`; `schema` applies to text formats only.
    static func open(_ path: String, format: DataFormat, schema: StructType?) throws -> BatchSource {
        switch format {
        case .parquet:
            if schema != nil {
                throw TarnError(.invalidArgument, "--schema applies to CSV and JSON lines input; a Parquet file carries its own schema")
            }
            return try ParquetBatches(parquet(path))
        case .csv: return try CSVReader(text(path), schema: schema, batchRows: textBatchRows)
        case .jsonl: return try JSONLinesReader(text(path), schema: schema, batchRows: textBatchRows)
        }
    }
}
