// `tarn bench write`: the write-throughput benchmark users run: generated events rows (or a
// file's rows) into a new table, either as one bulk write or as N commits of M rows, reporting
// rows/s, MB/s, files and commit-latency percentiles (`--json` for one machine-readable object).
import ArgumentParser
import Foundation
import TarnTable

struct BenchGroup: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Benchmarks users run.", subcommands: [BenchWrite.self, BenchOpen.self])
}

struct BenchWrite: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "write", abstract: "Measure write throughput into a new table.")
    @Option(help: "Generated events rows (bulk mode).") var rows: Int?
    @Option(help: "Write the rows of this file instead of generated ones.") var input: String?
    @Option(help: "Table directory (default: a temporary one, removed afterwards).") var output: String?
    @Option(name: .customLong("partition-by"), help: "Partition columns.") var partitionBy: String?
    @Option(help: "Codec of the data files.") var codec: String = "zstd"
    @Option(help: "Number of commits (commit mode).") var commits: Int?
    @Option(name: .customLong("rows-per-commit"), help: "Rows per commit (commit mode).") var rowsPerCommit: Int = 2000
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(name: .customLong("no-fsync"), help: "Do not fsync data files and commits (as writers that do not sync; not durable).")
    var noFsync = false

    func run() throws {
        try reportingErrors {
            let dir = output ?? FileManager.default.temporaryDirectory.appendingPathComponent("tarn-bench-\(UUID().uuidString)").path
            defer { if output == nil { try? FileManager.default.removeItem(atPath: dir) } }
            let table = try TableLocation.create(dir, durable: !noFsync)
            var options = WriteOptions()
            options.partitionBy = try partitionBy.map(parseColumnList) ?? []
            options.codec = try parseCodec(codec)
            let progress = Progress(label: "bench write")
            var latencies: [Double] = []
            var totalRows = 0, files = 0
            var bytes: Int64 = 0
            let bulk = commits == nil ? try inputBatches() : []     // input is prepared before timing
            let start = DispatchTime.now().uptimeNanoseconds
            if let commits {
                var generator = EventsGenerator()
                let source = try input.map { _ in try RecordBatch.concatenate(try inputBatches()) }
                for c in 0 ..< commits {
                    let batch = source.map { $0.slice((c * rowsPerCommit % max(1, $0.count)) ..< min($0.count, c * rowsPerCommit % max(1, $0.count) + rowsPerCommit)) }
                        ?? generator.batch(first: Int64(c * rowsPerCommit), count: rowsPerCommit, total: Int64(commits * rowsPerCommit))
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let r = try table.write([batch], options: options)
                    latencies.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                    totalRows += r.rowsWritten
                    files += r.filesAdded
                    bytes += r.bytesWritten
                    progress.update(Double(c + 1) / Double(commits))
                }
            } else {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let r = try table.write(bulk, options: options)
                latencies.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                totalRows = r.rowsWritten
                files = r.filesAdded
                bytes = r.bytesWritten
            }
            progress.finish()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            report(rows: totalRows, bytes: bytes, files: files, seconds: seconds, latencies: latencies)
        }
    }

    private func inputBatches() throws -> [RecordBatch] {
        if let input {
            let source = try Inputs.open(input, format: try DataFormat.resolve(nil, path: input, flagName: "--input"), schema: nil)
            var out: [RecordBatch] = []
            while let b = try source.next() { out.append(b) }
            return out
        }
        var generator = EventsGenerator()
        return generator.batches(rows: rows ?? 1_000_000)
    }

    private func tenth<C: Collection>(_ part: C) -> Double where C.Element == Double {
        let s = part.sorted()
        return s.isEmpty ? 0 : s[s.count / 2]
    }

    private func report(rows: Int, bytes: Int64, files: Int, seconds: Double, latencies: [Double]) {
        let sorted = latencies.sorted()
        func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))] }
        let commitCount = latencies.count
        if json {
            let doc = JSONValue.object([
                ("rows", .int(rows)), ("bytes", .int(bytes)), ("files", .int(files)), ("seconds", .number(String(seconds))),
                ("rows_per_second", .number(String(Double(rows) / seconds))), ("mb_per_second", .number(String(Double(bytes) / 1e6 / seconds))),
                ("commits", .int(commitCount)), ("commits_per_second", .number(String(Double(commitCount) / seconds))),
                ("commit_latency_ms_p50", .number(String(pct(0.5)))), ("commit_latency_ms_p99", .number(String(pct(0.99)))),
                ("commit_latency_ms_first_tenth_p50", .number(String(tenth(latencies.prefix(max(1, commitCount / 10)))))),
                ("commit_latency_ms_last_tenth_p50", .number(String(tenth(latencies.suffix(max(1, commitCount / 10)))))),
            ])
            print(doc.serialized())
        } else {
            print(String(format: "%d rows, %d files, %.1f MB in %.3f s: %.0f rows/s, %.1f MB/s; %d commits (%.1f/s), latency p50 %.1f ms, p99 %.1f ms",
                         rows, files, Double(bytes) / 1e6, seconds, Double(rows) / seconds, Double(bytes) / 1e6 / seconds,
                         commitCount, Double(commitCount) / seconds, pct(0.5), pct(0.99)))
        }
    }
}

/// `tarn bench open`: time loading a snapshot (replaying the log from its newest checkpoint).
struct BenchOpen: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "open", abstract: "Measure how long opening a table version takes.")
    @Argument(help: "The table directory.") var path: String
    @Option(help: "Version to open (default: latest).") var version: Int64?
    @Option(name: .customLong("repeat"), help: "Timed repetitions (after one warm-up).") var repetitions: Int = 5
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            _ = try Table.open(path: path)
            var times: [Double] = []
            var loaded: Int64 = 0
            for i in 0 ... max(1, repetitions) {
                let t0 = DispatchTime.now().uptimeNanoseconds
                // A fresh Table each time: nothing cached from the previous run.
                loaded = try Table(store: try LocalStore.open(root: path)).snapshot(version: version).version
                if i > 0 { times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6) }
            }
            let median = times.sorted()[times.count / 2]
            if json {
                print(JSONValue.object([("version", .int(loaded)), ("median_ms", .number(String(median))),
                                        ("runs_ms", .array(times.map { .number(String($0)) }))]).serialized())
            } else {
                print(String(format: "opened version %lld in %.2f ms (median of %d)", loaded, median, times.count))
            }
        }
    }
}
