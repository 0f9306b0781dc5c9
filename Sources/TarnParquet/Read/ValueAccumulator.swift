// ValueAccumulator: the present values of one column chunk as they are decoded page by page,
// on contiguous typed buffers (INT96 is converted to microseconds on the way in).
import TarnCodecs
import TarnColumnar

struct ValueAccumulator {
    let physical: PhysicalType
    let width: Int
    var bools: [Bool] = []
    var int32s: [Int32] = []
    var int64s: [Int64] = []
    var floats: [Float] = []
    var doubles: [Double] = []
    var offsets: [Int32] = [0]
    var data: [UInt8] = []

    init(physical: PhysicalType, width: Int) {
        self.physical = physical
        self.width = width
    }

    var count: Int {
        switch physical {
        case .boolean: return bools.count
        case .int32: return int32s.count
        case .int64, .int96: return int64s.count
        case .float: return floats.count
        case .double: return doubles.count
        case .byteArray: return offsets.count - 1
        case .fixedLenByteArray: return width == 0 ? 0 : data.count / width
        }
    }

    /// Appends a byte array, checking the 2 GiB offset limit of a chunk.
    @inline(__always)
    mutating func appendBytes(_ p: UnsafeRawBufferPointer, baseOffset: Int) throws {
        guard data.count + p.count <= Int(Int32.max) else {
            throw TarnError.corruption("a column chunk holds more than 2 GiB of byte-array data", offset: baseOffset)
        }
        data.append(contentsOf: p)
        offsets.append(Int32(data.count))
    }

    /// Makes room for `n` more values, growing geometrically (an exact reserve per page would
    /// copy the buffer every time).
    mutating func reserve(_ n: Int) {
        @inline(__always) func grow<T>(_ a: inout [T], _ extra: Int) {
            let need = a.count + extra
            if a.capacity < need { a.reserveCapacity(max(need, a.capacity * 2)) }
        }
        switch physical {
        case .boolean: grow(&bools, n)
        case .int32: grow(&int32s, n)
        case .int64, .int96: grow(&int64s, n)
        case .float: grow(&floats, n)
        case .double: grow(&doubles, n)
        case .byteArray: grow(&offsets, n)
        case .fixedLenByteArray: grow(&data, n * width)
        }
    }
}

/// INT96 (Impala/Spark) timestamps: 8 bytes LE nanoseconds of the day, 4 bytes LE Julian day.
enum Int96 {
    static let julianEpochDay: Int64 = 2_440_588

    @inline(__always)
    static func micros(_ p: UnsafeRawPointer) -> Int64 {
        let nanos = Int64(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
        let day = Int64(Int32(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))))
        let (q, _) = Temporal.floorDivMod(nanos, 1000)
        return (day - julianEpochDay) &* 86_400_000_000 &+ q
    }
}
