// Column constructors for kernels and the evaluator: all-null columns and a scalar repeated
// `count` times, for every type (primitives fill buffers directly, nested types go through
// ColumnBuilder).

extension Column {
    /// `count` nulls of `type`.
    public static func allNull(_ type: DataType, count: Int) -> Column {
        let none = Bitmap(count: count, value: false)
        switch type {
        case .boolean: return Column(type: type, count: count, validity: none, storage: .bool(.init(repeating: false, count: count)))
        case .byte: return Column(type: type, count: count, validity: none, storage: .int8(.init(repeating: 0, count: count)))
        case .short: return Column(type: type, count: count, validity: none, storage: .int16(.init(repeating: 0, count: count)))
        case .integer, .date: return Column(type: type, count: count, validity: none, storage: .int32(.init(repeating: 0, count: count)))
        case .long, .timestamp, .timestampNtz:
            return Column(type: type, count: count, validity: none, storage: .int64(.init(repeating: 0, count: count)))
        case .float: return Column(type: type, count: count, validity: none, storage: .float(.init(repeating: 0, count: count)))
        case .double: return Column(type: type, count: count, validity: none, storage: .double(.init(repeating: 0, count: count)))
        case .decimal: return Column(type: type, count: count, validity: none, storage: .int128(.init(repeating: 0, count: count)))
        case .string, .binary:
            return Column(type: type, count: count, validity: none, storage: .bytes(offsets: .init(repeating: 0, count: count + 1), data: []))
        case .struct, .array, .map:
            let b = ColumnBuilder(type: type)
            for _ in 0 ..< count { b.appendNull() }
            return b.finish()
        }
    }

    /// `value` (of `type`) repeated `count` times.
    public static func repeating(_ value: Value, type: DataType, count: Int) throws -> Column {
        if value.isNull { return allNull(type, count: count) }
        func fill<T: PhysicalValue>(_ x: T?) throws -> Column {
            guard let x else { throw TarnError(.invalidArgument, "value \(value) is not a \(type)") }
            return Column(type: type, count: count, validity: nil, storage: T.storage(.init(repeating: x, count: count)))
        }
        switch type {
        case .boolean: return try fill(Bool.scalar(value))
        case .byte: return try fill(Int8.scalar(value))
        case .short: return try fill(Int16.scalar(value))
        case .integer, .date: return try fill(Int32.scalar(value))
        case .long, .timestamp, .timestampNtz: return try fill(Int64.scalar(value))
        case .float: return try fill(Float.scalar(value))
        case .double: return try fill(Double.scalar(value))
        case .decimal: return try fill(Int128.scalar(value))
        case .string, .binary:
            let bytes: [UInt8]
            switch value {
            case let .string(s): bytes = Array(s.utf8)
            case let .binary(b): bytes = b
            default: throw TarnError(.invalidArgument, "value \(value) is not a \(type)")
            }
            // Doubling copies: log2(count) memcpys instead of one append per row.
            let total = bytes.count * count
            let data = [UInt8](unsafeUninitializedCapacity: total) { out, done in
                guard let base = out.baseAddress, total > 0 else { done = 0; return }
                bytes.withUnsafeBufferPointer { b in if let src = b.baseAddress { base.initialize(from: src, count: b.count) } }
                var filled = bytes.count
                while filled < total {
                    let n = min(filled, total - filled)
                    (base + filled).initialize(from: base, count: n)
                    filled += n
                }
                done = total
            }
            let offsets = (0 ... count).map { Int32(truncatingIfNeeded: $0 * bytes.count) }
            return Column(type: type, count: count, validity: nil, storage: .bytes(offsets: offsets, data: data))
        case .struct, .array, .map:
            let b = ColumnBuilder(type: type)
            for _ in 0 ..< count { try b.append(value) }
            return b.finish()
        }
    }
}
