// `tarn demo`, the pipeline story (spec/pipeline.md): events land as JSON lines with malformed
// records and re-sent duplicates, customer updates as CSV with late records; a bronze → silver →
// gold pipeline (plus an SCD2 customer dimension) runs twice and once more with nothing new; then
// time travel on gold, the SCD2 history of a customer, compaction and Z-order, vacuum, a summary.
import Foundation
import TarnPipeline
import TarnTable

extension Demo {
    static let pipelineYAML = """
    pipeline: demo
    stages:
      - name: bronze
        source: {files: landing/events, pattern: "*.jsonl", format: jsonl}
        contract:
          on_drift: quarantine
          fields:
            - {name: id, type: long, nullable: false}
            - {name: ts, type: timestamp, nullable: false}
            - {name: event_date, type: date, nullable: false}
            - {name: customer_id, type: long}
            - {name: category, type: string}
            - {name: amount, type: double}
            - {name: note, type: string}
        target: {path: tables/bronze, partition_by: [event_date]}
        maintenance: {compact_min_small_files: 2, vacuum_min_reclaimable_bytes: 1000000000000}
      - name: silver
        source: {table: tables/bronze}
        transforms:
          - dedup: {keys: [id], order_by: ts, tie_breaker: _source_file}
          - filter: "amount >= 0"
        expectations:
          owner: data-platform@example.com
          checks:
            - {name: known_customer, not_null: customer_id, action: drop}
            - {name: sane_amount, range: {column: amount, min: "0", max: "5000"}, action: warn}
        target: {path: tables/silver, mode: merge, keys: [id]}
      - name: gold
        source: {table: tables/silver, read: full}
        transforms:
          - aggregate: {group_by: [event_date], aggregates: [{fn: count, as: events}, {fn: sum, column: amount, as: revenue}, {fn: count_distinct, column: customer_id, as: customers}]}
        target: {path: tables/gold, mode: overwrite}
      - name: customers
        source: {files: landing/customers, pattern: "*.csv", format: csv}
        contract:
          fields:
            - {name: customer_id, type: long, nullable: false}
            - {name: tier, type: string}
            - {name: updated_at, type: timestamp, nullable: false}
        target: {path: tables/customers, mode: scd2, keys: [customer_id], sequence: updated_at}
    """

    func pipelineStory() throws {
        let root = "\(dir)/pipeline"
        try? FileManager.default.removeItem(atPath: root)
        for d in ["landing/events", "landing/customers"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(d)", withIntermediateDirectories: true)
        }
        try Demo.pipelineYAML.write(toFile: "\(root)/pipeline.yaml", atomically: true, encoding: .utf8)
        say("\nPipeline \(root)/pipeline.yaml: bronze (JSON lines, typed by a contract) → silver (dedup, expectations, merge) → gold (daily aggregates); customers as SCD2.\n")
        var landing = DemoLanding(root: root, rows: max(1000, rows / 5))
        try landing.landDay(1)
        say("\nRun 1 (\(landing.summary)):\n")
        let runner = try PipelineRunner.load(file: "\(root)/pipeline.yaml")
        var reports = [try runner.run()]
        for s in reports[0].stages { say("  " + PipelineText.line(s) + "\n") }
        try landing.landDay(2)
        say("\nRun 2 (\(landing.summary)):\n")
        reports.append(try runner.run())
        for s in reports[1].stages { say("  " + PipelineText.line(s) + "\n") }
        say("\nRun 3, nothing new landed:\n")
        func versions() throws -> [Int64] {
            try ["bronze", "silver", "gold", "customers"].map { try Table.open(path: "\(root)/tables/\($0)").snapshot().version }
        }
        let before = try versions()
        let again = try runner.run()
        guard try versions() == before else { throw TarnError(.corruption, "a re-run with no new input changed a table") }
        say("  " + again.stages.map { "\($0.stage): \($0.status.rawValue)" }.joined(separator: ", ") + " (no table changed)\n")
        try pipelineTimeTravel(root)
        try scd2History(root)
        try maintenance(root)
        let all = reports.flatMap(\.stages)
        let read = all.reduce(0) { $0 + $1.rowsRead }, loaded = all.reduce(0) { $0 + $1.rowsLoaded }
        let rejected = all.reduce(0) { $0 + $1.rowsRejected }, dup = all.reduce(0) { $0 + $1.rowsDuplicate }, filtered = all.reduce(0) { $0 + $1.rowsFiltered }
        guard all.allSatisfy(\.countsBalance) else { throw TarnError(.corruption, "a stage's row counts do not add up") }
        say("\nSummary: \(read) rows read = \(loaded) loaded + \(rejected) dead-lettered + \(dup) duplicates + \(filtered) filtered, in every stage of every run; "
            + "run log \(runner.runLogPath); `tarn pipeline status \(root)/pipeline.yaml` shows it.\n")
    }

    private func pipelineTimeTravel(_ root: String) throws {
        let gold = try Table.open(path: "\(root)/tables/gold")
        let versions = try gold.history().map(\.version).sorted()
        guard let first = versions.first, let last = versions.last, first != last else { return }
        func revenue(_ v: Int64) throws -> (Int64, Double) {
            var events: Int64 = 0, revenue = 0.0
            for b in try Scan(snapshot: try gold.snapshot(version: v), store: gold.store).batches() {
                for r in b.rows {
                    if case let .int(n) = r[1] { events += n }
                    if case let .double(x) = r[2] { revenue += x }
                }
            }
            return (events, revenue)
        }
        let (e0, r0) = try revenue(first), (e1, r1) = try revenue(last)
        say(String(format: "\nTime travel on gold: v%lld had %lld events and revenue %.2f; v%lld has %lld events and revenue %.2f.\n",
                   first, e0, r0, last, e1, r1))
    }

    private func scd2History(_ root: String) throws {
        let t = try Table.open(path: "\(root)/tables/customers")
        let rows = try Scan(snapshot: try t.snapshot(), store: t.store).batches().flatMap { b in
            b.rows.map { Dictionary(uniqueKeysWithValues: zip(b.schema.fields.map(\.name), $0)) }
        }
        let history = rows.filter { $0["customer_id"] == .int(DemoLanding.lateCustomer) }
            .sorted { ($0["valid_from"].map { "\($0)" } ?? "") < ($1["valid_from"].map { "\($0)" } ?? "") }
        say("\nSCD2 history of customer \(DemoLanding.lateCustomer) (its 'silver' update arrived late, in run 2, and took its place):\n")
        for r in history {
            func s(_ k: String) -> String {
                switch r[k] {
                case let .timestamp(us)?: return Temporal.formatTimestamp(us, utc: true)
                case let .string(x)?: return x
                case let .bool(b)?: return String(b)
                default: return "null"
                }
            }
            say("  tier \(s("tier")): valid_from \(s("valid_from")), valid_to \(s("valid_to")), is_current \(s("is_current"))\n")
        }
    }

    private func maintenance(_ root: String) throws {
        let bronze = try Table.open(path: "\(root)/tables/bronze")
        let before = try bronze.inspect()
        var z = OptimizeOptions()
        z.zOrderBy = ["customer_id", "category"]
        let clustered = try bronze.optimize(z)
        let again = try bronze.optimize(z)
        say("\nZ-order of bronze by customer_id, category: \(before.totals.files) files in \(before.partitions.count) partitions (compacted by run 2's policy) → "
            + "\(clustered.filesAdded) clustered files; a second Z-order rewrites \(again.filesRemoved) files (incremental: already clustered).\n")
        let vacuum = try bronze.vacuum(VacuumOptions(retentionHours: 0, force: true))
        let rows = try Scan(snapshot: try bronze.snapshot(), store: bronze.store).batches().reduce(0) { $0 + $1.count }
        say("Vacuum of bronze (retention 0 h, forced for the demo): deleted \(vacuum.files.count) files, \(vacuum.totalBytes) bytes; the latest version still reads \(rows) rows.\n")
    }
}
