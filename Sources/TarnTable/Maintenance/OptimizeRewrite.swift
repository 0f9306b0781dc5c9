// OptimizeRewrite: rewriting one bin into new files (`dataChange=false`). Compaction streams the
// bin's files row group by row group into one writer, so memory stays near one row group in and
// one out whatever the partition's size; deletion vectors are applied (the new files hold only
// live rows). Z-order reads the bin's rows, keys them (ZOrderKeys), sorts the keys and writes the
// rows in key order, tagging the files with the clustering columns.
import Foundation
import Synchronization
import TarnDelta

final class OptimizeRewrite: @unchecked Sendable {
    let table: Table
    let snapshot: Snapshot
    let options: OptimizeOptions
    let layout: FileLayout
    let totalBytes: Int64
    private let doneBytes = Mutex<Int64>(0)
    static let batchRows = 1 << 16

    init(table: Table, snapshot: Snapshot, options: OptimizeOptions, plan: OptimizePlan) throws {
        self.table = table
        self.snapshot = snapshot
        self.options = options
        var write = WriteOptions()
        write.targetFileSizeBytes = plan.targetFileSizeBytes
        layout = try FileLayout(schema: snapshot.schema, partitionColumns: snapshot.partitionColumns,
                                mapping: ColumnMapping(configuration: snapshot.configuration),
                                properties: TableProperties(snapshot.configuration), options: write)
        totalBytes = max(1, plan.bytes)
    }

    /// The new files of every bin (bins run in parallel); on failure every file written is deleted.
    func run(_ bins: [OptimizeBin]) throws -> [[AddFile]] {
        // Cores left over by running the bins side by side go to writing each Z-order bin in lanes.
        let lanes = options.lanes ?? max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, bins.count))
        return try OptimizeRewrite.collect(ParallelMap.run(count: bins.count, parallel: true) { i in
            try self.rewrite(bins[i], lanes: lanes)
        }, table)
    }

    /// Every job's files, or (when any failed) the first error after deleting the files of those
    /// that succeeded.
    static func collect(_ results: [Result<[AddFile], any Error>], _ table: Table) throws -> [[AddFile]] {
        var out: [[AddFile]] = []
        var failure: (any Error)?
        for r in results {
            switch r {
            case let .success(adds): out.append(adds)
            case let .failure(e): failure = failure ?? e
            }
        }
        if let failure {
            OptimizeRewrite.delete(out.flatMap { $0 }, table)
            throw failure
        }
        return out
    }

    func rewrite(_ bin: OptimizeBin, lanes: Int) throws -> [AddFile] {
        let adds = options.zOrderBy.isEmpty ? try compact(bin) : try zOrder(bin, lanes: lanes)
        let tag = options.zOrderBy.isEmpty ? nil : OptimizePlanner.zOrderTagValue(options.zOrderBy, options.curve)
        return adds.map { a in
            var add = a
            add.dataChange = false
            if let tag { add.tags = [OptimizePlanner.zOrderTag: tag] }
            return add
        }
    }

    /// Bin-packing: the bin's files streamed into one writer. Small files' batches are gathered
    /// into batches of about 64 Ki rows first: the writer appends a few large batches much faster
    /// than many small ones.
    private func compact(_ bin: OptimizeBin) throws -> [AddFile] {
        try writing(bin) { w in
            var pending: [RecordBatch] = [], pendingRows = 0
            func flush() throws {
                guard !pending.isEmpty else { return }
                let merged = pending.count == 1 ? pending[0] : try RecordBatch.concatenate(pending, schema: snapshot.schema)
                try w.write(try layout.dataBatch(merged))
                pending = []
                pendingRows = 0
            }
            for add in bin.files {
                try FileScan(scan: try Scan(snapshot: snapshot, store: table.store), add: add).read { batch in
                    pending.append(batch)
                    pendingRows += batch.count
                    if pendingRows >= OptimizeRewrite.batchRows { try flush() }
                }
                advance(add.size)
            }
            try flush()
        }
    }

    /// Runs `body` on a new writer of the bin's partition and finishes its last file; on failure
    /// the writer's files are deleted.
    func writing(_ bin: OptimizeBin, parallel: Bool = true, _ body: (inout DataFileWriter) throws -> Void) throws -> [AddFile] {
        var w = layout.writer(store: table.store, partition: partitionKey(bin), parallel: parallel)
        do {
            try body(&w)
            try w.finishFile()
        } catch {
            w.abort()
            throw error
        }
        return w.adds
    }

    private func partitionKey(_ bin: OptimizeBin) -> [String?] {
        let mapping = ColumnMapping(configuration: snapshot.configuration)
        return layout.partitionIndices.map { i in
            let f = snapshot.schema.fields[i]
            return bin.partitionValues[mapping.physicalName(f)] ?? bin.partitionValues[f.name] ?? nil
        }
    }

    func advance(_ bytes: Int64) {
        guard let progress = options.progress else { return }
        doneBytes.withLock { d in   // under the lock: callers need not be thread-safe
            d += bytes
            progress(min(1, Double(d) / Double(totalBytes)))
        }
    }

    static func delete(_ adds: [AddFile], _ table: Table) {
        for a in adds { try? table.store.delete(LogPath.decode(a.path)) }
    }
}
