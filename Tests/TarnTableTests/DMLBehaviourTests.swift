// DML behaviour beyond row equality: deletion vectors rewrite no data file, MERGE prunes target
// files by the source keys, change data files hold the changed rows, and bad input (duplicate
// source keys, a bad SET type, an overflow, a constraint violation) fails with the table unchanged
// and no stray files left in the store.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct DMLBehaviourTests {
    /// 4 files of 25 rows each (ids 1…100, in id order).
    static func fourFiles(_ properties: [String: String] = [:]) throws -> (Table, MemoryStore) {
        let (table, store) = T.memoryTable()
        var o = WriteOptions()
        o.properties = properties
        for f in 0 ..< 4 {
            let rows = (1 ... 25).map { T.row(Int64(f * 25 + $0), cat: ["a", "b"][$0 % 2], amount: Int128($0)) }
            _ = try table.write([try T.batch(rows)], options: o)
        }
        return (table, store)
    }

    static func objectKeys(_ store: MemoryStore) throws -> Set<String> { Set(try store.list(prefix: "").map(\.key)) }

    @Test func deletionVectorDeleteRewritesNoDataFile() throws {
        let (table, store) = try DMLBehaviourTests.fourFiles(["delta.enableDeletionVectors": "true"])
        let before = try table.snapshot().files
        let r = try table.delete(where: try RowCondition.parse("id % 10 = 0", schema: T.schema))
        #expect(r.committed && r.rowsDeleted == 10 && r.rowsCopied == 0 && r.deletionVectorsAdded == 4 && r.filesAdded == 0)
        let after = try table.snapshot().files
        #expect(Set(after.map(\.path)) == Set(before.map(\.path)))
        #expect(after.allSatisfy { $0.deletionVector?.cardinality == 2 || $0.deletionVector?.cardinality == 3 })
        #expect(try T.rows(table).count == 90)
        // A second delete on the same files merges into their vectors.
        _ = try table.delete(where: try RowCondition.parse("id < 6", schema: T.schema))
        #expect(try T.rows(table).count == 85)
        #expect(try table.snapshot().files.contains { $0.deletionVector?.cardinality == 7 })   // ids 1…5, 10 and 20
        // Deleting every remaining row of a file removes the file.
        _ = try table.delete(where: try RowCondition.parse("id <= 25", schema: T.schema))
        #expect(try table.snapshot().files.count == 3)
        #expect(try DMLBehaviourTests.objectKeys(store).contains { $0.hasPrefix("deletion_vector_") })
        // UPDATE writes only the new rows: the rest stay in place behind a vector.
        let u = try table.update(set: "cat = 'z'", where: try RowCondition.parse("id = 31", schema: T.schema))
        #expect(u.rowsUpdated == 1 && u.rowsCopied == 0 && u.filesAdded == 1)
        #expect(try T.rows(table).filter { $0[2] == .string("z") }.count == 1)
    }

    @Test func mergeReadsOnlyFilesTheSourceKeysCanMatch() throws {
        let (table, _) = try DMLBehaviourTests.fourFiles()
        let source = try T.batch([T.row(30, cat: "u", amount: 1), T.row(40, cat: "u", amount: 2), T.row(500, cat: "n")])
        let r = try table.merge(source: [source], on: "target.id = source.id",
                                clauses: [.matchedUpdate(set: "cat = source.cat"), .notMatchedInsert()])
        #expect(r.rowsUpdated == 2 && r.rowsInserted == 1 && r.filesRemoved == 1)
        #expect(r.metrics["numTargetRowsCopied"] == "23")   // only the file with ids 26…50 was rewritten
        #expect(try T.rows(table).count == 101)
    }

    @Test func changeDataFilesHoldTheChangedRows() throws {
        let (table, store) = try DMLBehaviourTests.fourFiles(["delta.enableChangeDataFeed": "true"])
        _ = try table.update(set: "amount = amount + 1000", where: try RowCondition.parse("id = 7", schema: T.schema))
        let keys = try DMLBehaviourTests.objectKeys(store).filter { $0.hasPrefix("_change_data/") }
        #expect(keys.count == 1)
        let changes = try table.changes(fromVersion: 4, toVersion: 4).batches().flatMap(\.rows)
        #expect(changes.count == 2)
        #expect(Set(changes.map { $0[5] }) == [.string("update_preimage"), .string("update_postimage")])
    }

    /// Runs `body`, expects it to throw `code`, and checks that the table and the store did not change.
    static func expectUnchanged(_ table: Table, _ store: MemoryStore, code: TarnError.Code, message: String,
                                _ body: () throws -> Void) throws {
        let version = try table.snapshot().version
        let rows = try T.rows(table)
        let keys = try objectKeys(store)
        do {
            try body()
            Issue.record("expected \(code) error containing '\(message)'")
        } catch let e as TarnError {
            #expect(e.code == code, "\(e)")
            #expect(e.message.contains(message), "\(e.message)")
        }
        #expect(try table.snapshot().version == version)
        #expect(try T.rows(table) == rows)
        #expect(try objectKeys(store) == keys, "stray files were left in the store")
    }

    @Test func badInputLeavesTheTableUnchanged() throws {
        for properties in [[:], ["delta.enableDeletionVectors": "true", "delta.enableChangeDataFeed": "true"]] {
            let (table, store) = try DMLBehaviourTests.fourFiles(properties)
            var o = WriteOptions()
            o.partitionBy = ["cat"]
            let dup = try T.batch([T.row(3, cat: "x"), T.row(3, cat: "y"), T.row(9, cat: "x"), T.row(9, cat: "x")])
            try DMLBehaviourTests.expectUnchanged(table, store, code: .invalidArgument, message: "duplicate source keys: (3), (9)") {
                _ = try table.merge(source: [dup], on: "target.id = source.id", clauses: [.matchedUpdate(set: "cat = source.cat")])
            }
            try DMLBehaviourTests.expectUnchanged(table, store, code: .invalidArgument, message: "cannot store") {
                _ = try table.update(set: "day = 'not a date'", where: nil)
            }
            try DMLBehaviourTests.expectUnchanged(table, store, code: .invalidArgument, message: "does not fit column 'amount'") {
                _ = try table.update(set: "amount = amount * 1000000000", where: try RowCondition.parse("id = 50", schema: T.schema))
            }
            try DMLBehaviourTests.expectUnchanged(table, store, code: .constraintViolation, message: "id") {
                _ = try table.update(set: "id = NULL", where: try RowCondition.parse("id = 50", schema: T.schema))
            }
            _ = try table.addConstraint(name: "positive", expression: "amount > 0")
            try DMLBehaviourTests.expectUnchanged(table, store, code: .constraintViolation, message: "positive") {
                _ = try table.merge(source: [try T.batch([T.row(1, amount: 5), T.row(777, amount: -5)])], on: "target.id = source.id",
                                    clauses: [.matchedUpdate(set: "amount = source.amount"), .notMatchedInsert()])
            }
            try DMLBehaviourTests.expectUnchanged(table, store, code: .invalidArgument, message: "needs at least one equality") {
                _ = try table.merge(source: [dup], on: "target.id > source.id", clauses: [.matchedDelete()])
            }
            try DMLBehaviourTests.expectUnchanged(table, store, code: .invalidArgument, message: "in both the target and the source") {
                _ = try table.merge(source: [dup], on: "id = source.id", clauses: [.matchedDelete()])
            }
        }
    }

    @Test func duplicateSourceKeysAreAllowedForAnUnconditionalDeleteAndForInserts() throws {
        let (table, _) = try DMLBehaviourTests.fourFiles()
        let dup = try T.batch([T.row(3), T.row(3), T.row(200), T.row(201)])
        let r = try table.merge(source: [dup], on: "target.id = source.id", clauses: [.matchedDelete()])
        #expect(r.rowsDeleted == 1)
        let i = try table.merge(source: [dup], on: "target.id = source.id", clauses: [.notMatchedInsert()])
        #expect(i.rowsInserted == 4)   // 3 is gone now, so both copies are inserted, as in Spark
    }

    @Test func numericAssignmentsNarrowOnlyWhenTheValueFits() throws {
        let (table, store) = T.memoryTable()
        let schema = StructType([StructField("id", .long, nullable: false), StructField("n", .integer), StructField("d", .decimal(precision: 4, scale: 1))])
        _ = try table.write([try RecordBatch(schema: schema, rows: [[.int(1), .int(100_000), .decimal(10)], [.int(2), .int(5), .decimal(20)]])])
        let r = try table.update(set: "n = id * 3, d = d + 1", where: try RowCondition.parse("id = 2", schema: schema))
        #expect(r.rowsUpdated == 1)
        #expect(try table.snapshot().version == 1)
        try DMLBehaviourTests.expectUnchanged(table, store, code: .invalidArgument, message: "does not fit column 'n'") {
            _ = try table.update(set: "n = id * 10000000000", where: nil)   // a long that would wrap in an integer
        }
        try DMLBehaviourTests.expectUnchanged(table, store, code: .invalidArgument, message: "does not fit column 'd'") {
            _ = try table.update(set: "d = d * 1000", where: nil)     // 10000.0 needs 5 integer digits
        }
    }

    @Test func updateOfAPartitionColumnToABadTypeIsRefused() throws {
        let (table, store) = T.memoryTable()
        var o = WriteOptions()
        o.partitionBy = ["day"]
        _ = try table.write([try T.batch([T.row(1, day: 19_000), T.row(2, day: 19_001)])], options: o)
        for set in ["day = 'not a date'", "day = amount", "day = true"] {
            try DMLBehaviourTests.expectUnchanged(table, store, code: .invalidArgument, message: "day") {
                _ = try table.update(set: set, where: nil)
            }
        }
        // A good value moves the row to its new partition.
        let r = try table.update(set: "day = DATE '2024-02-01'", where: try RowCondition.parse("id = 1", schema: T.schema))
        #expect(r.rowsUpdated == 1)
        #expect(try table.snapshot().files.contains { $0.partitionValues["day"] == .some("2024-02-01") })
    }
}
