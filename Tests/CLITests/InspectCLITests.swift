// `tarn inspect` end to end: the text report (aligned partition table, recommendations with their
// commands) and --json (one object whose counts agree with `tarn describe --json`); inspect
// changes nothing on disk; the recommended commands, run by a shell exactly as printed, leave a
// table that recommends NONE; a missing path or a directory that is no table exits 1.
import Foundation
import Testing
import TarnTestSupport
import TarnColumnar

@Suite struct InspectCLITests {
    /// Every file under the table with its size (the log and data files).
    func tree(_ t: String) throws -> [String: Int] {
        var out: [String: Int] = [:]
        let root = URL(fileURLWithPath: t)
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.fileSizeKey]) ?? .init() {
            let size = try url.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? -1
            out[String(url.path.dropFirst(root.path.count))] = size
        }
        return out
    }

    /// Runs a printed command line with /bin/sh in the sandbox, `tarn` replaced by the built binary.
    func shell(_ box: Sandbox, _ line: String) throws -> Int32 {
        let bin = try #require(TarnBinary.path)
        #expect(line.hasPrefix("tarn "))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "\"\(bin)\"" + line.dropFirst("tarn".count) + " > /dev/null"]
        p.currentDirectoryURL = box.dir
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test func textAndJSONThenTheRecommendedCommands() throws {
        let box = try Sandbox()
        try OptimizeCLITests.smallFiles(box)
        let before = try tree(box.path("t"))
        let text = try box.tarn("inspect", "t")
        #expect(text.status == 0 && text.stderr.isEmpty, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "table t at version 4 (target file size 128 MiB)", "\(text.stdout)")
        #expect(lines.contains { $0.hasPrefix("  files ") && $0.hasSuffix("8 rows") })
        #expect(lines.contains("  file sizes     < 1 MiB: 8, 1–8 MiB: 0, 8–32 MiB: 0, 32–64 MiB: 0, 64–128 MiB: 0, ≥ 128 MiB: 0"), "\(text.stdout)")
        #expect(lines.contains("  last optimize  never") && lines.contains("  checkpoint     none, 5 commits since (interval 100)"))
        // The partition table: the header and one row per partition, right-aligned counts.
        let header = try #require(lines.firstIndex { $0.hasPrefix("  partition ") })
        let rows = Array(lines[header + 1 ... header + 2])
        #expect(rows.map { $0.split(separator: " ").first.map(String.init) } == ["cat=a", "cat=b"])
        let filesEnd = try #require(lines[header].range(of: "files")?.upperBound).utf16Offset(in: lines[header])
        for row in rows {
            let cells = row.split(separator: " ")
            #expect(cells.count == 18 && cells[1] == "4", "\(row)")
            let end = row.utf16.index(row.utf16.startIndex, offsetBy: filesEnd)
            #expect(row[..<end].hasSuffix(" 4"), "the files column is not aligned: \(row)")
        }
        #expect(text.stdout.contains("""
        recommendations
          COMPACT: partition cat=a has 4 files below 128 MiB (
        """), "\(text.stdout)")
        #expect(lines.contains("    tarn optimize t --where \"cat = 'a'\"") && lines.contains("    tarn optimize t --where \"cat = 'b'\""))

        let json = try box.tarn("inspect", "t", "--json")
        #expect(json.status == 0 && json.stdout.split(separator: "\n").count == 1, "\(json.stderr)")
        let doc = try JSONParser.parse(Array(json.stdout.utf8))
        let describe = try JSONParser.parse(Array(try box.tarn("describe", "t", "--json").stdout.utf8))
        #expect(doc["version"]?.int64Value == 4 && doc["totals"]?["files"]?.int64Value == describe["numFiles"]?.int64Value)
        #expect(doc["totals"]?["bytes"]?.int64Value == describe["sizeInBytes"]?.int64Value && doc["totals"]?["rows"]?.int64Value == 8)
        #expect(doc["totals"]?["histogram"]?.arrayValue?.compactMap(\.int64Value) == [8, 0, 0, 0, 0, 0])
        #expect(doc["partitions"]?.arrayValue?.compactMap { $0["partition"]?.stringValue } == ["cat=a", "cat=b"])
        #expect(doc["partitions"]?.arrayValue?.first?["values"]?["cat"]?.stringValue == "a")
        #expect(doc["optimize"]?["files"]?.int64Value == 8 && doc["vacuum"]?["files"]?.int64Value == 0 && doc["lastOptimize"]?.isNull == true)
        let recs = try #require(doc["recommendations"]?.arrayValue)
        #expect(recs.compactMap { $0["code"]?.stringValue } == ["COMPACT", "COMPACT"])
        let commands = recs.compactMap { $0["command"]?.stringValue }
        #expect(commands == ["tarn optimize t --where \"cat = 'a'\"", "tarn optimize t --where \"cat = 'b'\""])
        #expect(try tree(box.path("t")) == before, "inspect changed the table directory")

        let scanned = try box.tarn("scan", "t").stdout.split(separator: "\n").sorted()
        for c in commands { #expect(try shell(box, c) == 0, "\(c)") }
        #expect(try box.tarn("scan", "t").stdout.split(separator: "\n").sorted() == scanned)
        let after = try JSONParser.parse(Array(try box.tarn("inspect", "t", "--json").stdout.utf8))
        #expect(after["recommendations"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == ["NONE"])
        #expect(after["lastOptimize"]?["version"]?.int64Value == 6 && after["lastOptimize"]?["auto"]?.boolValue == false)
        #expect(try box.tarn("inspect", "t").stdout.hasSuffix("recommendations\n  NONE: nothing to do\n"))
    }

    @Test func aPathThatIsNoTableExitsOne() throws {
        let box = try Sandbox()
        for path in [box.path("missing"), box.dir.path] {
            for args in [["inspect", path], ["inspect", path, "--json"]] {
                let r = try box.tarn(args)
                #expect(r.status == 1 && r.stdout.isEmpty && r.stderr.hasPrefix("error: "), "\(args): \(r.stderr)")
            }
        }
        #expect(try box.tarn("inspect").status == 64)
    }
}
