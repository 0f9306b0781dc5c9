// Change data feed reads (Table.changes) against independent oracles: random appends, deletes and
// updates checked against a reference model (each version's changes turn the model's previous
// rows into its next ones; exact rows where the commit has change data files); hand-built commits
// for each inference rule (cdc files only, remove = delete, add = insert, deletion-vector
// differences, dataChange=false, no-op MERGE); column mapping and schema evolution; timestamps;
// range errors, CDF disabled, vacuumed files.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct ChangeFeedTests {
    static let cdf = ["delta.enableChangeDataFeed": "true"]

    /// (table row, change type, version) of every change row, sorted; checks the timestamp column.
    static func changes(_ table: Table, from: Int64, to: Int64? = nil) throws -> [([Value], String, Int64)] {
        let feed = try table.changes(fromVersion: from, toVersion: to)
        let times = Dictionary(try table.commitTimestamps().map { ($0.version, $0.millis) }, uniquingKeysWith: { a, _ in a })
        let n = feed.schema.fields.count - 3
        var out: [([Value], String, Int64)] = []
        for row in try feed.batches().flatMap(\.rows) {
            guard case let .string(type) = row[n], case let .int(v) = row[n + 1], case let .timestamp(t) = row[n + 2] else {
                Issue.record("bad change columns \(row)")
                continue
            }
            #expect(t == (times[v] ?? -1) * 1000, "version \(v): _commit_timestamp \(t)")
            out.append((Array(row.prefix(n)), type, v))
        }
        return out.sorted { "\($0.2) \($0.1) \($0.0)" < "\($1.2) \($1.1) \($1.0)" }
    }

    static func counts(_ rows: [[Value]]) -> [String: Int] {
        rows.reduce(into: [:]) { $0[$1.description, default: 0] += 1 }
    }

    static func hasChangeFiles(_ table: Table, _ version: Int64) throws -> Bool {
        try ActionCodec.parseCommit(try table.store.get(LogNames.commit(version)), file: "v\(version)").contains {
            if case .cdc = $0 { return true }
            return false
        }
    }

    // MARK: model

    @Test func randomDMLMatchesTheModel() throws {
        for seed in SeededRandom.seeds(count: 6, base: 0xCDF0) {
            var rng = SeededRandom(seed: seed)
            let (table, _) = T.memoryTable()
            var props = ChangeFeedTests.cdf
            if seed % 2 == 1 { props["delta.enableDeletionVectors"] = "true" }
            try table.create(schema: T.schema, partitionBy: rng.chance(0.5) ? ["cat"] : [], properties: props)
            // Per version: rows before, rows after, the exact changes (type, row).
            var versions: [Int64: (before: [[Value]], after: [[Value]], exact: [(String, [Value])])] = [:]
            var current: [[Value]] = []
            var nextId: Int64 = 0
            for step in 0 ..< 9 {
                let before = current, version = try table.snapshot().version
                var exact: [(String, [Value])] = []
                let limit = Int128(Int.random(in: -50 ... 50, using: &rng))
                let matches = { (r: [Value]) -> Bool in if case let .decimal(v) = r[3] { return v < limit * 100 }; return false }
                switch step % 3 == 0 || current.isEmpty ? 0 : Int.random(in: 0 ... 2, using: &rng) {
                case 0:
                    let rows = (0 ..< Int.random(in: 1 ... 30, using: &rng)).map { _ -> [Value] in
                        nextId += 1
                        return T.row(nextId, cat: ["a", "b", "c"].randomElement(using: &rng)!, amount: Int128(Int.random(in: -50 ... 50, using: &rng)))
                    }
                    _ = try table.write([try T.batch(rows)])
                    current += rows
                    exact = rows.map { ("insert", $0) }
                case 1:
                    _ = try table.delete(where: try RowCondition.parse("amount < \(limit)", schema: T.schema))
                    exact = current.filter(matches).map { ("delete", $0) }
                    current = current.filter { !matches($0) }
                default:
                    _ = try table.update(set: "cat = 'u'", where: try RowCondition.parse("amount < \(limit)", schema: T.schema))
                    let hit = current.filter(matches)
                    exact = hit.map { ("update_preimage", $0) } + hit.map { r in ("update_postimage", [r[0], r[1], .string("u"), r[3], r[4]]) }
                    current = current.map { r in matches(r) ? [r[0], r[1], .string("u"), r[3], r[4]] : r }
                }
                let now = try table.snapshot().version
                #expect(now == version + (exact.isEmpty ? 0 : 1), "seed \(seed) step \(step): version \(now) after \(version)")
                if now > version { versions[now] = (before, current, exact) }
            }
            let all = try ChangeFeedTests.changes(table, from: 0)
            var versionsWithFiles = 0
            for (v, m) in versions {
                let got = all.filter { $0.2 == v }
                let removed = got.filter { $0.1 == "delete" || $0.1 == "update_preimage" }.map(\.0)
                let added = got.filter { $0.1 == "insert" || $0.1 == "update_postimage" }.map(\.0)
                // Holds with and without change data files: the changes turn `before` into `after`.
                var state = ChangeFeedTests.counts(m.before)
                for r in removed { state[r.description, default: 0] -= 1 }
                #expect(!state.values.contains { $0 < 0 }, "seed \(seed) v\(v): deleted rows that were not in the table")
                for r in added { state[r.description, default: 0] += 1 }
                #expect(state.filter { $0.value != 0 } == ChangeFeedTests.counts(m.after), "seed \(seed) v\(v)")
                // Exact where it must be: appends, and commits with change data files.
                let withFiles = try ChangeFeedTests.hasChangeFiles(table, v)
                if withFiles { versionsWithFiles += 1 }
                if withFiles || m.exact.allSatisfy({ $0.0 == "insert" }) {
                    #expect(got.map { "\($0.1) \($0.0)" }.sorted() == m.exact.map { "\($0.0) \($0.1)" }.sorted(), "seed \(seed) v\(v)")
                }
            }
            #expect(Set(all.map(\.2)) == Set(versions.keys), "seed \(seed): versions with changes")
            print("change feed seed \(seed): \(versions.count) versions with changes, \(versionsWithFiles) with change data files, \(all.count) rows")
            // A sub-range is the same rows.
            let middle = try ChangeFeedTests.changes(table, from: 2, to: 5)
            #expect(middle.map { "\($0)" } == all.filter { (2 ... 5).contains($0.2) }.map { "\($0)" }, "seed \(seed)")
        }
    }

    // MARK: hand-built commits

    /// A Parquet file of `batch` at `key`; its size.
    static func writeFile(_ store: MemoryStore, _ key: String, _ batch: RecordBatch) throws -> Int64 {
        let sink = try store.sink(key)
        let w = try ParquetWriter(sink: sink, schema: batch.schema, options: WriterOptions())
        try w.write(batch)
        _ = try w.close()
        try sink.close()
        return Int64(sink.bytesWritten)
    }

    static func commit(_ table: Table, _ actions: [Action], operation: String = "WRITE", metrics: [String: String] = [:]) throws {
        var tx = Transaction(table: table, readSnapshot: try table.snapshot(), operation: operation)
        tx.actions = actions
        tx.operationMetrics = metrics
        _ = try tx.commit()
    }

    static func ids(_ rows: [([Value], String, Int64)], _ version: Int64) -> [String] {
        rows.filter { $0.2 == version }.map { "\($0.1) \($0.0[0])\($0.0.count > 2 ? " " + $0.0[2].description : "")" }.sorted()
    }

    @Test func changeDataFilesReplaceTheActionsOfTheirVersion() throws {
        let (table, store) = T.memoryTable()
        try table.create(schema: T.schema, partitionBy: ["cat"], properties: ChangeFeedTests.cdf)
        _ = try table.write([try T.batch([T.row(1, cat: "a"), T.row(2, cat: "a"), T.row(3, cat: "b")])])   // v1
        let files = try table.snapshot().files
        let a = try #require(files.first { $0.partitionValues["cat"] == "a" })
        let b = try #require(files.first { $0.partitionValues["cat"] == "b" })
        // v2: the cdc file (id stored as int32, conformed to long) is the only source of changes,
        // though the commit also removes a's file.
        let cdcSchema = StructType([StructField("id", .integer), StructField("day", .date), StructField("amount", .decimal(precision: 10, scale: 2)),
                                    StructField("ts", .timestamp), StructField("_change_type", .string)])
        let cdcRows: [[Value]] = [[.int(2), .date(19_000), .decimal(100), .timestamp(1), .string("update_preimage")],
                                  [.int(2), .date(19_000), .decimal(500), .timestamp(1), .string("update_postimage")],
                                  [.int(1), .date(19_000), .decimal(100), .timestamp(1), .string("delete")]]
        let key = "_change_data/cat=a/cdc-1.parquet"
        let size = try ChangeFeedTests.writeFile(store, key, try T.batch(cdcRows, schema: cdcSchema))
        try ChangeFeedTests.commit(table, [.remove(RemoveFile(removing: a, at: 1, dataChange: true)),
                                           .cdc(AddCDCFile(path: key, partitionValues: ["cat": "a"], size: size))], operation: "UPDATE")
        // v3: a remove without partitionValues: they come from the file's add.
        try ChangeFeedTests.commit(table, [.remove(RemoveFile(path: b.path, deletionTimestamp: 1, dataChange: true))], operation: "DELETE")
        let rows = try ChangeFeedTests.changes(table, from: 1)
        #expect(ChangeFeedTests.ids(rows, 1) == ["insert 1 'a'", "insert 2 'a'", "insert 3 'b'"])
        #expect(ChangeFeedTests.ids(rows, 2) == ["delete 1 'a'", "update_postimage 2 'a'", "update_preimage 2 'a'"])
        #expect(rows.first { $0.1 == "update_postimage" }?.0[3] == .decimal(500))
        #expect(ChangeFeedTests.ids(rows, 3) == ["delete 3 'b'"])
    }

    @Test func deletionVectorChangesAndDataChangeFalse() throws {
        let (table, _) = T.memoryTable()
        try table.create(schema: T.schema, properties: ChangeFeedTests.cdf.merging(["delta.enableDeletionVectors": "true"]) { a, _ in a })
        _ = try table.write([try T.batch((0 ..< 10).map { T.row(Int64($0)) })])   // v1: file F, ids 0...9
        let f = try #require(try table.snapshot().files.first)
        func with(_ rows: [UInt64]) throws -> AddFile {
            var x = f
            x.deletionVector = rows.isEmpty ? nil : try DeletionVectorFile.inlineDescriptor(for: RoaringBitmap64(rows))
            return x
        }
        func replace(_ old: [UInt64], _ new: [UInt64], dataChange: Bool = true) throws -> [Action] {
            var added = try with(new)
            added.dataChange = dataChange
            return [.remove(RemoveFile(removing: try with(old), at: 1, dataChange: dataChange)), .add(added)]
        }
        try ChangeFeedTests.commit(table, try replace([], [1, 3]), operation: "DELETE")           // v2
        try ChangeFeedTests.commit(table, try replace([1, 3], [1, 3, 4]), operation: "DELETE")    // v3
        try ChangeFeedTests.commit(table, try replace([1, 3, 4], [1]), operation: "RESTORE")      // v4
        try ChangeFeedTests.commit(table, try replace([1], [1], dataChange: false), operation: "OPTIMIZE")  // v5
        try ChangeFeedTests.commit(table, [.remove(RemoveFile(removing: try with([1]), at: 1, dataChange: true))],
                                   operation: "MERGE", metrics: ["numTargetRowsInserted": "0", "numTargetRowsUpdated": "0", "numTargetRowsDeleted": "0"])  // v6
        try ChangeFeedTests.commit(table, [.remove(RemoveFile(removing: try with([1]), at: 1, dataChange: true))], operation: "DELETE")  // v7
        try ChangeFeedTests.commit(table, [.add(try with([0, 9]))])                               // v8
        let rows = try ChangeFeedTests.changes(table, from: 2)
        let ids = { (v: Int64) in rows.filter { $0.2 == v }.map { "\($0.1) \($0.0[0])" }.sorted() }
        #expect(ids(2) == ["delete 1", "delete 3"])
        #expect(ids(3) == ["delete 4"])
        #expect(ids(4) == ["insert 3", "insert 4"])
        #expect(ids(5).isEmpty && ids(6).isEmpty)
        #expect(ids(7) == ["delete 0", "delete 2", "delete 3", "delete 4", "delete 5", "delete 6", "delete 7", "delete 8", "delete 9"])
        #expect(ids(8) == (1 ... 8).map { "insert \($0)" })
    }

    @Test func columnMappingAndSchemaEvolution() throws {
        let (table, store) = T.memoryTable()
        let schema = StructType([StructField("id", .long, nullable: false), StructField("name", .string)])
        try table.create(schema: schema, properties: ChangeFeedTests.cdf.merging(["delta.columnMapping.mode": "name"]) { a, _ in a })
        _ = try table.write([try T.batch([[.int(1), .string("x")]], schema: schema)])                  // v1
        // v2: a cdc file in physical names.
        let s = try table.snapshot()
        let mapping = ColumnMapping(configuration: s.configuration)
        let physical = StructType(s.schema.fields.map { StructField(mapping.physicalName($0), $0.type) } + [StructField("_change_type", .string)])
        let key = "_change_data/cdc-cm.parquet"
        let size = try ChangeFeedTests.writeFile(store, key, try T.batch([[.int(1), .string("x"), .string("delete")]], schema: physical))
        try ChangeFeedTests.commit(table, [.cdc(AddCDCFile(path: key, partitionValues: [:], size: size))], operation: "DELETE")
        // v3: a new column; earlier versions read it as null.
        var o = WriteOptions()
        o.mergeSchema = true
        let wider = StructType(schema.fields + [StructField("extra", .integer)])
        _ = try table.write([try T.batch([[.int(2), .string("y"), .int(7)]], schema: wider)], options: o)
        let feed = try table.changes(fromVersion: 1)
        #expect(feed.schema.fieldNames == ["id", "name", "extra", "_change_type", "_commit_version", "_commit_timestamp"])
        let rows = try feed.batches().flatMap(\.rows).map { Array($0.prefix(5)) }
        #expect(rows.map(\.description) == [[Value.int(1), .string("x"), .null, .string("insert"), .int(1)],
                                             [.int(1), .string("x"), .null, .string("delete"), .int(2)],
                                             [.int(2), .string("y"), .int(7), .string("insert"), .int(3)]].map(\.description))
    }

    @Test func timestampsAndTimeRanges() throws {
        let (table, store) = T.memoryTable()
        store.setClock(1_700_000_000_000)
        try table.create(schema: T.schema, properties: ChangeFeedTests.cdf)
        for v in 1 ... 4 {
            store.setClock(1_700_000_000_000 + Int64(v) * 10_000)
            _ = try table.write([try T.batch([T.row(Int64(v))])])
        }
        let times = try table.commitTimestamps().map(\.millis)
        #expect(times.count == 5)
        let feed = try table.changes(fromTimestampMillis: times[1] + 1, toTimestampMillis: times[3])
        #expect(feed.fromVersion == 2 && feed.toVersion == 3)
        #expect(try feed.batches().flatMap(\.rows).map { $0[0] } == [.int(2), .int(3)])
        _ = try ChangeFeedTests.changes(table, from: 0)     // checks _commit_timestamp against commitTimestamps()
        let open = try table.changes(fromTimestampMillis: times[4])
        #expect(open.fromVersion == 4 && open.toVersion == 4)
        let empty = try table.changes(fromTimestampMillis: times[1] + 1, toTimestampMillis: times[1] + 2)
        #expect(try empty.batches().isEmpty)
        #expect(throws: TarnError.self) { _ = try table.changes(fromTimestampMillis: times[4] + 1) }
        #expect(throws: TarnError.self) { _ = try table.changes(fromTimestampMillis: 0, toTimestampMillis: times[0] - 1) }
        #expect(throws: TarnError.self) { _ = try table.changes(fromTimestampMillis: times[2], toTimestampMillis: times[1]) }
    }

    // MARK: bad input

    static func code(_ body: () throws -> Void) -> (TarnError.Code?, Int64?, String) {
        do {
            try body()
            return (nil, nil, "")
        } catch let e as TarnError {
            return (e.code, e.version, e.message)
        } catch {
            return (nil, nil, "\(error)")
        }
    }

    @Test func rangeErrors() throws {
        let (table, _) = T.memoryTable()
        try table.create(schema: T.schema, properties: ChangeFeedTests.cdf)
        _ = try table.write([try T.batch([T.row(1)])])
        #expect(ChangeFeedTests.code { _ = try table.changes(fromVersion: 2) }.0 == .versionNotFound)
        #expect(ChangeFeedTests.code { _ = try table.changes(fromVersion: 1, toVersion: 0) }.0 == .invalidArgument)
        #expect(ChangeFeedTests.code { _ = try table.changes(fromVersion: -1) }.0 == .invalidArgument)
        let capped = try table.changes(fromVersion: 0, toVersion: 9)
        #expect(capped.toVersion == 1)
        #expect(try capped.batches().flatMap(\.rows).count == 1)
    }

    @Test func everyVersionMustRecordChanges() throws {
        let (table, _) = T.memoryTable()
        try table.create(schema: T.schema)                                  // v0: CDF off
        _ = try table.write([try T.batch([T.row(1)])])                      // v1
        func setCDF(_ on: String) throws {
            var m = try table.snapshot().metadata
            m.configuration["delta.enableChangeDataFeed"] = on
            try ChangeFeedTests.commit(table, [.metaData(m)], operation: "SET TBLPROPERTIES")
        }
        try setCDF("true")                                                  // v2
        _ = try table.write([try T.batch([T.row(2)])])                      // v3
        try setCDF("false")                                                 // v4
        _ = try table.write([try T.batch([T.row(3)])])                      // v5
        let off = ChangeFeedTests.code { _ = try table.changes(fromVersion: 0) }
        #expect(off.0 == .invalidArgument && off.1 == 0 && off.2.contains("version 0"), "\(off)")
        #expect(ChangeFeedTests.code { _ = try table.changes(fromVersion: 1, toVersion: 3) }.1 == 1)
        #expect(try table.changes(fromVersion: 2, toVersion: 3).batches().flatMap(\.rows).map { $0[0] } == [.int(2)])
        let disabled = ChangeFeedTests.code { _ = try table.changes(fromVersion: 2) }
        #expect(disabled.0 == .invalidArgument && disabled.1 == 4 && disabled.2.contains("version 4"), "\(disabled)")
    }

    @Test func vacuumedFilesAreNotFound() throws {
        let (table, store) = T.memoryTable()
        try table.create(schema: T.schema, properties: ChangeFeedTests.cdf)
        _ = try table.write([try T.batch([T.row(1)])])                      // v1
        _ = try table.write([try T.batch([T.row(2)])])                      // v2
        let files = try table.snapshot().files
        let first = try #require(try table.snapshot(version: 1).files.first)
        try store.delete(LogPath.decode(first.path))
        let feed = try table.changes(fromVersion: 1)
        let failure = ChangeFeedTests.code { _ = try feed.batches() }
        #expect(failure.0 == .notFound && failure.1 == 1 && failure.2.contains(LogPath.decode(first.path)), "\(failure)")
        #expect(try table.changes(fromVersion: 2).batches().count == 1)
        #expect(try table.snapshot().files == files)     // reading changed nothing
    }
}
