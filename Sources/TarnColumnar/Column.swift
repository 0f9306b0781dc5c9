// Column: one column of a record batch, Arrow-like: a validity bitmap (nil when no value is null)
// and storage on contiguous buffers. Layout per DataType:
//   boolean → bool · byte → int8 · short → int16 · integer, date → int32 · long, timestamp,
//   timestamp_ntz → int64 · float · double · decimal → int128 (unscaled) · string, binary → bytes
//   (offsets + data) · struct → children · array → list (offsets + child) · map → offsets + keys + values.
// Null slots hold zero / empty values. Offsets have count + 1 entries starting at 0.

public enum ColumnStorage: Sendable {
    case bool([Bool])
    case int8([Int8])
    case int16([Int16])
    case int32([Int32])
    case int64([Int64])
    case float([Float])
    case double([Double])
    case int128([Int128])
    case bytes(offsets: [Int32], data: [UInt8])
    indirect case structure([Column])
    indirect case list(offsets: [Int32], child: Column)
    indirect case map(offsets: [Int32], keys: Column, values: Column)
}

public struct Column: Sendable {
    public let type: DataType
    public let count: Int
    /// Bit i set = row i is not null. nil = no nulls.
    public var validity: Bitmap?
    public var storage: ColumnStorage

    /// Builds a column, checking the invariants:
    /// 1. the storage kind matches `type`;
    /// 2. every buffer holds `count` entries (offsets `count + 1`, children of struct `count`);
    /// 3. offsets start at 0, never decrease and end within the data / child.
    public init(type: DataType, count: Int, validity: Bitmap?, storage: ColumnStorage) {
        precondition(validity == nil || validity?.count == count,
                     "validity has \(validity?.count ?? -1) bits for \(count) rows")
        self.type = type
        self.count = count
        self.validity = validity
        self.storage = storage
        precondition(Column.storageMatches(type: type, storage: storage, count: count),
                     "storage does not match type \(type) with \(count) rows")
    }

    @inline(__always)
    public func isNull(_ i: Int) -> Bool {
        guard let v = validity else { return false }
        return !v[i]
    }

    public var nullCount: Int {
        guard let v = validity else { return 0 }
        return count - v.popcount
    }

    static func storageMatches(type: DataType, storage: ColumnStorage, count: Int) -> Bool {
        func offsetsOK(_ o: [Int32], _ limit: Int) -> Bool {
            o.count == count + 1 && o.first == 0 && Int(o.last ?? 0) <= limit
        }
        switch (type, storage) {
        case (.boolean, .bool(let a)): return a.count == count
        case (.byte, .int8(let a)): return a.count == count
        case (.short, .int16(let a)): return a.count == count
        case (.integer, .int32(let a)), (.date, .int32(let a)): return a.count == count
        case (.long, .int64(let a)), (.timestamp, .int64(let a)), (.timestampNtz, .int64(let a)): return a.count == count
        case (.float, .float(let a)): return a.count == count
        case (.double, .double(let a)): return a.count == count
        case (.decimal, .int128(let a)): return a.count == count
        case (.string, .bytes(let o, let d)), (.binary, .bytes(let o, let d)): return offsetsOK(o, d.count)
        case (.struct(let s), .structure(let children)):
            return children.count == s.fields.count
                && zip(children, s.fields).allSatisfy { $0.count == count && $0.type == $1.type }
        case (.array(let e, _), .list(let o, let child)): return child.type == e && offsetsOK(o, child.count)
        case (.map(let k, let v, _), .map(let o, let keys, let values)):
            return keys.type == k && values.type == v && keys.count == values.count && offsetsOK(o, keys.count)
        default: return false
        }
    }
}

/// A set of equal-length columns with a schema.
public struct RecordBatch: Sendable {
    public let schema: StructType
    public let columns: [Column]
    public let count: Int

    public init(schema: StructType, columns: [Column]) {
        precondition(schema.fields.count == columns.count,
                     "\(schema.fields.count) fields but \(columns.count) columns")
        let n = columns.first?.count ?? 0
        for (f, c) in zip(schema.fields, columns) {
            precondition(f.type == c.type, "column '\(f.name)' has type \(c.type), schema says \(f.type)")
            precondition(c.count == n, "column '\(f.name)' has \(c.count) rows, expected \(n)")
        }
        self.schema = schema
        self.columns = columns
        count = n
    }

    /// A batch with no columns but a row count (e.g. a projection of zero columns).
    public init(schema: StructType, columns: [Column], count: Int) {
        precondition(columns.allSatisfy { $0.count == count })
        self.schema = schema
        self.columns = columns
        self.count = count
    }

    public func column(named name: String) -> Column? {
        schema.index(of: name).map { columns[$0] }
    }
}

extension Column {
    /// Approximate bytes of the column's buffers (for sizing row groups and files).
    public var estimatedBytes: Int {
        let bitmap = validity == nil ? 0 : count / 8
        switch storage {
        case let .bool(a): return bitmap + a.count
        case let .int8(a): return bitmap + a.count
        case let .int16(a): return bitmap + a.count * 2
        case let .int32(a): return bitmap + a.count * 4
        case let .int64(a): return bitmap + a.count * 8
        case let .float(a): return bitmap + a.count * 4
        case let .double(a): return bitmap + a.count * 8
        case let .int128(a): return bitmap + a.count * 16
        case let .bytes(o, d): return bitmap + o.count * 4 + d.count
        case let .structure(c): return bitmap + c.reduce(0) { $0 + $1.estimatedBytes }
        case let .list(o, c): return bitmap + o.count * 4 + c.estimatedBytes
        case let .map(o, k, v): return bitmap + o.count * 4 + k.estimatedBytes + v.estimatedBytes
        }
    }
}

extension RecordBatch {
    public var estimatedBytes: Int { columns.reduce(0) { $0 + $1.estimatedBytes } }
}
