// End-to-end tests of `tarn pipeline`: validate reports the stage order or every problem (exit 1,
// on stderr); run prints one line (or JSON object) per stage and a failed run exits 1 with the
// tables unchanged; status shows the recent runs, watermarks and freshness; --help works.
import Foundation
import Testing
import TarnCodecs

@Suite struct PipelineCLITests {
    static let yaml = """
    pipeline: cli
    stages:
      - name: bronze
        source: {files: landing, pattern: "*.jsonl", format: jsonl}
        contract:
          fields:
            - {name: id, type: long, nullable: false}
            - {name: amount, type: long}
        target: {path: bronze}
      - name: silver
        source: {table: bronze}
        expectations:
          owner: cli@example.com
          checks:
            - {name: positive, range: {column: amount, min: "0"}, action: fail}
        target: {path: silver, mode: merge, keys: [id]}
    """

    func pipeline(_ box: Sandbox, lines: String) throws -> String {
        try FileManager.default.createDirectory(atPath: box.path("landing"), withIntermediateDirectories: true)
        _ = try box.write("landing/a.jsonl", lines)
        return try box.write("p.yaml", PipelineCLITests.yaml)
    }

    @Test func validateRunAndStatus() throws {
        let box = try Sandbox()
        let file = try pipeline(box, lines: "{\"id\":1,\"amount\":5}\n{\"id\":2,\"amount\":7}\n{oops\n")
        let v = try box.tarn("pipeline", "validate", file)
        #expect(v.status == 0 && v.stdout == "pipeline 'cli' is valid: 2 stages in order bronze → silver\n", "\(v.stdout)\(v.stderr)")
        let r = try box.tarn("pipeline", "run", file, "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let records = r.stdout.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        #expect(records.count == 2)
        guard case let .object(bronze)? = records.first else { return }
        let fields = Dictionary(bronze, uniquingKeysWith: { a, _ in a })
        #expect(fields["status"] == .string("succeeded") && fields["rows_read"] == .int(3) && fields["rows_rejected"] == .int(1))
        let again = try box.tarn("pipeline", "run", file)
        #expect(again.status == 0 && again.stdout == "bronze: no_new_data; version 0\nsilver: no_new_data; version 0\n", "\(again.stdout)")
        let s = try box.tarn("pipeline", "status", file)
        #expect(s.status == 0 && s.stdout.contains("bronze → bronze: version 0, watermark: files up to ") && s.stdout.contains("recent runs (newest first):"), "\(s.stdout)")
        let j = try box.tarn("pipeline", "status", file, "--json")
        #expect(j.status == 0 && (try? JSONParser.parse(j.stdout.trimmingCharacters(in: .whitespacesAndNewlines))) != nil)
    }

    @Test func failedRunExitsOneAndChangesNoTable() throws {
        let box = try Sandbox()
        let file = try pipeline(box, lines: "{\"id\":1,\"amount\":5}\n")
        #expect(try box.tarn("pipeline", "run", file).status == 0)
        let log = try FileManager.default.contentsOfDirectory(atPath: box.path("bronze/_delta_log")).sorted()
        _ = try box.write("landing/b.jsonl", "{\"id\":3,\"amount\":-4}\n")
        let r = try box.tarn("pipeline", "run", file)
        #expect(r.status == 1 && r.stderr.hasPrefix("error: pipeline 'cli' run ") && r.stderr.contains("positive"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.path("bronze/_delta_log")).sorted() == log)
    }

    @Test func invalidPipelinesAreRefusedWithEveryProblem() throws {
        let box = try Sandbox()
        let file = try box.write("bad.yaml", PipelineCLITests.yaml.replacingOccurrences(of: "owner: cli@example.com", with: "# no owner"))
        let v = try box.tarn("pipeline", "validate", file)
        #expect(v.status == 1 && v.stdout.isEmpty && v.stderr.contains("its expectation suite has no owner"), "\(v.stderr)")
        let typo = try box.write("typo.yaml", "pipeline: p\nstages:\n  - name: a\n    source: {files: x, format: csv}\n    target: {path: t, mdoe: append}\n")
        let t = try box.tarn("pipeline", "validate", typo)
        #expect(t.status == 1 && t.stderr.contains("typo.yaml:5: stages[0].target.mdoe: unknown key 'mdoe'"), "\(t.stderr)")
        #expect(try box.tarn("pipeline", "run", "--help").stdout.contains("--backfill"))
    }
}
