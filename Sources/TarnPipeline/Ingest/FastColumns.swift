// FastColumns: a typed column under construction with direct buffers for the common ingest
// types (long, timestamp, double, date, boolean, string), so the hot path appends parsed values
// without Value boxing; other types go through ColumnBuilder. Pending holds one converted cell.
import TarnColumnar

/// One converted cell waiting for its record to be accepted (bytes: a range of the line buffer).
enum Pending {
    case null
    case int(Int64)
    case double(Double)
    case int32(Int32)
    case bytes(Int, Int)
    case value(Value)
}

final class FastColumn {
    private enum Kind { case int64, double, int32, boolean, string, other }
    let type: DataType
    private let kind: Kind
    @exclusivity(unchecked) private var i64: [Int64] = []
    @exclusivity(unchecked) private var f64: [Double] = []
    @exclusivity(unchecked) private var i32: [Int32] = []
    @exclusivity(unchecked) private var bools: [Bool] = []
    @exclusivity(unchecked) private var offsets: [Int32] = [0]
    @exclusivity(unchecked) private var data: [UInt8] = []
    @exclusivity(unchecked) private var validity = Bitmap(count: 0, value: false)
    @exclusivity(unchecked) private var hasNull = false
    private var builder: ColumnBuilder?
    @exclusivity(unchecked) private(set) var count = 0

    init(type: DataType, capacity: Int) {
        self.type = type
        switch type {
        case .long, .timestamp, .timestampNtz: kind = .int64; i64.reserveCapacity(capacity)
        case .double: kind = .double; f64.reserveCapacity(capacity)
        case .date: kind = .int32; i32.reserveCapacity(capacity)
        case .boolean: kind = .boolean
        case .string: kind = .string; offsets.reserveCapacity(capacity + 1)
        default: kind = .other; builder = ColumnBuilder(type: type)
        }
        validity.reserveCapacity(capacity)
    }

    /// Appends a cell; `bytes` resolves a `.bytes` range (string columns only).
    func append(_ p: Pending, _ b: UnsafeBufferPointer<UInt8>?) throws {
        switch p {
        case .null: try append(.null)
        case let .int(v) where kind == .int64:
            i64.append(v)
            present()
        case let .double(v) where kind == .double:
            f64.append(v)
            present()
        case let .int32(v) where kind == .int32:
            i32.append(v)
            present()
        case let .bytes(s, e) where kind == .string:
            if let b { data.append(contentsOf: UnsafeBufferPointer(rebasing: b[s ..< e])) }
            offsets.append(Int32(data.count))
            present()
        case let .value(v): try append(v)
        default: throw TarnError(.schemaMismatch, "internal: cell \(p) does not fit \(type)")
        }
    }

    @inline(__always)
    private func present() {
        validity.append(true)
        count += 1
    }

    /// Appends a Value already converted to this column's type.
    func append(_ v: Value) throws {
        switch (kind, v) {
        case (.other, _):
            try builder?.append(v)
            count += 1
            return
        case (_, .null):
            hasNull = true
            validity.append(false)
            count += 1
            switch kind {
            case .int64: i64.append(0)
            case .double: f64.append(0)
            case .int32: i32.append(0)
            case .boolean: bools.append(false)
            case .string: offsets.append(Int32(data.count))
            case .other: break
            }
            return
        case let (.int64, .int(x)), let (.int64, .timestamp(x)): i64.append(x)
        case let (.double, .double(d)): f64.append(d)
        case let (.int32, .date(d)): i32.append(d)
        case let (.boolean, .bool(x)): bools.append(x)
        case let (.string, .string(s)):
            data.append(contentsOf: s.utf8)
            offsets.append(Int32(data.count))
        default: throw TarnError(.schemaMismatch, "internal: value \(v) does not fit \(type)")
        }
        present()
    }

    func finish() -> Column {
        if let builder { return builder.finish() }
        let storage: ColumnStorage
        switch kind {
        case .int64: storage = .int64(i64)
        case .double: storage = .double(f64)
        case .int32: storage = .int32(i32)
        case .boolean: storage = .bool(bools)
        case .string, .other: storage = .bytes(offsets: offsets, data: data)
        }
        return Column(type: type, count: count, validity: hasNull ? validity : nil, storage: storage)
    }
}
