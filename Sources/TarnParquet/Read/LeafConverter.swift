// LeafConverter: turns a leaf's decoded physical values into Column storage of its Delta type,
// spreading them over the non-null slots and converting units and representations (narrow and
// unsigned integers, milli/nano timestamps, decimals from any physical type).
import TarnColumnar

enum LeafConverter {
    static func storage(_ leaf: ReadLeaf, _ v: ValueAccumulator, validity: Bitmap?, count: Int) throws -> ColumnStorage {
        let column = leaf.path.joined(separator: ".")
        switch leaf.deltaType {
        case .boolean: return .bool(spread(v.bools, validity, count, false))
        case .byte: return .int8(spread(v.int32s.map { Int8(truncatingIfNeeded: $0) }, validity, count, 0))
        case .short:
            let mask: Int32 = leaf.conversion == .unsigned ? 0xFF : -1
            return .int16(spread(v.int32s.map { Int16(truncatingIfNeeded: $0 & mask) }, validity, count, 0))
        case .integer:
            let mask: Int32 = leaf.conversion == .unsigned ? 0xFFFF : -1
            return .int32(spread(leaf.conversion == .unsigned ? v.int32s.map { $0 & mask } : v.int32s, validity, count, 0))
        case .date: return .int32(spread(v.int32s, validity, count, 0))
        case .long:
            if leaf.physical == .int32 { return .int64(spread(v.int32s.map { Int64(UInt32(bitPattern: $0)) }, validity, count, 0)) }
            return .int64(spread(v.int64s, validity, count, 0))
        case .timestamp, .timestampNtz: return .int64(spread(try micros(leaf, v.int64s, column), validity, count, 0))
        case .float: return .float(spread(v.floats, validity, count, 0))
        case .double: return .double(spread(v.doubles, validity, count, 0))
        case .decimal: return .int128(spread(try decimals(leaf, v, column), validity, count, 0))
        case .string, .binary:
            let bytes: (offsets: [Int32], data: [UInt8]) = leaf.physical == .fixedLenByteArray
                ? (stride(from: 0, through: v.data.count, by: max(leaf.typeLength, 1)).map { Int32($0) }, v.data)
                : (v.offsets, v.data)
            return .bytes(offsets: spreadOffsets(bytes.offsets, validity, count), data: bytes.data)
        case .struct, .array, .map:
            throw TarnError(.corruption, "leaf column has a nested type", column: column)
        }
    }

    /// Places `values` at the valid slots (in order); invalid slots get `zero`.
    static func spread<T>(_ values: [T], _ validity: Bitmap?, _ count: Int, _ zero: T) -> [T] {
        guard let validity, values.count != count else { return values }
        var out = [T](repeating: zero, count: count)
        var j = 0
        for i in 0 ..< count where validity[i] {
            out[i] = values[j]
            j += 1
        }
        return out
    }

    /// Offsets for `count` slots where invalid slots are empty.
    static func spreadOffsets(_ offsets: [Int32], _ validity: Bitmap?, _ count: Int) -> [Int32] {
        guard let validity, offsets.count - 1 != count else { return offsets }
        var out = [Int32](repeating: 0, count: count + 1)
        var j = 0
        for i in 0 ..< count {
            if validity[i] { j += 1 }
            out[i + 1] = offsets[j]
        }
        return out
    }

    private static func micros(_ leaf: ReadLeaf, _ raw: [Int64], _ column: String) throws -> [Int64] {
        switch leaf.conversion {
        case .timestampMillis:
            return try raw.map { ms in
                let (v, overflow) = ms.multipliedReportingOverflow(by: 1000)
                guard !overflow else { throw TarnError(.corruption, "timestamp \(ms) ms is out of range", column: column) }
                return v
            }
        case .timestampNanos: return raw.map { Temporal.floorDivMod($0, 1000).0 }
        default: return raw
        }
    }

    private static func decimals(_ leaf: ReadLeaf, _ v: ValueAccumulator, _ column: String) throws -> [Int128] {
        switch leaf.physical {
        case .int32: return v.int32s.map { Int128($0) }
        case .int64:
            if leaf.conversion == .unsigned { return v.int64s.map { Int128(UInt64(bitPattern: $0)) } }
            return v.int64s.map { Int128($0) }
        case .fixedLenByteArray, .byteArray:
            var out: [Int128] = []
            out.reserveCapacity(v.count)
            let w = leaf.typeLength
            for i in 0 ..< v.count {
                let range = leaf.physical == .byteArray ? Int(v.offsets[i]) ..< Int(v.offsets[i + 1]) : i * w ..< (i + 1) * w
                guard let d = Decimal128.fromBigEndian(v.data[range]) else {
                    throw TarnError(.corruption, "decimal value wider than 128 bits", column: column)
                }
                out.append(d)
            }
            return out
        default: throw TarnError(.corruption, "decimal stored as \(leaf.physical)", column: column)
        }
    }
}
