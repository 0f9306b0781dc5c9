// OPTIMIZE against the table's own earlier versions: compaction and Z-order keep every version's
// rows, write dataChange=false commits with metrics, plan nothing the second time, honour the
// partition condition, survive concurrent appends, drop only the bins a concurrent delete
// invalidated, and (Z-order) cluster well enough that half the files are skipped.
import Foundation
import Testing
@testable import TarnTable
import TarnTestSupport

@Suite struct OptimizeTests {
    /// `files` appends of `rows` rows each (ids continue), partitioned by cat when asked.
    static func smallFiles(_ table: Table, files: Int, rows: Int, partitioned: Bool, properties: [String: String] = [:]) throws {
        var o = WriteOptions()
        o.partitionBy = partitioned ? ["cat"] : []
        o.properties = properties
        for f in 0 ..< files {
            let batch = try T.batch((0 ..< rows).map { i in T.row(Int64(f * rows + i), cat: ["a", "b", "c"][(f + i) % 3], amount: Int128(i)) })
            _ = try table.write([batch], options: o)
        }
    }

    static func allVersions(_ table: Table) throws -> [[[Value]]] {
        try (0 ... table.snapshot().version).map { try T.rows(table, version: $0) }
    }

    @Test(arguments: [false, true])
    func compactionKeepsEveryVersionAndIsIdempotent(partitioned: Bool) throws {
        let (table, _) = T.memoryTable()
        try OptimizeTests.smallFiles(table, files: 12, rows: 30, partitioned: partitioned, properties: ["delta.enableDeletionVectors": "true"])
        _ = try table.delete(where: try RowCondition.parse("id % 7 = 0", schema: T.schema))
        let before = try OptimizeTests.allVersions(table)
        let r = try table.optimize()
        #expect(r.committed && r.filesAdded == (partitioned ? 3 : 1) && r.filesRemoved == (partitioned ? 36 : 12), "\(r)")
        #expect(try T.rows(table) == before.last)
        #expect(try OptimizeTests.allVersions(table).dropLast() == before)
        let s = try table.snapshot()
        #expect(s.files.allSatisfy { $0.deletionVector == nil && !$0.dataChange })
        let info = try #require(try table.history(limit: 1).first?.commitInfo)
        #expect(info.operation == "OPTIMIZE")
        #expect(info["operationMetrics"]?["numRemovedFiles"]?.stringValue == String(r.filesRemoved))
        #expect(info["operationMetrics"]?["partitionsOptimized"]?.stringValue == (partitioned ? "3" : "1"))
        let again = try table.optimize()
        #expect(!again.committed && again.plan.bins.isEmpty)
    }

    @Test func dryRunAndPartitionCondition() throws {
        let (table, _) = T.memoryTable()
        try OptimizeTests.smallFiles(table, files: 6, rows: 10, partitioned: true)
        let version = try table.snapshot().version
        var o = OptimizeOptions()
        o.dryRun = true
        let plan = try table.optimize(o)
        #expect(!plan.committed && plan.plan.bins.count == 3 && plan.plan.fileCount == 18)
        #expect(try table.snapshot().version == version)
        o.dryRun = false
        o.condition = try RowCondition.parse("cat = 'a'", schema: T.schema)
        let r = try table.optimize(o)
        #expect(r.partitionsOptimized == 1 && r.filesRemoved == 6)
        o.condition = try RowCondition.parse("id > 3", schema: T.schema)
        #expect(throws: TarnError.self) { try table.optimize(o) }
    }

    @Test func appendsDuringCompactionNeverFail() throws {
        let (table, _) = T.memoryTable()
        try OptimizeTests.smallFiles(table, files: 20, rows: 50, partitioned: false)
        let appended = Counter()
        let writer = Thread {
            for k in 0 ..< 30 {
                let batch = try? T.batch((0 ..< 5).map { T.row(Int64(100_000 + k * 5 + $0)) })
                if let batch, (try? table.write([batch])) != nil { appended.add(5) }
            }
        }
        writer.start()
        var optimized = 0
        for _ in 0 ..< 3 { if try table.optimize().committed { optimized += 1 } }
        while !writer.isFinished { usleep(1000) }
        #expect(appended.value == 150)
        #expect(try T.rows(table).count == 1000 + 150)
        #expect(Set(try T.rows(table).map { $0[0] }).count == 1150)
        #expect(optimized >= 1)
    }

    @Test func aConcurrentDeleteDropsOnlyItsBin() throws {
        let (table, _) = T.memoryTable()
        try OptimizeTests.smallFiles(table, files: 4, rows: 10, partitioned: true)
        let s = try table.snapshot()
        let options = OptimizeOptions()
        let plan = try OptimizePlanner.plan(s, options)
        let outputs = try OptimizeRewrite(table: table, snapshot: s, options: options, plan: plan).run(plan.bins)
        // Another writer deletes rows of partition a in between.
        _ = try table.delete(where: try RowCondition.parse("cat = 'a' AND id = 0", schema: T.schema))
        let expected = try T.rows(table)
        let r = try OptimizeCommit(table: table, options: options, plan: plan).commit(Array(zip(plan.bins, outputs)), read: s)
        #expect(r.committed && r.binsDropped == 1 && r.partitionsOptimized == 2)
        #expect(try T.rows(table) == expected)
        // The dropped bin's new files were deleted: every data file in the store is live.
        let live = Set(try table.snapshot().files.map { LogPath.decode($0.path) })
        let stored = try table.store.list(prefix: "cat=").map(\.key)
        #expect(Set(stored).isSubset(of: live.union(Set(s.files.map { LogPath.decode($0.path) }))))
    }

    @Test func autoCompactionAfterWrites() throws {
        let (table, _) = T.memoryTable()
        try OptimizeTests.smallFiles(table, files: 7, rows: 5, partitioned: false,
                                     properties: ["delta.autoOptimize.autoCompact": "true", "tarn.autoCompact.minNumFiles": "5"])
        let history = try table.history().map { $0.commitInfo?.operation ?? "" }
        #expect(history.contains("OPTIMIZE"))
        #expect(try table.snapshot().files.count <= 2)
        #expect(try T.rows(table).count == 35)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add(_ k: Int) { lock.lock(); n += k; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
