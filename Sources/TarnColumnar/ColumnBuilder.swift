// ColumnBuilder: builds a Column one Value at a time, checking each value against the type.
// Used by ingest (CSV, JSON lines), tests and small results; bulk paths fill buffers directly.
import TarnCodecs

public final class ColumnBuilder {
    public let type: DataType
    public private(set) var count = 0
    private var validity = Bitmap(count: 0, value: false)
    private var hasNull = false
    private var bools: [Bool] = []
    private var i8: [Int8] = []
    private var i16: [Int16] = []
    private var i32: [Int32] = []
    private var i64: [Int64] = []
    private var f32: [Float] = []
    private var f64: [Double] = []
    private var i128: [Int128] = []
    private var offsets: [Int32] = [0]
    private var data: [UInt8] = []
    private var children: [ColumnBuilder] = []

    public init(type: DataType) {
        self.type = type
        switch type {
        case let .struct(s): children = s.fields.map { ColumnBuilder(type: $0.type) }
        case let .array(e, _): children = [ColumnBuilder(type: e)]
        case let .map(k, v, _): children = [ColumnBuilder(type: k), ColumnBuilder(type: v)]
        default: break
        }
    }

    /// Appends one value; throws schemaMismatch when the value does not fit the type.
    public func append(_ value: Value) throws {
        if case .null = value {
            appendNull()
            return
        }
        try appendPresent(value)
        validity.append(true)
        count += 1
    }

    public func appendNull() {
        hasNull = true
        validity.append(false)
        count += 1
        switch type {
        case .boolean: bools.append(false)
        case .byte: i8.append(0)
        case .short: i16.append(0)
        case .integer, .date: i32.append(0)
        case .long, .timestamp, .timestampNtz: i64.append(0)
        case .float: f32.append(0)
        case .double: f64.append(0)
        case .decimal: i128.append(0)
        case .string, .binary, .array, .map: offsets.append(offsets[offsets.count - 1])
        case .struct: for c in children { c.appendNull() }
        }
    }

    private func mismatch(_ v: Value) -> TarnError {
        TarnError(.schemaMismatch, "value \(v) does not fit type \(type)")
    }

    private func appendPresent(_ value: Value) throws {
        switch (type, value) {
        case let (.boolean, .bool(b)): bools.append(b)
        case let (.byte, .int(v)): guard let x = Int8(exactly: v) else { throw mismatch(value) }; i8.append(x)
        case let (.short, .int(v)): guard let x = Int16(exactly: v) else { throw mismatch(value) }; i16.append(x)
        case let (.integer, .int(v)): guard let x = Int32(exactly: v) else { throw mismatch(value) }; i32.append(x)
        case let (.date, .date(v)): i32.append(v)
        case let (.long, .int(v)): i64.append(v)
        case let (.timestamp, .timestamp(v)), let (.timestampNtz, .timestamp(v)): i64.append(v)
        case let (.float, .float(v)): f32.append(v)
        case let (.double, .double(v)): f64.append(v)
        case let (.decimal(p, _), .decimal(v)):
            guard Decimal128.fits(v, precision: p) else { throw mismatch(value) }
            i128.append(v)
        case let (.string, .string(s)): appendBytes(Array(s.utf8))
        case let (.binary, .binary(b)): appendBytes(b)
        case let (.struct, .structure(vs)):
            guard vs.count == children.count else { throw mismatch(value) }
            for (c, v) in zip(children, vs) { try c.append(v) }
        case let (.array, .array(items)):
            for item in items { try children[0].append(item) }
            offsets.append(Int32(children[0].count))
        case let (.map, .map(entries)):
            for e in entries {
                if e.key.isNull { throw TarnError(.schemaMismatch, "map keys cannot be null") }
                try children[0].append(e.key)
                try children[1].append(e.value)
            }
            offsets.append(Int32(children[0].count))
        default: throw mismatch(value)
        }
    }

    private func appendBytes(_ b: [UInt8]) {
        data.append(contentsOf: b)
        offsets.append(Int32(data.count))
    }

    /// Finishes the column. The builder may not be used afterwards.
    public func finish() -> Column {
        let v: Bitmap? = hasNull ? validity : nil
        let storage: ColumnStorage
        switch type {
        case .boolean: storage = .bool(bools)
        case .byte: storage = .int8(i8)
        case .short: storage = .int16(i16)
        case .integer, .date: storage = .int32(i32)
        case .long, .timestamp, .timestampNtz: storage = .int64(i64)
        case .float: storage = .float(f32)
        case .double: storage = .double(f64)
        case .decimal: storage = .int128(i128)
        case .string, .binary: storage = .bytes(offsets: offsets, data: data)
        case .struct: storage = .structure(children.map { $0.finish() })
        case .array: storage = .list(offsets: offsets, child: children[0].finish())
        case .map: storage = .map(offsets: offsets, keys: children[0].finish(), values: children[1].finish())
        }
        return Column(type: type, count: count, validity: v, storage: storage)
    }
}

extension Column {
    /// Builds a column from values (throws when a value does not fit the type).
    public init(type: DataType, values: [Value]) throws {
        let b = ColumnBuilder(type: type)
        for v in values { try b.append(v) }
        self = b.finish()
    }
}

extension RecordBatch {
    /// Builds a batch from rows of values.
    public init(schema: StructType, rows: [[Value]]) throws {
        let builders = schema.fields.map { ColumnBuilder(type: $0.type) }
        for (r, row) in rows.enumerated() {
            guard row.count == builders.count else {
                throw TarnError(.schemaMismatch, "row has \(row.count) values, schema has \(builders.count) columns", row: r)
            }
            for (i, v) in row.enumerated() {
                if v.isNull && !schema.fields[i].nullable {
                    throw TarnError(.schemaMismatch, "null in non-nullable column", column: schema.fields[i].name, row: r)
                }
                do { try builders[i].append(v) } catch var e as TarnError {
                    e.column = schema.fields[i].name
                    e.row = r
                    throw e
                }
            }
        }
        self.init(schema: schema, columns: builders.map { $0.finish() }, count: rows.count)
    }
}
