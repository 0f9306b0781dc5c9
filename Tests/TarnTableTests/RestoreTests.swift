// RESTORE against a reference model: seeded random appends, overwrites, replaceWhere, deletes
// and schema evolution interleaved with restores (memory and local tables); after each restore
// the latest rows equal the model's rows of the target version, older versions still read as
// before, and the commit carries Spark's RESTORE metrics. Also: deletion vectors (a golden
// table), protocol never downgraded, conflicts, and failures that leave the table unchanged.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

/// The model: rows of every version, whether the schema has `note`, and which state a version
/// has (a restore gives the new version its target's state id).
struct RestoreModel {
    var rows: [[[Value]]] = []
    var hasNote: [Bool] = []
    var stateId: [Int] = []

    mutating func commit(_ r: [[Value]], note: Bool, state: Int? = nil) {
        stateId.append(state ?? rows.count)
        rows.append(r)
        hasNote.append(note)
    }

    var current: [[Value]] { rows.last ?? [] }
    var note: Bool { hasNote.last ?? false }
}

enum RestoreSupport {
    static let noteSchema = StructType(T.schema.fields + [StructField("note", .string)])

    static func row(_ id: Int64, cat: String, amount: Int128, note: Bool) -> [Value] {
        T.row(id, cat: cat, amount: amount) + (note ? [id % 3 == 0 ? .null : .string("n\(id)")] : [])
    }

    static func amount(_ row: [Value]) -> Int128 {
        if case let .decimal(v) = row[3] { return v }
        return 0
    }

    static func cat(_ row: [Value]) -> String {
        if case let .string(s) = row[2] { return s }
        return ""
    }

    /// Live files of a version by identity (path and deletion-vector id).
    static func files(_ table: Table, _ version: Int64? = nil) throws -> [FileKey: AddFile] {
        try table.snapshot(version: version).state.files
    }

    /// Checks the result's metrics and the RESTORE commit against the two versions' file sets.
    static func checkCommit(_ table: Table, _ r: RestoreResult, before: [FileKey: AddFile], target: [FileKey: AddFile],
                            parameter: (String, String), _ comment: Comment) throws {
        let restored = target.filter { before[$0.key] == nil }, removed = before.filter { target[$0.key] == nil }
        #expect(r.numRestoredFiles == restored.count && r.numRemovedFiles == removed.count, comment)
        #expect(r.restoredFilesSize == restored.values.reduce(0) { $0 + $1.size }, comment)
        #expect(r.removedFilesSize == removed.values.reduce(0) { $0 + $1.size }, comment)
        #expect(r.numOfFilesAfterRestore == target.count && r.tableSizeAfterRestore == target.values.reduce(0) { $0 + $1.size }, comment)
        #expect(Set(try files(table).keys) == Set(target.keys), comment)
        let info = try #require(try table.history(limit: 1).first?.commitInfo, comment)
        #expect(info.operation == "RESTORE", comment)
        #expect(info["operationParameters"]?[parameter.0]?.stringValue == parameter.1, comment)
        for (k, v) in r.operationMetrics { #expect(info["operationMetrics"]?[k]?.stringValue == v, "\(comment) metric \(k)") }
        #expect(r.operationMetrics.count == 6, comment)
    }
}

@Suite struct RestoreTests {
    @Test(arguments: [false, true]) func randomSequencesRestoreTheModel(local: Bool) throws {
        for seed in SeededRandom.seeds(count: local ? 2 : 4, base: local ? 7070 : 6060) {
            var rng = SeededRandom(seed: seed)
            var dir: URL?
            let table: Table
            if local { let (t, d) = try T.localTable(); table = t; dir = d } else { table = T.memoryTable().0 }
            defer { if let dir { try? FileManager.default.removeItem(at: dir) } }
            var first = WriteOptions()
            first.partitionBy = rng.chance(0.5) ? ["cat"] : []
            if local || rng.chance(0.5) { first.properties = ["delta.checkpointInterval": "4"] }
            var model = RestoreModel()
            var nextId: Int64 = 0
            func newRows(_ note: Bool, _ cat: String?) -> [[Value]] {
                (0 ..< Int.random(in: 1 ... 25, using: &rng)).map { _ in
                    nextId += 1
                    return RestoreSupport.row(nextId, cat: cat ?? ["a", "b", "c"].randomElement(using: &rng) ?? "a",
                                              amount: Int128(Int.random(in: -50 ... 50, using: &rng)), note: note)
                }
            }
            let rows0 = newRows(false, nil)
            _ = try table.write([try T.batch(rows0)], options: first)
            model.commit(rows0, note: false)
            for step in 0 ..< 16 {
                let comment: Comment = "seed \(seed) local \(local) step \(step)"
                let latest = Int64(model.rows.count - 1)
                let op = Int.random(in: 0 ... 7, using: &rng)
                if op >= 5 && latest > 0 {
                    try randomRestore(table, &model, target: Int64.random(in: 0 ..< latest, using: &rng), comment)
                } else {
                    let cat = ["a", "b", "c"].randomElement(using: &rng) ?? "a"
                    let limit = Int128(Int.random(in: -50 ... 50, using: &rng))
                    try randomWrite(table, &model, op: op, cat: cat, limit: limit, rows: newRows, comment)
                }
                #expect(try T.rows(table) == T.sorted(model.current), comment)
                #expect(try table.snapshot().version == Int64(model.rows.count - 1), comment)
            }
            for (v, rows) in model.rows.enumerated() {
                #expect(try T.rows(table, version: Int64(v)) == T.sorted(rows), "seed \(seed) local \(local) version \(v)")
            }
        }
    }

    private func randomRestore(_ table: Table, _ model: inout RestoreModel, target: Int64, _ comment: Comment) throws {
        let latest = model.rows.count - 1
        let before = try RestoreSupport.files(table), wanted = try RestoreSupport.files(table, target)
        let targetSchema = try table.snapshot(version: target).schema
        let r = try table.restore(toVersion: target)
        let t = Int(target)
        #expect(r.committed == (model.stateId[t] != model.stateId[latest]), comment)
        #expect(r.restoredVersion == target, comment)
        guard r.committed else {
            #expect(r.version == Int64(latest), comment)
            return
        }
        #expect(r.version == Int64(latest + 1), comment)
        model.commit(model.rows[t], note: model.hasNote[t], state: model.stateId[t])
        try RestoreSupport.checkCommit(table, r, before: before, target: wanted, parameter: ("version", String(target)), comment)
        #expect(try table.snapshot().schema == targetSchema, comment)
    }

    private func randomWrite(_ table: Table, _ model: inout RestoreModel, op: Int, cat: String, limit: Int128,
                             rows newRows: (Bool, String?) -> [[Value]], _ comment: Comment) throws {
        let note = model.note
        let schema = note ? RestoreSupport.noteSchema : T.schema
        switch op {
        case 1:
            let rows = newRows(note, nil)
            _ = try table.write([try T.batch(rows, schema: schema)], options: WriteOptions(mode: .overwrite))
            model.commit(rows, note: note)
        case 2:
            let rows = newRows(note, cat)
            var o = WriteOptions(mode: .overwrite)
            o.replaceWhere = try RowCondition.parse("cat = '\(cat)'", schema: schema)
            _ = try table.write([try T.batch(rows, schema: schema)], options: o)
            model.commit(model.current.filter { RestoreSupport.cat($0) != cat } + rows, note: note)
        case 3:
            let r = try table.delete(where: try RowCondition.parse("amount < \(limit)", schema: schema))
            let kept = model.current.filter { RestoreSupport.amount($0) >= limit * 100 }
            #expect(r.committed == (kept.count != model.current.count), comment)
            if r.committed { model.commit(kept, note: note) }
        case 4 where !note:
            let rows = newRows(true, nil)
            var o = WriteOptions()
            o.mergeSchema = true
            _ = try table.write([try T.batch(rows, schema: RestoreSupport.noteSchema)], options: o)
            model.commit(model.current.map { $0 + [.null] } + rows, note: true)
        default:
            let rows = newRows(note, nil)
            _ = try table.write([try T.batch(rows, schema: schema)])
            model.commit(model.current + rows, note: note)
        }
    }

    /// dv-partitioned-with-checkpoint: version k deleted (with deletion vectors) the rows with
    /// col1 = 0, 2, …, 2(k-1) from version 0; restores re-add files with their old vectors.
    @Test func restoresATableWithDeletionVectors() throws {
        let dir = try Peer.temporaryDirectory("tarn-restore-dv")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = Peer.conformanceRoot.appendingPathComponent("dv-partitioned-with-checkpoint").appendingPathComponent("delta")
        try FileManager.default.copyItem(at: source, to: dir.appendingPathComponent("delta"))
        let table = Table(store: try LocalStore.open(root: dir.appendingPathComponent("delta").path))
        let all = try T.rows(table, version: 0)
        #expect(all.count == 50)
        func model(_ k: Int) -> [[Value]] {
            all.filter { row in !(0 ..< k).contains { row[1] == .int(Int64(2 * $0)) } }
        }
        var expected = (0 ... 15).map(model)
        for (v, rows) in expected.enumerated() { #expect(try T.rows(table, version: Int64(v)) == rows, "before: version \(v)") }
        let protocolBefore = try table.snapshot().protocolAction
        for target in [5, 0, 12, 16] {
            let before = try RestoreSupport.files(table), wanted = try RestoreSupport.files(table, Int64(target))
            let r = try table.restore(toVersion: Int64(target))
            #expect(r.committed && r.version == Int64(expected.count), "target \(target)")
            try RestoreSupport.checkCommit(table, r, before: before, target: wanted, parameter: ("version", String(target)), "target \(target)")
            #expect(try table.snapshot().files.map(\.deletionVector) == wanted.values.sorted { $0.path < $1.path }.map(\.deletionVector))
            expected.append(expected[target])
            #expect(try T.rows(table) == expected[target], "target \(target)")
        }
        #expect(try table.snapshot().protocolAction == protocolBefore)
        for (v, rows) in expected.enumerated() { #expect(try T.rows(table, version: Int64(v)) == rows, "after: version \(v)") }
    }

    @Test func missingDeletionVectorFileFailsAndChangesNothing() throws {
        let dir = try Peer.temporaryDirectory("tarn-restore-dv")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = Peer.conformanceRoot.appendingPathComponent("dv-partitioned-with-checkpoint").appendingPathComponent("delta")
        let root = dir.appendingPathComponent("delta")
        try FileManager.default.copyItem(at: source, to: root)
        let table = Table(store: try LocalStore.open(root: root.path))
        let liveDVs = Set(try table.snapshot().files.compactMap { try $0.deletionVector?.relativePath() })
        let needed = try table.snapshot(version: 5).files.compactMap { try $0.deletionVector?.relativePath() }.filter { !liveDVs.contains($0) }
        let gone = try #require(needed.first)
        try FileManager.default.removeItem(at: root.appendingPathComponent(gone))
        let rows = try T.rows(table)
        let e = try #require(throws: TarnError.self) { try table.restore(toVersion: 5) }
        #expect(e.code == .notFound && e.file == gone && e.message.contains("deletion vector file"), "\(e)")
        #expect(try table.snapshot().version == 15 && T.rows(table) == rows)
        #expect(try table.restore(toVersion: 14).committed)     // versions that do not need it still restore
    }

    @Test func vacuumedDataFilesFailNamingTheFile() throws {
        let (table, store) = T.memoryTable()
        var o = WriteOptions()
        o.partitionBy = ["cat"]
        _ = try table.write([try T.batch([T.row(1, cat: "a"), T.row(2, cat: "b"), T.row(3, cat: "c")])], options: o)
        _ = try table.write([try T.batch([T.row(4)])], options: WriteOptions(mode: .overwrite))
        let old = try table.snapshot(version: 0).files.map { LogPath.decode($0.path) }
        try store.delete(old[1])
        let logBefore = try table.logFiles().map(\.key)
        let e = try #require(throws: TarnError.self) { try table.restore(toVersion: 0) }
        #expect(e.code == .notFound && e.file == old[1] && e.version == 0, "\(e)")
        #expect(e.message.contains("cannot restore version 0: 1 data file it needs was removed by VACUUM") && e.message.contains(old[1]), "\(e)")
        try store.delete(old[2])
        let e2 = try #require(throws: TarnError.self) { try table.restore(toVersion: 0) }
        #expect(e2.message.contains("2 data files it needs were removed") && e2.file == old[1], "\(e2)")
        #expect(try table.logFiles().map(\.key) == logBefore)
        #expect(try table.snapshot().version == 1 && T.rows(table) == [T.row(4)])
    }

    @Test func badVersionsAndTimestamps() throws {
        let (table, store) = T.memoryTable()
        var o = WriteOptions()
        o.properties = ["delta.checkpointInterval": "2"]
        for i in 0 ..< 5 { _ = try table.write([try T.batch([T.row(Int64(i))])], options: o) }
        let rows = try T.rows(table)
        for v: Int64 in [5, 100, -1] {
            let e = try #require(throws: TarnError.self) { try table.restore(toVersion: v) }
            #expect(e.code == .versionNotFound, "version \(v): \(e)")
        }
        let created = try #require(try table.commitTimestamps().first?.millis)
        let e = try #require(throws: TarnError.self) { try table.restore(toTimestampMillis: created - 60_000) }
        #expect(e.code == .versionNotFound, "\(e)")
        // Log cleanup removed commits 0 and 1: version 2 (checkpoint) is the oldest restorable.
        try store.delete(LogNames.commit(0))
        try store.delete(LogNames.commit(1))
        let old = try #require(throws: TarnError.self) { try table.restore(toVersion: 1) }
        #expect(old.code == .versionNotFound, "\(old)")
        #expect(try table.snapshot().version == 4 && T.rows(table) == rows)
        #expect(try table.restore(toVersion: 2).committed)
        #expect(try T.rows(table) == [T.row(0), T.row(1), T.row(2)])
    }

    @Test func restoreByTimestampAndToTheLatestVersion() throws {
        let (table, _) = T.memoryTable()
        for i in 0 ..< 3 { _ = try table.write([try T.batch([T.row(Int64(i))])]) }
        let latest = try table.restore(toVersion: 2)
        #expect(!latest.committed && latest.version == 2 && latest.restoredVersion == 2)
        #expect(try table.logFiles().count == 3)
        let t1 = try #require(try table.commitTimestamps().first { $0.version == 1 }?.millis)
        let before = try RestoreSupport.files(table), wanted = try RestoreSupport.files(table, 1)
        let r = try table.restore(toTimestampMillis: t1)
        #expect(r.committed && r.version == 3 && r.restoredVersion == 1)
        try RestoreSupport.checkCommit(table, r, before: before, target: wanted,
                                       parameter: ("timestamp", Temporal.formatTimestamp(t1 * 1000, utc: true)), "by timestamp")
        #expect(try T.rows(table) == [T.row(0), T.row(1)])
        // Restoring the same state again changes nothing.
        #expect(try !table.restore(toVersion: 1).committed && table.snapshot().version == 3)
    }

    @Test func metadataIsRestoredAndTheProtocolNeverDowngraded() throws {
        let (table, _) = T.memoryTable()
        var o = WriteOptions()
        o.properties = ["delta.enableDeletionVectors": "true"]
        _ = try table.write([try T.batch([T.row(1)])], options: o)
        let v0 = try table.snapshot()
        // Version 1 drops the feature (as another engine's DROP FEATURE would) and a property.
        var m = v0.metadata
        m.configuration = ["delta.checkpointInterval": "7"]
        var tx = Transaction(table: table, readSnapshot: v0, operation: "DROP FEATURE")
        tx.actions = [.protocol(ProtocolAction(minReaderVersion: 1, minWriterVersion: 2)), .metaData(m)]
        _ = try tx.commit()
        _ = try table.write([try T.batch([T.row(2)])])
        let r = try table.restore(toVersion: 0)
        #expect(r.committed && r.metadataRestored && r.protocolUpgraded)
        let s = try table.snapshot()
        #expect(s.configuration == v0.configuration && s.metadata.id == v0.metadata.id)
        #expect(s.protocolAction.minReaderVersion == 3 && s.protocolAction.minWriterVersion == 7)
        #expect(Set(s.protocolAction.readerFeatures ?? []) == ["deletionVectors"])
        #expect(Set(s.protocolAction.writerFeatures ?? []) == ["deletionVectors", "invariants", "appendOnly"])
        let upgraded = s.protocolAction
        // Back to version 2: its metadata returns, the protocol stays.
        let back = try table.restore(toVersion: 2)
        #expect(back.committed && back.metadataRestored && !back.protocolUpgraded)
        #expect(try table.snapshot().protocolAction == upgraded && table.snapshot().configuration == m.configuration)
        #expect(try T.rows(table) == [T.row(1), T.row(2)])
    }

    @Test func appendOnlyTablesRefuseRestoresThatRemoveFiles() throws {
        let (table, _) = T.memoryTable()
        var o = WriteOptions()
        o.properties = ["delta.appendOnly": "true"]
        _ = try table.write([try T.batch([T.row(1)])], options: o)
        _ = try table.write([try T.batch([T.row(2)])])
        let e = try #require(throws: TarnError.self) { try table.restore(toVersion: 0) }
        #expect(e.code == .invalidArgument && e.message.contains("append-only"), "\(e)")
        #expect(try table.snapshot().version == 1 && T.rows(table).count == 2)
    }

    @Test func concurrentCommitsRetryOrConflict() throws {
        let (table, store) = T.memoryTable()
        _ = try table.write([try T.batch([T.row(1)])])
        _ = try table.write([try T.batch([T.row(2)])])
        // A winner that only records a commitInfo (a blind append of nothing): the restore retries.
        let blind = ActionCodec.commitBytes([.commitInfo(CommitInfo(members: [("operation", .string("WRITE")), ("isBlindAppend", .bool(true))]))])
        store.inject(.lostRace(rival: blind, .exact(LogNames.commit(2))))
        let r = try table.restore(toVersion: 0)
        #expect(r.committed && r.version == 3 && r.retries == 1)
        #expect(try T.rows(table) == [T.row(1)])
        // A winner that removes a file the restore read: conflict, the restore commits nothing.
        _ = try table.write([try T.batch([T.row(3)])])
        let live = try #require(try table.snapshot().files.first)
        let remove = ActionCodec.commitBytes([.commitInfo(CommitInfo(members: [("operation", .string("DELETE"))])),
                                              .remove(RemoveFile(removing: live, at: 1, dataChange: true))])
        store.inject(.lostRace(rival: remove, .exact(LogNames.commit(5))))
        let e = try #require(throws: TarnError.self) { try table.restore(toVersion: 1) }
        #expect(e.code == .concurrentModification, "\(e)")
        #expect(try table.snapshot().version == 5 && table.history(limit: 1).first?.commitInfo?.operation == "DELETE")
    }
}
