// `tarn optimize` end to end: dry run (plan, nothing committed), compaction with JSON metrics, a
// no-op second run, Z-order with a curve, SIZE units, and errors (bad size, bad column, a
// non-partition --where) with exit code 1 and the table unchanged.
import Foundation
import Testing

@Suite struct OptimizeCLITests {
    static func smallFiles(_ box: Sandbox) throws {
        #expect(try box.tarn("create", "t", "--schema", "id long not null, cat string, amount double", "--partition-by", "cat").status == 0)
        for i in 0 ..< 4 {
            let csv = try box.write("part\(i).csv", "id,cat,amount\n\(i * 2),a,1.5\n\(i * 2 + 1),b,2.5\n")
            #expect(try box.tarn("write", "t", "--input", csv).status == 0)
        }
    }

    @Test func dryRunThenCompactThenNothingToDo() throws {
        let box = try Sandbox()
        try OptimizeCLITests.smallFiles(box)
        let rows = try box.tarn("scan", "t").stdout
        let dry = try box.tarn("optimize", "t", "--dry-run")
        #expect(dry.status == 0 && dry.stdout.contains("would rewrite 8 files") && dry.stdout.contains("cat=a: 4 files"), "\(dry.stdout)")
        #expect(try box.tarn("history", "t", "--limit", "1").stdout.contains("WRITE"))
        let r = try box.tarn("optimize", "t", "--target-size", "64MiB", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(doc?["filesRemoved"] as? Int == 8 && doc?["filesAdded"] as? Int == 2)
        #expect((doc?["operationMetrics"] as? [String: String])?["partitionsOptimized"] == "2")
        #expect(try box.tarn("scan", "t").stdout.split(separator: "\n").sorted() == rows.split(separator: "\n").sorted())
        let again = try box.tarn("optimize", "t")
        #expect(again.status == 0 && again.stdout.contains("nothing to optimize"), "\(again.stdout)")
        let z = try box.tarn("optimize", "t", "--zorder-by", "id,amount", "--curve", "hilbert")
        #expect(z.status == 0 && z.stdout.contains("committed version"), "\(z.stdout) \(z.stderr)")
    }

    @Test func errorsLeaveTheTableUnchanged() throws {
        let box = try Sandbox()
        try OptimizeCLITests.smallFiles(box)
        for (args, fragment) in [(["--target-size", "12 parsecs"], "is not a size"), (["--zorder-by", "nope"], "nope"),
                                 (["--where", "id > 1"], "partition columns only"), (["--zorder-by", "cat"], "partition column"),
                                 (["--curve", "peano", "--zorder-by", "id"], "morton or hilbert")] {
            let r = try box.tarn(["optimize", "t"] + args)
            #expect(r.status == 1 && r.stderr.hasPrefix("error: ") && r.stderr.contains(fragment), "\(args): \(r.stderr)")
        }
        #expect(try box.tarn("history", "t", "--limit", "1").stdout.contains("WRITE"))
    }
}
