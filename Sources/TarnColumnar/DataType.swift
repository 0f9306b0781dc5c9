// DataType: Tarn's logical type system, which is Delta Lake's (PROTOCOL.md "Schema Serialization
// Format"): primitives, decimal(p,s) up to p = 38, struct, array and map. Column layout per type
// is in Column.swift; the JSON form (Delta schemaString) is in DataType+JSON.swift.

/// A Delta Lake data type.
public indirect enum DataType: Sendable, Hashable, CustomStringConvertible {
    case boolean
    case byte
    case short
    case integer
    case long
    case float
    case double
    case string
    case binary
    case date
    /// Microseconds since the Unix epoch, UTC.
    case timestamp
    /// Microseconds since the Unix epoch of a wall-clock time, no time zone.
    case timestampNtz
    case decimal(precision: Int, scale: Int)
    case `struct`(StructType)
    case array(element: DataType, containsNull: Bool)
    case map(key: DataType, value: DataType, valueContainsNull: Bool)

    public static let maxDecimalPrecision = 38

    /// Delta's name for primitive types (`integer`, `timestamp_ntz`, `decimal(10,2)`).
    public var description: String {
        switch self {
        case .boolean: return "boolean"
        case .byte: return "byte"
        case .short: return "short"
        case .integer: return "integer"
        case .long: return "long"
        case .float: return "float"
        case .double: return "double"
        case .string: return "string"
        case .binary: return "binary"
        case .date: return "date"
        case .timestamp: return "timestamp"
        case .timestampNtz: return "timestamp_ntz"
        case let .decimal(p, s): return "decimal(\(p),\(s))"
        case let .struct(s): return "struct<" + s.fields.map { "\($0.name):\($0.type)" }.joined(separator: ",") + ">"
        case let .array(e, _): return "array<\(e)>"
        case let .map(k, v, _): return "map<\(k),\(v)>"
        }
    }

    public var isPrimitive: Bool {
        switch self {
        case .struct, .array, .map: return false
        default: return true
        }
    }

    public var isNumeric: Bool {
        switch self {
        case .byte, .short, .integer, .long, .float, .double, .decimal: return true
        default: return false
        }
    }
}

/// One field of a struct: a name, a type, nullability and Delta column metadata.
public struct StructField: Sendable, Hashable {
    public var name: String
    public var type: DataType
    public var nullable: Bool
    /// Column metadata (e.g. `delta.columnMapping.id`), values kept as raw JSON.
    public var metadata: [String: JSONValue]

    public init(_ name: String, _ type: DataType, nullable: Bool = true, metadata: [String: JSONValue] = [:]) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.metadata = metadata
    }
}

/// An ordered list of fields; also a table schema.
public struct StructType: Sendable, Hashable {
    public var fields: [StructField]

    public init(_ fields: [StructField]) { self.fields = fields }

    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }

    /// Case-insensitive lookup, as Delta column names are case-insensitive.
    public func field(named name: String) -> StructField? {
        fields.first { $0.name == name } ?? fields.first { $0.name.lowercased() == name.lowercased() }
    }

    public var fieldNames: [String] { fields.map(\.name) }
}
