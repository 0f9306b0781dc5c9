// YAMLReader: typed access to a parsed YAML node (Yams) for the pipeline file, with errors that
// name the file, the line and the key path ("pipeline.yaml:12: stages[1].target.mode: expected
// one of append, overwrite, …"). Unknown keys are errors, so a typo never silently does nothing.
import TarnCodecs
import Yams

struct YAMLReader {
    let node: Node
    let path: String
    let file: String

    init(_ node: Node, path: String, file: String) {
        self.node = node
        self.path = path
        self.file = file
    }

    /// Parses `text` (the contents of `file`).
    static func parse(_ text: String, file: String) throws -> YAMLReader {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw TarnError(.invalidArgument, "\(file): not valid YAML: \(error)", file: file)
        }
        guard let root else { throw TarnError(.invalidArgument, "\(file): the pipeline file is empty", file: file) }
        return YAMLReader(root, path: "", file: file)
    }

    func error(_ message: String) -> TarnError {
        let line = node.mark.map { ":\($0.line)" } ?? ""
        let at = path.isEmpty ? "" : " \(path):"
        return TarnError(.invalidArgument, "\(file)\(line):\(at) \(message)", file: file)
    }

    private func child(_ key: String, _ n: Node) -> YAMLReader {
        YAMLReader(n, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    var isMapping: Bool { node.mapping != nil }
    var isSequence: Bool { node.sequence != nil }
    var isScalar: Bool { node.scalar != nil }

    /// The mapping's keys, in file order.
    func keys() throws -> [String] {
        guard let m = node.mapping else { throw error("expected a mapping") }
        return m.keys.compactMap(\.string)
    }

    /// Refuses keys outside `allowed`.
    func only(_ allowed: Set<String>) throws {
        for k in try keys() where !allowed.contains(k) {
            throw child(k, node).error("unknown key '\(k)' (expected one of \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func optional(_ key: String) throws -> YAMLReader? {
        guard let m = node.mapping else { throw error("expected a mapping") }
        return m[key].map { child(key, $0) }
    }

    func required(_ key: String) throws -> YAMLReader {
        guard let r = try optional(key) else { throw error("missing required key '\(key)'") }
        return r
    }

    func string() throws -> String {
        guard let s = node.scalar?.string else { throw error("expected a string") }
        return s
    }

    func int() throws -> Int {
        guard let s = node.scalar?.string, let v = Int(s.replacingOccurrences(of: "_", with: "")) else { throw error("expected an integer") }
        return v
    }

    func double() throws -> Double {
        guard let s = node.scalar?.string, let v = Double(s) else { throw error("expected a number") }
        return v
    }

    func bool() throws -> Bool {
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false")
        }
    }

    /// A list of strings; a single string is a list of one.
    func strings() throws -> [String] {
        if node.scalar != nil { return [try string()] }
        return try items().map { try $0.string() }
    }

    func items() throws -> [YAMLReader] {
        guard let s = node.sequence else { throw error("expected a list") }
        return s.enumerated().map { i, n in YAMLReader(n, path: "\(path)[\(i)]", file: file) }
    }

    /// Mapping entries in file order.
    func entries() throws -> [(key: String, value: YAMLReader)] {
        guard let m = node.mapping else { throw error("expected a mapping") }
        return m.compactMap { k, v in k.string.map { ($0, child($0, v)) } }
    }

    func oneOf<T: RawRepresentable & CaseIterable>(_: T.Type) throws -> T where T.RawValue == String {
        let s = try string()
        guard let v = T(rawValue: s) else {
            throw error("'\(s)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }
}
