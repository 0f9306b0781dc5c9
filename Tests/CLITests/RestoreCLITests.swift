// End-to-end tests of `tarn restore`: restoring by version (one summary line) and with --json
// (one object whose metrics match `tarn history`), restoring the latest version (nothing
// committed), and errors: a version or timestamp the table does not have exits 1 with an
// `error:` line and leaves the log as it was; conflicting or missing flags are usage errors (64).
import Foundation
import Testing
import TarnColumnar

@Suite struct RestoreCLITests {
    static let schema = "id long not null, name string"

    /// A table with version 0 (ids 1, 2), version 1 (+ id 3) and version 2 (overwritten: id 9).
    func threeVersions(_ box: Sandbox) throws -> String {
        let t = box.path("t")
        _ = try box.write("a.jsonl", "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n")
        _ = try box.write("b.jsonl", "{\"id\":3,\"name\":\"c\"}\n")
        _ = try box.write("c.jsonl", "{\"id\":9,\"name\":\"z\"}\n")
        #expect(try box.tarn("write", t, "--input", "a.jsonl", "--schema", Self.schema).status == 0)
        #expect(try box.tarn("write", t, "--input", "b.jsonl").status == 0)
        #expect(try box.tarn("write", t, "--input", "c.jsonl", "--mode", "overwrite").status == 0)
        return t
    }

    func logFiles(_ t: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: t + "/_delta_log")) ?? []).sorted()
    }

    @Test func restoreByVersionPrintsTheNewVersionAndMetrics() throws {
        let box = try Sandbox()
        let t = try threeVersions(box)
        let r = try box.tarn("restore", t, "--version", "0")
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("committed version 3: restored version 0 ("), "\(r.stdout)")
        #expect(r.stdout.contains("numRestoredFiles=1") && r.stdout.contains("numRemovedFiles=1") && r.stdout.contains("numOfFilesAfterRestore=1"),
                "\(r.stdout)")
        #expect(r.stdout.split(separator: "\n").count == 1)
        #expect(try box.tarn("scan", t).stdout == "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n")
        // Earlier versions still read as before.
        #expect(try box.tarn("scan", t, "--version", "2").stdout == "{\"id\":9,\"name\":\"z\"}\n")
        let history = try box.tarn("history", t, "--limit", "1", "--json")
        let entry = try JSONParser.parse(Array(history.stdout.utf8))
        #expect(entry["operation"]?.stringValue == "RESTORE")
        #expect(entry["operationParameters"]?["version"]?.stringValue == "0")
        #expect(entry["operationMetrics"]?["numRestoredFiles"]?.stringValue == "1")
    }

    @Test func jsonOutputIsOneObject() throws {
        let box = try Sandbox()
        let t = try threeVersions(box)
        let r = try box.tarn("restore", t, "--version", "1", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try JSONParser.parse(Array(r.stdout.utf8))
        #expect(doc["version"]?.int64Value == 3 && doc["restoredVersion"]?.int64Value == 1 && doc["committed"]?.boolValue == true)
        #expect(doc["numRestoredFiles"]?.int64Value == 2 && doc["numRemovedFiles"]?.int64Value == 1)
        #expect(doc["numOfFilesAfterRestore"]?.int64Value == 2 && doc["metadataRestored"]?.boolValue == false)
        let history = try JSONParser.parse(Array(try box.tarn("history", t, "--limit", "1", "--json").stdout.utf8))
        for key in ["numRestoredFiles", "numRemovedFiles", "restoredFilesSize", "removedFilesSize", "tableSizeAfterRestore", "numOfFilesAfterRestore"] {
            #expect(history["operationMetrics"]?[key]?.stringValue == doc[key]?.int64Value.map { String($0) }, "\(key)")
        }
        // The latest version again: nothing committed.
        let again = try box.tarn("restore", t, "--version", "3", "--json")
        let none = try JSONParser.parse(Array(again.stdout.utf8))
        #expect(again.status == 0 && none["committed"]?.boolValue == false && none["version"]?.int64Value == 3)
        let text = try box.tarn("restore", t, "--version", "3")
        #expect(text.status == 0 && text.stdout.contains("nothing committed"), "\(text.stdout)")
        #expect(logFiles(t).filter { $0.hasSuffix(".json") }.count == 4)
    }

    @Test func restoreByTimestamp() throws {
        let box = try Sandbox()
        let t = try threeVersions(box)
        // A time after the last commit names the latest version; a time in 2000 is before the table.
        let late = try box.tarn("restore", t, "--timestamp", "2999-01-01 00:00:00")
        #expect(late.status == 0 && late.stdout.contains("nothing committed"), "\(late.stdout) \(late.stderr)")
        let early = try box.tarn("restore", t, "--timestamp", "2000-01-01T00:00:00Z")
        #expect(early.status == 1 && early.stderr.hasPrefix("error: ") && early.stderr.contains("before the earliest"), "\(early.stderr)")
    }

    static let failures: [(args: [String], fragment: String)] = [
        (["--version", "7"], "cannot restore version 7"),
        (["--version=-1"], "version -1"),
        (["--timestamp", "yesterday"], "--timestamp 'yesterday' is not a timestamp"),
    ]

    @Test(arguments: failures)
    func badInputExitsWithCode1(args: [String], fragment: String) throws {
        let box = try Sandbox()
        let t = try threeVersions(box)
        let before = logFiles(t)
        let r = try box.tarn(["restore", t] + args)
        #expect(r.status == 1, "\(args): exit \(r.status), stderr \(r.stderr)")
        #expect(r.stdout.isEmpty && r.stderr.hasPrefix("error: ") && r.stderr.contains(fragment), "\(args): \(r.stderr)")
        #expect(logFiles(t) == before)
        #expect(try box.tarn("scan", t).stdout == "{\"id\":9,\"name\":\"z\"}\n")
    }

    @Test func missingTableAndUsageErrors() throws {
        let box = try Sandbox()
        let missing = try box.tarn("restore", box.path("nope"), "--version", "0")
        #expect(missing.status == 1 && missing.stderr.hasPrefix("error: "), "\(missing.stderr)")
        let t = try threeVersions(box)
        #expect(try box.tarn("restore", t).status == 64)
        #expect(try box.tarn("restore", t, "--version", "0", "--timestamp", "2024-01-01 00:00:00").status == 64)
    }
}
