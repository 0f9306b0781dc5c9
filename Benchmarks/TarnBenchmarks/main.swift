// tarn-benchmarks: Tarn's side of the Parquet benchmark workloads (Benchmarks/README.md).
// Each workload times the operation in-process (input already in memory for writes; a file on
// disk for reads) and prints one JSON object per run, for Benchmarks/run.py to set beside pyarrow.
//   tarn-benchmarks write INPUT.parquet OUTPUT.parquet [codec] [repeat]
//   tarn-benchmarks read FILE.parquet [repeat]
import Foundation
import TarnParquet
import TarnStorage
import TarnTable

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func emit(_ fields: [String: Any]) {
    if let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) {
        print(String(decoding: data, as: UTF8.self))
    }
}

func codec(_ name: String) -> CompressionCodec {
    switch name {
    case "snappy": return .snappy
    case "gzip": return .gzip
    case "lz4": return .lz4Raw
    case "none": return .uncompressed
    default: return .zstd
    }
}

func readAll(_ path: String) throws -> [RecordBatch] {
    try ParquetFile(source: try LocalFileSource(path: path)).readAll()
}

func write(_ batches: [RecordBatch], to path: String, codec: CompressionCodec) throws -> Int {
    let sink = try LocalFileSink(path: path, durable: false)   // pyarrow's write_table does not fsync either
    let w = try ParquetWriter(sink: sink, schema: batches[0].schema, options: WriterOptions(codec: codec))
    for b in batches { try w.write(b) }
    try w.close()
    try sink.close()
    return sink.bytesWritten
}

let args = CommandLine.arguments
AllocatorTuning.configureForBulkWork()
do {
    switch args.count > 1 ? args[1] : "" {
    case "write" where args.count >= 4:
        let batches = try readAll(args[2])
        let rows = batches.reduce(0) { $0 + $1.count }
        let c = args.count > 4 ? args[4] : "zstd"
        for _ in 0 ..< (args.count > 5 ? Int(args[5]) ?? 3 : 3) {
            var bytes = 0
            let t = try seconds { bytes = try write(batches, to: args[3], codec: codec(c)) }
            emit(["engine": "tarn", "workload": "write", "codec": c, "rows": rows, "bytes": bytes, "seconds": t])
        }
    case "table-write" where args.count >= 4:
        // tarn-benchmarks table-write INPUT DIR [partitionColumn|-] [repeat]: bulk Delta writes (no fsync)
        let batches = try readAll(args[2])
        let partition = args.count > 4 && args[4] != "-" ? [args[4]] : []
        for _ in 0 ..< (args.count > 5 ? Int(args[5]) ?? 3 : 3) {
            try? FileManager.default.removeItem(atPath: args[3])
            try FileManager.default.createDirectory(atPath: args[3], withIntermediateDirectories: true)
            var options = WriteOptions()
            options.partitionBy = partition
            let table = Table(store: try LocalStore.open(root: args[3], durable: false))
            let t = try seconds { _ = try table.write(batches, options: options) }
            emit(["engine": "tarn", "workload": "table-write", "partition": partition.joined(), "seconds": t])
        }
    case "read" where args.count >= 3:
        for _ in 0 ..< (args.count > 3 ? Int(args[3]) ?? 3 : 3) {
            var rows = 0
            let t = try seconds { rows = try readAll(args[2]).reduce(0) { $0 + $1.count } }
            emit(["engine": "tarn", "workload": "read", "file": args[2], "rows": rows, "seconds": t])
        }
    default:
        FileHandle.standardError.write(Data("usage: tarn-benchmarks write INPUT OUTPUT [codec] [repeat] | read FILE [repeat]\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
