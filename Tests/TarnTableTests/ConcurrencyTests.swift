// Optimistic concurrency: racing writers on one table end with contiguous versions and every
// row exactly once; conflicts follow Delta's rules (blind appends never conflict; a writer that
// read or removed files conflicts with a winner that removed them or changed the metadata).
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct ConcurrencyTests {
    @Test func racingAppendersOnALocalTable() throws {
        let (table, dir) = try T.localTable()
        defer { try? FileManager.default.removeItem(at: dir) }
        try table.create(schema: T.schema)
        let writers = 6, commits = 15
        DispatchQueue.concurrentPerform(iterations: writers) { w in
            let mine = Table(store: table.store)
            for c in 0 ..< commits {
                let id = Int64(w * 1000 + c)
                do { _ = try mine.write([try T.batch([T.row(id)])]) } catch { Issue.record("writer \(w) commit \(c): \(error)") }
            }
        }
        let s = try table.snapshot()
        #expect(s.version == Int64(writers * commits))
        let versions = try table.logFiles().filter { $0.kind == .commit }.map(\.version)
        #expect(versions == Array(0 ... Int64(writers * commits)))
        let ids = try T.rows(table).map { $0[0] }
        #expect(ids.count == writers * commits && Set(ids).count == ids.count)
    }

    /// A listing taken while commits are created can show a newer commit without an older one
    /// (directories are read in hash order); the hole is probed, so the latest version is whole.
    /// A commit that is really missing is still corruption.
    @Test func aListingThatMissesAMiddleCommitStillReadsTheLatestVersion() throws {
        let (table, store) = T.memoryTable()
        for id in 1 ... 4 { _ = try table.write([try T.batch([T.row(Int64(id))])]) }
        store.inject(.listingGap(omitting: .exact(LogNames.commit(2))))
        let fresh = Table(store: store)
        #expect(try fresh.snapshot().version == 3)
        #expect(try T.rows(fresh) == T.sorted((1 ... 4).map { T.row(Int64($0)) }))
        #expect(store.injectedCount(.listingGap) == 1)
        try store.delete(LogNames.commit(2))
        let e = expectTarnCode(.corruption) { try Table(store: store).snapshot() }
        #expect(e?.message.contains("not contiguous") == true, "\(String(describing: e))")
    }

    @Test func lostRaceIsRetriedAtTheNextVersion() throws {
        let (table, store) = T.memoryTable()
        _ = try table.write([try T.batch([T.row(1)])])
        // Someone else's blind append lands at version 1 just before ours.
        var rival = WriteOptions()
        rival.mode = .append
        let other = T.memoryTable().0
        _ = try other.write([try T.batch([T.row(99)])])
        let rivalCommit = ActionCodec.commitBytes([.commitInfo(CommitInfo(members: [("operation", .string("WRITE")), ("isBlindAppend", .bool(true))]))])
        store.inject(.lostRace(rival: rivalCommit, .exact(LogNames.commit(1))))
        let r = try table.write([try T.batch([T.row(2)])])
        #expect(r.version == 2 && r.retries == 1)
        #expect(try T.rows(table).count == 2)
    }

    @Test func overwriteConflictsWithAConcurrentDeleteButNotWithAppends() throws {
        let (table, store) = T.memoryTable()
        _ = try table.write([try T.batch([T.row(1)]), try T.batch([T.row(2)])])
        let s0 = try table.snapshot()
        // A winner removes a file the overwrite read.
        let victim = s0.files[0]
        var tx = Transaction(table: table, readSnapshot: s0, operation: "DELETE")
        tx.actions = [.remove(RemoveFile(removing: victim, at: 1, dataChange: true))]
        _ = try tx.commit()
        var overwrite = Transaction(table: table, readSnapshot: s0, operation: "WRITE")
        overwrite.actions = s0.files.map { .remove(RemoveFile(removing: $0, at: 2, dataChange: true)) }
        overwrite.readFiles = Set(s0.files.map { TableState.normalized($0.key).path })
        do {
            _ = try overwrite.commit()
            Issue.record("overwrite committed over a concurrent delete")
        } catch let e as TarnError {
            #expect(e.code == .concurrentModification && e.version == 1 && e.message.contains(LogPath.decode(victim.path)), "\(e)")
        }
        // A blind append from the same stale snapshot goes through.
        var append = Transaction(table: table, readSnapshot: s0, operation: "WRITE")
        append.isBlindAppend = true
        append.actions = []
        #expect(try append.commit().version == 2)
        _ = store
    }

    @Test func metadataChangeConflictsWithEveryone() throws {
        let (table, _) = T.memoryTable()
        _ = try table.write([try T.batch([T.row(1)])])
        let s0 = try table.snapshot()
        var evolve = WriteOptions()
        evolve.mergeSchema = true
        let wider = StructType(T.schema.fields + [StructField("x", .integer)])
        _ = try table.write([try T.batch([T.row(2) + [.int(5)]], schema: wider)], options: evolve)
        var stale = Transaction(table: table, readSnapshot: s0, operation: "WRITE")
        stale.isBlindAppend = true
        #expect(throws: TarnError.self) { _ = try stale.commit() }
    }
}
