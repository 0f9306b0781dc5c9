// End-to-end tests of the `tarn` binary: runs it with Foundation.Process on files in a fresh temp
// directory and checks stdout, stderr and the exit code: schema / cat / convert happy paths
// (CSV → Parquet → JSON lines equality, codecs, --limit, --columns, formats) and error cases
// (non-zero exit, "error: " on stderr, nothing on stdout, no partial output file).
import Foundation
import Testing
import TarnColumnar
import TarnTestSupport

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// A fresh directory per test, removed afterwards.
final class Sandbox {
    let dir: URL
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarn-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: dir.appendingPathComponent(name))
        return path(name)
    }

    func read(_ name: String) throws -> String { String(decoding: try Data(contentsOf: dir.appendingPathComponent(name)), as: UTF8.self) }

    var files: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() }

    func tarn(_ args: String...) throws -> Run { try tarn(args) }

    /// Runs tarn with `args`; stdout and stderr go through files (no pipe-buffer deadlock).
    func tarn(_ args: [String]) throws -> Run {
        guard let bin = TarnBinary.path else { throw MissingBinary() }
        let outURL = dir.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errURL = dir.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = args
        p.currentDirectoryURL = dir
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        p.waitUntilExit()
        return Run(status: p.terminationStatus,
                   stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

let sampleCSV = #"""
id,name,price,day,at,ok
1,apple,1.50,2024-01-02,2024-01-02T10:00:00Z,true
2,"pear, ""green""",2.25,2024-02-03,2024-02-03T11:30:00.5Z,false
3,,,,,
4,"multi
line",-0.5,1999-12-31,1999-12-31T23:59:59Z,true

"""#

let sampleJSONL = """
{"id":1,"name":"apple","price":"1.50","day":"2024-01-02","at":"2024-01-02T10:00:00.000000Z","ok":true}
{"id":2,"name":"pear, \\"green\\"","price":"2.25","day":"2024-02-03","at":"2024-02-03T11:30:00.500000Z","ok":false}
{"id":3,"name":null,"price":null,"day":null,"at":null,"ok":null}
{"id":4,"name":"multi\\nline","price":"-0.50","day":"1999-12-31","at":"1999-12-31T23:59:59.000000Z","ok":true}

"""

let sampleSchema = "id long not null, name string, price decimal(6,2), day date, at timestamp, ok boolean"

@Suite struct CLITests {
    @Test func binaryIsBuilt() {
        #expect(TarnBinary.path != nil, "the tarn binary was not found next to the tests or under .build*/debug: run `swift build` or set TARN_BIN")
    }

    @Test func csvToParquetToJSONLines() throws {
        let box = try Sandbox()
        _ = try box.write("in.csv", sampleCSV)
        let convert = try box.tarn("parquet", "convert", "in.csv", "out.parquet", "--schema", sampleSchema)
        #expect(convert.status == 0, "\(convert.stderr)")
        #expect(convert.stdout == "wrote 4 rows (6 columns) to out.parquet\n")
        let back = try box.tarn("parquet", "convert", "out.parquet", "out.jsonl")
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try box.read("out.jsonl") == sampleJSONL)
        let cat = try box.tarn("parquet", "cat", "out.parquet")
        #expect(cat.status == 0 && cat.stderr.isEmpty)
        #expect(cat.stdout == sampleJSONL)
        // JSON lines → Parquet with the same schema reproduces the rows; to CSV and back too.
        #expect(try box.tarn("parquet", "convert", "out.jsonl", "again.parquet", "--schema", sampleSchema).status == 0)
        #expect(try box.tarn("parquet", "cat", "again.parquet").stdout == sampleJSONL)
        #expect(try box.tarn("parquet", "convert", "again.parquet", "again.csv").status == 0)
        #expect(try box.tarn("parquet", "convert", "again.csv", "third.parquet", "--schema", sampleSchema).status == 0)
        #expect(try box.tarn("parquet", "cat", "third.parquet").stdout == sampleJSONL)
        #expect(box.files == ["again.csv", "again.parquet", "in.csv", "out.jsonl", "out.parquet", "third.parquet"])
    }

    @Test func inferredSchemaAndSchemaCommand() throws {
        let box = try Sandbox()
        _ = try box.write("in.csv", sampleCSV)
        #expect(try box.tarn("parquet", "convert", "in.csv", "out.parquet").status == 0)
        let schema = try box.tarn("parquet", "schema", "out.parquet")
        #expect(schema.status == 0)
        #expect(schema.stdout == """
        root
         |-- id: long (nullable = true)
         |-- name: string (nullable = true)
         |-- price: double (nullable = true)
         |-- day: date (nullable = true)
         |-- at: timestamp (nullable = true)
         |-- ok: boolean (nullable = true)
        num_rows: 4
        row_groups: 1
        created_by: tarn version 0.1.0

        """)
        let json = try box.tarn("parquet", "schema", "out.parquet", "--json")
        let doc = try JSONParser.parse(json.stdout)
        #expect(doc["num_rows"] == .number("4") && doc["row_groups"] == .number("1"))
        #expect(doc["created_by"] == .string("tarn version 0.1.0"))
        #expect(try StructType(json: doc["schema"] ?? .null).fieldNames == ["id", "name", "price", "day", "at", "ok"])
    }

    @Test func catLimitColumnsAndFormats() throws {
        let box = try Sandbox()
        _ = try box.write("in.csv", sampleCSV)
        #expect(try box.tarn("parquet", "convert", "in.csv", "t.parquet", "--schema", sampleSchema).status == 0)
        let limited = try box.tarn("parquet", "cat", "t.parquet", "--limit", "2", "--columns", "name,id")
        #expect(limited.stdout == "{\"name\":\"apple\",\"id\":1}\n{\"name\":\"pear, \\\"green\\\"\",\"id\":2}\n")
        #expect(try box.tarn("parquet", "cat", "t.parquet", "--limit", "0").stdout == "")
        let csv = try box.tarn("parquet", "cat", "t.parquet", "--format", "csv", "--columns", "id, name")
        #expect(csv.stdout == "id,name\n1,apple\n2,\"pear, \"\"green\"\"\"\n3,\n4,\"multi\nline\"\n")
        let table = try box.tarn("parquet", "cat", "t.parquet", "--format", "table", "--columns", "id,name,price")
        #expect(table.stdout == """
        id | name          | price
        ---+---------------+------
         1 | apple         |  1.50
         2 | pear, "green" |  2.25
         3 | null          |  null
         4 | multi\\nline   | -0.50
        (4 rows)

        """)
    }

    @Test(arguments: ["zstd", "lz4", "snappy", "gzip", "none"])
    func parquetRecompression(codec: String) throws {
        let box = try Sandbox()
        _ = try box.write("in.jsonl", sampleJSONL)
        #expect(try box.tarn("parquet", "convert", "in.jsonl", "a.parquet", "--schema", sampleSchema).status == 0)
        let level = codec == "zstd" || codec == "gzip" ? ["--level", "5"] : []
        let r = try box.tarn(["parquet", "convert", "a.parquet", "b.parquet", "--codec", codec] + level)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try box.tarn("parquet", "cat", "b.parquet").stdout == sampleJSONL)
    }

    @Test func explicitFormatsOverrideExtensions() throws {
        let box = try Sandbox()
        _ = try box.write("data.txt", "a,b\n1,x\n")
        let r = try box.tarn("parquet", "convert", "data.txt", "out.bin", "--input-format", "csv", "--output-format", "parquet")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try box.tarn("parquet", "cat", "out.bin").stdout == "{\"a\":1,\"b\":\"x\"}\n")
        #expect(try box.tarn("parquet", "convert", "out.bin", "out.ndjson", "--input-format", "parquet").status == 0)
        #expect(try box.read("out.ndjson") == "{\"a\":1,\"b\":\"x\"}\n")
    }

    static let failures: [(args: [String], fragment: String)] = [
        (["parquet", "cat", "missing.parquet"], "no such file: missing.parquet"),
        (["parquet", "schema", "not.parquet"], "not.parquet"),
        (["parquet", "cat", "good.parquet", "--columns", "id,nope"], "no column named 'nope'"),
        (["parquet", "convert", "in.csv", "x.parquet", "--schema", "id lng"], "invalid schema at position 4"),
        (["parquet", "convert", "in.csv", "x.parquet", "--codec", "brotli"], "unknown codec 'brotli'"),
        (["parquet", "convert", "bad.csv", "x.parquet", "--schema", "a long"], "line 3, column 'a': 'x' is not a valid long"),
        (["parquet", "convert", "in.csv", "x.unknown"], "cannot tell the format of 'x.unknown'"),
        (["parquet", "convert", "in.csv", "x.csv", "--codec", "zstd"], "--codec and --level apply to Parquet output only"),
        (["parquet", "convert", "in.csv", "nodir/x.parquet"], "nodir/x.parquet"),
    ]

    @Test(arguments: failures)
    func errorsGoToStderrWithExitCode1(args: [String], fragment: String) throws {
        let box = try Sandbox()
        _ = try box.write("in.csv", "id,name\n1,a\n")
        _ = try box.write("bad.csv", "a\n1\nx\n")
        _ = try box.write("not.parquet", "this is not a parquet file at all")
        #expect(try box.tarn("parquet", "convert", "in.csv", "good.parquet").status == 0)
        let before = box.files
        let r = try box.tarn(args)
        #expect(r.status == 1, "\(args): exit \(r.status), stderr \(r.stderr)")
        #expect(r.stdout.isEmpty, "\(args): stdout \(r.stdout)")
        #expect(r.stderr.hasPrefix("error: "), "\(args): \(r.stderr)")
        #expect(r.stderr.contains(fragment), "\(args): \(r.stderr)")
        #expect(box.files == before, "\(args): a failed command left files behind: \(box.files)")
    }

    @Test func usageErrorsKeepExitCode64() throws {
        let box = try Sandbox()
        #expect(try box.tarn("parquet", "cat").status == 64)
        #expect(try box.tarn("parquet", "cat", "x.parquet", "--limit", "-1").status == 64)
        #expect(try box.tarn("parquet", "cat", "x.parquet", "--format", "xml").status == 64)
        let help = try box.tarn("parquet", "--help")
        #expect(help.status == 0 && help.stdout.contains("convert"))
    }
}
