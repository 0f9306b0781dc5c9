// ChangeReader: the change rows of one commit (spec/dml.md "Change data feed"). A commit with
// cdc actions is read from its change data files only; otherwise data-changing removes are
// deletes, data-changing adds are inserts, and a file removed and re-added with another deletion
// vector changes only the rows the two vectors differ in. Files are read through FileScan, so
// column mapping, partition values and type conformance work as in scans.
import TarnDelta

struct ChangeReader {
    let feed: ChangeFeed
    let scan: Scan
    let commit: ChangeFeed.CommitChanges

    var table: Table { feed.table }

    func read(_ each: (RecordBatch) throws -> Void) throws {
        let cdc = commit.actions.compactMap { a -> AddCDCFile? in if case let .cdc(c) = a { return c }; return nil }
        if !cdc.isEmpty {
            for c in cdc { try readChangeFile(c, each) }
            return
        }
        if isNoOpMerge { return }
        let (removes, adds) = dataChangingFiles()
        let removed = Set(removes.map(\.path))
        // Removes written without partitionValues take them from the file's add in the previous version.
        let lacking = !scan.snapshot.partitionColumns.isEmpty && removes.contains { $0.file.partitionValues == nil }
        let previous = lacking && commit.version > 0 ? try table.replayState(version: commit.version - 1).state.files : [:]
        for (path, r) in removes {
            if let a = adds.first(where: { $0.path == path })?.file {
                try readDeletionVectorChange(removed: r, added: a, each)
            } else {
                try readWhole(try removedFile(r, previous: previous), changeType: "delete", each)
            }
        }
        for (path, a) in adds where !removed.contains(path) { try readWhole(a, changeType: "insert", each) }
    }

    /// The removes and adds with dataChange=true, by decoded path (first of each path), in log order.
    private func dataChangingFiles() -> (removes: [(path: String, file: RemoveFile)], adds: [(path: String, file: AddFile)]) {
        var removes: [(path: String, file: RemoveFile)] = [], adds: [(path: String, file: AddFile)] = []
        var seenRemoves = Set<String>(), seenAdds = Set<String>()
        for a in commit.actions {
            switch a {
            case let .remove(r) where r.dataChange && seenRemoves.insert(LogPath.decode(r.path)).inserted:
                removes.append((LogPath.decode(r.path), r))
            case let .add(x) where x.dataChange && seenAdds.insert(LogPath.decode(x.path)).inserted:
                adds.append((LogPath.decode(x.path), x))
            default: continue
            }
        }
        return (removes, adds)
    }

    /// Spark's guard: a MERGE whose metrics say it inserted, updated and deleted nothing changed
    /// no rows, whatever files it rewrote.
    var isNoOpMerge: Bool {
        for case let .commitInfo(info) in commit.actions where info.operation == "MERGE" {
            let metrics = info["operationMetrics"]
            return ["numTargetRowsInserted", "numTargetRowsUpdated", "numTargetRowsDeleted"].allSatisfy { key in
                metrics?[key]?.stringValue == "0" || metrics?[key]?.int64Value == 0
            }
        }
        return false
    }

    /// A change data file: the data columns plus its `_change_type` column.
    private func readChangeFile(_ c: AddCDCFile, _ each: (RecordBatch) throws -> Void) throws {
        let file = AddFile(path: c.path, partitionValues: c.partitionValues, size: c.size, modificationTime: 0, dataChange: false)
        let typeField = StructField(ChangeFeed.changeTypeColumn, .string)
        let width = scan.fields.count
        try reading(file, kind: "change data file") {
            try FileScan(scan: scan, add: file, extraFields: [typeField]).read { batch in
                let types = batch.columns[width]
                if let bad = (0 ..< batch.count).first(where: { types.isNull($0) }) {
                    throw TarnError(.corruption, "change data file '\(LogPath.decode(c.path))' has no \(ChangeFeed.changeTypeColumn) in a row",
                                    file: LogPath.decode(c.path), table: table.location, version: commit.version, row: bad)
                }
                try each(try output(Array(batch.columns.prefix(width)), changeType: types, count: batch.count))
            }
        }
    }

    /// Every live row of `file` (its own deletion vector applied) as `changeType`.
    private func readWhole(_ file: AddFile, changeType: String, _ each: (RecordBatch) throws -> Void) throws {
        try reading(file, kind: "data file") {
            try FileScan(scan: scan, add: file).read { batch in
                try each(try output(batch.columns, changeType: try constant(changeType, batch.count), count: batch.count))
            }
        }
    }

    /// The same file removed and re-added in one commit: rows the new deletion vector deletes and
    /// the old one did not are deletes; rows the old one deleted and the new one does not are
    /// inserts (a restore); rows both keep or both delete did not change.
    private func readDeletionVectorChange(removed: RemoveFile, added: AddFile, _ each: (RecordBatch) throws -> Void) throws {
        guard removed.deletionVector?.uniqueId != added.deletionVector?.uniqueId else { return }
        var bare = added
        bare.deletionVector = nil
        var before = bare
        before.deletionVector = removed.deletionVector
        let old = try DeletionVectors.deletedRows(before, store: table.store, table: table.location)
        let new = try DeletionVectors.deletedRows(added, store: table.store, table: table.location)
        try reading(bare, kind: "data file") {
            try FileScan(scan: scan, add: bare).readPhysical { batch, firstRow, _ in
                let wasDeleted = old.map { $0.deletedRows(start: UInt64(firstRow), count: batch.count) } ?? Bitmap(count: batch.count, value: false)
                let isDeleted = new.map { $0.deletedRows(start: UInt64(firstRow), count: batch.count) } ?? Bitmap(count: batch.count, value: false)
                let deletes = Bitmap((0 ..< batch.count).map { isDeleted[$0] && !wasDeleted[$0] })
                let inserts = Bitmap((0 ..< batch.count).map { wasDeleted[$0] && !isDeleted[$0] })
                for (mask, type) in [(deletes, "delete"), (inserts, "insert")] where mask.popcount > 0 {
                    let rows = batch.filter(mask)
                    try each(try output(rows.columns, changeType: try constant(type, rows.count), count: rows.count))
                }
            }
        }
    }

    /// A removed file as the AddFile a scan reads: its partition values from the remove, or from
    /// the file's add in `previous` (the files of the previous version) when the remove lacks them.
    private func removedFile(_ r: RemoveFile, previous: [FileKey: AddFile]) throws -> AddFile {
        var values = r.partitionValues
        if values == nil && !scan.snapshot.partitionColumns.isEmpty {
            let key = TableState.normalized(r.key)
            guard let add = previous[key] ?? previous.values.first(where: { LogPath.decode($0.path) == key.path }) else {
                throw TarnError(.corruption, "the remove of '\(key.path)' has no partitionValues and the file is not in version \(commit.version - 1)",
                                file: key.path, table: table.location, version: commit.version)
            }
            values = add.partitionValues
        }
        return AddFile(path: r.path, partitionValues: values ?? [:], size: r.size ?? 0, modificationTime: 0, dataChange: true,
                       deletionVector: r.deletionVector)
    }

    /// Runs `body`; a missing file becomes a notFound naming the file and the version, and every
    /// error is given the version.
    private func reading(_ file: AddFile, kind: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch var e as TarnError {
            if e.code == .notFound {
                let path = e.file ?? LogPath.decode(file.path)
                throw TarnError(.notFound,
                                "\(kind) '\(path)' of version \(commit.version) no longer exists (VACUUM deletes files older than the retention period); the changes of version \(commit.version) cannot be read",
                                file: path, table: table.location, version: commit.version)
            }
            e.version = e.version ?? commit.version
            e.table = e.table ?? table.location
            throw e
        }
    }

    private func constant(_ changeType: String, _ count: Int) throws -> Column {
        try Column.repeating(.string(changeType), type: .string, count: count)
    }

    /// The table columns followed by the three change columns.
    private func output(_ columns: [Column], changeType: Column, count: Int) throws -> RecordBatch {
        let version = try Column.repeating(.int(commit.version), type: .long, count: count)
        let time = try Column.repeating(.timestamp(commit.timestampMillis * 1000), type: .timestamp, count: count)
        return RecordBatch(schema: feed.schema, columns: columns + [changeType, version, time], count: count)
    }
}
