// End-to-end tests of `tarn vacuum`: the dry run lists files and bytes and changes nothing; a short
// retention is refused without --force (exit 1, nothing changed) and warned about with it; --json
// is one object whose counts match what left the disk and what `tarn history` records; --full
// deletes old orphans but not hidden or recent files; no progress bar when stderr is not a terminal.
import Foundation
import Testing
import TarnColumnar

@Suite struct VacuumCLITests {
    /// Version 0 (ids 1, 2), version 1 overwrites it (id 9): one removed data file.
    func table(_ box: Sandbox) throws -> (path: String, removed: String) {
        let t = box.path("t")
        _ = try box.write("a.jsonl", "{\"id\":1}\n{\"id\":2}\n")
        _ = try box.write("b.jsonl", "{\"id\":9}\n")
        #expect(try box.tarn("write", t, "--input", "a.jsonl", "--schema", "id long not null").status == 0)
        let first = try dataFiles(t)
        #expect(try box.tarn("write", t, "--input", "b.jsonl", "--mode", "overwrite").status == 0)
        return (t, try #require(first.first))
    }

    func dataFiles(_ t: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: t).filter { $0.hasSuffix(".parquet") }.sorted()
    }

    func logFiles(_ t: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: t + "/_delta_log")) ?? []).sorted()
    }

    @Test func dryRunListsFilesAndBytesAndChangesNothing() throws {
        let box = try Sandbox()
        let (t, removed) = try table(box)
        let size = try #require((try FileManager.default.attributesOfItem(atPath: t + "/" + removed))[.size] as? Int)
        let recent = try box.tarn("vacuum", t, "--dry-run")
        #expect(recent.status == 0 && recent.stderr.isEmpty, "\(recent.stderr)")
        #expect(recent.stdout.hasPrefix("dry run: would delete 0 files, 0 bytes"), "\(recent.stdout)")
        let (log, data) = (logFiles(t), try dataFiles(t))
        let r = try box.tarn("vacuum", t, "--dry-run", "--retention-hours", "0", "--force")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines.first == "\(removed)\t\(size)", "\(r.stdout)")
        #expect(lines.last?.hasPrefix("dry run: would delete 1 file, \(size) bytes (data 1,") == true, "\(r.stdout)")
        #expect(lines.last?.contains("versions 1 and later are retained") == true && lines.last?.hasSuffix("nothing committed") == true)
        #expect(r.stderr.hasPrefix("warning: retention of 0 hours is shorter than the table's delta.deletedFileRetentionDuration"), "\(r.stderr)")
        #expect(try logFiles(t) == log && dataFiles(t) == data)
    }

    @Test func shortRetentionWithoutForceExitsOneAndChangesNothing() throws {
        let box = try Sandbox()
        let (t, _) = try table(box)
        let (log, data) = (logFiles(t), try dataFiles(t))
        for args in [["--retention-hours", "1"], ["--retention-hours", "0", "--dry-run"]] {
            let r = try box.tarn(["vacuum", t] + args)
            #expect(r.status == 1 && r.stdout.isEmpty, "\(args): \(r.stdout)")
            #expect(r.stderr.hasPrefix("error: retention of") && r.stderr.contains("--force"), "\(r.stderr)")
        }
        #expect(try logFiles(t) == log && dataFiles(t) == data)
        #expect(try box.tarn("vacuum", t, "--retention-hours", "abc").status == 64)
        #expect(try box.tarn("vacuum", box.path("missing")).status == 1)
    }

    @Test func jsonRunDeletesAndRecordsStartAndEnd() throws {
        let box = try Sandbox()
        let (t, removed) = try table(box)
        let r = try box.tarn("vacuum", t, "--retention-hours", "0", "--force", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("\r") && !r.stderr.contains("vacuum ["), "a progress bar on a non-terminal: \(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 1)
        let doc = try JSONParser.parse(Array(r.stdout.utf8))
        #expect(doc["dryRun"]?.boolValue == false && doc["mode"]?.stringValue == "lite" && doc["numFiles"]?.int64Value == 1)
        #expect(doc["files"]?.arrayValue?.first?["path"]?.stringValue == removed && doc["counts"]?["data"]?.int64Value == 1)
        #expect(doc["startVersion"]?.int64Value == 2 && doc["endVersion"]?.int64Value == 3 && doc["oldestRetainedVersion"]?.int64Value == 1)
        #expect(doc["warnings"]?.arrayValue?.isEmpty == false && doc["retentionMillis"]?.int64Value == 0)
        #expect(!FileManager.default.fileExists(atPath: t + "/" + removed))
        let history = try box.tarn("history", t, "--limit", "2", "--json").stdout.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
        #expect(history.map { $0["operation"]?.stringValue } == ["VACUUM END", "VACUUM START"])
        #expect(history.first?["operationMetrics"]?["numDeletedFiles"]?.stringValue == "1")
        #expect(history.last?["operationParameters"]?["retentionCheckEnabled"]?.stringValue == "false")
        #expect(try box.tarn("scan", t).stdout == "{\"id\":9}\n")
        let restore = try box.tarn("restore", t, "--version", "0")
        #expect(restore.status == 1 && restore.stderr.contains("removed by VACUUM"), "\(restore.stderr)")
    }

    @Test func fullDeletesOldOrphansButNotHiddenOrRecentFiles() throws {
        let box = try Sandbox()
        let (t, removed) = try table(box)
        let old = Date(timeIntervalSinceNow: -3 * 3600)
        for name in ["orphan.parquet", "_tmp/orphan.parquet", ".hidden.parquet", "dir/orphan.txt"] {
            let path = t + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
        }
        #expect(FileManager.default.createFile(atPath: t + "/recent.parquet", contents: Data("x".utf8)))
        let lite = try JSONParser.parse(Array(try box.tarn("vacuum", t, "--retention-hours", "1", "--force", "--dry-run", "--json").stdout.utf8))
        #expect(lite["numFiles"]?.int64Value == 0, "version 0 is still retained: \(lite)")
        let r = try box.tarn("vacuum", t, "--full", "--retention-hours", "1", "--force", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try JSONParser.parse(Array(r.stdout.utf8))
        let paths = doc["files"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
        #expect(paths == ["dir/orphan.txt", "orphan.parquet"], "\(r.stdout)")
        #expect(doc["counts"]?["untracked"]?.int64Value == 2 && doc["filesNewerThanCutoff"]?.int64Value == 1)
        for kept in ["_tmp/orphan.parquet", ".hidden.parquet", "recent.parquet", removed] {
            #expect(FileManager.default.fileExists(atPath: t + "/" + kept), "\(kept) was deleted")
        }
    }
}
