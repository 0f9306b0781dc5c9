// Concurrency across processes (issue 3): 8 processes each append 50 commits to one table with
// `tarn write`; the log must end with 401 contiguous versions (the create plus 400 appends) and
// every row exactly once. Repeated idempotent txn writes from several processes add nothing.
import Foundation
import Testing
import TarnTestSupport
import TarnColumnar

@Suite struct TableProcessConcurrencyTests {
    @Test func eightProcessesAppendFiftyCommitsEach() throws {
        guard let tarn = TarnBinary.path else { throw MissingBinary() }
        let box = try Sandbox()
        let table = box.path("t")
        #expect(try box.tarn(["create", table, "--schema", "writer long not null, seq long not null"]).status == 0)
        var scripts: [String] = []
        for w in 0 ..< 8 {
            var lines = ""
            for c in 0 ..< 50 {
                let file = try box.write("w\(w)-\(c).jsonl", "{\"writer\":\(w),\"seq\":\(c)}\n")
                lines += "\"\(tarn)\" write \"\(table)\" --input \"\(file)\" > /dev/null || exit 1\n"
            }
            scripts.append(lines)
        }
        let statuses = ParallelRuns.run(scripts)
        #expect(statuses.allSatisfy { $0 == 0 }, "statuses \(statuses)")
        let history = try box.tarn(["history", table, "--json"])
        let versions = history.stdout.split(separator: "\n").compactMap { line -> Int64? in
            (try? JSONParser.parse(String(line)))?["version"]?.int64Value
        }
        #expect(versions.sorted() == Array(0 ... 400))
        let rows = try box.tarn(["scan", table, "--format", "csv"]).stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 400 && Set(rows).count == 400)
    }

    @Test func repeatedIdempotentWritesAddNothing() throws {
        guard let tarn = TarnBinary.path else { throw MissingBinary() }
        let box = try Sandbox()
        let table = box.path("t")
        let file = try box.write("rows.jsonl", "{\"id\":1}\n{\"id\":2}\n")
        #expect(try box.tarn(["create", table, "--schema", "id long"]).status == 0)
        let script = "for i in 1 2 3; do \"\(tarn)\" write \"\(table)\" --input \"\(file)\" --txn-app loader --txn-version 5 > /dev/null || exit 1; done"
        #expect(ParallelRuns.run(Array(repeating: script, count: 4)).allSatisfy { $0 == 0 })
        let rows = try box.tarn(["scan", table, "--format", "csv"]).stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 2, "\(rows)")
    }
}

enum ParallelRuns {
    /// Starts every script in its own bash process at once, then waits for all; returns their
    /// exit statuses (-1 when a process could not start).
    static func run(_ scripts: [String]) -> [Int32] {
        let processes = scripts.map { script -> Process? in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-c", script]
            return (try? p.run()) == nil ? nil : p
        }
        return processes.map { p in
            guard let p else { return -1 }
            p.waitUntilExit()
            return p.terminationStatus
        }
    }
}
