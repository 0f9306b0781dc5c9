// ValueBatch: the present (non-null) values of one leaf for a run of rows, converted to their
// Parquet physical representation (byte/short/date → INT32, decimals → INT32/INT64/FLBA
// big-endian), gathered onto contiguous buffers ready for encoding.
import TarnColumnar

enum ValueBatch {
    /// Fixed-width values are slices of the column's own buffer when no gather was needed.
    case bool(ArraySlice<Bool>)
    case int32(ArraySlice<Int32>)
    case int64(ArraySlice<Int64>)
    case float(ArraySlice<Float>)
    case double(ArraySlice<Double>)
    /// Byte arrays: offsets (count + 1, starting at 0) into data.
    case bytes(offsets: [Int32], data: [UInt8])
    /// Fixed-length byte arrays of `width` bytes each.
    case fixed(width: Int, data: [UInt8])

    var count: Int {
        switch self {
        case let .bool(a): return a.count
        case let .int32(a): return a.count
        case let .int64(a): return a.count
        case let .float(a): return a.count
        case let .double(a): return a.count
        case let .bytes(o, _): return o.count - 1
        case let .fixed(w, d): return w == 0 ? 0 : d.count / w
        }
    }

    /// Gathers the values of `column` at `indices`, or at every row of `range` when `indices` is nil.
    static func gather(_ column: Column, _ leaf: LeafDescriptor, range: Range<Int>, indices: [Int32]?) -> ValueBatch {
        @inline(__always) func pick<T>(_ a: [T]) -> ArraySlice<T> {
            if let idx = indices { return idx.map { a[Int($0)] }[...] }
            return a[range]
        }
        switch column.storage {
        case let .bool(a): return .bool(pick(a))
        case let .int8(a): return .int32(pick(a).map { Int32($0) }[...])
        case let .int16(a): return .int32(pick(a).map { Int32($0) }[...])
        case let .int32(a): return .int32(pick(a))
        case let .int64(a): return .int64(pick(a))
        case let .float(a): return .float(pick(a))
        case let .double(a): return .double(pick(a))
        case let .int128(a): return decimals(Array(pick(a)), leaf)
        case let .bytes(o, d): return gatherBytes(o, d, range: range, indices: indices)
        case .structure, .list, .map: return .int32([][...])
        }
    }

    private static func decimals(_ v: [Int128], _ leaf: LeafDescriptor) -> ValueBatch {
        switch leaf.physical {
        case .int32: return .int32(v.map { Int32(truncatingIfNeeded: $0) }[...])
        case .int64: return .int64(v.map { Int64(truncatingIfNeeded: $0) }[...])
        default:
            let w = Int(leaf.typeLength ?? 16)
            var data: [UInt8] = []
            data.reserveCapacity(v.count * w)
            for x in v { data.append(contentsOf: Decimal128.bigEndianBytes(x, width: w)) }
            return .fixed(width: w, data: data)
        }
    }

    private static func gatherBytes(_ o: [Int32], _ d: [UInt8], range: Range<Int>, indices: [Int32]?) -> ValueBatch {
        guard let idx = indices else {
            let base = o[range.lowerBound]
            let offsets = o[range.lowerBound ... range.upperBound].map { $0 - base }
            return .bytes(offsets: offsets, data: Array(d[Int(base) ..< Int(o[range.upperBound])]))
        }
        var offsets = [Int32](repeating: 0, count: idx.count + 1)
        var total = 0
        for (k, i) in idx.enumerated() {
            total += Int(o[Int(i) + 1] - o[Int(i)])
            offsets[k + 1] = Int32(total)
        }
        // One allocation of the exact size, filled with one copy per value.
        let data = [UInt8](unsafeUninitializedCapacity: total) { out, count in
            d.withUnsafeBufferPointer { src in
                guard let from = src.baseAddress, let to = out.baseAddress else { return }
                for (k, i) in idx.enumerated() {
                    let start = Int(o[Int(i)]), length = Int(offsets[k + 1] - offsets[k])
                    (to + Int(offsets[k])).update(from: from + start, count: length)
                }
            }
            count = total
        }
        return .bytes(offsets: offsets, data: data)
    }
}
