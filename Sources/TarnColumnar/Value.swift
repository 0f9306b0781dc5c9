// Value: one scalar or nested value, interpreted with its column's DataType (integers of every
// width are .int, decimals are their unscaled Int128). Row-at-a-time code (ingest, tests, the
// canonical row printer's reference) uses it; hot paths work on Column buffers instead.

public indirect enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Float)
    case double(Double)
    case string(String)
    case binary([UInt8])
    /// Days since 1970-01-01.
    case date(Int32)
    /// Microseconds since the epoch (timestamp and timestamp_ntz).
    case timestamp(Int64)
    /// Unscaled decimal value; the scale comes from the type.
    case decimal(Int128)
    case structure([Value])
    case array([Value])
    case map([MapEntry])

    public struct MapEntry: Sendable, Hashable {
        public var key: Value
        public var value: Value
        public init(_ key: Value, _ value: Value) {
            self.key = key
            self.value = value
        }
    }

    /// Equality that treats floating-point values by bit pattern (NaN == NaN, -0.0 != 0.0), so
    /// round-trip tests see every bit.
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.float(x), .float(y)): return x.bitPattern == y.bitPattern
        case let (.double(x), .double(y)): return x.bitPattern == y.bitPattern
        case let (.string(x), .string(y)): return x == y
        case let (.binary(x), .binary(y)): return x == y
        case let (.date(x), .date(y)): return x == y
        case let (.timestamp(x), .timestamp(y)): return x == y
        case let (.decimal(x), .decimal(y)): return x == y
        case let (.structure(x), .structure(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.map(x), .map(y)): return x == y
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case let .bool(v): h.combine(v)
        case let .int(v): h.combine(v)
        case let .float(v): h.combine(v.bitPattern)
        case let .double(v): h.combine(v.bitPattern)
        case let .string(v): h.combine(v)
        case let .binary(v): h.combine(v)
        case let .date(v): h.combine(v)
        case let .timestamp(v): h.combine(v)
        case let .decimal(v): h.combine(v)
        case let .structure(v): h.combine(v)
        case let .array(v): h.combine(v)
        case let .map(v): h.combine(v)
        }
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .null: return "null"
        case let .bool(v): return String(v)
        case let .int(v): return String(v)
        case let .float(v): return String(v)
        case let .double(v): return String(v)
        case let .string(v): return "'\(v)'"
        case let .binary(v): return "X'" + v.map { String($0, radix: 16) }.joined() + "'"
        case let .date(v): return "DATE '\(Temporal.formatDate(v))'"
        case let .timestamp(v): return "TIMESTAMP '\(Temporal.formatTimestamp(v, utc: false))'"
        case let .decimal(v): return String(v)
        case let .structure(v): return "{" + v.map(\.description).joined(separator: ", ") + "}"
        case let .array(v): return "[" + v.map(\.description).joined(separator: ", ") + "]"
        case let .map(v): return "{" + v.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

extension Column {
    /// The value at row `i` (slow path: for tests, ingest and printing small results).
    public func value(at i: Int) -> Value {
        if isNull(i) { return .null }
        switch storage {
        case let .bool(a): return .bool(a[i])
        case let .int8(a): return .int(Int64(a[i]))
        case let .int16(a): return .int(Int64(a[i]))
        case let .int32(a): return type == .date ? .date(a[i]) : .int(Int64(a[i]))
        case let .int64(a): return type == .long ? .int(a[i]) : .timestamp(a[i])
        case let .float(a): return .float(a[i])
        case let .double(a): return .double(a[i])
        case let .int128(a): return .decimal(a[i])
        case let .bytes(o, d):
            let bytes = Array(d[Int(o[i]) ..< Int(o[i + 1])])
            return type == .string ? .string(String(decoding: bytes, as: UTF8.self)) : .binary(bytes)
        case let .structure(children): return .structure(children.map { $0.value(at: i) })
        case let .list(o, child): return .array((Int(o[i]) ..< Int(o[i + 1])).map { child.value(at: $0) })
        case let .map(o, k, v):
            return .map((Int(o[i]) ..< Int(o[i + 1])).map { Value.MapEntry(k.value(at: $0), v.value(at: $0)) })
        }
    }

    public var values: [Value] { (0 ..< count).map { value(at: $0) } }
}

extension RecordBatch {
    /// Rows as arrays of values (slow path, for tests and small outputs).
    public var rows: [[Value]] {
        (0 ..< count).map { r in columns.map { $0.value(at: r) } }
    }
}
