// Z-order rewrite of one bin: the bin's files are read in parallel, every row is keyed by its
// clustering columns (ZOrderKeys, ranks fitted on the bin's own values), the keys are sorted
// (KeySort), and the rows are written in key order in chunks gathered straight from the batches
// read, so the bin is never concatenated into one copy.
import Foundation
import TarnDelta

extension OptimizeRewrite {
    /// Rows gathered and handed to the writer at a time.
    static let zOrderChunkRows = 1 << 16
    /// Most batches a chunk is gathered from (a part index is 16 bits).
    static let maxGatherParts = 1 << 12

    func zOrder(_ bin: OptimizeBin, into w: inout DataFileWriter) throws {
        let batches = try readAll(bin)
        guard !batches.isEmpty else { return }
        let clustering = try batches.map { b in try options.zOrderBy.map { try clusteringColumn(b, $0) } }
        var ranker = ZOrderRanker(types: clustering[0].map(\.type), curve: options.curve)
        for columns in clustering { ranker.addSample(columns) }
        let ranked = ranker.finish()
        let parts = try ParallelMap.run(count: batches.count, parallel: true) { i in
            (keys: ranked.keys(clustering[i]), data: try self.layout.dataBatch(batches[i]))
        }.map { try $0.get() }
        var keys: [UInt64] = []
        keys.reserveCapacity(parts.reduce(0) { $0 + $1.keys.count })
        for p in parts { keys.append(contentsOf: p.keys) }
        let order = KeySort.order(keys)
        keys = []
        try writeInOrder(order, parts.map(\.data), into: &w)
        advance(bin.bytes - bin.bytes / 2)
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

    private func clusteringColumn(_ batch: RecordBatch, _ name: String) throws -> Column {
        guard let c = batch.column(named: name) else {
            throw TarnError(.invalidArgument, "ZORDER BY column '\(name)' is not in the table", table: table.location, column: name)
        }
        return c
    }

    /// Writes the rows of `data` (batches end to end) at global positions `order`, a chunk at a time.
    private func writeInOrder(_ order: [Int32], _ data: [RecordBatch], into w: inout DataFileWriter) throws {
        var firstRows: [Int] = []
        var total = 0
        for b in data { firstRows.append(total); total += b.count }
        let starts = firstRows
        let schema = data[0].schema
        let columns = schema.fields.indices.map { c in data.map { $0.columns[c] } }
        let chunks = (order.count + OptimizeRewrite.zOrderChunkRows - 1) / OptimizeRewrite.zOrderChunkRows
        // Gathering chunk N+1 overlaps writing chunk N (gathering is random access, writing
        // encodes column by column).
        let prefetch = Prefetch(count: chunks) { k -> RecordBatch in
            let start = k * OptimizeRewrite.zOrderChunkRows, end = min(order.count, start + OptimizeRewrite.zOrderChunkRows)
            let refs = PartRows(positions: order[start ..< end], starts: starts)
            let gathered = try ParallelMap.run(count: columns.count, parallel: true) { c in try Column.gather(columns[c], refs) }.map { try $0.get() }
            return RecordBatch(schema: schema, columns: gathered, count: end - start)
        }
        defer { prefetch.finish() }
        while let chunk = try prefetch.next() { try w.write(chunk) }
    }
}
