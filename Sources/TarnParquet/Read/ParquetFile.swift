// ParquetFile: opens a Parquet file from a ByteSource (footer, schema) and reads row groups into
// record batches with column projection; chunks are read and decoded in parallel. Errors from
// the file are TarnErrors naming the file and the byte offset.
import TarnColumnar

/// Bounds on what a file may make the reader allocate: every size read from the file is checked
/// against these before allocating (spec/parquet.md "Reading untrusted files").
public struct ReadLimits: Sendable {
    public var maxPageBytes: Int
    public var maxValuesPerChunk: Int

    /// max(256 MiB, 64 × file size) for a page, and as many values as fit in that many bytes.
    public init(fileSize: Int) {
        maxPageBytes = max(256 << 20, min(fileSize, 1 << 40) * 64)
        maxValuesPerChunk = maxPageBytes / 8
    }
}

public final class ParquetFile: Sendable {
    public let source: any ByteSource
    public let metadata: FileMetaData
    /// The file's schema as Delta types.
    public let schema: StructType
    let readSchema: ReadSchema
    let limits: ReadLimits

    public init(source: any ByteSource) throws {
        self.source = source
        limits = ReadLimits(fileSize: source.size)
        var footerStart = 0
        do {
            (metadata, footerStart) = try ParquetFile.readFooter(source)
            readSchema = try ReadSchema(elements: metadata.schema)
            schema = readSchema.schema
            try ParquetFile.validate(metadata, readSchema)
        } catch var e as TarnError {
            if e.offset == nil { e.offset = footerStart }   // errors in the footer's content
            throw e.located(file: source.name)
        }
    }

    public var numRows: Int64 { metadata.numRows }
    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// The decoded footer and its file offset.
    static func readFooter(_ source: any ByteSource) throws -> (FileMetaData, Int) {
        let size = source.size
        guard size >= 12 else { throw TarnError.corruption("file of \(size) bytes is too small for Parquet", offset: 0) }
        let head = try source.read(offset: 0, count: 4)
        let tail = try source.read(offset: size - 8, count: 8)
        guard head == Array("PAR1".utf8) else { throw TarnError.corruption("missing PAR1 magic at the start", offset: 0) }
        if tail[4 ..< 8].elementsEqual("PARE".utf8) {
            throw TarnError(.unsupportedFeature, "encrypted Parquet footers are not supported", offset: size - 4)
        }
        guard tail[4 ..< 8].elementsEqual("PAR1".utf8) else {
            throw TarnError.corruption("missing PAR1 magic at the end", offset: size - 4)
        }
        let length = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard length <= size - 12 else {
            throw TarnError.corruption("footer length \(length) exceeds the file", offset: size - 8)
        }
        let footerStart = size - 8 - length
        return (try FileMetaData.decode(bytes: try source.read(offset: footerStart, count: length), baseOffset: footerStart), footerStart)
    }

    private static func validate(_ meta: FileMetaData, _ schema: ReadSchema) throws {
        guard meta.numRows >= 0 else { throw TarnError.corruption("negative row count \(meta.numRows)") }
        for (g, rg) in meta.rowGroups.enumerated() {
            guard rg.columns.count == schema.leaves.count else {
                throw TarnError.corruption("row group \(g) has \(rg.columns.count) column chunks for \(schema.leaves.count) leaf columns")
            }
            guard rg.numRows >= 0 else { throw TarnError.corruption("row group \(g) has a negative row count") }
        }
    }

    /// Indices of the top-level columns named in `columns` (all when nil); unknown names throw.
    public func columnIndices(_ columns: [String]?) throws -> [Int] {
        guard let columns else { return Array(schema.fields.indices) }
        return try columns.map { name in
            if let i = schema.index(of: name) { return i }
            if let i = schema.fields.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) { return i }
            throw TarnError(.invalidArgument, "no column named '\(name)'; the file has \(schema.fieldNames.joined(separator: ", "))",
                            file: source.name, column: name)
        }
    }

    /// Reads row group `index`, keeping only the top-level columns at `columnIndices` (all when nil).
    public func readRowGroup(_ index: Int, columnIndices: [Int]? = nil, parallel: Bool = true) throws -> RecordBatch {
        try readRowGroups([index], columnIndices: columnIndices, parallel: parallel)[0]
    }

    /// Reads several row groups, decoding all their column chunks in parallel (no barrier between
    /// row groups), then assembling one batch per row group.
    public func readRowGroups(_ groups: [Int], columnIndices: [Int]? = nil, parallel: Bool = true) throws -> [RecordBatch] {
        let selected = columnIndices ?? Array(schema.fields.indices)
        var leafIndices: [Int] = []
        for c in selected { leafIndices.append(contentsOf: leaves(under: readSchema.roots[c])) }
        let jobs = groups.flatMap { g in leafIndices.map { (g, $0) } }
        let results = ParallelMap.run(count: jobs.count, parallel: parallel) { k in
            try self.readChunk(self.metadata.rowGroups[jobs[k].0], leaf: jobs[k].1)
        }
        var batches: [RecordBatch] = []
        for (n, g) in groups.enumerated() {
            var chunks: [Int: DecodedChunk] = [:]
            for (k, leaf) in leafIndices.enumerated() { chunks[leaf] = try results[n * leafIndices.count + k].get() }
            batches.append(try assemble(g, selected, chunks))
        }
        return batches
    }

    private func assemble(_ index: Int, _ selected: [Int], _ chunks: [Int: DecodedChunk]) throws -> RecordBatch {
        let group = metadata.rowGroups[index]
        let assembler = Assembler(schema: readSchema, chunks: chunks, file: source.name)
        var columns: [Column] = []
        for c in selected {
            let groupOffset = Int(clamping: group.columns[leaves(under: readSchema.roots[c])[0]].metaData?.dataPageOffset ?? 0)
            do {
                let col = try assembler.column(readSchema.roots[c])
                guard Int64(col.count) == group.numRows else {
                    throw TarnError(.corruption, "column '\(schema.fields[c].name)' of row group \(index) has \(col.count) rows, the row group \(group.numRows)",
                                    file: source.name)
                }
                columns.append(col)
            } catch var e as TarnError {
                if e.offset == nil { e.offset = groupOffset }
                throw e
            }
        }
        let fields = selected.map { schema.fields[$0] }
        return RecordBatch(schema: StructType(fields), columns: columns, count: Int(group.numRows))
    }

    /// Reads every row group (one batch each).
    public func readAll(columns: [String]? = nil) throws -> [RecordBatch] {
        try readRowGroups(Array(0 ..< rowGroupCount), columnIndices: try columnIndices(columns))
    }

    func leaves(under node: ReadNode) -> [Int] {
        switch node.kind {
        case let .primitive(leaf): return [leaf]
        case let .group(children): return children.flatMap { leaves(under: $0) }
        case let .list(element, _, _): return leaves(under: element)
        case let .map(key, value, _, _): return leaves(under: key) + leaves(under: value)
        }
    }

    private func readChunk(_ group: RowGroup, leaf: Int) throws -> DecodedChunk {
        guard let meta = group.columns[leaf].metaData else {
            throw TarnError(.corruption, "column chunk without metadata", file: source.name, offset: Int(clamping: group.columns[leaf].fileOffset))
        }
        let leafInfo = readSchema.leaves[leaf]
        if meta.numValues == 0 {   // e.g. pyarrow's empty row groups point their chunks at offset 0
            return DecodedChunk(values: ValueAccumulator(physical: leafInfo.physical, width: leafInfo.typeLength))
        }
        var start = meta.dataPageOffset
        if let d = meta.dictionaryPageOffset, d > 0, d < start { start = d }
        let length = meta.totalCompressedSize
        guard start >= 4, length >= 0, start + length <= Int64(source.size),
              meta.dataPageOffset >= start, meta.dataPageOffset < start + max(length, 1) else {
            throw TarnError(.corruption, "column chunk \(readSchema.leaves[leaf].path.joined(separator: ".")) at \(start)+\(length) lies outside the file",
                            file: source.name, offset: Int(clamping: start))
        }
        let bytes = try source.read(offset: Int(start), count: Int(length))
        do {
            return try Decompressor.withPooled { d in
                try ChunkReader(leaf: readSchema.leaves[leaf], bytes: bytes, base: Int(start), limits: limits, decompressor: d).read(meta: meta)
            }
        } catch let e as TarnError {
            var located = e.located(file: source.name)
            if located.offset == nil { located.offset = Int(start) }
            if located.column == nil { located.column = readSchema.leaves[leaf].path.joined(separator: ".") }
            throw located
        }
    }
}
