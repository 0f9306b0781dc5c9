// ParquetWriter: streams record batches into a Parquet file (spec/parquet.md "File layout").
// Batches are buffered (by reference) until about 64 Ki rows are pending, then appended to the
// row group's column chunk writers, top-level columns in parallel; when the row group is full by
// bytes or rows its chunks are finished and written in order. Memory stays near one row group of
// encoded pages plus one step of input, whatever the file size. close() writes the footer.
import Dispatch
import TarnCodecs
import TarnColumnar

/// Not thread-safe: one thread drives a writer. (Unchecked Sendable only so its own column jobs can
/// read the pending batches in parallel while the driving thread waits.)
public final class ParquetWriter: @unchecked Sendable {
    public let schema: StructType
    public let options: WriterOptions
    private let sink: ByteSink
    /// Row-group bytes go through this when `options.parallel` (write overlaps the next encode).
    private let background: BackgroundSink?
    private let layout: WriteSchema
    private var offset: Int64 = 0
    private var rowGroups: [RowGroup] = []
    /// Buffered input: positions `rows` of a batch's rows, or of `selection` (row indices) when given.
    private var pending: [(batch: RecordBatch, rows: Range<Int>, selection: [Int32]?, codes: [Int: DictionaryCodes])] = []
    private var pendingRows = 0
    /// The open row group's chunk writers (per top-level column, its leaves), its rows and estimated input bytes.
    private var chunkWriters: [[ColumnChunkWriter]]?
    private var groupRows = 0
    private var groupBytes = 0
    private var totalRows: Int64 = 0
    private var closed = false
    /// Rows handed to the chunk writers at a time (page sizes are checked between slices).
    static let sliceRows = 8192
    /// Pending rows that trigger an encode step (amortizes the parallel dispatch over small batches).
    static let encodeStepRows = 1 << 16

    public init(sink: ByteSink, schema: StructType, options: WriterOptions = WriterOptions()) throws {
        self.sink = sink
        background = options.parallel ? BackgroundSink(sink) : nil
        self.schema = schema
        self.options = options
        layout = try WriteSchema(schema)
        _ = try Compressor(codec: options.codec, level: options.effectiveLevel)   // validate early
        try emit(Array("PAR1".utf8))
    }

    private func emit(_ bytes: [UInt8]) throws {
        try sink.write(bytes)
        offset += Int64(bytes.count)
    }

    /// Bytes of the file so far (row groups encoded, possibly still being written in the background).
    public var encodedBytes: Int64 { offset }

    /// Buffers `batch`, writing out row groups as they fill.
    public func write(_ batch: RecordBatch) throws {
        try write(batch, selection: nil)
    }

    /// Buffers `batch` whose top-level byte columns at the keys of `codes` also come as dictionary
    /// codes (one per row; see DictionaryCodes): those are dictionary-encoded from the codes.
    package func write(_ batch: RecordBatch, codes: [Int: DictionaryCodes]) throws {
        try write(batch, selection: nil, codes: codes)
    }

    /// Buffers the rows of `batch` at `rows` (indices, in order), without copying them. A
    /// contiguous run of indices (e.g. a partition of time-ordered data) is taken as a range.
    public func write(_ batch: RecordBatch, rows: [Int32]) throws {
        if let first = rows.first, let last = rows.last, Int(last) - Int(first) + 1 == rows.count {
            try write(batch, selection: nil, range: Int(first) ..< Int(last) + 1)
        } else {
            try write(batch, selection: rows)
        }
    }

    private func write(_ batch: RecordBatch, selection: [Int32]?, range: Range<Int>? = nil, codes: [Int: DictionaryCodes] = [:]) throws {
        precondition(!closed, "write after close")
        guard batch.schema.fields.map(\.type) == schema.fields.map(\.type) else {
            throw TarnError(.schemaMismatch, "batch schema \(batch.schema.fields.map { "\($0.name) \($0.type)" }) does not match the file schema \(schema.fields.map { "\($0.name) \($0.type)" })")
        }
        try checkNullability(batch)
        let bytesPerRow = max(1, batch.estimatedBytes / max(1, batch.count))
        let total = range?.upperBound ?? selection?.count ?? batch.count
        var start = range?.lowerBound ?? 0
        while start < total {
            let roomRows = options.maxRowGroupRows - groupRows
            let roomBytes = max(1, (options.rowGroupSizeBytes - groupBytes) / bytesPerRow)
            let n = min(total - start, roomRows, roomBytes)
            pending.append((batch, start ..< start + n, selection, selection == nil ? codes : [:]))
            pendingRows += n
            groupRows += n
            groupBytes += n * bytesPerRow
            start += n
            if groupRows >= options.maxRowGroupRows || groupBytes >= options.rowGroupSizeBytes {
                try flushRowGroup()
            } else if pendingRows >= ParquetWriter.encodeStepRows {
                try encodePending()
            }
        }
    }

    private func checkNullability(_ batch: RecordBatch) throws {
        for (f, c) in zip(schema.fields, batch.columns) where !f.nullable && c.nullCount > 0 {
            throw TarnError(.schemaMismatch, "column is not nullable but the batch has \(c.nullCount) nulls", column: f.name)
        }
    }

    /// Appends the pending rows to the row group's chunk writers, top-level columns in parallel.
    private func encodePending() throws {
        guard pendingRows > 0 else { return }
        if chunkWriters == nil {
            chunkWriters = try layout.roots.map { root in try root.leaves.map { try ColumnChunkWriter(leaf: layout.leaves[$0], options: options) } }
        }
        let results = ParallelMap.run(count: layout.roots.count, parallel: options.parallel) { i in try self.appendPending(root: i) }
        for r in results { try r.get() }
        pending = []
        pendingRows = 0
    }

    /// Writes the buffered rows as one row group (if any).
    public func flushRowGroup() throws {
        try encodePending()
        guard groupRows > 0, let count = chunkWriters?.count else { return }
        // Offsets are relative to each chunk's own start; placed below.
        let results = ParallelMap.run(count: count, parallel: options.parallel) { i in
            try (self.chunkWriters?[i] ?? []).map { try $0.finish(fileOffset: 0) }
        }
        var chunks: [ColumnChunk] = []
        var bytes: [[UInt8]] = []
        let groupStart = offset
        var uncompressed: Int64 = 0
        for r in results {
            for (parts, var meta) in try r.get() {
                meta.dataPageOffset += offset
                meta.dictionaryPageOffset = meta.dictionaryPageOffset.map { $0 + offset }
                uncompressed += meta.totalUncompressedSize
                chunks.append(ColumnChunk(fileOffset: meta.dictionaryPageOffset ?? meta.dataPageOffset, metaData: meta))
                bytes.append(contentsOf: parts)
                offset += Int64(meta.totalCompressedSize)
            }
        }
        if let background { try background.enqueue(bytes) } else { for b in bytes { try sink.write(b) } }
        rowGroups.append(RowGroup(columns: chunks, totalByteSize: uncompressed, numRows: Int64(groupRows),
                                  fileOffset: groupStart, totalCompressedSize: offset - groupStart,
                                  ordinal: Int16(truncatingIfNeeded: rowGroups.count)))
        totalRows += Int64(groupRows)
        chunkWriters = nil
        groupRows = 0
        groupBytes = 0
    }

    /// Appends the pending rows of top-level column `i` to its leaves' chunk writers.
    private func appendPending(root i: Int) throws {
        guard let writers = chunkWriters?[i] else { return }
        let root = layout.roots[i]
        for (batch, rows, selection, codes) in pending {
            let column = batch.columns[i]
            var s = rows.lowerBound
            while s < rows.upperBound {
                let slice = s ..< min(rows.upperBound, s + ParquetWriter.sliceRows)
                if let selection {
                    try ColumnSlicer.append(root, column, indices: Array(selection[slice]), layout: layout, writers: writers)
                } else {
                    try ColumnSlicer.append(root, column, slice, layout: layout, writers: writers, codes: codes[i])
                }
                s = slice.upperBound
            }
        }
    }

    /// Flushes the last row group and writes the footer. Returns the file metadata.
    @discardableResult
    public func close() throws -> FileMetaData {
        precondition(!closed, "close twice")
        try flushRowGroup()
        try background?.drain()
        closed = true
        var kv = options.keyValueMetadata.sorted { $0.key < $1.key }.map { KeyValue(key: $0.key, value: $0.value) }
        if kv.isEmpty { kv = [] }
        let meta = FileMetaData(version: 1, schema: layout.elements, numRows: totalRows, rowGroups: rowGroups,
                                keyValueMetadata: kv.isEmpty ? nil : kv, createdBy: options.createdBy,
                                columnOrders: layout.leaves.map { _ in .typeOrder })
        let footer = meta.serialized()
        try emit(footer)
        var tail: [UInt8] = []
        tail.appendLE(UInt32(footer.count))
        tail.append(contentsOf: Array("PAR1".utf8))
        try emit(tail)
        return meta
    }
}
