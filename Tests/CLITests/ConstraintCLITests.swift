// End-to-end `tarn constraint add|drop` through the built binary: add, a violating write failing
// with exit code 1 and an `error:` line naming the constraint and the row (table unchanged), add
// on violating data, names and --if-exists, --json output, describe showing the property.
import Foundation
import Testing
import TarnColumnar

@Suite struct ConstraintCLITests {
    static let schema = "id long not null, amount decimal(10,2), cat string"

    func version(_ box: Sandbox, _ table: String) throws -> Int64? {
        let r = try box.tarn("describe", table, "--json")
        return try JSONParser.parse(r.stdout)["version"]?.int64Value
    }

    @Test func addViolateDrop() throws {
        let box = try Sandbox()
        let t = box.path("t")
        #expect(try box.tarn("create", t, "--schema", Self.schema).status == 0)
        _ = try box.write("ok.jsonl", "{\"id\":1,\"amount\":\"2.50\",\"cat\":\"a\"}\n{\"id\":2,\"amount\":\"1.00\",\"cat\":\"b\"}\n")
        _ = try box.write("bad.jsonl", "{\"id\":3,\"amount\":\"4.00\",\"cat\":\"a\"}\n{\"id\":4,\"amount\":\"-1.50\",\"cat\":\"c\"}\n")
        #expect(try box.tarn("write", t, "--input", "ok.jsonl").status == 0)

        let add = try box.tarn("constraint", "add", t, "Positive", "amount > 0")
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout == "committed version 2: added CHECK constraint positive (amount > 0)\n")
        let describe = try JSONParser.parse(try box.tarn("describe", t, "--json").stdout)
        #expect(describe["properties"]?["delta.constraints.positive"]?.stringValue == "amount > 0")
        #expect(describe["protocol"]?["minWriterVersion"]?.int64Value == 3)

        let bad = try box.tarn("write", t, "--input", "bad.jsonl")
        #expect(bad.status == 1 && bad.stdout.isEmpty)
        #expect(bad.stderr.hasPrefix("error: CHECK constraint positive (amount > 0) violated by row 1: {\"id\":4,\"amount\":\"-1.50\",\"cat\":\"c\"}"),
                "\(bad.stderr)")
        #expect(try version(box, t) == 2)

        let again = try box.tarn("constraint", "add", t, "POSITIVE", "id > 0")
        #expect(again.status == 1 && again.stderr.hasPrefix("error: constraint positive already exists"), "\(again.stderr)")
        let nonBoolean = try box.tarn("constraint", "add", t, "n", "amount + 1")
        #expect(nonBoolean.status == 1 && nonBoolean.stderr.contains("CHECK constraint n"), "\(nonBoolean.stderr)")
        let existing = try box.tarn("constraint", "add", t, "big", "amount > 2")
        #expect(existing.status == 1 && existing.stderr.contains("cannot add CHECK constraint big (amount > 2): 1 existing row(s)"), "\(existing.stderr)")
        #expect(try version(box, t) == 2)

        let drop = try box.tarn("constraint", "drop", t, "positive", "--json")
        #expect(drop.status == 0)
        let doc = try JSONParser.parse(drop.stdout)
        #expect(doc["version"]?.int64Value == 3 && doc["committed"]?.boolValue == true && doc["name"]?.stringValue == "positive")
        let missing = try box.tarn("constraint", "drop", t, "positive")
        #expect(missing.status == 1 && missing.stderr.hasPrefix("error: the table has no constraint named positive"), "\(missing.stderr)")
        let ifExists = try box.tarn("constraint", "drop", t, "positive", "--if-exists")
        #expect(ifExists.status == 0 && ifExists.stdout == "no constraint named positive; nothing committed (table version 3)\n")
        #expect(try box.tarn("write", t, "--input", "bad.jsonl").status == 0)
        #expect(try version(box, t) == 4)

        let json = try box.tarn("constraint", "add", t, "has_cat", "cat IS NOT NULL", "--json")
        #expect(json.status == 0, "\(json.stderr)")
        let added = try JSONParser.parse(json.stdout)
        #expect(added["version"]?.int64Value == 5 && added["expression"]?.stringValue == "cat IS NOT NULL")
    }

    @Test func missingTableAndUsage() throws {
        let box = try Sandbox()
        let r = try box.tarn("constraint", "add", box.path("nowhere"), "p", "id > 0")
        #expect(r.status == 1 && r.stderr.hasPrefix("error: "))
        #expect(try box.tarn("constraint", "add", box.path("nowhere"), "p").status == 64)
    }
}
