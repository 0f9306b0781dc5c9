// PipelineYAMLTests: the pipeline file format (spec/pipeline.md "File format") parses into the
// expected PipelineSpec, bad files are refused with the file, line and key path, and validation
// lists every problem (owners, cycles, keys) and orders stages by their dependencies.
import Testing
import TarnCodecs
import TarnPipeline

@Suite struct PipelineYAMLTests {
    static let full = """
    pipeline: events
    run_log: logs/runs.jsonl
    stages:
      - name: gold
        source: {table: tables/silver, read: full}
        transforms:
          - aggregate: {group_by: [event_date], aggregates: [{fn: count, as: events}, {fn: sum, column: amount, as: revenue}]}
        target: {path: tables/gold, mode: overwrite}
      - name: bronze
        source: {files: landing, pattern: "*.jsonl"}
        contract:
          on_drift: quarantine
          fields:
            - {name: id, type: long, nullable: false}
            - {name: amount, type: "decimal(10,2)"}
            - {name: email, type: string, pii: true}
        target: {path: tables/bronze, partition_by: [event_date], dead_letter: tables/rejects}
      - name: silver
        source: {table: tables/bronze}
        transforms:
          - dedup: {keys: [id], order_by: ts, tie_breaker: _source_file}
          - filter: "amount >= 0"
          - derive: {column: cents, expr: "amount * 100"}
          - cast: {column: cents, type: long}
          - rename: {note: comment}
          - select: [id, ts, cents]
          - join: {table: tables/customers, on: [customer_id], columns: [segment]}
        expectations:
          owner: data@example.com
          checks:
            - {name: id_present, not_null: id, action: drop}
            - {unique: [id, ts]}
            - {range: {column: cents, min: "0"}, action: warn}
            - {accepted_values: {column: category, values: [a, b]}}
            - {regex: {column: email, pattern: ".+@.+"}}
            - {row_count: {min: 1, max: 10}}
            - {freshness: {column: ts, max_age_seconds: 3600}}
            - {referential: {column: customer_id, table: tables/customers}}
        target: {path: tables/silver, mode: merge, keys: [id]}
        maintenance: {compact_min_small_files: 4, zorder_by: [customer_id], vacuum_min_reclaimable_bytes: 1000}
    """

    @Test func parsesEveryPart() throws {
        let spec = try PipelineYAML.parse(PipelineYAMLTests.full)
        #expect(spec.name == "events" && spec.runLog == "logs/runs.jsonl" && spec.stages.map(\.name) == ["gold", "bronze", "silver"])
        let bronze = spec.stages[1]
        #expect(bronze.source == .files(directory: "landing", pattern: "*.jsonl", format: .jsonl))
        #expect(bronze.contract == Contract(fields: [ContractField(name: "id", type: .long, nullable: false),
                                                     ContractField(name: "amount", type: .decimal(precision: 10, scale: 2)),
                                                     ContractField(name: "email", type: .string, pii: true)], onDrift: .quarantine))
        #expect(bronze.target == TargetSpec(path: "tables/bronze", mode: .append, partitionBy: ["event_date"], deadLetter: "tables/rejects"))
        let silver = spec.stages[2]
        #expect(silver.transforms == [.dedup(keys: ["id"], orderBy: "ts", tieBreaker: "_source_file"), .filter("amount >= 0"),
                                      .derive(column: "cents", expression: "amount * 100"), .cast(column: "cents", to: .long),
                                      .rename(["note": "comment"]), .select(["id", "ts", "cents"]),
                                      .join(table: "tables/customers", on: ["customer_id"], columns: ["segment"])])
        #expect(silver.expectations?.owner == "data@example.com")
        #expect(silver.expectations?.expectations.map(\.kind) == [
            .notNull(column: "id"), .unique(columns: ["id", "ts"]), .range(column: "cents", min: "0", max: nil),
            .acceptedValues(column: "category", values: ["a", "b"]), .regex(column: "email", pattern: ".+@.+"),
            .rowCount(min: 1, max: 10), .freshness(column: "ts", maxAgeSeconds: 3600),
            .referential(column: "customer_id", table: "tables/customers", tableColumn: "customer_id")])
        #expect(silver.expectations?.expectations.map(\.action) == [.drop, .fail, .warn, .fail, .fail, .fail, .fail, .fail])
        #expect(silver.target.mode == .merge(keys: ["id"]))
        #expect(silver.maintenance?.compactMinSmallFiles == 4 && silver.maintenance?.zOrderBy == ["customer_id"])
        #expect(spec.stages[0].source == .table(path: "tables/silver", read: .full))
        #expect(spec.stages[0].transforms == [.aggregate(groupBy: ["event_date"], aggregates: [
            AggregateSpec(function: .count, column: nil, alias: "events"), AggregateSpec(function: .sum, column: "amount", alias: "revenue")])])
        // Dependencies first: bronze, then silver (reads bronze's table), then gold (reads silver's).
        #expect(try PipelineValidation.order(spec).map(\.name) == ["bronze", "silver", "gold"])
        #expect(PipelineValidation.problems(spec).isEmpty)
    }

    @Test(arguments: [
        ("pipeline: p\nstages:\n  - name: a\n    source: {files: x, format: csv}\n    target: {path: t, mdoe: append}\n", "p.yaml:5: stages[0].target.mdoe: unknown key 'mdoe'"),
        ("pipeline: p\nstages:\n  - name: a\n    source: {files: x, format: xml}\n    target: {path: t}\n", "'xml' is not one of csv, jsonl, parquet"),
        ("pipeline: p\nstages:\n  - name: a\n    source: {files: x}\n    target: {path: t}\n", "say the files' format"),
        ("pipeline: p\nstages:\n  - name: a\n    source: {files: x, format: csv}\n    target: {path: t, mode: scd2, keys: [id]}\n", "missing required key 'sequence'"),
        ("pipeline: p\nstages:\n  - name: a\n    source: {files: x, format: csv}\n    transforms: [{explode: x}]\n    target: {path: t}\n", "unknown transform 'explode'"),
        ("stages: []\n", "missing required key 'pipeline'"),
        ("pipeline: [unclosed\n", "not valid YAML"),
    ])
    func badFilesNameTheProblem(text: String, expected: String) {
        do {
            _ = try PipelineYAML.parse(text, file: "p.yaml")
            Issue.record("accepted: \(text)")
        } catch let e as TarnError {
            #expect(e.message.contains(expected), "\(e.message)")
            #expect(e.message.hasPrefix("p.yaml"), "\(e.message)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func validationListsEveryProblem() throws {
        let text = """
        pipeline: p
        stages:
          - name: a
            source: {table: t/b}
            expectations: {checks: [{not_null: id}]}
            target: {path: t/a, mode: merge, keys: []}
          - name: b
            source: {table: t/a}
            target: {path: t/b}
            depends_on: [nowhere]
          - name: b
            source: {files: in, format: csv}
            target: {path: t/c}
        """
        let problems = PipelineValidation.problems(try PipelineYAML.parse(text))
        #expect(problems.contains { $0.contains("stage name 'b' is used twice") })
        #expect(problems.contains { $0.contains("stage 'a': its expectation suite has no owner") })
        #expect(problems.contains { $0.contains("merge needs keys") })
        #expect(problems.contains { $0.contains("unknown stage 'nowhere'") })
        let appended = """
        pipeline: p
        stages:
          - {name: a, source: {files: in, format: csv}, target: {path: t/a, mode: merge, keys: [id]}}
          - {name: b, source: {table: t/a}, target: {path: t/b}}
          - {name: c, source: {table: t/a, read: full}, target: {path: t/c}}
        """
        let p2 = PipelineValidation.problems(try PipelineYAML.parse(appended))
        #expect(p2 == ["stage 'b' reads t/a with read: appended, but stage 'a' merges into it (rewritten files hold unchanged rows); use read: change_feed or read: full"])
        let cycle = """
        pipeline: p
        stages:
          - {name: a, source: {table: t/b}, target: {path: t/a}}
          - {name: b, source: {table: t/a}, target: {path: t/b}}
        """
        #expect(throws: TarnError.self) { try PipelineValidation.order(try PipelineYAML.parse(cycle)) }
        #expect(PipelineValidation.problems(try PipelineYAML.parse(cycle)).first?.contains("cycle: a -> b -> a") == true)
    }
}
