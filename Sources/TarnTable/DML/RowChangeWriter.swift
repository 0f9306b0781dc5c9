// RowChangeWriter: the write side shared by DELETE, UPDATE and MERGE (spec/dml.md). Target files
// are read whole; rows an operation deletes or replaces leave their file by a rewrite
// (copy-on-write: the file is removed and its other rows copied into new files) or, with
// `delta.enableDeletionVectors`, by a deletion vector. New rows (updated or inserted) go to new
// files packed per partition; with `delta.enableChangeDataFeed` every changed row also goes to a
// change data file under `_change_data/`.
import Foundation
import TarnDelta

/// What an operation does to one batch of a target file (masks are batch-sized, within the live rows).
struct BatchChanges {
    var deleted: Bitmap
    var updated: Bitmap
    /// New values of the `updated` rows, in row order, in the table schema.
    var postimage: RecordBatch?

    static func none(_ count: Int) -> BatchChanges {
        BatchChanges(deleted: Bitmap(count: count, value: false), updated: Bitmap(count: count, value: false), postimage: nil)
    }
}

/// Spark's names for the file metrics of DELETE / UPDATE and of MERGE.
struct DMLMetricNames {
    var filesAdded = "numAddedFiles", filesRemoved = "numRemovedFiles"
    var bytesAdded = "numAddedBytes", bytesRemoved = "numRemovedBytes"
    var changeFilesAdded = "numAddedChangeFiles"
    var deletionVectorsAdded = "numDeletionVectorsAdded", deletionVectorsRemoved = "numDeletionVectorsRemoved"

    static let merge = DMLMetricNames(filesAdded: "numTargetFilesAdded", filesRemoved: "numTargetFilesRemoved",
                                      bytesAdded: "numTargetBytesAdded", bytesRemoved: "numTargetBytesRemoved",
                                      changeFilesAdded: "numTargetChangeFilesAdded",
                                      deletionVectorsAdded: "numTargetDeletionVectorsAdded",
                                      deletionVectorsRemoved: "numTargetDeletionVectorsRemoved")
}

/// Row and file counts of a DML commit (the source of its operation metrics).
struct DMLCounts {
    var rowsDeleted = 0
    var rowsUpdated = 0
    var rowsInserted = 0
    var rowsCopied = 0
    var deletionVectorsAdded = 0
    var deletionVectorsRemoved = 0
}

struct RowChangeWriter {
    let table: Table
    let snapshot: Snapshot
    let layout: FileLayout
    /// The layout of change data files (table columns plus `_change_type`); nil without CDF.
    let changeLayout: FileLayout?
    let usesDeletionVectors: Bool
    /// Built on first use: DELETE never needs them (and works on a table whose constraint Tarn
    /// cannot parse).
    private var constraints: TableConstraints?
    private var writers: [[String?]: DataFileWriter] = [:]
    private var changeWriters: [[String?]: DataFileWriter] = [:]
    private(set) var adds: [AddFile] = []
    private(set) var removes: [RemoveFile] = []
    private(set) var changeFiles: [AddCDCFile] = []
    private var vectors: [(add: AddFile, deleted: RoaringBitmap64)] = []
    private var vectorFile: String?
    private(set) var readFiles: Set<String> = []
    var counts = DMLCounts()
    let startNanos = DispatchTime.now().uptimeNanoseconds

    static let changeTypeColumn = "_change_type"
    /// Unchanged rows held back per file before the first change is seen; beyond this they are
    /// dropped and re-read if the file turns out to change.
    static let pendingRowLimit = 1 << 20

    init(table: Table, snapshot: Snapshot, options: WriteOptions = WriteOptions()) throws {
        try TableFeatures.checkWrite(snapshot.protocolAction, snapshot.metadata, table: table.location)
        let properties = TableProperties(snapshot.configuration)
        if properties.appendOnly {
            throw TarnError(.invalidArgument, "the table is append-only (delta.appendOnly=true): rows cannot be deleted or updated",
                            table: table.location)
        }
        self.table = table
        self.snapshot = snapshot
        let mapping = ColumnMapping(configuration: snapshot.configuration)
        layout = try FileLayout(schema: snapshot.schema, partitionColumns: snapshot.partitionColumns, mapping: mapping,
                                properties: properties, options: options)
        if properties.raw["delta.enableChangeDataFeed"]?.lowercased() == "true" {
            let schema = StructType(snapshot.schema.fields + [StructField(RowChangeWriter.changeTypeColumn, .string)])
            changeLayout = try FileLayout(schema: schema, partitionColumns: snapshot.partitionColumns, mapping: mapping,
                                          properties: TableProperties(["delta.dataSkippingNumIndexedCols": "0"]), options: options)
        } else {
            changeLayout = nil
        }
        let p = snapshot.protocolAction
        usesDeletionVectors = properties.raw["delta.enableDeletionVectors"]?.lowercased() == "true"
            && p.minWriterVersion == 7 && (p.writerFeatures ?? []).contains("deletionVectors")
    }

    var writesChangeData: Bool { changeLayout != nil }
    /// True when the operation changed any row (call before or after `finish`).
    var hasChanges: Bool { !removes.isEmpty || !vectors.isEmpty || !writers.isEmpty || !adds.isEmpty }

    // MARK: Target files

    /// Applies `body` to every live row of `add`. The file is left alone when nothing changes.
    /// `deleteOnlyColumns`: the operation only deletes and reads just these columns, so with
    /// deletion vectors and no change data only they are read.
    mutating func rewrite(_ add: AddFile, deleteOnlyColumns: [String]? = nil,
                          _ body: (RecordBatch, Bitmap) throws -> BatchChanges) throws {
        readFiles.insert(TableState.normalized(add.key).path)
        let narrow = usesDeletionVectors && !writesChangeData && !(deleteOnlyColumns?.isEmpty ?? true)
        let scan = try Scan(snapshot: snapshot, store: table.store, columns: narrow ? deleteOnlyColumns : nil)
        var pending: [(RecordBatch, Bitmap?)] = []
        var pendingRows = 0
        var droppedBefore: Int?   // pending rows were dropped: re-read rows before this index on a change
        var changed = false
        var gone = RoaringBitmap64()
        var liveRows = 0
        try FileScan(scan: scan, add: add).readPhysical { batch, firstRow, liveMask in
            let live = liveMask ?? Bitmap(count: batch.count, value: true)
            liveRows += live.popcount
            let c = try body(batch, live)
            let removed = c.deleted.union(c.updated)
            let removedCount = removed.popcount
            if removedCount > 0 { try record(batch, c) }
            if usesDeletionVectors {
                removed.forEachSet { _ = gone.insert(UInt64(firstRow + $0)) }
                return
            }
            let keep: Bitmap? = removedCount == 0 && liveMask == nil ? nil : live.intersection(removed.inverted)
            if removedCount > 0 && !changed {
                changed = true
                if let before = droppedBefore { try copyLiveRows(add, before: before) }
                for (b, k) in pending { try copy(b, keep: k) }
                pending = []
            }
            if changed {
                try copy(batch, keep: keep)
            } else if droppedBefore == nil {
                pending.append((batch, keep))
                pendingRows += batch.count
                if pendingRows > RowChangeWriter.pendingRowLimit {
                    pending = []
                    droppedBefore = firstRow + batch.count
                }
            } else {
                droppedBefore = firstRow + batch.count
            }
        }
        if usesDeletionVectors {
            if gone.cardinality == liveRows, gone.cardinality > 0 {
                removes.append(RemoveFile(removing: add, at: Self.nowMillis, dataChange: true))
                if add.deletionVector != nil { counts.deletionVectorsRemoved += 1 }
            } else if !gone.isEmpty {
                vectors.append((add, gone))
            }
        } else if changed {
            removes.append(RemoveFile(removing: add, at: Self.nowMillis, dataChange: true))
        }
    }

    /// Removes a whole file without reading it (every row matches); `rows` is its live row count.
    mutating func removeWhole(_ add: AddFile, rows: Int) {
        readFiles.insert(TableState.normalized(add.key).path)
        removes.append(RemoveFile(removing: add, at: Self.nowMillis, dataChange: true))
        counts.rowsDeleted += rows
    }

    /// New rows (MERGE inserts), in the table schema.
    mutating func insert(_ batch: RecordBatch) throws {
        guard batch.count > 0 else { return }
        try checkConstraints(batch)
        try writeData(batch)
        try writeChange(batch, "insert")
        counts.rowsInserted += batch.count
    }

    /// Change data for rows another writer stores (a replaceWhere's new rows).
    mutating func recordInserted(_ batch: RecordBatch) throws { try writeChange(batch, "insert") }

    private mutating func record(_ batch: RecordBatch, _ c: BatchChanges) throws {
        let deletedCount = c.deleted.popcount
        if deletedCount > 0 {
            counts.rowsDeleted += deletedCount
            if writesChangeData { try writeChange(batch.filter(c.deleted), "delete") }
        }
        if let post = c.postimage, post.count > 0 {
            try checkConstraints(post)
            counts.rowsUpdated += post.count
            try writeData(post)
            if writesChangeData {
                try writeChange(batch.filter(c.updated), "update_preimage")
                try writeChange(post, "update_postimage")
            }
        }
    }

    private mutating func checkConstraints(_ batch: RecordBatch) throws {
        let c = try constraints ?? TableConstraints(schema: snapshot.schema, configuration: snapshot.configuration, table: table.location)
        constraints = c
        try c.check(batch)
    }

    /// Copies the rows of `batch` that `keep` marks (all when nil) into new files, without
    /// materialising them when the table is not partitioned (the writer gathers the rows).
    private mutating func copy(_ batch: RecordBatch, keep: Bitmap?) throws {
        let n = keep?.popcount ?? batch.count
        guard n > 0 else { return }
        counts.rowsCopied += n
        if let keep {
            if layout.partitionIndices.isEmpty { try writeData(batch, rows: keep.setIndices) } else { try writeData(batch.filter(keep)) }
        } else {
            try writeData(batch)
        }
    }

    /// Copies the live rows of `add` that lie before physical row `before` (they were read
    /// before the first change and not kept in memory).
    private mutating func copyLiveRows(_ add: AddFile, before: Int) throws {
        let scan = try Scan(snapshot: snapshot, store: table.store)
        var batches: [(RecordBatch, Bitmap?)] = []
        try FileScan(scan: scan, add: add).readPhysical { batch, firstRow, live in
            guard firstRow < before else { return }
            batches.append((batch, live))
        }
        for (b, live) in batches { try copy(b, keep: live) }
    }

    // MARK: Output files

    /// Writes rows of `batch` (those at `rows`, all when nil; `rows` only for unpartitioned tables).
    private mutating func writeData(_ batch: RecordBatch, rows selection: [Int32]? = nil) throws {
        guard batch.count > 0 else { return }
        let data = try layout.dataBatch(batch)
        for (key, split) in try layout.split(batch) {
            let rows = selection ?? split
            var w = writers[key] ?? layout.writer(store: table.store, partition: key)
            try w.write(data, rows: rows)
            writers[key] = w
        }
    }

    private mutating func writeChange(_ batch: RecordBatch, _ type: String) throws {
        guard let changeLayout, batch.count > 0 else { return }
        let withType = RecordBatch(schema: changeLayout.schema,
                                   columns: batch.columns + [try Column.repeating(.string(type), type: .string, count: batch.count)],
                                   count: batch.count)
        let data = try changeLayout.dataBatch(withType)
        for (key, rows) in try changeLayout.split(withType) {
            var w = changeWriters[key] ?? changeLayout.writer(store: table.store, partition: key, under: "_change_data")
            try w.write(data, rows: rows)
            changeWriters[key] = w
        }
    }

    /// Closes every output file and writes the deletion vectors; after this the actions are final.
    mutating func finish() throws {
        let data = Array(writers.values), changes = Array(changeWriters.values)
        writers = [:]
        changeWriters = [:]
        adds += try DataFileWriter.finishAll(data)
        changeFiles = try DataFileWriter.finishAll(changes).map {
            AddCDCFile(path: $0.path, partitionValues: $0.partitionValues, size: $0.size, dataChange: false)
        }
        try writeDeletionVectors()
    }

    private mutating func writeDeletionVectors() throws {
        guard !vectors.isEmpty else { return }
        var merged: [RoaringBitmap64] = []
        for (add, gone) in vectors {
            var all = gone
            if let old = try DeletionVectors.deletedRows(add, store: table.store, table: table.location) {
                for row in old { _ = all.insert(row) }
            }
            merged.append(all)
        }
        var uuid = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: UUID().uuid) { for i in 0 ..< 16 { uuid[i] = $0[i] } }
        let (bytes, descriptors) = try DeletionVectorFile.write(merged, uuid: uuid)
        let key = DeletionVectorDescriptor.fileName(uuid: uuid)
        try table.store.put(key, bytes)
        vectorFile = key
        let now = Self.nowMillis
        for ((add, _), descriptor) in zip(vectors, descriptors) {
            removes.append(RemoveFile(removing: add, at: now, dataChange: true))
            var updated = add
            updated.deletionVector = descriptor
            updated.dataChange = true
            updated.modificationTime = now
            if var stats = DeltaStats.parse(add.stats) {
                stats.tightBounds = false
                updated.stats = stats.jsonString
            }
            adds.append(updated)
            counts.deletionVectorsAdded += 1
            if add.deletionVector != nil { counts.deletionVectorsRemoved += 1 }
        }
    }

    /// Deletes every file this operation wrote (it committed nothing).
    func abort() {
        for w in writers.values { w.abort() }
        for w in changeWriters.values { w.abort() }
        for a in adds where a.deletionVector == nil { try? table.store.delete(LogPath.decode(a.path)) }
        for c in changeFiles { try? table.store.delete(LogPath.decode(c.path)) }
        if let vectorFile { try? table.store.delete(vectorFile) }
    }

    // MARK: Commit

    /// The commit's transaction: removals, new files, change files and the operation's metrics.
    func transaction(operation: String, parameters: [String: String], metrics: [String: String]) -> Transaction {
        var tx = Transaction(table: table, readSnapshot: snapshot, operation: operation)
        tx.actions = removes.map { .remove($0) } + adds.map { .add($0) } + changeFiles.map { .cdc($0) }
        tx.readFiles = readFiles
        tx.operationParameters = parameters
        tx.operationMetrics = metrics
        return tx
    }

    /// The file metrics every DML commit carries, under the operation's names (Spark's).
    func fileMetrics(_ names: DMLMetricNames) -> [String: String] {
        [names.filesAdded: String(newFiles.count), names.filesRemoved: String(removedFiles.count),
         names.bytesAdded: String(addedBytes), names.bytesRemoved: String(removedBytes),
         names.changeFilesAdded: String(changeFiles.count),
         names.deletionVectorsAdded: String(counts.deletionVectorsAdded),
         names.deletionVectorsRemoved: String(counts.deletionVectorsRemoved),
         "executionTimeMs": String((DispatchTime.now().uptimeNanoseconds - startNanos) / 1_000_000)]
    }

    /// New data files (not the re-added files that only gained a deletion vector).
    var newFiles: [AddFile] { adds.filter { $0.deletionVector == nil || !vectorPaths.contains($0.path) } }
    var addedBytes: Int64 { newFiles.reduce(0) { $0 + $1.size } }
    /// Files removed from the table (not those kept with a new deletion vector).
    var removedFiles: [RemoveFile] { removes.filter { !vectorPaths.contains($0.path) } }
    var removedBytes: Int64 { removedFiles.reduce(0) { $0 + ($1.size ?? 0) } }
    private var vectorPaths: Set<String> { Set(vectors.map(\.add.path)) }

    static var nowMillis: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
