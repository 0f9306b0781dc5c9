// DataFileWriter: writes rows of one partition into Parquet data files under the table root
// (Hive-style `col=value/` directories, `part-<n>-<uuid>.<codec>.parquet` names), starting a new
// file when the current one reaches the target size, and returns an AddFile for each file with
// Delta statistics taken from the Parquet footer.
import Foundation
import TarnDelta

/// Unchecked Sendable: a writer is used by one thread at a time (partitions finish in parallel,
/// each on its own writer).
struct DataFileWriter: @unchecked Sendable {
    let store: any ObjectStore
    /// The schema of the data columns as stored (physical names, no partition columns).
    let fileSchema: StructType
    let options: WriterOptions
    let targetFileSizeBytes: Int
    let statsColumns: ([String]) -> Bool
    let directory: String
    let partitionValues: [String: String?]
    private(set) var adds: [AddFile] = []
    private var current: (writer: ParquetWriter, sink: any ObjectSink, key: String, rows: Int)?
    private var counter = 0

    init(store: any ObjectStore, fileSchema: StructType, options: WriterOptions, targetFileSizeBytes: Int,
         statsColumns: @escaping ([String]) -> Bool, directory: String, partitionValues: [String: String?]) {
        self.store = store
        self.fileSchema = fileSchema
        self.options = options
        self.targetFileSizeBytes = targetFileSizeBytes
        self.statsColumns = statsColumns
        self.directory = directory
        self.partitionValues = partitionValues
    }

    /// Writes the rows of `batch` (a batch in the file schema) at `rows` (all when nil), in
    /// slices of about one row group, so that a file closes near the target size even when one
    /// call brings many files' worth of rows. `codes`: dictionary codes of some byte columns
    /// (by column index), used when the whole batch goes to one file.
    mutating func write(_ batch: RecordBatch, rows: [Int32]? = nil, codes: [Int: DictionaryCodes] = [:]) throws {
        let n = rows?.count ?? batch.count
        guard n > 0 else { return }
        let bytesPerRow = max(1, batch.estimatedBytes / max(1, batch.count))
        let slice = max(4096, options.rowGroupSizeBytes / bytesPerRow)
        var start = 0
        while start < n {
            let end = min(n, start + slice)
            if current == nil { try open() }
            guard var c = current else { return }
            if let rows {
                try c.writer.write(batch, rows: start == 0 && end == n ? rows : Array(rows[start ..< end]))
            } else if start == 0 && end == n {
                try c.writer.write(batch, codes: codes)
            } else {
                try c.writer.write(batch, rows: (Int32(start) ..< Int32(end)).map { $0 })
            }
            c.rows += end - start
            current = c
            if c.writer.encodedBytes >= Int64(targetFileSizeBytes) { try finishFile() }
            start = end
        }
    }

    private mutating func open() throws {
        let suffix = DataFileWriter.codecSuffix(options.codec)
        let name = String(format: "part-%05d-%@-c000.%@.parquet", counter, UUID().uuidString.lowercased(), suffix)
        counter += 1
        let key = directory.isEmpty ? name : directory + "/" + name
        let sink = try store.sink(key)
        current = (try ParquetWriter(sink: sink, schema: fileSchema, options: options), sink, key, 0)
    }

    /// Closes the current file and records its AddFile.
    mutating func finishFile() throws {
        guard let c = current else { return }
        current = nil
        do {
            let meta = try c.writer.close()
            try c.sink.close()
            let stats = DeltaStats(numRecords: meta.numRows, leaves: try FileStatistics.leaves(meta), include: statsColumns)
            adds.append(AddFile(path: LogPath.encode(c.key), partitionValues: partitionValues, size: Int64(c.sink.bytesWritten),
                                modificationTime: Int64(Date().timeIntervalSince1970 * 1000), dataChange: true, stats: stats.jsonString))
        } catch {
            c.sink.abort()
            throw error
        }
    }

    /// Finishes the last file of every writer in parallel (each also encodes its columns in
    /// parallel); returns all their AddFiles. On failure every writer's files are removed.
    static func finishAll(_ writers: [DataFileWriter]) throws -> [AddFile] {
        let finished = ParallelMap.run(count: writers.count, parallel: true) { i in
            var w = writers[i]
            do {
                try w.finishFile()
            } catch {
                w.abort()
                throw error
            }
            return w.adds
        }
        var adds: [AddFile] = []
        var failure: (any Error)?
        for r in finished {
            switch r {
            case let .success(a): adds += a
            case let .failure(e): failure = failure ?? e
            }
        }
        if let failure {
            for a in adds { try? writers.first?.store.delete(LogPath.decode(a.path)) }
            throw failure
        }
        return adds
    }

    /// Removes the files written so far (after a failed write: nothing is left behind).
    func abort() {
        current?.sink.abort()
        for a in adds { try? store.delete(LogPath.decode(a.path)) }
    }

    static func codecSuffix(_ c: CompressionCodec) -> String {
        switch c {
        case .zstd: return "zstd"
        case .snappy: return "snappy"
        case .gzip: return "gz"
        case .lz4Raw: return "lz4raw"
        case .lz4: return "lz4"
        default: return "uncompressed"
        }
    }
}
