// Z-order rewrite of one bin: the bin's files are read in parallel, every row is keyed by its
// clustering columns (ZOrderKeys, ranks fitted on the bin's own values), the keys are sorted
// (KeySort), and the rows are written in key order in chunks gathered straight from the batches
// read, so the bin is never concatenated into one copy. With spare cores the sorted rows are cut
// into lanes at whole estimated files, each written by its own writer on its own core.
import Foundation
import TarnDelta

extension OptimizeRewrite {
    /// Rows gathered and handed to the writer at a time.
    static let zOrderChunkRows = 1 << 16
    /// Most batches a chunk is gathered from (a part index is 16 bits).
    static let maxGatherParts = 1 << 12

    func zOrder(_ bin: OptimizeBin, lanes: Int) throws -> [AddFile] {
        var batches = try readAll(bin)
        guard !batches.isEmpty else { return [] }
        var clustering = try batches.map { b in try options.zOrderBy.map { try clusteringColumn(b, $0) } }
        var ranker = ZOrderRanker(types: clustering[0].map(\.type), curve: options.curve)
        for columns in clustering { ranker.addSample(columns) }
        let ranked = ranker.finish()
        // Coded clustering columns (the source codes low-cardinality strings) are ranked once per
        // dictionary entry.
        let source = GatherSource(try batches.map { try layout.dataBatch($0) })
        var codedRanks: [Int: (DictionaryCoding, [UInt32])] = [:]
        for (c, name) in options.zOrderBy.enumerated() {
            if let f = fileIndex(of: name), case let .coded(coding) = source.columns[f] {
                codedRanks[c] = (coding, ranked.ranks(coding.dictionaryColumn, index: c))
            }
        }
        // Every batch's keys go straight into one buffer, which the sort then reuses.
        let starts = source.starts, total = source.rows
        var keys = [UInt64](unsafeUninitializedCapacity: total) { out, done in
            guard let base = out.baseAddress else { return }
            let into = SharedBuffer(base)
            _ = ParallelMap.run(count: batches.count, parallel: true) { [clustering, batches, codedRanks] i in
                let coded = codedRanks.mapValues { coding, ranks in
                    let part = coding.part(i)
                    return ZOrderRanks.CodedRanks(codes: part.codes, validity: part.validity, ranks: ranks)
                }
                ranked.keys(clustering[i], coded: coded, into: UnsafeMutableBufferPointer(start: into.base + starts[i], count: batches[i].count))
            }
            done = total
        }
        clustering = []
        batches = []   // columns the source holds as codes are freed here
        let order = KeySort.order(consuming: &keys)
        let ranges = laneRanges(rows: order.count, bytes: bin.bytes, lanes: lanes)
        let adds: [[AddFile]]
        if ranges.count == 1 {
            adds = [try writing(bin) { w in try writeInOrder(order[...], source, into: &w) }]
        } else {
            adds = try OptimizeRewrite.collect(ParallelMap.run(count: ranges.count, parallel: true) { i in
                try self.writing(bin, parallel: false) { w in try self.writeInOrder(order[ranges[i]], source, prefetch: false, into: &w) }
            }, table)
        }
        advance(bin.bytes - bin.bytes / 2)
        return adds.flatMap { $0 }
    }

    /// `rows` cut into at most `lanes` ranges of whole estimated files (rows per file from the
    /// input's bytes per row and the target size), so each lane's files are near the target.
    func laneRanges(rows: Int, bytes: Int64, lanes: Int) -> [Range<Int>] {
        let rowsPerFile = max(1, Int(Double(layout.targetFileSizeBytes) * Double(rows) / Double(max(1, bytes))))
        let files = (rows + rowsPerFile - 1) / rowsPerFile
        let n = max(1, min(lanes, files))
        return (0 ..< n).map { i in
            min(rows, i * files / n * rowsPerFile) ..< (i == n - 1 ? rows : min(rows, (i + 1) * files / n * rowsPerFile))
        }
    }

    /// Every batch of the bin's files, file by file in bin order (files read in parallel).
    private func readAll(_ bin: OptimizeBin) throws -> [RecordBatch] {
        let scan = try Scan(snapshot: snapshot, store: table.store)
        let files = ParallelMap.run(count: bin.files.count, parallel: true) { i -> [RecordBatch] in
            var out: [RecordBatch] = []
            try FileScan(scan: scan, add: bin.files[i]).read { out.append($0) }
            self.advance(bin.files[i].size / 2)
            return out
        }
        let batches = try files.flatMap { try $0.get() }.filter { $0.count > 0 }
        guard batches.count > OptimizeRewrite.maxGatherParts else { return batches }
        // Many tiny batches: merge neighbours so a gather has at most maxGatherParts sources.
        let group = (batches.count + OptimizeRewrite.maxGatherParts - 1) / OptimizeRewrite.maxGatherParts
        return try stride(from: 0, to: batches.count, by: group).map { s in
            try RecordBatch.concatenate(Array(batches[s ..< min(batches.count, s + group)]), schema: snapshot.schema)
        }
    }

    /// The file-schema column of a table column (nil for a partition column).
    private func fileIndex(of name: String) -> Int? {
        guard let logical = snapshot.schema.index(of: name) else { return nil }
        return layout.dataIndices.firstIndex(of: logical)
    }

    private func clusteringColumn(_ batch: RecordBatch, _ name: String) throws -> Column {
        guard let c = batch.column(named: name) else {
            throw TarnError(.invalidArgument, "ZORDER BY column '\(name)' is not in the table", table: table.location, column: name)
        }
        return c
    }

    /// The batches a Z-order bin writes from, end to end, by column. String and binary columns of
    /// few distinct values are held as dictionary codes (DictionaryCoding).
    struct GatherSource: Sendable {
        enum Parts: Sendable {
            case columns([Column])
            case coded(DictionaryCoding)
        }

        let schema: StructType
        let columns: [Parts]
        /// Each batch's first position, and the rows in all.
        let starts: [Int]
        let rows: Int
        let locator: PartLocator

        init(_ data: [RecordBatch]) {
            schema = data[0].schema
            columns = schema.fields.indices.map { c in
                let parts = data.map { $0.columns[c] }
                return DictionaryCoding.make(parts).map { .coded($0) } ?? .columns(parts)
            }
            var starts: [Int] = [], total = 0
            for b in data { starts.append(total); total += b.count }
            self.starts = starts
            rows = total
            locator = PartLocator(starts: starts, total: total)
        }

        /// The rows at global positions `positions` and the codes of coded columns; columns
        /// gathered in parallel when asked.
        func gather(_ positions: ArraySlice<Int32>, parallel: Bool) throws -> (batch: RecordBatch, codes: [Int: DictionaryCodes]) {
            let refs = PartRows(positions: positions, locator: locator)
            let gathered = try ParallelMap.run(count: columns.count, parallel: parallel) { c -> (Column, DictionaryCodes?) in
                switch columns[c] {
                case let .columns(parts): return (try Column.gather(parts, refs), nil)
                case let .coded(coded): return coded.gatherWithCodes(refs)
                }
            }.map { try $0.get() }
            var codes: [Int: DictionaryCodes] = [:]
            for (c, g) in gathered.enumerated() { codes[c] = g.1 }
            return (RecordBatch(schema: schema, columns: gathered.map(\.0), count: positions.count), codes)
        }
    }

    /// Writes the rows of `source` at global positions `order`, a chunk at a time. With
    /// `prefetch`, gathering chunk N+1 (columns in parallel) overlaps writing chunk N (gathering is
    /// random access, writing encodes column by column); without, one thread does both.
    private func writeInOrder(_ order: ArraySlice<Int32>, _ source: GatherSource, prefetch: Bool = true,
                              into w: inout DataFileWriter) throws {
        let step = OptimizeRewrite.zOrderChunkRows
        let chunks = (order.count + step - 1) / step
        @Sendable func chunk(_ k: Int, parallel: Bool) throws -> (batch: RecordBatch, codes: [Int: DictionaryCodes]) {
            let start = order.startIndex + k * step
            return try source.gather(order[start ..< min(order.endIndex, start + step)], parallel: parallel)
        }
        guard prefetch else {
            for k in 0 ..< chunks {
                let c = try chunk(k, parallel: false)
                try w.write(c.batch, codes: c.codes)
            }
            return
        }
        let ahead = Prefetch(count: chunks) { k in try chunk(k, parallel: true) }
        defer { ahead.finish() }
        while let c = try ahead.next() { try w.write(c.batch, codes: c.codes) }
    }
}
