// CrashModel: the crash harness's reference model (id → row, plain Swift, independent of Tarn)
// and its step kinds: each step is planned as `tarn` arguments plus the rows the table must hold
// if the step commits. Nothing here touches the table.
import Foundation
import TarnTestSupport

/// One row of the crash table (`id long not null, k long, v long, s string`).
public struct CrashRow: Hashable, Sendable, CustomStringConvertible {
    public var id: Int64
    public var k: Int64
    public var v: Int64
    public var s: String

    public init(id: Int64, k: Int64, v: Int64, s: String) {
        self.id = id; self.k = k; self.v = v; self.s = s
    }

    /// The row as one JSON-lines object.
    public var jsonLine: String { #"{"id":\#(id),"k":\#(k),"v":\#(v),"s":"\#(s)"}"# }
    public var description: String { jsonLine }
}

/// The model's state: what the table holds, by id.
public typealias CrashRows = [Int64: CrashRow]

/// The kinds of step the harness runs (each a child `tarn` process).
public enum CrashStepKind: String, CaseIterable, Sendable, Codable {
    case append, replaceWhere, delete, update, merge, optimize, zorder, checkpoint, vacuumLite, vacuumFull, restore, pipeline

    /// Relative frequency of the kind in a run.
    var weight: Int {
        switch self {
        case .append: return 18
        case .replaceWhere, .optimize, .checkpoint: return 8
        case .delete, .update, .merge: return 10
        case .zorder, .vacuumLite, .vacuumFull: return 5
        case .restore, .pipeline: return 6
        }
    }

    /// Whether the step's commit changes the main table's rows (the others only rewrite files or the log).
    var changesData: Bool {
        switch self {
        case .optimize, .zorder, .checkpoint, .vacuumLite, .vacuumFull, .pipeline: return false
        default: return true
        }
    }
}

/// A planned step: the `tarn` arguments, an input file to write first, and the rows after it.
struct CrashStep {
    var kind: CrashStepKind
    var arguments: [String]
    var input: (path: String, text: String)?
    var after: CrashRows
}

/// Plans steps from a seeded generator and the current model.
struct CrashPlanner {
    let table: String
    let inputDir: String
    let partitioned: Bool
    var nextId: Int64 = 1
    static let keys: Int64 = 8

    init(table: String, inputDir: String, partitioned: Bool) {
        self.table = table; self.inputDir = inputDir; self.partitioned = partitioned
    }

    /// A step kind drawn by weight; appends while the table is nearly empty, deletes when large.
    func kind(_ rng: inout SeededRandom, rows: Int) -> CrashStepKind {
        if rows < 100 { return .append }
        if rows > 2500 { return rng.chance(0.5) ? .delete : .replaceWhere }
        let total = CrashStepKind.allCases.reduce(0) { $0 + $1.weight }
        var pick = Int.random(in: 0 ..< total, using: &rng)
        for kind in CrashStepKind.allCases {
            if pick < kind.weight { return kind }
            pick -= kind.weight
        }
        return .append
    }

    mutating func fresh(_ rng: inout SeededRandom, k: Int64? = nil) -> CrashRow {
        defer { nextId += 1 }
        let key = k ?? Int64.random(in: 0 ..< CrashPlanner.keys, using: &rng)
        return CrashRow(id: nextId, k: key, v: Int64.random(in: 0 ..< 1000, using: &rng), s: "s\(nextId)")
    }

    /// Plans step `n` of `kind` against `model`; `versions` are the models of restorable versions.
    mutating func plan(_ kind: CrashStepKind, step n: Int, model: CrashRows, versions: [Int64: CrashRows],
                       latest: Int64, rng: inout SeededRandom) -> CrashStep {
        let input = "\(inputDir)/step-\(n).jsonl"
        let k = Int64.random(in: 0 ..< CrashPlanner.keys, using: &rng)
        var after = model
        switch kind {
        case .append:
            let rows = (0 ..< Int.random(in: 10 ... 60, using: &rng)).map { _ in fresh(&rng) }
            for r in rows { after[r.id] = r }
            return CrashStep(kind: kind, arguments: ["write", table, "--input", input], input: (input, lines(rows)), after: after)
        case .replaceWhere:
            let rows = (0 ..< Int.random(in: 5 ... 40, using: &rng)).map { _ in fresh(&rng, k: k) }
            after = after.filter { $0.value.k != k }
            for r in rows { after[r.id] = r }
            return CrashStep(kind: kind, arguments: ["write", table, "--input", input, "--mode", "overwrite", "--replace-where", "k = \(k)"],
                             input: (input, lines(rows)), after: after)
        case .delete:
            if model.count > 2500 || rng.chance(0.3) {
                after = after.filter { $0.value.k != k }
                return CrashStep(kind: kind, arguments: ["delete", table, "--where", "k = \(k)"], input: nil, after: after)
            }
            let x = Int64.random(in: 0 ..< 120, using: &rng)
            after = after.filter { $0.value.v >= x }
            return CrashStep(kind: kind, arguments: ["delete", table, "--where", "v < \(x)"], input: nil, after: after)
        case .update:
            for (id, r) in after where r.k == k { after[id] = CrashRow(id: id, k: k, v: r.v + 1, s: "u\(n)") }
            return CrashStep(kind: kind, arguments: ["update", table, "--set", "v = v + 1, s = 'u\(n)'", "--where", "k = \(k)"],
                             input: nil, after: after)
        case .merge:
            return planMerge(step: n, model: model, input: input, rng: &rng)
        case .optimize:
            return CrashStep(kind: kind, arguments: ["optimize", table], input: nil, after: after)
        case .zorder:
            return CrashStep(kind: kind, arguments: ["optimize", table, "--zorder-by", "v,id"], input: nil, after: after)
        case .checkpoint:
            return CrashStep(kind: kind, arguments: ["checkpoint", table], input: nil, after: after)
        case .vacuumLite:
            return CrashStep(kind: kind, arguments: ["vacuum", table, "--retention-hours", "0", "--force"], input: nil, after: after)
        case .vacuumFull:
            return CrashStep(kind: kind, arguments: ["vacuum", table, "--full", "--retention-hours", "0", "--force"], input: nil, after: after)
        case .pipeline:
            let file = URL(fileURLWithPath: inputDir).deletingLastPathComponent().appendingPathComponent("pipeline.yaml").path
            return CrashStep(kind: kind, arguments: ["pipeline", "run", file], input: nil, after: after)
        case .restore:
            let candidates = versions.keys.filter { $0 < latest }.sorted()
            guard let target = candidates.randomElement(using: &rng), let rows = versions[target] else {
                return CrashStep(kind: .optimize, arguments: ["optimize", table], input: nil, after: after)
            }
            return CrashStep(kind: kind, arguments: ["restore", table, "--version", "\(target)"], input: nil, after: rows)
        }
    }

    /// An upsert: some existing ids with new values plus some new ids.
    mutating func planMerge(step n: Int, model: CrashRows, input: String, rng: inout SeededRandom) -> CrashStep {
        var after = model
        var source: [CrashRow] = []
        let existing = Array(model.keys).sorted()
        for _ in 0 ..< min(existing.count, Int.random(in: 1 ... 20, using: &rng)) {
            guard let id = existing.randomElement(using: &rng), !source.contains(where: { $0.id == id }) else { continue }
            source.append(CrashRow(id: id, k: Int64.random(in: 0 ..< CrashPlanner.keys, using: &rng),
                                   v: Int64.random(in: 0 ..< 1000, using: &rng), s: "m\(n)"))
        }
        for _ in 0 ..< Int.random(in: 1 ... 20, using: &rng) { source.append(fresh(&rng)) }
        for r in source { after[r.id] = r }
        let args = ["merge", table, "--source", input, "--on", "target.id = source.id",
                    "--when-matched-update", "*", "--when-not-matched-insert", "*"]
        return CrashStep(kind: .merge, arguments: args, input: (input, lines(source)), after: after)
    }

    func lines(_ rows: [CrashRow]) -> String { rows.map(\.jsonLine).joined(separator: "\n") + "\n" }
}
