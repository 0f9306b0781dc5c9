// SchemaParser: the schema strings users type ("id long, name string not null, price
// decimal(10,2), tags array<string>, pos struct<x: double, y: double>") to and from StructType.
// Grammar and type-name aliases: spec/cli.md "Schema strings". Errors are invalidArgument and
// give the 1-based character position.

public enum SchemaParser {
    /// Type names accepted besides the Delta names (case-insensitive).
    public static let aliases: [String: DataType] = [
        "bool": .boolean, "tinyint": .byte, "smallint": .short, "int": .integer, "bigint": .long,
        "real": .float, "float4": .float, "float8": .double, "text": .string, "varchar": .string,
        "bytes": .binary, "timestamp_ltz": .timestamp,
    ]

    /// Parses a comma-separated list of `name type [NOT NULL]` fields.
    public static func parse(_ text: String) throws -> StructType {
        var p = Parser(Array(text))
        let fields = try p.fieldList(closing: nil)
        p.skipSpaces()
        guard p.atEnd else { throw p.error("unexpected '\(p.peek.map(String.init) ?? "")' after the schema") }
        guard !fields.isEmpty else { throw p.error("the schema has no fields") }
        return StructType(fields)
    }

    /// Parses a single type (`decimal(10,2)`, `array<map<string,long>>`).
    public static func parseType(_ text: String) throws -> DataType {
        var p = Parser(Array(text))
        let t = try p.type()
        p.skipSpaces()
        guard p.atEnd else { throw p.error("unexpected text after the type") }
        return t.type
    }

    /// The schema string of `schema`, which `parse` reads back to an equal schema (metadata aside).
    public static func format(_ schema: StructType) -> String {
        schema.fields.map { "\(quoteName($0.name)) \(format($0.type))\($0.nullable ? "" : " not null")" }
            .joined(separator: ", ")
    }

    public static func format(_ type: DataType) -> String {
        switch type {
        case let .struct(s):
            let fs = s.fields.map { "\(quoteName($0.name)): \(format($0.type))\($0.nullable ? "" : " not null")" }
            return "struct<" + fs.joined(separator: ", ") + ">"
        case let .array(e, containsNull): return "array<\(format(e))\(containsNull ? "" : " not null")>"
        case let .map(k, v, valueContainsNull): return "map<\(format(k)), \(format(v))\(valueContainsNull ? "" : " not null")>"
        default: return type.description
        }
    }

    static func quoteName(_ name: String) -> String {
        let plain = !name.isEmpty && name.allSatisfy { Parser.isNameCharacter($0) }
            && !["not", "null"].contains(name.lowercased())
        return plain ? name : "`" + name.replacingAll("`", with: "``") + "`"
    }
}

private struct Parser {
    let chars: [Character]
    var i = 0
    /// Nesting of array/map/struct types being read: bounded so hostile text cannot exhaust the stack.
    var depth = 0
    static let maxDepth = 64

    init(_ chars: [Character]) { self.chars = chars }

    var atEnd: Bool { i >= chars.count }
    var peek: Character? { i < chars.count ? chars[i] : nil }

    static func isNameCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    func error(_ message: String, at position: Int? = nil) -> TarnError {
        let at = min(position ?? i, chars.count)
        let near = at < chars.count ? " (near '\(String(chars[at ..< min(chars.count, at + 12)]))')" : " (at the end)"
        return TarnError(.invalidArgument, "invalid schema at position \(at + 1)\(near): \(message)")
    }

    mutating func skipSpaces() { while let c = peek, c.isWhitespace { i += 1 } }

    mutating func take(_ c: Character) -> Bool {
        skipSpaces()
        guard peek == c else { return false }
        i += 1
        return true
    }

    mutating func expect(_ c: Character, _ what: String) throws {
        guard take(c) else { throw error("expected '\(c)' \(what)") }
    }

    /// A bare word (letters, digits, '_'), or nil.
    mutating func word() -> String? {
        skipSpaces()
        let start = i
        while let c = peek, Parser.isNameCharacter(c) { i += 1 }
        return i > start ? String(chars[start ..< i]) : nil
    }

    mutating func name() throws -> String {
        skipSpaces()
        if peek == "`" {
            let start = i
            i += 1
            var out = ""
            while true {
                guard let c = peek else { throw error("unterminated `quoted` name", at: start) }
                i += 1
                if c == "`" {
                    if peek == "`" { out.append("`"); i += 1 } else { break }
                } else {
                    out.append(c)
                }
            }
            guard !out.isEmpty else { throw error("empty column name", at: start) }
            return out
        }
        guard let w = word() else { throw error("expected a column name") }
        return w
    }

    /// Optional `NOT NULL`; true when present.
    mutating func notNull() throws -> Bool {
        let save = i
        guard let w = word(), w.lowercased() == "not" else { i = save; return false }
        guard let n = word(), n.lowercased() == "null" else { throw error("expected NULL after NOT") }
        return true
    }

    /// `field (',' field)*`, up to `closing` (for struct<...>) or the end.
    mutating func fieldList(closing: Character?) throws -> [StructField] {
        var fields: [StructField] = []
        var seen: [String: Int] = [:]
        skipSpaces()
        if atEnd && closing == nil { return [] }
        while true {
            skipSpaces()
            let start = i
            let n = try name()
            _ = take(":")
            let t = try type()
            let required = try notNull()
            if let prev = seen[n.lowercased()] {
                throw error("duplicate column name '\(n)' (names are case-insensitive; first at position \(prev + 1))", at: start)
            }
            seen[n.lowercased()] = start
            fields.append(StructField(n, t.type, nullable: !required))
            skipSpaces()
            if take(",") {
                skipSpaces()
                if closing == nil && atEnd { break }     // a trailing comma
                continue
            }
            if let closing, peek == closing { break }
            if closing == nil && atEnd { break }
            throw error(closing.map { "expected ',' or '\($0)' in struct<...>" } ?? "expected ',' between fields")
        }
        return fields
    }

    /// A type; `position` is where it started (for errors in the caller).
    mutating func type() throws -> (type: DataType, position: Int) {
        skipSpaces()
        let start = i
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maxDepth else { throw error("types nested deeper than \(Parser.maxDepth)") }
        guard let w = word() else { throw error("expected a type") }
        let lower = w.lowercased()
        switch lower {
        case "array":
            try expect("<", "after array")
            let e = try type()
            let required = try notNull()
            try expect(">", "to close array<...>")
            return (.array(element: e.type, containsNull: !required), start)
        case "map":
            try expect("<", "after map")
            let k = try type()
            try expect(",", "between the key and value types of map<...>")
            let v = try type()
            let required = try notNull()
            try expect(">", "to close map<...>")
            return (.map(key: k.type, value: v.type, valueContainsNull: !required), start)
        case "struct":
            try expect("<", "after struct")
            if take(">") { throw error("struct<> needs at least one field", at: start) }
            let fields = try fieldList(closing: ">")
            try expect(">", "to close struct<...>")
            return (.struct(StructType(fields)), start)
        case "decimal", "numeric", "dec":
            guard take("(") else { return (.decimal(precision: 10, scale: 0), start) }
            let p = try integer("precision")
            var s = 0
            if take(",") { s = try integer("scale") }
            try expect(")", "to close decimal(p, s)")
            guard (1 ... DataType.maxDecimalPrecision).contains(p), (0 ... p).contains(s) else {
                throw error("decimal(\(p),\(s)) needs 1 <= precision <= 38 and 0 <= scale <= precision", at: start)
            }
            return (.decimal(precision: p, scale: s), start)
        case "varchar", "char":
            if take("(") { _ = try integer("length"); try expect(")", "to close \(lower)(n)") }
            return (.string, start)
        default:
            if let t = SchemaParser.aliases[lower] { return (t, start) }
            if lower != "decimal", let t = try? DataType.primitive(named: lower), t.isPrimitive { return (t, start) }
            throw error("unknown type '\(w)' (expected boolean, byte, short, integer, long, float, double, string, binary, "
                + "date, timestamp, timestamp_ntz, decimal(p,s), array<…>, map<…,…> or struct<…>)", at: start)
        }
    }

    mutating func integer(_ what: String) throws -> Int {
        skipSpaces()
        let start = i
        while let c = peek, c.isASCII, c.isNumber { i += 1 }
        guard i > start, i - start <= 4, let v = Int(String(chars[start ..< i])) else { throw error("expected the \(what) (a number)") }
        return v
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
