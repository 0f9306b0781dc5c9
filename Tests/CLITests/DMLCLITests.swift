// `tarn delete`, `tarn update` and `tarn merge` end to end: ordered WHEN clauses with --if, JSON
// output with the commit's metrics, the rows afterwards, and errors (duplicate source keys, bad
// clause options) with exit code 1 / 64 and the table unchanged.
import Foundation
import Testing

@Suite struct DMLCLITests {
    static func table(_ box: Sandbox) throws -> String {
        let csv = try box.write("base.csv", "id,cat,amount\n1,a,1.5\n2,b,2.5\n3,a,3.5\n4,c,4.5\n")
        #expect(try box.tarn("create", "t", "--schema", "id long not null, cat string, amount double", "--partition-by", "cat").status == 0)
        #expect(try box.tarn("write", "t", "--input", csv).status == 0)
        return box.path("t")
    }

    static func rows(_ box: Sandbox) throws -> [String] {
        try box.tarn("scan", "t").stdout.split(separator: "\n").map(String.init).sorted()
    }

    @Test func updateAndDeleteWithJSONOutput() throws {
        let box = try Sandbox()
        _ = try DMLCLITests.table(box)
        let u = try box.tarn("update", "t", "--set", "amount = amount * 10, cat = 'z'", "--where", "id <= 2", "--json")
        #expect(u.status == 0, "\(u.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(u.stdout.utf8)) as? [String: Any]
        #expect(doc?["rowsUpdated"] as? Int == 2)
        #expect((doc?["operationMetrics"] as? [String: String])?["numUpdatedRows"] == "2")
        let d = try box.tarn("delete", "t", "--where", "cat = 'c'")
        #expect(d.status == 0 && d.stdout.contains("1 rows deleted"), "\(d.stdout)")
        #expect(try DMLCLITests.rows(box) == [#"{"id":1,"cat":"z","amount":15.0}"#, #"{"id":2,"cat":"z","amount":25.0}"#,
                                              #"{"id":3,"cat":"a","amount":3.5}"#])
        let none = try box.tarn("update", "t", "--set", "amount = 0", "--where", "id > 100")
        #expect(none.status == 0 && none.stdout.contains("nothing committed"))
    }

    @Test func mergeAppliesClausesInOrder() throws {
        let box = try Sandbox()
        _ = try DMLCLITests.table(box)
        let src = try box.write("src.csv", "id,cat,amount\n1,a,-1\n2,b,20\n9,n,9.5\n")
        let r = try box.tarn("merge", "t", "--source", src, "--on", "target.id = source.id",
                             "--when-matched-delete", "--if", "source.amount < 0",
                             "--when-matched-update", "SET amount = source.amount",
                             "--when-not-matched-insert", "*",
                             "--when-not-matched-by-source-update", "SET amount = 0", "--if", "target.cat = 'c'", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let m = doc?["operationMetrics"] as? [String: String]
        #expect(m?["numTargetRowsMatchedDeleted"] == "1" && m?["numTargetRowsMatchedUpdated"] == "1")
        #expect(m?["numTargetRowsInserted"] == "1" && m?["numTargetRowsNotMatchedBySourceUpdated"] == "1")
        #expect(try DMLCLITests.rows(box) == [#"{"id":2,"cat":"b","amount":20.0}"#, #"{"id":3,"cat":"a","amount":3.5}"#,
                                              #"{"id":4,"cat":"c","amount":0.0}"#, #"{"id":9,"cat":"n","amount":9.5}"#])
        let history = try box.tarn("history", "t", "--limit", "1")
        #expect(history.stdout.contains("MERGE") && history.stdout.contains("numTargetRowsInserted"))
    }

    @Test func mergeErrorsLeaveTheTableUnchanged() throws {
        let box = try Sandbox()
        _ = try DMLCLITests.table(box)
        let before = try DMLCLITests.rows(box)
        let dup = try box.write("dup.csv", "id,cat,amount\n3,a,1\n3,a,2\n")
        let r = try box.tarn("merge", "t", "--source", dup, "--on", "target.id = source.id", "--when-matched-update", "SET amount = source.amount")
        #expect(r.status == 1 && r.stderr.hasPrefix("error: ") && r.stderr.contains("duplicate source keys: (3)"), "\(r.stderr)")
        let bad = try box.tarn("merge", "t", "--source", dup, "--on", "target.id = source.id", "--if", "x > 1")
        #expect(bad.status != 0 && bad.stderr.contains("--if must follow"), "\(bad.stderr)")
        let badType = try box.tarn("update", "t", "--set", "amount = 'abc'")
        #expect(badType.status == 1 && badType.stderr.contains("amount"), "\(badType.stderr)")
        #expect(try DMLCLITests.rows(box) == before)
        #expect(try box.tarn("history", "t", "--limit", "1").stdout.contains("WRITE"))
    }

    @Test func changesShowTheRowLevelChanges() throws {
        let box = try Sandbox()
        let csv = try box.write("base.csv", "id,cat\n1,a\n2,b\n")
        #expect(try box.tarn("create", "t", "--schema", "id long not null, cat string", "--property", "delta.enableChangeDataFeed=true").status == 0)
        #expect(try box.tarn("write", "t", "--input", csv).status == 0)
        #expect(try box.tarn("update", "t", "--set", "cat = 'z'", "--where", "id = 2").status == 0)
        #expect(try box.tarn("delete", "t", "--where", "id = 1").status == 0)
        let r = try box.tarn("changes", "t", "--from", "2", "--format", "jsonl")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { line -> String in
            // Drop the commit timestamp (wall-clock) from each row.
            guard let at = line.range(of: #","_commit_timestamp""#) else { return String(line) }
            return String(line[..<at.lowerBound]) + "}"
        }
        #expect(lines == [#"{"id":2,"cat":"b","_change_type":"update_preimage","_commit_version":2}"#,
                          #"{"id":2,"cat":"z","_change_type":"update_postimage","_commit_version":2}"#,
                          #"{"id":1,"cat":"a","_change_type":"delete","_commit_version":3}"#])
        let bad = try box.tarn("changes", "t", "--from", "9")
        #expect(bad.status == 1 && bad.stderr.hasPrefix("error: "), "\(bad.stderr)")
    }
}
