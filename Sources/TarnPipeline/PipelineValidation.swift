// PipelineValidation: checks a pipeline before anything runs (spec/pipeline.md "Validation"):
// unique stage names, known dependencies, no cycles, keys for merge and scd2, an owner on every
// expectation suite; and the execution order (dependencies first, then file order).
import TarnCodecs

public enum PipelineValidation {
    /// Every problem found, one per line; empty when the pipeline is valid.
    public static func problems(_ spec: PipelineSpec) -> [String] {
        var out: [String] = []
        if spec.name.isEmpty { out.append("the pipeline has no name") }
        if spec.stages.isEmpty { out.append("the pipeline has no stages") }
        var seen = Set<String>()
        for s in spec.stages {
            if s.name.isEmpty { out.append("a stage has no name") }
            if !seen.insert(s.name).inserted { out.append("stage name '\(s.name)' is used twice") }
        }
        let names = Set(spec.stages.map(\.name))
        for s in spec.stages {
            let at = "stage '\(s.name)'"
            for d in s.dependsOn where !names.contains(d) { out.append("\(at) depends on unknown stage '\(d)'") }
            if let suite = s.expectations, suite.owner.trimmingCharacters(in: .whitespaces).isEmpty {
                out.append("\(at): its expectation suite has no owner (expectations.owner: who is told when a check fails)")
            }
            switch s.target.mode {
            case let .merge(keys) where keys.isEmpty: out.append("\(at): merge needs keys")
            case let .scd2(keys, sequence) where keys.isEmpty || sequence.isEmpty: out.append("\(at): scd2 needs keys and a sequence column")
            default: break
            }
            if let c = s.contract {
                var fields = Set<String>()
                for f in c.fields where !fields.insert(f.name.lowercased()).inserted { out.append("\(at): contract field '\(f.name)' is declared twice") }
                if c.fields.isEmpty { out.append("\(at): the contract has no fields") }
            }
            if case .table = s.source, s.contract != nil { out.append("\(at): a contract applies to file sources only") }
            // A MERGE rewrites files with their unchanged rows: reading its appends would count those again.
            if case let .table(path, .appended) = s.source,
               let up = spec.stages.first(where: { normalize($0.target.path) == normalize(path) && $0.name != s.name }) {
                switch up.target.mode {
                case .merge, .scd2:
                    out.append("\(at) reads \(path) with read: appended, but stage '\(up.name)' merges into it (rewritten files hold unchanged rows); use read: change_feed or read: full")
                default: break
                }
            }
        }
        if out.isEmpty, case let .failure(e) = Result(catching: { try order(spec) }) { out.append((e as? TarnError)?.message ?? "\(e)") }
        return out
    }

    /// Throws one error listing every problem.
    public static func validate(_ spec: PipelineSpec, file: String? = nil) throws {
        let p = problems(spec)
        guard !p.isEmpty else { return }
        throw TarnError(.invalidArgument, "invalid pipeline\(file.map { " \($0)" } ?? ""):\n" + p.map { "  - \($0)" }.joined(separator: "\n"), file: file)
    }

    /// The stages in execution order: each after the stages it depends on (explicitly, or by reading
    /// their target table), otherwise in file order. A cycle is an error naming its stages.
    public static func order(_ spec: PipelineSpec) throws -> [StageSpec] {
        let byTarget = Dictionary(spec.stages.map { (normalize($0.target.path), $0.name) }, uniquingKeysWith: { a, _ in a })
        var deps: [String: [String]] = [:]
        for s in spec.stages {
            var d = s.dependsOn
            if case let .table(path, _) = s.source, let up = byTarget[normalize(path)], up != s.name { d.append(up) }
            deps[s.name] = d
        }
        var done: [String] = [], state: [String: Int] = [:]   // 1 = visiting, 2 = done
        func visit(_ name: String, _ trail: [String]) throws {
            if state[name] == 2 { return }
            if state[name] == 1 { throw TarnError(.invalidArgument, "stages depend on each other in a cycle: \((trail + [name]).joined(separator: " -> "))") }
            state[name] = 1
            for d in deps[name] ?? [] { try visit(d, trail + [name]) }
            state[name] = 2
            done.append(name)
        }
        for s in spec.stages { try visit(s.name, []) }
        let byName = Dictionary(spec.stages.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        return done.compactMap { byName[$0] }
    }

    static func normalize(_ path: String) -> String {
        var p = path
        while p.hasSuffix("/") && p.count > 1 { p.removeLast() }
        if p.hasPrefix("./") { p.removeFirst(2) }
        return p
    }
}
