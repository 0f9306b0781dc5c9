// Delta's JSON schema serialization (PROTOCOL.md "Schema Serialization Format") in both
// directions: primitive types are strings ("integer", "decimal(10,2)"), struct/array/map are
// objects with Spark's keys (fields, elementType/containsNull, keyType/valueType/valueContainsNull).
import TarnCodecs

extension DataType {
    public var json: JSONValue {
        switch self {
        case let .struct(s): return s.json
        case let .array(e, containsNull):
            return .object([("type", .string("array")), ("elementType", e.json), ("containsNull", .bool(containsNull))])
        case let .map(k, v, valueContainsNull):
            return .object([("type", .string("map")), ("keyType", k.json), ("valueType", v.json),
                            ("valueContainsNull", .bool(valueContainsNull))])
        default: return .string(description)
        }
    }

    public init(json: JSONValue) throws {
        switch json {
        case let .string(name): self = try DataType.primitive(named: name)
        case .object:
            guard let kind = json["type"]?.stringValue else { throw schemaError("type object without a 'type' key") }
            switch kind {
            case "struct": self = .struct(try StructType(json: json))
            case "array":
                guard let e = json["elementType"] else { throw schemaError("array without elementType") }
                self = .array(element: try DataType(json: e), containsNull: json["containsNull"]?.boolValue ?? true)
            case "map":
                guard let k = json["keyType"], let v = json["valueType"] else { throw schemaError("map without keyType/valueType") }
                self = .map(key: try DataType(json: k), value: try DataType(json: v),
                            valueContainsNull: json["valueContainsNull"]?.boolValue ?? true)
            default: throw schemaError("unknown complex type '\(kind)'")
            }
        default: throw schemaError("a type must be a string or an object")
        }
    }

    /// Resolves a Delta primitive type name; `decimal(p, s)` allows spaces, `decimal` alone is (10,0).
    public static func primitive(named raw: String) throws -> DataType {
        let name = raw.trimmedWhitespace.lowercased()
        switch name {
        case "boolean": return .boolean
        case "byte": return .byte
        case "short": return .short
        case "integer": return .integer
        case "long": return .long
        case "float": return .float
        case "double": return .double
        case "string": return .string
        case "binary": return .binary
        case "date": return .date
        case "timestamp": return .timestamp
        case "timestamp_ntz": return .timestampNtz
        case "decimal": return .decimal(precision: 10, scale: 0)
        default: break
        }
        if name.hasPrefix("decimal(") && name.hasSuffix(")") {
            let inner = name.dropFirst("decimal(".count).dropLast().split(separator: ",")
            guard inner.count == 2,
                  let p = Int(inner[0].trimmedWhitespace),
                  let s = Int(inner[1].trimmedWhitespace) else {
                throw schemaError("invalid decimal type '\(raw)'")
            }
            return try checkedDecimal(p, s)
        }
        throw TarnError(.unsupportedFeature, "unsupported data type '\(raw)'")
    }

    static func checkedDecimal(_ p: Int, _ s: Int) throws -> DataType {
        guard (1 ... maxDecimalPrecision).contains(p), (0 ... p).contains(s) else {
            throw schemaError("decimal(\(p),\(s)) needs 1 <= precision <= 38 and 0 <= scale <= precision")
        }
        return .decimal(precision: p, scale: s)
    }
}

func schemaError(_ message: String) -> TarnError {
    TarnError(.invalidArgument, "invalid schema: \(message)")
}

extension StructField {
    public var json: JSONValue {
        .object([("name", .string(name)), ("type", type.json), ("nullable", .bool(nullable)),
                 ("metadata", .object(metadata.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))])
    }

    public init(json: JSONValue) throws {
        guard let name = json["name"]?.stringValue else { throw schemaError("field without a name") }
        guard let t = json["type"] else { throw schemaError("field '\(name)' without a type") }
        var meta: [String: JSONValue] = [:]
        for (k, v) in json["metadata"]?.objectValue ?? [] { meta[k] = v }
        self.init(name, try DataType(json: t), nullable: json["nullable"]?.boolValue ?? true, metadata: meta)
    }
}

extension StructType {
    public var json: JSONValue {
        .object([("type", .string("struct")), ("fields", .array(fields.map(\.json)))])
    }

    public init(json: JSONValue) throws {
        guard let fs = json["fields"]?.arrayValue else { throw schemaError("struct without fields") }
        self.init(try fs.map { try StructField(json: $0) })
        var seen = Set<String>()
        for f in fields where !seen.insert(f.name.lowercased()).inserted {
            throw schemaError("duplicate column name '\(f.name)' (names are case-insensitive)")
        }
    }

    /// Delta `schemaString` form: one line of compact JSON.
    public var jsonString: String { json.serialized() }

    public init(jsonString: String) throws {
        self = try StructType(json: try JSONParser.parse(jsonString))
    }
}
