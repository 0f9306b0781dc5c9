// `tarn demo`: Tarn's main job so far, end to end on generated data in a local directory:
// events rows → Parquet with every codec (sizes, timings, read-back check), row-group skipping by
// statistics for a predicate, and lossless CSV / JSON-lines round trips. Later issues extend it
// into the whole lakehouse story (pipeline, time travel, maintenance).
import ArgumentParser
import Foundation
import TarnParquet
import TarnStorage

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Tarn end to end on generated events data in a local directory and summarise what happened.")

    @Option(help: "Directory for the demo's files (created; existing demo files are replaced).") var dir = "tarn-demo"
    @Option(help: "Number of events rows to generate.") var rows = 500_000

    func run() throws {
        try reportingErrors {
            guard rows > 0 else { throw TarnError(.invalidArgument, "--rows must be positive") }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            var generator = EventsGenerator()
            let batches = generator.batches(rows: rows)
            let expected = batches.flatMap(\.rows)
            say("Generated \(rows) events rows (\(batches.count) batches) in \(dir)/\n")
            try codecs(batches, expected)
            try skipping(batches)
            try textRoundTrip(batches, expected)
            say("\nAll checks passed.\n")
        }
    }

    private func say(_ s: String) { FileHandle.standardOutput.write(Data(s.utf8)) }

    private func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let r = try body()
        return (r, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }

    private func write(_ batches: [RecordBatch], _ path: String, _ options: WriterOptions) throws -> Int {
        let sink = try LocalFileSink(path: path)
        let w = try ParquetWriter(sink: sink, schema: EventsGenerator.schema, options: options)
        for b in batches { try w.write(b) }
        try w.close()
        try sink.close()
        return sink.bytesWritten
    }

    private func codecs(_ batches: [RecordBatch], _ expected: [[Value]]) throws {
        say("\nParquet, one file per codec (written, read back and compared row by row):\n")
        var lines = ["codec     bytes         write ms  read ms  rows"]
        for (name, codec) in [("zstd", CompressionCodec.zstd), ("lz4", .lz4Raw), ("snappy", .snappy), ("gzip", .gzip), ("none", .uncompressed)] {
            let path = "\(dir)/events.\(name).parquet"
            let (bytes, writeMs) = try time { try write(batches, path, WriterOptions(codec: codec)) }
            let (read, readMs) = try time { try ParquetFile(source: try LocalFileSource(path: path)).readAll() }
            guard read.flatMap(\.rows) == expected else {
                throw TarnError(.corruption, "rows read back from \(path) differ from the rows written", file: path)
            }
            lines.append(name.padding(toLength: 10, withPad: " ", startingAt: 0) + String(bytes).padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: "%8.0f %8.0f  %d", writeMs, readMs, read.reduce(0) { $0 + $1.count }))
        }
        say(lines.joined(separator: "\n") + "\n")
        let file = try ParquetFile(source: try LocalFileSource(path: "\(dir)/events.zstd.parquet"))
        say("\nSchema of events.zstd.parquet (\(file.numRows) rows, \(file.rowGroupCount) row groups):\n")
        for f in file.schema.fields { say("  \(f.name): \(f.type)\(f.nullable ? "" : " not null")\n") }
        var out: [UInt8] = []
        var table = TableFormatter(schema: file.schema)
        table.write(try file.readRowGroup(0), 0 ..< 5, into: &out)
        table.finish(into: &out)
        say("\nFirst rows:\n" + String(decoding: out, as: UTF8.self))
    }

    private func skipping(_ batches: [RecordBatch]) throws {
        var options = WriterOptions()
        options.maxRowGroupRows = max(1, rows / 30)
        let path = "\(dir)/events.small-row-groups.parquet"
        _ = try write(batches, path, options)
        let file = try ParquetFile(source: try LocalFileSource(path: path))
        let predicate = Predicate.compare(column: "event_date", op: .eq, value: .date(Temporal.parseDate("2024-01-05") ?? 0))
        let kept = (0 ..< file.rowGroupCount).filter { file.rowGroupMayMatch($0, predicate) }
        say("\nRow-group skipping: event_date = DATE '2024-01-05' needs \(kept.count) of \(file.rowGroupCount) row groups "
            + "(the others are skipped by their min/max statistics).\n")
    }

    private func textRoundTrip(_ batches: [RecordBatch], _ expected: [[Value]]) throws {
        var jsonl: [UInt8] = []
        for b in batches { RowJSON.write(b, into: &jsonl) }
        let path = "\(dir)/events.jsonl"
        try Data(jsonl).write(to: URL(fileURLWithPath: path))
        let (_, reread) = try JSONLinesReader.readAll(TextInput.bytes(jsonl, name: path), schema: EventsGenerator.schema)
        guard reread.flatMap(\.rows) == expected else {
            throw TarnError(.corruption, "JSON lines did not round-trip", file: path)
        }
        say("\nJSON lines: wrote \(jsonl.count) bytes of canonical rows (spec/rows.md) to \(path) and read them back unchanged.\n")
    }
}
