// Column.gather: rows picked from several columns of one type (row k is row `rows[k]` of
// `parts[partOf[k]]`), without concatenating the parts first. Used by Z-order, which writes a
// table's rows in key order straight from the batches it read. Flat types copy values directly;
// nested types fall back to concatenate-then-take.
import Foundation

/// Where each gathered row comes from: a part index and a row within that part.
public struct PartRows: Sendable {
    public var part: [UInt16]
    public var row: [Int32]
    public var count: Int { part.count }

    public init(part: [UInt16], row: [Int32]) {
        precondition(part.count == row.count, "\(part.count) parts for \(row.count) rows")
        self.part = part
        self.row = row
    }

    /// The part and row of each position of the parts end to end, given each part's first
    /// position (`starts`, ascending, starting at 0).
    public init(positions: some Collection<Int32>, starts: [Int]) {
        self.init(positions: positions, locator: PartLocator(starts: starts, total: Int(positions.max() ?? 0) + 1))
    }

    /// The part and row of each position, found with `locator`.
    public init(positions: some Collection<Int32>, locator: PartLocator) {
        var part = [UInt16](), row = [Int32]()
        part.reserveCapacity(positions.count)
        row.reserveCapacity(positions.count)
        for g in positions {
            let (p, r) = locator.locate(Int(g))
            part.append(UInt16(truncatingIfNeeded: p))
            row.append(Int32(truncatingIfNeeded: r))
        }
        self.init(part: part, row: row)
    }

    /// The part holding position `g` (the last start at or before it) and the row within it.
    public static func locate(_ g: Int, starts: [Int]) -> (part: Int, row: Int) {
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= g { lo = mid } else { hi = mid - 1 }
        }
        return (lo, g - starts[lo])
    }
}

/// Finds the part holding a position of parts laid end to end. Positions are cut into blocks no
/// longer than the shortest part, and a table holds the part at each block's start, so a lookup
/// is a table read and at most a step or two forward; with parts shorter than 16 rows it falls
/// back to a binary search of the starts.
public struct PartLocator: Sendable {
    let starts: [Int]
    let blockShift: Int
    /// The part holding each block's first position (empty: binary search).
    let blockPart: [UInt16]

    /// `starts`: each part's first position (ascending, from 0); `total`: the positions in all.
    public init(starts: [Int], total: Int) {
        self.starts = starts
        let shortest = zip(starts, starts.dropFirst() + [total]).map { $1 - $0 }.filter { $0 > 0 }.min() ?? 0
        let shift = shortest > 0 ? Int.bitWidth - 1 - shortest.leadingZeroBitCount : 0
        guard shift >= 4, starts.count <= Int(UInt16.max) + 1 else {
            blockShift = 0
            blockPart = []
            return
        }
        blockShift = shift
        let blocks = (total >> shift) + 1
        var table = [UInt16](repeating: 0, count: blocks)
        var p = 0
        for b in 0 ..< blocks {
            while p + 1 < starts.count && starts[p + 1] <= b << shift { p += 1 }
            table[b] = UInt16(truncatingIfNeeded: p)
        }
        blockPart = table
    }

    /// The part holding position `g` and the row within it.
    @inline(__always)
    public func locate(_ g: Int) -> (part: Int, row: Int) {
        let b = g >> blockShift
        guard !blockPart.isEmpty, b < blockPart.count else { return PartRows.locate(g, starts: starts) }
        var p = Int(blockPart[b])
        while p + 1 < starts.count && starts[p + 1] <= g { p += 1 }
        return (p, g - starts[p])
    }
}

extension Column {
    /// The rows named by `refs`. All parts have the same type; at least one is needed.
    public static func gather(_ parts: [Column], _ refs: PartRows) throws -> Column {
        guard let first = parts.first else { throw TarnError(.invalidArgument, "nothing to gather from") }
        guard parts.count <= Int(UInt16.max) + 1 else { throw TarnError(.invalidArgument, "gather from \(parts.count) parts") }
        for c in parts where c.type != first.type {
            throw TarnError(.schemaMismatch, "cannot gather from columns of types \(first.type) and \(c.type)")
        }
        let validity = parts.contains { $0.validity != nil } ? gatherValidity(parts, refs) : nil
        let storage: ColumnStorage
        func fixed<T: PhysicalValue>(_: T.Type) -> [T] { gatherFixed(parts.map { T.array($0.storage) ?? [] }, refs) }
        switch first.storage {
        case .bool: storage = .bool(fixed(Bool.self))
        case .int8: storage = .int8(fixed(Int8.self))
        case .int16: storage = .int16(fixed(Int16.self))
        case .int32: storage = .int32(fixed(Int32.self))
        case .int64: storage = .int64(fixed(Int64.self))
        case .float: storage = .float(fixed(Float.self))
        case .double: storage = .double(fixed(Double.self))
        case .int128: storage = .int128(fixed(Int128.self))
        case .bytes:
            let sources = parts.map { p -> (offsets: [Int32], data: [UInt8]) in
                if case let .bytes(o, d) = p.storage { return (o, d) }
                return ([0], [])
            }
            let (offsets, data) = try gatherBytes(sources, refs)
            storage = .bytes(offsets: offsets, data: data)
        case .structure, .list, .map:
            var starts: [Int] = [], total = 0
            for p in parts { starts.append(total); total += p.count }
            let global = (0 ..< refs.count).map { Int32(truncatingIfNeeded: starts[Int(refs.part[$0])] + Int(refs.row[$0])) }
            return try concatenate(parts).take(global)
        }
        return Column(type: first.type, count: refs.count, validity: validity?.nilIfAllSet, storage: storage)
    }

    static func gatherValidity(_ parts: [Column], _ refs: PartRows) -> Bitmap {
        gatherValidity(parts.map(\.validity), refs)
    }

    /// The validity of the rows named by `refs`, given each part's validity (nil: no nulls).
    package static func gatherValidity(_ parts: [Bitmap?], _ refs: PartRows) -> Bitmap {
        var v = Bitmap(count: 0, value: false)
        v.reserveCapacity(refs.count)
        for k in 0 ..< refs.count { v.append(parts[Int(refs.part[k])].map { $0[Int(refs.row[k])] } ?? true) }
        return v
    }

    /// Inlinable so that callers in other modules get it specialised to their element type.
    @inlinable package static func gatherFixed<T>(_ arrays: [[T]], _ refs: PartRows) -> [T] {
        withBases(arrays) { bases in
            [T](unsafeUninitializedCapacity: refs.count) { out, done in
                guard let o = out.baseAddress else { return }
                refs.part.withUnsafeBufferPointer { part in
                    refs.row.withUnsafeBufferPointer { row in
                        for k in 0 ..< part.count { (o + k).initialize(to: bases[Int(part[k])][Int(row[k])]) }
                    }
                }
                done = refs.count
            }
        }
    }

    static func gatherBytes(_ sources: [(offsets: [Int32], data: [UInt8])], _ refs: PartRows) throws -> ([Int32], [UInt8]) {
        let n = refs.count
        var offsets = [Int32](repeating: 0, count: n + 1)
        var from = [Int](repeating: 0, count: n)      // each value's start in its part's data
        var total = 0
        withBases(sources.map(\.offsets)) { offs in
            for k in 0 ..< n {
                let o = offs[Int(refs.part[k])], r = Int(refs.row[k])
                from[k] = Int(o[r])
                total += Int(o[r + 1] - o[r])
                offsets[k + 1] = Int32(truncatingIfNeeded: total)
            }
        }
        guard total <= Int(Int32.max) else { throw TarnError(.invalidArgument, "gathered byte column exceeds 2 GiB") }
        let data = withBases(sources.map(\.data)) { datas in
            [UInt8](unsafeUninitializedCapacity: total) { out, done in
                guard let base = out.baseAddress else { return }
                for k in 0 ..< n {
                    let at = Int(offsets[k]), length = Int(offsets[k + 1]) - at
                    copyBytes(UnsafeRawPointer(datas[Int(refs.part[k])] + from[k]), UnsafeMutableRawPointer(base + at), length)
                }
                done = total
            }
        }
        return (offsets, data)
    }

    /// Copies a short value word by word (no call into memmove); long values use memmove.
    @inlinable @inline(__always) package static func copyBytes(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ length: Int) {
        guard length <= 64 else { dst.copyMemory(from: src, byteCount: length); return }
        var i = 0
        while i + 8 <= length {
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < length {
            dst.storeBytes(of: src.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self)
            i += 1
        }
    }

    /// Calls `body` with the base address of every array (kept alive for the call).
    @usableFromInline static func withBases<T, R>(_ arrays: [[T]], _ body: ([UnsafePointer<T>]) throws -> R) rethrows -> R {
        try withExtendedLifetime(arrays) {
            let placeholder = UnsafeMutablePointer<T>.allocate(capacity: 1)
            defer { placeholder.deallocate() }
            let bases = arrays.map { a in a.withUnsafeBufferPointer { $0.baseAddress } ?? UnsafePointer(placeholder) }
            return try body(bases)
        }
    }
}
