// Output side of the CLI: the row formats `cat` and `convert` write (JSON lines, CSV, table,
// Parquet) behind one RowSink interface, and the buffered byte output they go through (stdout or
// a file sink), flushed in writes of about 1 MiB.
import ArgumentParser
import Foundation
import TarnParquet
import TarnStorage

/// Formats of files `convert` reads and writes.
enum DataFormat: String, CaseIterable, ExpressibleByArgument {
    case csv, jsonl, parquet

    init?(argument: String) {
        switch argument.lowercased() {
        case "csv": self = .csv
        case "jsonl", "json", "ndjson": self = .jsonl
        case "parquet", "parq", "pq": self = .parquet
        default: return nil
        }
    }

    /// The format a path's extension names, or nil.
    static func of(path: String) -> DataFormat? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        return DataFormat(argument: String(path[path.index(after: dot)...]))
    }

    static func resolve(_ flag: DataFormat?, path: String, flagName: String) throws -> DataFormat {
        if let flag { return flag }
        if let f = of(path: path) { return f }
        throw TarnError(.invalidArgument, "cannot tell the format of '\(path)' from its extension (.csv, .jsonl/.json/.ndjson, .parquet); pass \(flagName)")
    }
}

/// Formats `cat` prints.
enum CatFormat: String, CaseIterable, ExpressibleByArgument {
    case jsonl, csv, table

    init?(argument: String) {
        switch argument.lowercased() {
        case "jsonl", "json", "ndjson": self = .jsonl
        case "csv": self = .csv
        case "table": self = .table
        default: return nil
        }
    }
}

/// Bytes collected in memory and handed on in chunks of about `chunkBytes`.
final class ByteOutput {
    static let chunkBytes = 1 << 20
    private var buffer: [UInt8] = []
    private let emit: ([UInt8]) throws -> Void

    init(emit: @escaping ([UInt8]) throws -> Void) {
        self.emit = emit
        buffer.reserveCapacity(ByteOutput.chunkBytes + (64 << 10))
    }

    static func stdout() -> ByteOutput {
        ByteOutput { try FileHandle.standardOutput.write(contentsOf: Data($0)) }
    }

    static func sink(_ sink: ByteSink) -> ByteOutput { ByteOutput { try sink.write($0) } }

    /// Appends through `body`, flushing when a chunk is full.
    func append(_ body: (inout [UInt8]) -> Void) throws {
        body(&buffer)
        if buffer.count >= ByteOutput.chunkBytes { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try emit(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Where rows go: a text format on a ByteOutput, or a Parquet file.
protocol RowSink {
    /// Writes rows `rows` of `batch`.
    func write(_ batch: RecordBatch, rows: Range<Int>) throws
    /// Writes whatever ends the output (a table's footer, a Parquet footer) and flushes.
    func finish() throws
}

final class JSONLinesSink: RowSink {
    let out: ByteOutput
    init(_ out: ByteOutput) { self.out = out }

    func write(_ batch: RecordBatch, rows: Range<Int>) throws {
        let part = try batch.prefix(rows)
        try out.append { RowJSON.write(part, into: &$0) }
    }

    func finish() throws { try out.flush() }
}

final class CSVSink: RowSink {
    let out: ByteOutput
    init(_ out: ByteOutput, schema: StructType) throws {
        self.out = out
        try out.append { CSVWriter.writeHeader(schema, into: &$0) }
    }

    func write(_ batch: RecordBatch, rows: Range<Int>) throws {
        var start = rows.lowerBound
        while start < rows.upperBound {     // slices keep each append near the chunk size
            let end = min(rows.upperBound, start + 4096)
            try out.append { CSVWriter.writeRows(batch, start ..< end, into: &$0) }
            start = end
        }
    }

    func finish() throws { try out.flush() }
}

final class TableSink: RowSink {
    let out: ByteOutput
    var table: TableFormatter
    init(_ out: ByteOutput, schema: StructType) {
        self.out = out
        table = TableFormatter(schema: schema)
    }

    func write(_ batch: RecordBatch, rows: Range<Int>) throws {
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = min(rows.upperBound, start + 4096)
            try out.append { table.write(batch, start ..< end, into: &$0) }
            start = end
        }
    }

    func finish() throws {
        try out.append { table.finish(into: &$0) }
        try out.flush()
    }
}

final class ParquetSink: RowSink {
    let writer: ParquetWriter
    init(_ sink: ByteSink, schema: StructType, options: WriterOptions) throws {
        writer = try ParquetWriter(sink: sink, schema: schema, options: options)
    }

    func write(_ batch: RecordBatch, rows: Range<Int>) throws {
        try writer.write(rows == 0 ..< batch.count ? batch : try batch.prefix(rows))
    }

    func finish() throws { try writer.close() }
}

extension RecordBatch {
    /// The batch restricted to `rows` (itself when that is every row).
    func prefix(_ rows: Range<Int>) throws -> RecordBatch {
        if rows == 0 ..< count { return self }
        return try RecordBatch(schema: schema, rows: rows.map { r in columns.map { $0.value(at: r) } })
    }
}
