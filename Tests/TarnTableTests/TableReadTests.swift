// Reading: time travel by version and timestamp with clear errors, checkpoints and the
// _last_checkpoint hint, log cleanup, file skipping by statistics and partitions, and the
// errors a user meets (missing table, unsupported feature, corrupt commit line).
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct TableReadTests {
    @Test func timeTravelByVersionAndTimestamp() throws {
        let (table, store) = T.memoryTable()
        store.setClock(1_000_000)
        for i in 0 ..< 5 {
            store.setClock(1_000_000 + Int64(i) * 10_000)
            _ = try table.write([try T.batch([T.row(Int64(i))])])
        }
        for v in 0 ..< 5 { #expect(try T.rows(table, version: Int64(v)).count == v + 1) }
        let times = try table.commitTimestamps()
        #expect(times.map(\.version) == [0, 1, 2, 3, 4])
        for (i, t) in times.enumerated() {
            #expect(try table.snapshot(timestampMillis: t.millis).version == Int64(i))
            #expect(try table.snapshot(timestampMillis: t.millis + 5_000).version == Int64(i))
            if i > 0 { #expect(try table.snapshot(timestampMillis: t.millis - 1).version == Int64(i - 1)) }
        }
        #expect(try table.snapshot(timestampMillis: 9_999_999_999).version == 4)
        do {
            _ = try table.snapshot(timestampMillis: times[0].millis - 1)
            Issue.record("a time before the first commit was accepted")
        } catch let e as TarnError { #expect(e.code == .versionNotFound) }
        do {
            _ = try table.snapshot(version: 5)
            Issue.record("version 5 was accepted")
        } catch let e as TarnError {
            #expect(e.code == .versionNotFound && e.message.contains("latest version is 4"), "\(e)")
        }
    }

    @Test func checkpointsEveryIntervalAndHintIsOptional() throws {
        let (table, store) = T.memoryTable()
        try table.create(schema: T.schema, properties: ["delta.checkpointInterval": "3"])
        for i in 0 ..< 7 { _ = try table.write([try T.batch([T.row(Int64(i))])]) }
        #expect(try store.exists(LogNames.checkpoint(3)) && store.exists(LogNames.checkpoint(6)))
        let s = try Table(store: store).snapshot()     // a fresh reader starts from the checkpoint
        #expect(s.version == 7 && s.segment.checkpointVersion == 6 && s.segment.commits.count == 1)
        #expect(try table.snapshot().state.files.count == s.state.files.count)
        #expect(try T.rows(table).count == 7)
        try store.put(LogNames.lastCheckpoint, Array("{not json".utf8))      // a corrupt hint
        #expect(try table.snapshot().version == 7)
        try store.delete(LogNames.lastCheckpoint)
        #expect(try T.rows(table).count == 7)
        #expect(try T.rows(table, version: 4).count == 4)
    }

    @Test func logCleanupKeepsTheCheckpointCommit() throws {
        let (table, store) = T.memoryTable()
        store.setClock(1_000)
        try table.create(schema: T.schema, properties: ["delta.checkpointInterval": "2", "delta.logRetentionDuration": "interval 1 millisecond"])
        for i in 0 ..< 5 { _ = try table.write([try T.batch([T.row(Int64(i))])]) }
        try Checkpoints.cleanUpLog(table, retentionMillis: 0)
        let files = try table.logFiles()
        let commits = files.filter { $0.kind == .commit }.map(\.version)
        #expect(commits.min() == 4, "\(commits)")      // newest checkpoint is 4: its commit stays
        #expect(try T.rows(table).count == 5)
        do {
            _ = try table.snapshot(version: 1)
            Issue.record("a cleaned-up version was readable")
        } catch let e as TarnError { #expect(e.code == .versionNotFound, "\(e)") }
    }

    @Test func predicatesSkipFilesByStatsAndPartitions() throws {
        let (table, _) = T.memoryTable()
        var o = WriteOptions()
        o.partitionBy = ["cat"]
        for k in 0 ..< 6 {
            let rows = (0 ..< 10).map { T.row(Int64(k * 100 + $0), cat: k % 2 == 0 ? "even" : "odd") }
            _ = try table.write([try T.batch(rows)], options: o)
        }
        let s = try table.snapshot()
        func planned(_ p: TarnColumnar.Predicate) throws -> Int { try Scan(snapshot: s, store: table.store, predicate: p).plannedFiles().files.count }
        #expect(try planned(.compare(column: "id", op: .eq, value: .int(205))) == 1)
        #expect(try planned(.compare(column: "id", op: .ge, value: .int(400))) == 2)
        #expect(try planned(.compare(column: "cat", op: .eq, value: .string("odd"))) == 3)
        #expect(try planned(.and(.compare(column: "cat", op: .eq, value: .string("odd")), .compare(column: "id", op: .lt, value: .int(200)))) == 1)
        #expect(try planned(.compare(column: "ts", op: .gt, value: .string("2100-01-01"))) == 0)
        #expect(try planned(.isNull(column: "cat")) == 0)
    }

    @Test func projectionWithAFilterOnAnotherColumn() throws {
        let (table, _) = T.memoryTable()
        var o = WriteOptions()
        o.partitionBy = ["cat"]
        _ = try table.write([try T.batch([T.row(1, cat: "a", amount: 5), T.row(2, cat: "b", amount: 7), T.row(3, cat: "a", amount: 9)])], options: o)
        let s = try table.snapshot()
        let c = try RowCondition.parse("cat = 'a' AND id > 1", schema: s.schema)
        let rows = try Scan(snapshot: s, store: table.store, columns: ["amount"], condition: c).batches().flatMap(\.rows)
        #expect(rows == [[.decimal(9)]])
        #expect(try Scan(snapshot: s, store: table.store, columns: ["amount"], condition: c).outputSchema.fieldNames == ["amount"])
    }

    @Test func errorsAUserMeets() throws {
        let dir = try Peer.temporaryDirectory("tarn-errors")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try Table.open(path: dir.appendingPathComponent("missing").path)
            Issue.record("opened a missing table")
        } catch let e as TarnError { #expect(e.code == .notFound) }
        do {
            _ = try Table.open(path: dir.path)
            Issue.record("opened a directory without a log")
        } catch let e as TarnError { #expect(e.code == .notFound && e.message.contains("not a Delta table"), "\(e)") }

        let (table, store) = T.memoryTable()
        _ = try table.write([try T.batch([T.row(1)])])
        let good = try store.get(LogNames.commit(0))
        try store.put(LogNames.commit(1), Array("{\"commitInfo\":{}}\n{\"add\": {\"path\": \n".utf8))
        do {
            _ = try table.snapshot()
            Issue.record("read a corrupt commit")
        } catch let e as TarnError {
            #expect(e.code == .corruption && e.file == LogNames.commit(1) && e.message.contains("line 2"), "\(e)")
        }
        try store.delete(LogNames.commit(1))
        var commit = String(decoding: good, as: UTF8.self)
        commit = commit.replacingOccurrences(of: "\"minReaderVersion\":1,\"minWriterVersion\":2",
                                             with: "\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"fancyFeature\"],\"writerFeatures\":[\"fancyFeature\"]")
        let (other, otherStore) = T.memoryTable()
        try otherStore.put(LogNames.commit(0), Array(commit.utf8))
        do {
            _ = try other.snapshot()
            Issue.record("read a table with an unknown reader feature")
        } catch let e as TarnError {
            #expect(e.code == .unsupportedFeature && e.message.contains("fancyFeature"), "\(e)")
        }
    }

    @Test func tolerantLogParsing() throws {
        let (table, store) = T.memoryTable()
        _ = try table.write([try T.batch([T.row(1)])])
        var text = String(decoding: try store.get(LogNames.commit(0)), as: UTF8.self)
        text = "\n" + text.replacingOccurrences(of: "\"dataChange\":true", with: "\"dataChange\":true,\"tags\":null,\"futureField\":{\"x\":[1,2]}")
        text += "\n{\"futureAction\":{\"a\":1}}\n\n"
        text.removeLast()   // no final newline
        try store.put(LogNames.commit(0), Array(text.utf8))
        #expect(try T.rows(table).count == 1)
    }
}
