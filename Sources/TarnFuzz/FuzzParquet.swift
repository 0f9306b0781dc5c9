// FuzzParquet: the `thrift` and `parquet` targets. Thrift: the bytes as a Compact-encoded
// FileMetaData (then its statistics) and as a PageHeader. Parquet: the bytes as a whole file read
// through an in-memory ByteSource: footer, statistics, every column of every row group.
import TarnParquet

enum FuzzParquet {
    /// The `thrift` target.
    static func thrift(_ bytes: [UInt8]) throws {
        attempt {
            let meta = try FileMetaData.decode(bytes: bytes, baseOffset: 0)
            _ = try FileStatistics.leaves(meta)
            _ = meta.serialized()
        }
        attempt {
            let (header, length) = try PageHeader.decode(bytes: bytes, at: 0, end: bytes.count, baseOffset: 0)
            _ = header.serialized()
            // A second header right after the first, as in a column chunk.
            if length < bytes.count { _ = try PageHeader.decode(bytes: bytes, at: length, end: bytes.count, baseOffset: 0) }
        }
    }

    /// The `parquet` target.
    static func parquet(_ bytes: [UInt8]) throws {
        try readEveryColumn(ParquetFile(source: MemorySource(bytes, name: "fuzz.parquet")))
    }

    /// Reads every column of every row group, one chunk at a time and on this thread, so the
    /// fuzzer sees one decoder at work and no thread pool.
    static func readEveryColumn(_ file: ParquetFile) throws {
        attempt { _ = try FileStatistics.leaves(file.metadata) }
        for g in 0 ..< file.rowGroupCount {
            attempt {
                let batch = try file.readRowGroup(g, parallel: false)
                for column in batch.columns where column.count > 0 {
                    _ = column.value(at: column.count - 1)
                }
            }
        }
    }
}
