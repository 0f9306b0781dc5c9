// Expectations: a stage's data-quality suite evaluated over its rows (spec/pipeline.md
// "Expectations"). Every expectation yields one result; `drop` removes failing rows (as
// EXPECTATION_FAILED / REFERENTIAL_MISSING rejections), `fail` marks the outcome failed, `warn` only records.
import TarnColumnar

/// The result of one expectation.
public struct ExpectationResult: Sendable, Equatable {
    public var name: String
    /// not_null, unique, range, accepted_values, regex, row_count, freshness or referential.
    public var kind: String
    public var action: ExpectationSpec.Action
    public var owner: String
    public var passed: Bool
    /// Rows that failed a row-level check (0 for row_count and freshness).
    public var failingRows: Int
    public var message: String

    public init(name: String, kind: String, action: ExpectationSpec.Action, owner: String, passed: Bool,
                failingRows: Int, message: String) {
        self.name = name
        self.kind = kind
        self.action = action
        self.owner = owner
        self.passed = passed
        self.failingRows = failingRows
        self.message = message
    }
}

/// The rows that remain after a suite, with what it removed and found.
public struct ExpectationOutcome: Sendable {
    public var batches: [RecordBatch]
    public var rejected: [Rejected]
    /// One per expectation, in the suite's order.
    public var results: [ExpectationResult]
    /// Whether an expectation with action `fail` did not pass (the stage must not load).
    public var failed: Bool
}

/// What one check found: the failing rows (row-level) or a table-level verdict.
struct CheckFinding {
    var failing: [Int]
    var passed: Bool
    var message: String
    /// Whether the failing rows may be dropped (false for table-level checks).
    var droppable: Bool
    var code: RejectCode = .expectationFailed
    /// Row-level checks: what a failing row has ("null values in 'id'"), to word merged findings.
    var what: String?
}

public enum Expectations {
    /// Evaluates every expectation on the same input rows, then removes the rows that failed a
    /// `drop` expectation (a row failing several is rejected once, naming the first).
    /// Nulls pass every check except not_null; unique ignores rows with a null key column.
    public static func evaluate(_ suite: ExpectationSuite, _ batches: [RecordBatch], sourceName: String, nowMicros: Int64,
                                table: (String) throws -> [RecordBatch]) throws -> ExpectationOutcome {
        // Row-level checks run batch by batch (no copy of the input); table-level ones see the
        // batches combined, made only when such a check is there.
        let parts = batches.isEmpty ? [RecordBatch(schema: StructType([]), columns: [], count: 0)] : batches
        var starts: [Int] = [], total = 0
        for b in parts { starts.append(total); total += b.count }
        var combined: RecordBatch?
        var tables: [String: [RecordBatch]] = [:]
        func cachedTable(_ path: String) throws -> [RecordBatch] {
            if let t = tables[path] { return t }
            let t = try table(path)
            tables[path] = t
            return t
        }
        func finding(_ kind: ExpectationSpec.Kind) throws -> CheckFinding {
            guard rowLevel(kind), parts.count > 1 else {
                if combined == nil { combined = try RowOrder.single(parts) }
                return try Checks.run(kind, combined ?? parts[0], nowMicros: nowMicros, table: cachedTable)
            }
            var merged = CheckFinding(failing: [], passed: true, message: "", droppable: true)
            for (i, b) in parts.enumerated() {
                let f = try Checks.run(kind, b, nowMicros: nowMicros, table: cachedTable)
                merged.failing += f.failing.map { starts[i] + $0 }
                merged.code = f.code
                merged.what = merged.what ?? f.what
            }
            merged.passed = merged.failing.isEmpty
            let what = merged.what ?? "failing values"
            merged.message = merged.passed ? "no \(what)" : "\(merged.failing.count) of \(total) rows have \(what)"
            return merged
        }
        var results: [ExpectationResult] = []
        var dropped: [Int: Rejected] = [:]
        var failed = false
        for e in suite.expectations {
            let f = try finding(e.kind)
            var message = f.message
            if !f.passed && e.action == .drop && !f.droppable { message += " (a table-level check cannot drop rows: recorded as a warning)" }
            if !f.passed && e.action == .drop && f.droppable {
                let why = "expectation '\(e.name)' (owner \(suite.owner)) failed: \(f.message)"
                for r in f.failing where dropped[r] == nil {
                    let (p, row) = PartRows.locate(r, starts: starts)
                    dropped[r] = Rejected(sourceFile: sourceName, line: nil, raw: RowOrder.json(parts[p], row), code: f.code,
                                          message: why, column: column(of: e.kind))
                }
            }
            if !f.passed && e.action == .fail { failed = true }
            results.append(ExpectationResult(name: e.name, kind: kindName(e.kind), action: e.action, owner: suite.owner,
                                             passed: f.passed, failingRows: f.failing.count, message: message))
        }
        let kept: [RecordBatch]
        if dropped.isEmpty {
            kept = batches
        } else {
            kept = parts.enumerated().map { i, b in
                b.filter(Bitmap(flags: (0 ..< b.count).map { dropped[starts[i] + $0] == nil }))
            }
        }
        return ExpectationOutcome(batches: kept, rejected: dropped.keys.sorted().compactMap { dropped[$0] },
                                  results: results, failed: failed)
    }

    static func rowLevel(_ k: ExpectationSpec.Kind) -> Bool {
        switch k {
        case .notNull, .range, .acceptedValues, .regex, .referential: return true
        case .unique, .rowCount, .freshness: return false
        }
    }

    /// The spec name of an expectation kind.
    static func kindName(_ k: ExpectationSpec.Kind) -> String {
        switch k {
        case .notNull: return "not_null"
        case .unique: return "unique"
        case .range: return "range"
        case .acceptedValues: return "accepted_values"
        case .regex: return "regex"
        case .rowCount: return "row_count"
        case .freshness: return "freshness"
        case .referential: return "referential"
        }
    }

    static func column(of k: ExpectationSpec.Kind) -> String? {
        switch k {
        case let .notNull(c), let .range(c, _, _), let .acceptedValues(c, _), let .regex(c, _), let .freshness(c, _),
             let .referential(c, _, _):
            return c
        case let .unique(cs): return cs.joined(separator: ",")
        case .rowCount: return nil
        }
    }
}
