// RoaringBitmap64: a compressed set of UInt64 row indexes, the in-memory form of a Delta deletion
// vector. Values are split into a 48-bit key and a 16-bit low part held in a RoaringContainer;
// keys are sorted, so lookups are binary searches and iteration is in increasing order.
// Serialization (Delta's magic + the portable 64-bit Roaring format) is in RoaringSerialization.

import TarnColumnar

public struct RoaringBitmap64: Sendable, Hashable, Sequence, CustomStringConvertible {
    /// `value >> 16` shared by every value in `containers[i]`; strictly increasing.
    var keys: [UInt64]
    /// The low 16 bits; parallel to `keys`, never empty.
    var containers: [RoaringContainer]

    /// The container kinds, exposed for inspection and tests.
    public enum ContainerKind: String, Sendable { case array, bitmap, run }

    /// The empty set.
    public init() {
        keys = []
        containers = []
    }

    init(keys: [UInt64], containers: [RoaringContainer]) {
        self.keys = keys
        self.containers = containers
    }

    /// A set of `values`, in any order, duplicates allowed. Sorted input is built in one pass
    /// without intermediate storage beyond one container; unsorted input falls back to inserts.
    public init<S: Sequence>(_ values: S) where S.Element == UInt64 {
        self.init()
        var lows = [UInt16]()
        var currentKey: UInt64 = 0
        var last: UInt64?
        var iterator = values.makeIterator()
        while let v = iterator.next() {
            if let l = last {
                if v == l { continue }
                if v < l {
                    // Out of order: finish the sorted prefix, then insert the rest one by one.
                    if !lows.isEmpty { append(key: currentKey, sortedLows: lows) }
                    insert(v)
                    while let rest = iterator.next() { insert(rest) }
                    return
                }
            }
            if v >> 16 != currentKey || last == nil {
                if !lows.isEmpty { append(key: currentKey, sortedLows: lows) }
                lows.removeAll(keepingCapacity: true)
                currentKey = v >> 16
            }
            lows.append(UInt16(truncatingIfNeeded: v))
            last = v
        }
        if !lows.isEmpty { append(key: currentKey, sortedLows: lows) }
    }

    /// Builds the container for sorted distinct `lows` in its smallest kind and appends it.
    private mutating func append(key: UInt64, sortedLows lows: [UInt16]) {
        let c: RoaringContainer = lows.count > RoaringContainer.arrayLimit
            ? RoaringContainer.bitset(of: lows) : .array(lows)
        keys.append(key)
        containers.append(c.optimized())
    }

    /// Number of values in the set.
    public var cardinality: Int { containers.reduce(0) { $0 + $1.cardinality } }

    public var isEmpty: Bool { containers.isEmpty }

    /// The smallest value, or nil when empty.
    public var minimum: UInt64? {
        guard let k = keys.first, let c = containers.first, let low = c.minimum else { return nil }
        return k << 16 | UInt64(low)
    }

    /// The largest value, or nil when empty.
    public var maximum: UInt64? {
        guard let k = keys.last, let c = containers.last, let low = c.maximum else { return nil }
        return k << 16 | UInt64(low)
    }

    /// The kind of each container, in key order.
    public var containerKinds: [ContainerKind] {
        containers.map {
            switch $0 {
            case .array: return .array
            case .bitmap: return .bitmap
            case .run: return .run
            }
        }
    }

    /// Index of the first key >= `key`.
    func keyIndex(_ key: UInt64) -> Int {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    public func contains(_ value: UInt64) -> Bool {
        let i = keyIndex(value >> 16)
        return i < keys.count && keys[i] == value >> 16 && containers[i].contains(UInt16(truncatingIfNeeded: value))
    }

    /// Inserts `value`; returns false when it was already present.
    @discardableResult
    public mutating func insert(_ value: UInt64) -> Bool {
        let key = value >> 16, low = UInt16(truncatingIfNeeded: value)
        let i = keyIndex(key)
        if i < keys.count && keys[i] == key { return containers[i].insert(low) }
        keys.insert(key, at: i)
        containers.insert(.array([low]), at: i)
        return true
    }

    /// Calls `body` with every value in `range`, in increasing order.
    public func forEach(in range: Range<UInt64>, _ body: (UInt64) throws -> Void) rethrows {
        guard !range.isEmpty else { return }
        var ci = keyIndex(range.lowerBound >> 16)
        while ci < keys.count {
            let base = keys[ci] << 16
            if base >= range.upperBound { break }
            let fullyInside = base >= range.lowerBound && base + 0xFFFF < range.upperBound
            try containers[ci].forEach { low in
                let v = base | UInt64(low)
                if fullyInside || range.contains(v) { try body(v) }
            }
            ci += 1
        }
    }

    /// A bitmap of `count` bits where bit `i` is set when row `start + i` is in the set: the rows
    /// of a file (or of a batch read from it) that a deletion vector deletes.
    public func deletedRows(start: UInt64 = 0, count: Int) -> Bitmap {
        var bits = Bitmap(count: Swift.max(count, 0), value: false)
        guard count > 0 else { return bits }
        let (end, overflow) = start.addingReportingOverflow(UInt64(count))
        let upper = overflow ? UInt64.max : end
        var ci = keyIndex(start >> 16)
        while ci < keys.count {
            let base = keys[ci] << 16
            if base >= upper { break }
            switch containers[ci] {
            case let .array(a):
                let from = base >= start ? 0 : RoaringContainer.lowerBound(a, UInt16(truncatingIfNeeded: start))
                for j in from ..< a.count {
                    let v = base | UInt64(a[j])
                    if v >= upper { break }
                    bits[Int(v - start)] = true
                }
            case let .bitmap(words, _):
                let firstWord = base >= start ? 0 : Int((start - base) >> 6)
                for wi in firstWord ..< words.count {
                    let wordBase = base | UInt64(wi << 6)
                    if wordBase >= upper { break }
                    var w = words[wi]
                    while w != 0 {
                        let v = wordBase | UInt64(w.trailingZeroBitCount)
                        w &= w - 1
                        if v >= start && v < upper { bits[Int(v - start)] = true }
                    }
                }
            case let .run(starts, lengths):
                for j in 0 ..< starts.count {
                    let s = Swift.max(base | UInt64(starts[j]), start)
                    let e = Swift.min((base | UInt64(starts[j])) + UInt64(lengths[j]) + 1, upper)
                    var v = s
                    while v < e { bits[Int(v - start)] = true; v += 1 }
                }
            }
            ci += 1
        }
        return bits
    }

    // MARK: Sequence

    public struct Iterator: IteratorProtocol {
        let keys: [UInt64]
        let containers: [RoaringContainer]
        var ci = 0
        var pos = 0       // array index, next bitset word, or run index
        var word: UInt64 = 0
        var sub: Int = 0  // offset inside the current run

        public mutating func next() -> UInt64? {
            while ci < containers.count {
                let base = keys[ci] << 16
                switch containers[ci] {
                case let .array(a):
                    if pos < a.count {
                        pos += 1
                        return base | UInt64(a[pos - 1])
                    }
                case let .bitmap(words, _):
                    while word == 0 && pos < words.count {
                        word = words[pos]
                        pos += 1
                    }
                    if word != 0 {
                        let v = base | UInt64((pos - 1) << 6 | word.trailingZeroBitCount)
                        word &= word - 1
                        return v
                    }
                case let .run(starts, lengths):
                    if pos < starts.count {
                        let v = base | UInt64(Int(starts[pos]) + sub)
                        if sub == Int(lengths[pos]) { pos += 1; sub = 0 } else { sub += 1 }
                        return v
                    }
                }
                ci += 1
                pos = 0
                word = 0
                sub = 0
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(keys: keys, containers: containers) }

    public var underestimatedCount: Int { cardinality }

    // MARK: Hashable, CustomStringConvertible

    /// Set equality: containers of different kinds holding the same values are equal.
    public static func == (a: RoaringBitmap64, b: RoaringBitmap64) -> Bool {
        a.keys == b.keys && zip(a.containers, b.containers).allSatisfy { $0.sameValues(as: $1) }
    }

    public func hash(into h: inout Hasher) {
        h.combine(keys)
        for c in containers { h.combine(c.cardinality) }
    }

    public var description: String {
        let shown = prefix(16).map(String.init).joined(separator: ", ")
        let more = cardinality > 16 ? ", …" : ""
        return "RoaringBitmap64(cardinality: \(cardinality), [\(shown)\(more)])"
    }
}
