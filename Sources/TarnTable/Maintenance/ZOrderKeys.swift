// ZOrderKeys: the Z-order clustering key (spec/maintenance.md "Z-order key construction").
// ZOrderRanker samples the clustering columns; `finish()` fits per column order-preserving ranks
// spread over the column's whole bit range by the sample's distribution (ZOrderColumnRanks.swift),
// so every column weighs the same whatever its type; ZOrderRanks turns a batch's columns into
// 64-bit Morton or Hilbert keys (HilbertCurve.swift) a cache-sized chunk of rows at a time.

/// Collects a bounded, deterministic sample of the clustering columns.
public struct ZOrderRanker: Sendable {
    /// Columns beyond 8 would get fewer than 8 bits (255 ranks) each and cluster nothing useful.
    public static let maxColumns = 8
    /// Bits of rank per column at most: 64 / columns, capped here because the buckets are capped.
    public static let maxBitsPerColumn = 16
    /// Buckets per column at most (fewer when the column has fewer bits or distinct values): enough
    /// to order rows far below file and row-group granularity, small enough to search in L1 cache.
    public static let maxBuckets = 1 << 12
    public static let defaultSampleCapacity = 1 << 18

    public let types: [DataType]
    public let curve: ZOrderCurve
    private var samples: [ColumnSample]
    private let capacity: Int
    /// Rows whose position (over all rows added) is a multiple of `stride` are sampled.
    private var stride = 1
    private var rowsSeen = 0
    private var rowsSampled = 0

    /// `types` should pass `validate`; columns of other types get rank 0 throughout.
    public init(types: [DataType], curve: ZOrderCurve = .morton, sampleCapacity: Int = ZOrderRanker.defaultSampleCapacity) {
        self.types = Array(types.prefix(64))
        self.curve = curve
        capacity = max(2, sampleCapacity)
        samples = self.types.map { ColumnSample(kind: RankKind($0)) }
    }

    /// Throws unless the columns can be Z-ordered: 1...maxColumns columns of primitive types.
    public static func validate(columns: [(name: String, type: DataType)], table: String? = nil) throws {
        guard !columns.isEmpty else { throw TarnError(.invalidArgument, "ZORDER BY needs at least one column", table: table) }
        guard columns.count <= maxColumns else {
            throw TarnError(.invalidArgument, "ZORDER BY takes at most \(maxColumns) columns (each gets 64 / count bits of the key); got \(columns.count)",
                            table: table)
        }
        for c in columns where RankKind(c.type) == .unsupported {
            throw TarnError(.unsupportedFeature, "ZORDER BY column '\(c.name)' has type \(c.type); only primitive columns can be Z-ordered",
                            table: table, column: c.name)
        }
    }

    /// Adds rows to the sample (one column per clustering column, equal lengths, types as given).
    /// When the sample would exceed its capacity, every other sampled row is dropped and the
    /// sampling stride doubles, so the result depends only on the rows and their order.
    public mutating func addSample(_ columns: [Column]) {
        precondition(columns.count >= types.count, "\(columns.count) columns for \(types.count) clustering columns")
        precondition(zip(columns, samples).allSatisfy { RankKind($0.type) == $1.kind }, "sample columns of other types")
        let count = columns.first?.count ?? 0
        var start = 0
        while start < count {
            let end = min(count, start + capacity)
            let first = start + (stride - rowsSeen % stride) % stride
            if first < end {
                let rows = Swift.stride(from: first, to: end, by: stride)
                for c in samples.indices { samples[c].add(columns[c], rows: rows) }
                rowsSampled += (end - first + stride - 1) / stride
            }
            rowsSeen += end - start
            start = end
            while rowsSampled > capacity {
                for c in samples.indices { samples[c].halve() }
                rowsSampled = (rowsSampled + 1) / 2
                stride *= 2
            }
        }
    }

    /// The ranks fitted on the sample.
    public func finish() -> ZOrderRanks {
        let bits = types.isEmpty ? 0 : min(Self.maxBitsPerColumn, 64 / types.count)
        return ZOrderRanks(curve: curve, bitsPerColumn: bits, columns: samples.map { ColumnRanks(fitting: $0, bits: bits) })
    }
}

/// Per-column ranks and the curve: turns batches into keys.
public struct ZOrderRanks: Sendable {
    public let curve: ZOrderCurve
    /// 64 / columns, at most ZOrderRanker.maxBitsPerColumn; ranks are below 2^bitsPerColumn.
    public let bitsPerColumn: Int
    let columns: [ColumnRanks]

    init(curve: ZOrderCurve, bitsPerColumn: Int, columns: [ColumnRanks]) {
        self.curve = curve
        self.bitsPerColumn = bitsPerColumn
        self.columns = columns
    }

    /// Number of buckets (distinct non-null ranks) of clustering column `index`.
    public func bucketCount(_ index: Int) -> Int { columns[index].rankOf.count }

    /// The rank of every row of `column` as clustering column `index`: 0 for null, else 1...2^bits − 1,
    /// non-decreasing in the value in the expressions' order (NaN above +∞, −0.0 = 0.0, strings and
    /// binary byte-wise unsigned).
    public func ranks(_ column: Column, index: Int) -> [UInt32] {
        columns[index].ranks(column)
    }

    /// A key per row (`columns` in clustering order, equal lengths): the ranks on the curve.
    public func keys(_ columns: [Column]) -> [UInt64] {
        let n = columns.first?.count ?? 0
        return [UInt64](unsafeUninitializedCapacity: n) { out, done in
            keys(columns, into: out)
            done = n
        }
    }

    /// Ranks of a clustering column held as dictionary codes: a row's rank is its entry's rank.
    struct CodedRanks: Sendable {
        let codes: [UInt16]
        let validity: Bitmap?
        /// The rank of each dictionary entry (ranks(_:index:) of the dictionary's values).
        let ranks: [UInt32]
    }

    /// Writes the keys of `columns`' rows into `out` (`out.count` rows); clustering column c is
    /// read from `coded[c]` instead when given.
    func keys(_ columns: [Column], coded: [Int: CodedRanks] = [:], into out: UnsafeMutableBufferPointer<UInt64>) {
        precondition(columns.count >= self.columns.count, "\(columns.count) columns for \(self.columns.count) clustering columns")
        let n = out.count
        let d = self.columns.count
        guard d > 0 else { out.update(repeating: 0); return }
        let encoder = CurveEncoder(dimensions: d, bits: bitsPerColumn, curve: curve)
        let chunk = max(1, min(n, 1 << 13))        // ranks of 8 Ki rows at a time stay in cache
        var scratch = [UInt32](repeating: 0, count: d * chunk)
        scratch.withUnsafeMutableBufferPointer { sc in
            var start = 0
            while start < n {
                let m = min(chunk, n - start)
                for c in 0 ..< d {
                    let into = UnsafeMutableBufferPointer(rebasing: sc[c * m ..< (c + 1) * m])
                    if let r = coded[c] {
                        for i in 0 ..< m { into[i] = r.validity?[start + i] == false ? 0 : r.ranks[Int(r.codes[start + i])] }
                    } else {
                        self.columns[c].ranks(columns[c], from: start, into: into)
                    }
                }
                encoder.encode(UnsafeBufferPointer(rebasing: sc[0 ..< d * m]), into: UnsafeMutableBufferPointer(rebasing: out[start ..< start + m]))
                start += m
            }
        }
    }
}

/// How a column's values are compared: as an order-preserving UInt64, an Int128 (unscaled
/// decimals of one scale) or unsigned bytes.
enum RankKind: Sendable, Equatable {
    case fixed, wide, bytes, unsupported

    init(_ type: DataType) {
        switch type {
        case .boolean, .byte, .short, .integer, .long, .date, .timestamp, .timestampNtz, .float, .double: self = .fixed
        case .decimal: self = .wide
        case .string, .binary: self = .bytes
        case .struct, .array, .map: self = .unsupported
        }
    }
}

/// Order-preserving UInt64 images of fixed-width values.
enum SortKey {
    @inline(__always) static func integer(_ v: Int64) -> UInt64 { UInt64(bitPattern: v) ^ (1 << 63) }

    /// Total order: −∞ < … < −0.0 = 0.0 < … < +∞ < NaN (every NaN alike).
    @inline(__always) static func floating(_ v: Double) -> UInt64 {
        if v.isNaN { return .max }
        let bits = (v == 0 ? 0.0 : v).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }
}

/// The sampled non-null values of one column.
struct ColumnSample: Sendable {
    let kind: RankKind
    var fixed: [UInt64] = []
    var wide: [Int128] = []
    /// Strings / binary: end offset of each value in `bytes`.
    var ends: [Int] = []
    var bytes: [UInt8] = []

    var count: Int { kind == .fixed ? fixed.count : kind == .wide ? wide.count : ends.count }

    mutating func add(_ column: Column, rows: StrideTo<Int>) {
        let rows = rows.filter { !column.isNull($0) }
        switch column.storage {
        case let .bool(a): fixed += rows.map { a[$0] ? 1 : 0 }
        case let .int8(a): fixed += rows.map { SortKey.integer(Int64(a[$0])) }
        case let .int16(a): fixed += rows.map { SortKey.integer(Int64(a[$0])) }
        case let .int32(a): fixed += rows.map { SortKey.integer(Int64(a[$0])) }
        case let .int64(a): fixed += rows.map { SortKey.integer(a[$0]) }
        case let .float(a): fixed += rows.map { SortKey.floating(Double(a[$0])) }
        case let .double(a): fixed += rows.map { SortKey.floating(a[$0]) }
        case let .int128(a): wide += rows.map { a[$0] }
        case let .bytes(offsets, data):
            for r in rows {
                bytes += data[Int(offsets[r]) ..< Int(offsets[r + 1])]
                ends.append(bytes.count)
            }
        case .structure, .list, .map: break
        }
    }

    /// Keeps every other value.
    mutating func halve() {
        fixed = Swift.stride(from: 0, to: fixed.count, by: 2).map { fixed[$0] }
        wide = Swift.stride(from: 0, to: wide.count, by: 2).map { wide[$0] }
        guard !ends.isEmpty else { return }
        var newEnds: [Int] = []
        var newBytes: [UInt8] = []
        for i in Swift.stride(from: 0, to: ends.count, by: 2) {
            newBytes += bytes[(i == 0 ? 0 : ends[i - 1]) ..< ends[i]]
            newEnds.append(newBytes.count)
        }
        ends = newEnds
        bytes = newBytes
    }
}

/// Sorted UInt64 bucket bounds with a slot table over their range, so that counting the bounds
/// at or below a key reads one slot and scans the few bounds in it (binary search when many).
struct SlotIndex: Sendable {
    let bounds: [UInt64]
    private let low: UInt64
    private let shift: UInt64
    /// firstInSlot[s]: how many bounds lie below slot s's first key (slots + 1 entries).
    private let firstInSlot: [UInt32]

    init(_ bounds: [UInt64]) {
        self.bounds = bounds
        low = bounds.first ?? 0
        let span = (bounds.last ?? 0) - low
        var slots = 16
        while slots < 2 * bounds.count && slots < 1 << 13 { slots <<= 1 }
        var s: UInt64 = 0
        while span >> s >= UInt64(slots) { s += 1 }
        shift = s
        var first: [UInt32] = []
        first.reserveCapacity(slots + 1)
        var j = 0
        for slot in 0 ... slots {
            let (offset, over) = UInt64(slot).multipliedReportingOverflow(by: UInt64(1) << s)
            let (start, over2) = low.addingReportingOverflow(offset)
            while j < bounds.count && (over || over2 || bounds[j] < start) { j += 1 }
            first.append(UInt32(j))
        }
        firstInSlot = first
    }

    func withView<R>(_ body: (View) -> R) -> R {
        bounds.withUnsafeBufferPointer { b in
            firstInSlot.withUnsafeBufferPointer { f in body(View(bounds: b, firstInSlot: f, low: low, shift: shift)) }
        }
    }

    struct View {
        let bounds: UnsafeBufferPointer<UInt64>
        let firstInSlot: UnsafeBufferPointer<UInt32>
        let low: UInt64
        let shift: UInt64

        /// How many bounds are ≤ v.
        @inline(__always)
        func countAtMost(_ v: UInt64) -> Int { range(v).atMost }

        /// How many bounds are < v and how many are ≤ v.
        @inline(__always)
        func range(_ v: UInt64) -> (below: Int, atMost: Int) {
            guard v >= low, !bounds.isEmpty else { return (0, 0) }
            let slot = (v - low) >> shift
            guard slot < UInt64(firstInSlot.count - 1) else { return (bounds.count, bounds.count) }
            var i = Int(firstInSlot[Int(slot)])
            let end = Int(firstInSlot[Int(slot) + 1])
            if end - i > 8 {
                let inSlot = UnsafeBufferPointer(rebasing: bounds[i ..< end])
                return (v == 0 ? i : i + ColumnRanks.countAtMost(inSlot, v - 1), i + ColumnRanks.countAtMost(inSlot, v))
            }
            while i < end && bounds[i] < v { i += 1 }
            let below = i
            while i < end && bounds[i] == v { i += 1 }
            return (below, i)
        }
    }
}
