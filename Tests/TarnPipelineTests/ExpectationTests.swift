// ExpectationTests: every expectation kind with every action on a small hand-checked table. The
// failing rows of each case are listed here (worked out by hand, one per kind), and the outcome
// of warn / drop / fail is checked against them: kept rows, rejected rows, codes and messages.
import Foundation
import Testing
import TarnPipeline
import TarnTestSupport

enum EX {
    static let now: Int64 = 1_700_000_000_000_000  // 2023-11-14 22:13:20 UTC
    static let schema = StructType([
        StructField("id", .long, nullable: false), StructField("name", .string), StructField("amount", .decimal(precision: 10, scale: 2)),
        StructField("ts", .timestamp), StructField("cust", .long), StructField("code", .string),
    ])
    static func ago(_ s: Int64) -> Value { .timestamp(now - s * 1_000_000) }
    static let rows: [[Value]] = [
        [.int(1), .string("ann"), .decimal(1000), ago(10), .int(100), .string("AB-1")],
        [.int(2), .null, .decimal(500), ago(20), .int(101), .string("AB-2")],
        [.int(3), .string("cat"), .decimal(-100), ago(30), .int(999), .string("bad")],
        [.int(4), .string("dan"), .decimal(25000), .null, .null, .string("AB-4")],
        [.int(5), .string("ann"), .null, ago(5), .int(100), .string("AB-5x")],
        [.int(6), .string("eve"), .decimal(10000), ago(100), .int(102), .null],
        [.int(7), .string("cat"), .decimal(0), ago(1), .int(101), .string("ab-7")],
    ]
    static let customers = StructType([StructField("cid", .long), StructField("region", .string)])

    static func batch() throws -> RecordBatch { try RecordBatch(schema: schema, rows: rows) }

    static func tables(_ path: String) throws -> [RecordBatch] {
        guard path == "dim/customers" else { throw TarnError(.notFound, "no table \(path)") }
        return [try RecordBatch(schema: customers, rows: [[.int(100), .string("n")], [.int(101), .null], [.int(102), .string("s")]])]
    }

    /// A case: the kind, the rows it fails (row-level) or whether it passes (table-level).
    struct Case: Sendable {
        var kind: ExpectationSpec.Kind
        var failing: [Int]
        var tableLevel = false
        var tablePasses = true
        var code: RejectCode = .expectationFailed
    }

    static let cases: [Case] = [
        Case(kind: .notNull(column: "name"), failing: [1]),
        Case(kind: .notNull(column: "id"), failing: []),
        Case(kind: .unique(columns: ["name"]), failing: [4, 6], code: .duplicateKey),
        Case(kind: .unique(columns: ["name", "cust"]), failing: [4], code: .duplicateKey),
        Case(kind: .range(column: "amount", min: "0", max: "100"), failing: [2, 3]),
        Case(kind: .range(column: "amount", min: "1.5", max: nil), failing: [2, 6]),
        Case(kind: .range(column: "ts", min: "'2023-11-14 22:12:55'", max: nil), failing: [2, 5]),
        Case(kind: .acceptedValues(column: "name", values: ["ann", "cat", "dan"]), failing: [5]),
        Case(kind: .acceptedValues(column: "cust", values: ["100", "101", "102"]), failing: [2]),
        Case(kind: .regex(column: "code", pattern: "AB-[0-9]+"), failing: [2, 4, 6]),
        Case(kind: .rowCount(min: 1, max: 10), failing: [], tableLevel: true, tablePasses: true),
        Case(kind: .rowCount(min: 8, max: nil), failing: [], tableLevel: true, tablePasses: false),
        Case(kind: .freshness(column: "ts", maxAgeSeconds: 60), failing: [], tableLevel: true, tablePasses: true),
        Case(kind: .freshness(column: "ts", maxAgeSeconds: 0), failing: [], tableLevel: true, tablePasses: false),
        Case(kind: .referential(column: "cust", table: "dim/customers", tableColumn: "cid"), failing: [2], code: .referentialMissing),
    ]
}

@Suite struct ExpectationTests {
    static let arguments: [(Int, ExpectationSpec.Action)] = EX.cases.indices.flatMap { i in ExpectationSpec.Action.allCases.map { (i, $0) } }

    @Test(arguments: arguments)
    func everyKindWithEveryAction(caseIndex: Int, action: ExpectationSpec.Action) throws {
        let c = EX.cases[caseIndex]
        let batch = try EX.batch()
        let suite = ExpectationSuite(owner: "data-team@x", expectations: [ExpectationSpec(name: "check_\(caseIndex)", kind: c.kind, action: action)])
        let out = try Expectations.evaluate(suite, [batch], sourceName: "in.csv", nowMicros: EX.now, table: EX.tables)
        let passed = c.tableLevel ? c.tablePasses : c.failing.isEmpty
        #expect(out.results.count == 1)
        let r = try #require(out.results.first)
        #expect(r.name == "check_\(caseIndex)" && r.action == action && r.owner == "data-team@x")
        #expect(r.passed == passed, "\(c.kind): \(r.message)")
        #expect(r.failingRows == c.failing.count, "\(c.kind): \(r.message)")
        #expect(out.failed == (action == .fail && !passed))
        let dropsRows = action == .drop && !c.tableLevel
        let keptRows = dropsRows ? EX.rows.indices.filter { !c.failing.contains($0) }.map { EX.rows[$0] } : EX.rows
        #expect(out.batches.flatMap(\.rows) == keptRows)
        guard dropsRows else {
            #expect(out.rejected.isEmpty)
            return
        }
        let lines = RowJSON.lines(batch)
        #expect(out.rejected.map(\.raw) == c.failing.map { lines[$0] })
        for rej in out.rejected {
            #expect(rej.code == c.code)
            #expect(rej.sourceFile == "in.csv")
            #expect(rej.message.contains("check_\(caseIndex)") && rej.message.contains("data-team@x"))
        }
    }

    /// Split into batches (row-level checks then run batch by batch), every case gives the same
    /// results, kept rows and rejections as on one batch.
    @Test(arguments: arguments)
    func batchesGiveTheSameOutcomeAsOneBatch(caseIndex: Int, action: ExpectationSpec.Action) throws {
        let c = EX.cases[caseIndex]
        let batch = try EX.batch()
        let split = [batch.slice(0 ..< 2), batch.slice(2 ..< 2), batch.slice(2 ..< 5), batch.slice(5 ..< batch.count)]
        let suite = ExpectationSuite(owner: "o", expectations: [ExpectationSpec(name: "x", kind: c.kind, action: action)])
        let one = try Expectations.evaluate(suite, [batch], sourceName: "s", nowMicros: EX.now, table: EX.tables)
        let many = try Expectations.evaluate(suite, split, sourceName: "s", nowMicros: EX.now, table: EX.tables)
        #expect(many.results == one.results, "\(c.kind)")
        #expect(many.batches.flatMap(\.rows) == one.batches.flatMap(\.rows))
        #expect(many.rejected == one.rejected && many.failed == one.failed)
    }

    @Test func kindNamesAndSeveralDropsRejectARowOnce() throws {
        let suite = ExpectationSuite(owner: "o", expectations: [
            ExpectationSpec(name: "a", kind: .regex(column: "code", pattern: "AB-[0-9]+"), action: .drop),
            ExpectationSpec(name: "b", kind: .referential(column: "cust", table: "dim/customers", tableColumn: "cid"), action: .drop),
            ExpectationSpec(name: "c", kind: .notNull(column: "name"), action: .warn),
            ExpectationSpec(name: "d", kind: .rowCount(min: 100, max: nil), action: .drop),
            ExpectationSpec(name: "e", kind: .freshness(column: "ts", maxAgeSeconds: 3600), action: .fail),
        ])
        let out = try Expectations.evaluate(suite, [try EX.batch()], sourceName: "s", nowMicros: EX.now, table: EX.tables)
        #expect(out.results.map(\.kind) == ["regex", "referential", "not_null", "row_count", "freshness"])
        #expect(out.results.map(\.passed) == [false, false, false, false, true])
        #expect(!out.failed)
        #expect(out.batches.flatMap(\.rows).map { $0[0] } == [.int(1), .int(2), .int(4), .int(6)])
        #expect(out.rejected.count == 3)
        #expect(out.rejected.map(\.code) == [.expectationFailed, .expectationFailed, .expectationFailed])
        #expect(out.rejected[0].message.contains("'a'"))
    }

    @Test func badSpecsAreErrors() throws {
        let batch = try EX.batch()
        for kind: ExpectationSpec.Kind in [.notNull(column: "nope"), .range(column: "amount", min: "'abc'", max: nil),
                                           .regex(column: "code", pattern: "(["), .freshness(column: "name", maxAgeSeconds: 1),
                                           .acceptedValues(column: "cust", values: ["x"])] {
            let suite = ExpectationSuite(owner: "o", expectations: [ExpectationSpec(name: "x", kind: kind, action: .warn)])
            #expect(throws: TarnError.self) {
                try Expectations.evaluate(suite, [batch], sourceName: "s", nowMicros: EX.now, table: EX.tables)
            }
        }
    }
}
