// `tarn demo`: Tarn's main job so far, end to end on generated data in a local directory:
// events rows → Parquet with every codec (sizes, timings, read-back check), row-group skipping by
// statistics, lossless JSON-lines round trips, and a Delta table: partitioned writes, a
// replaceWhere correction, time travel between versions, file skipping, history and a checkpoint;
// then row-level changes (DemoChanges.swift). It opens with the pipeline story (DemoPipeline.swift).
import ArgumentParser
import Foundation
import TarnParquet
import TarnStorage
import TarnTable

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
            try pipelineStory()
            say("\nGenerated \(rows) events rows (\(batches.count) batches) in \(dir)/ for the storage engine's own story:\n")
            try codecs(batches, expected)
            try skipping(batches)
            try textRoundTrip(batches, expected)
            try deltaTable(batches)
            try rowLevelChanges(batches)
            say("\nAll checks passed.\n")
        }
    }

    func say(_ s: String) { FileHandle.standardOutput.write(Data(s.utf8)) }

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

    private func deltaTable(_ batches: [RecordBatch]) throws {
        let path = "\(dir)/events_table"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let table = Table(store: try LocalStore.open(root: path))
        say("\nDelta table \(path), partitioned by event_date:\n")
        var options = WriteOptions()
        options.partitionBy = ["event_date"]
        let half = batches.count / 2
        let v0 = try table.write(Array(batches[..<max(1, half)]), options: options)
        let v1 = try table.write(Array(batches[max(1, half)...]), options: options)
        // A correction: replace one day's rows with that day's rows at amount 0.
        let day = Temporal.parseDate("2024-01-02") ?? 0
        let condition = try RowCondition.parse("event_date = DATE '2024-01-02'", schema: EventsGenerator.schema)
        let corrected = try batches.map { b -> RecordBatch in
            let keep = try condition.evaluate(b)
            let rows = b.filter(keep)
            var cols = rows.columns
            cols[5] = try Column.repeating(.double(0), type: .double, count: rows.count)
            return RecordBatch(schema: rows.schema, columns: cols, count: rows.count)
        }
        var replace = WriteOptions(mode: .overwrite)
        replace.replaceWhere = condition
        let v2 = try table.write(corrected, options: replace)
        say("  v\(v0.version): \(v0.rowsWritten) rows in \(v0.filesAdded) files; v\(v1.version): +\(v1.rowsWritten) rows; "
            + "v\(v2.version): replaced \(Temporal.formatDate(day)) (\(v2.filesRemoved) files out, \(v2.filesAdded) in)\n")
        let sumQuery = "event_date = DATE '2024-01-02'"
        for v in [v1.version, v2.version] {
            let s = try table.snapshot(version: v)
            let c = try RowCondition.parse(sumQuery, schema: s.schema)
            let scan = try Scan(snapshot: s, store: table.store, columns: ["amount"], condition: c)
            let planned = try scan.plannedFiles()
            var total = 0.0, rows = 0
            for b in try scan.batches() {
                if case let .double(a) = b.columns[0].storage { total += a.reduce(0, +) }
                rows += b.count
            }
            say(String(format: "  time travel to v%lld: %d rows on 2024-01-02, amount total %.2f (read %d of %d files; %d skipped)\n",
                       v, rows, total, planned.files.count, planned.files.count + planned.skipped, planned.skipped))
        }
        try Checkpoints.write(table, try table.snapshot())
        let history = try table.history()
        say("  history: " + history.map { "v\($0.version) \($0.commitInfo?.operation ?? "?")" }.joined(separator: ", ")
            + "; checkpoint written at v\(v2.version)\n")
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
