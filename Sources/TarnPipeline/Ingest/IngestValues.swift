// IngestValues: converting one source value (JSON, CSV text, Parquet Value) to a contract type,
// nil when it cannot be cast, and TypedSink, which gathers typed rows into column chunks of
// ~64 Ki rows. The accepted conversions are those of SchemaDrift.castable, value by value.
import TarnColumnar

enum IngestValues {
    /// JSON → `type`, like Spark's from_json: numbers and numeric strings ("42") to numeric
    /// types when exact and in range (3.5 is not a long), booleans and "true"/"false" to
    /// boolean, ISO 8601 strings to date / timestamp, any scalar to string (numbers and booleans
    /// as their JSON text, objects and arrays as compact JSON), objects / arrays to nested types.
    static func fromJSON(_ json: JSONValue, _ type: DataType) -> Value? {
        switch json {
        case .null: return .null
        case let .number(n):
            if type == .string { return .string(n) }
            switch type {
            case .boolean, .date, .timestamp, .timestampNtz, .binary: return nil
            default: return type.isPrimitive ? TextConversion.primitive(n, as: type) : nil
            }
        case let .string(s):
            if type == .string { return .string(s) }
            return type.isPrimitive ? TextConversion.primitive(s, as: type) : nil
        case let .bool(b):
            if type == .boolean { return .bool(b) }
            return type == .string ? .string(b ? "true" : "false") : nil
        case .array, .object:
            if type == .string { return .string(json.serialized()) }
            guard !type.isPrimitive, case let .success(v) = TextConversion.json(json, as: type) else { return nil }
            return v
        }
    }

    /// CSV field text → `type`: primitives by TextConversion.primitive, nested types from JSON text.
    static func fromText(_ text: String, _ type: DataType) -> Value? {
        if type.isPrimitive { return TextConversion.primitive(text, as: type) }
        guard let json = try? JSONParser.parse(text) else { return nil }
        return fromJSON(json, type)
    }

    /// A Parquet value of `source` type → `type`.
    static func fromValue(_ v: Value, _ source: DataType, _ type: DataType) -> Value? {
        if v.isNull || source == type { return v }
        switch (v, type) {
        case let (.string(s), _): return fromText(s, type)
        case let (.int(x), _) where type.isNumeric: return TextConversion.primitive(String(x), as: type)
        case let (.float(f), .double): return .double(Double(f))
        case let (.timestamp(t), .timestamp), let (.timestamp(t), .timestampNtz): return .timestamp(t)
        case (_, .string): return text(v, source).map(Value.string)
        default: return nil
        }
    }

    /// A scalar's text for a string column.
    static func text(_ v: Value, _ source: DataType) -> String? {
        switch v {
        case let .bool(b): return b ? "true" : "false"
        case let .int(x): return String(x)
        case let .float(f): return "\(f)"
        case let .double(d): return "\(d)"
        case let .date(d): return Temporal.formatDate(d)
        case let .timestamp(t): return Temporal.formatTimestamp(t, utc: source == .timestamp)
        case let .decimal(d):
            if case let .decimal(_, s) = source { return Decimal128.format(d, scale: s) }
            return nil
        default: return nil
        }
    }

    /// A short quoted form of a value for messages.
    static func quote(_ text: String) -> String {
        text.count <= 40 ? "'\(text)'" : "'\(text.prefix(40))…'"
    }
}

/// Typed rows of one file gathered into chunks of columns (the fields only ever grow by
/// appending, so a chunk's columns are a prefix of the final typed schema).
final class TypedSink {
    let fields: [StructField]
    let batchRows: Int
    @exclusivity(unchecked) private var columns: [FastColumn]
    @exclusivity(unchecked) private var pending = 0
    @exclusivity(unchecked) private(set) var chunks: [(columns: [Column], count: Int)] = []

    init(fields: [StructField], batchRows: Int = 65_536) {
        self.fields = fields
        self.batchRows = batchRows
        columns = fields.map { FastColumn(type: $0.type, capacity: batchRows) }
    }

    /// Appends one row whose values already fit the fields' types.
    func append(_ values: [Value]) throws {
        for k in columns.indices { try columns[k].append(values[k]) }
        rowAdded()
    }

    /// Appends one row of converted cells (`.bytes` ranges point into `b`).
    func append(_ cells: [Pending], _ b: UnsafeBufferPointer<UInt8>) throws {
        // Through buffer pointers: indexing the arrays retained and released each column per cell.
        try columns.withUnsafeBufferPointer { cols in
            try cells.withUnsafeBufferPointer { cs in
                for k in 0 ..< cols.count { try cols[k].append(cs[k], b) }
            }
        }
        rowAdded()
    }

    private func rowAdded() {
        pending += 1
        if pending >= batchRows { flush() }
    }

    func flush() {
        guard pending > 0 else { return }
        chunks.append((columns.map { $0.finish() }, pending))
        columns = fields.map { FastColumn(type: $0.type, capacity: batchRows) }
        pending = 0
    }
}

/// What one file produced; merged into the result only when the file is accepted.
struct FileOutput {
    var chunks: [(columns: [Column], count: Int)] = []
    var rejected: [Rejected] = []
    var rowsRead = 0
}
