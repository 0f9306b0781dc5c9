// JSONValueConversion: JSONValue → Value for a DataType, the exact inverse of the canonical JSON
// row form (spec/rows.md), shared by the JSON-lines reader and by the CSV reader for nested
// values; plus the type inference used when no schema is given (spec/cli.md "JSON lines").

/// A value that does not fit its type; `path` names the nested field (e.g. "pos.x", "tags[2]").
struct ConversionFailure: Error {
    var path: String
    var message: String
}

enum JSONConversion {
    /// Converts `json` to a Value of `type`. `lenientStrings`: a string column takes any JSON
    /// value (non-strings as their compact JSON text), used for inferred conflicting columns.
    static func value(_ json: JSONValue, _ type: DataType, lenientStrings: Bool = false) throws(ConversionFailure) -> Value {
        if case .null = json { return .null }
        switch type {
        case .boolean:
            if case let .bool(b) = json { return .bool(b) }
        case .byte, .short, .integer, .long:
            if case let .number(n) = json {
                guard let v = TextValues.int64(n.utf8), TextValues.fitsInteger(v, type) else {
                    throw fail("\(n) is not a valid \(type) (an integer in range)")
                }
                return .int(v)
            }
        case .float, .double:
            let text: String
            switch json {
            case let .number(n): text = n
            case let .string(s) where ["nan", "infinity", "-infinity"].contains(s.lowercased()): text = s
            default: throw fail("expected a number (or \"NaN\", \"Infinity\", \"-Infinity\") for \(type), got \(describe(json))")
            }
            if type == .float, let f = TextValues.float(text) { return .float(f) }
            if type == .double, let d = TextValues.double(text) { return .double(d) }
            throw fail("\(text) is out of range for \(type)")
        case let .decimal(p, s):
            if case let .number(n) = json { return try decimal(n, p, s) }
            if case let .string(n) = json { return try decimal(n, p, s) }
        case .string:
            if case let .string(s) = json { return .string(s) }
            if lenientStrings { return .string(json.serialized()) }
        case .binary:
            if case let .string(s) = json {
                guard let b = TextValues.base64(s) else { throw fail("\(TextValues.quote(s)) is not valid base64") }
                return .binary(b)
            }
        case .date, .timestamp, .timestampNtz:
            if case let .string(s) = json {
                guard let v = TextValues.primitive(s, type) else { throw fail("\(TextValues.quote(s)) is not a valid \(type)") }
                return v
            }
        case let .struct(st):
            if case let .object(members) = json { return try structure(members, st, lenientStrings) }
        case let .array(e, containsNull):
            if case let .array(items) = json {
                var out: [Value] = []
                out.reserveCapacity(items.count)
                for (k, item) in items.enumerated() {
                    let v = try nested("[\(k)]") { () throws(ConversionFailure) in try value(item, e, lenientStrings: lenientStrings) }
                    if v.isNull && !containsNull { throw fail("null element in array<\(e) not null>", path: "[\(k)]") }
                    out.append(v)
                }
                return .array(out)
            }
        case let .map(k, v, valueContainsNull):
            return try map(json, k, v, valueContainsNull, lenientStrings)
        }
        throw fail("expected \(expectation(type)) for \(type), got \(describe(json))")
    }

    private static func decimal(_ text: String, _ p: Int, _ s: Int) throws(ConversionFailure) -> Value {
        guard let v = Decimal128.parse(text, scale: s) else { throw fail("\(TextValues.quote(text)) is not a decimal with at most \(s) fractional digits") }
        guard Decimal128.fits(v, precision: p) else { throw fail("\(text) does not fit decimal(\(p),\(s))") }
        return .decimal(v)
    }

    private static func structure(_ members: [(String, JSONValue)], _ st: StructType, _ lenient: Bool) throws(ConversionFailure) -> Value {
        var out: [Value] = []
        out.reserveCapacity(st.fields.count)
        for (i, f) in st.fields.enumerated() {
            let json = member(members, f.name, hint: i) ?? .null
            let v = try nested(".\(f.name)") { () throws(ConversionFailure) in try value(json, f.type, lenientStrings: lenient) }
            if v.isNull && !f.nullable { throw fail("null in non-nullable field", path: ".\(f.name)") }
            out.append(v)
        }
        return .structure(out)
    }

    /// The member named `name` (exact match first, then case-insensitive); `hint` is where it
    /// usually is (rows written by Tarn keep schema order).
    static func member(_ members: [(String, JSONValue)], _ name: String, hint: Int) -> JSONValue? {
        if hint < members.count, members[hint].0 == name { return members[hint].1 }
        if let m = members.first(where: { $0.0 == name }) { return m.1 }
        let lower = name.lowercased()
        return members.first { $0.0.lowercased() == lower }?.1
    }

    /// Maps: an object for string keys (or keys written as text), or an array of {"key","value"}.
    private static func map(_ json: JSONValue, _ k: DataType, _ v: DataType, _ valueContainsNull: Bool,
                            _ lenient: Bool) throws(ConversionFailure) -> Value {
        var pairs: [(JSONValue, JSONValue)] = []
        switch json {
        case let .object(members):
            for (key, value) in members {
                let keyJSON: JSONValue
                if k.isNumeric { keyJSON = .number(key) } else if k == .boolean, let b = TextValues.bool(key) { keyJSON = .bool(b) } else {
                    keyJSON = .string(key)
                }
                pairs.append((keyJSON, value))
            }
        case let .array(items):
            for (n, item) in items.enumerated() {
                guard case let .object(m) = item, let key = member(m, "key", hint: 0) else {
                    throw fail("expected {\"key\": …, \"value\": …} map entries", path: "[\(n)]")
                }
                pairs.append((key, member(m, "value", hint: 1) ?? .null))
            }
        default: throw fail("expected an object or an array of {\"key\",\"value\"} entries for \(DataType.map(key: k, value: v, valueContainsNull: valueContainsNull)), got \(describe(json))")
        }
        var entries: [Value.MapEntry] = []
        entries.reserveCapacity(pairs.count)
        for (n, (key, value)) in pairs.enumerated() {
            let kv = try nested("[\(n)].key") { () throws(ConversionFailure) in try Self.value(key, k, lenientStrings: lenient) }
            if kv.isNull { throw fail("null map key", path: "[\(n)].key") }
            let vv = try nested("[\(n)].value") { () throws(ConversionFailure) in try Self.value(value, v, lenientStrings: lenient) }
            if vv.isNull && !valueContainsNull { throw fail("null map value where values are not null", path: "[\(n)].value") }
            entries.append(Value.MapEntry(kv, vv))
        }
        return .map(entries)
    }

    private static func nested(_ step: String, _ body: () throws(ConversionFailure) -> Value) throws(ConversionFailure) -> Value {
        do { return try body() } catch { throw ConversionFailure(path: step + error.path, message: error.message) }
    }

    private static func fail(_ message: String, path: String = "") -> ConversionFailure {
        ConversionFailure(path: path, message: message)
    }

    private static func expectation(_ type: DataType) -> String {
        switch type {
        case .boolean: return "true or false"
        case .byte, .short, .integer, .long: return "an integer"
        case .decimal: return "a number or a decimal string"
        case .string: return "a string"
        case .binary: return "a base64 string"
        case .date: return "a \"YYYY-MM-DD\" string"
        case .timestamp, .timestampNtz: return "an ISO-8601 timestamp string"
        case .struct: return "an object"
        case .array: return "an array"
        default: return "a value"
        }
    }

    static func describe(_ json: JSONValue) -> String {
        let text = json.serialized()
        return text.count <= 40 ? text : String(text.prefix(40)) + "…"
    }
}

/// A type inferred from JSON values; `unify` joins two observations.
indirect enum InferredJSONType: Equatable {
    case unknown, boolean, long, double, string
    case array(InferredJSONType)
    case object([String], [InferredJSONType])

    static func of(_ json: JSONValue) -> InferredJSONType {
        switch json {
        case .null: return .unknown
        case .bool: return .boolean
        case let .number(n): return TextValues.int64(n.utf8) != nil ? .long : .double
        case .string: return .string
        case let .array(items): return .array(items.reduce(.unknown) { $0.unify(of($1)) })
        case let .object(members):
            var r = InferredJSONType.object([], [])
            for (k, v) in members { r = r.unify(.object([k], [of(v)])) }
            return r
        }
    }

    func unify(_ other: InferredJSONType) -> InferredJSONType {
        switch (self, other) {
        case (.unknown, _): return other
        case (_, .unknown): return self
        case (.long, .double), (.double, .long): return .double
        case let (.array(a), .array(b)): return .array(a.unify(b))
        case let (.object(names, types), .object(otherNames, otherTypes)):
            var names = names, types = types
            for (n, t) in zip(otherNames, otherTypes) {
                if let i = names.firstIndex(of: n) { types[i] = types[i].unify(t) } else { names.append(n); types.append(t) }
            }
            return .object(names, types)
        default: return self == other ? self : .string
        }
    }

    /// The Delta type: unknown (only nulls) and empty objects become string; all nullable.
    var dataType: DataType {
        switch self {
        case .unknown, .string: return .string
        case .boolean: return .boolean
        case .long: return .long
        case .double: return .double
        case let .array(e): return .array(element: e.dataType, containsNull: true)
        case let .object(names, types):
            if names.isEmpty { return .string }
            return .struct(StructType(zip(names, types).map { StructField($0, $1.dataType) }))
        }
    }
}
