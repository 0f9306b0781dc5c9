// Dictionary builders for RLE_DICTIONARY encoding: open-addressing hash tables on contiguous
// buffers, one for fixed-width values (as 64-bit patterns) and one for byte arrays. They map a
// value to its dictionary index, inserting it when new. Insertion order is dictionary order.

@inline(__always)
func mixHash(_ x: UInt64) -> UInt64 {
    var h = x &* 0x9E37_79B9_7F4A_7C15
    h ^= h >> 29
    h = h &* 0xBF58_476D_1CE4_E5B9
    return h ^ (h >> 32)
}

/// Dictionary of fixed-width values keyed by their bit pattern. Each slot holds the key beside
/// its index so a lookup touches one cache line.
struct FixedDictionary {
    private(set) var values: [UInt64] = []
    /// Slot keys and entry index + 1 (0 = empty).
    private var keys: [UInt64]
    private var slots: [UInt32]
    private var mask: Int

    init() {
        keys = [UInt64](repeating: 0, count: 1024)
        slots = [UInt32](repeating: 0, count: 1024)
        mask = 1023
    }

    var count: Int { values.count }

    @inline(__always)
    mutating func index(of v: UInt64) -> UInt32 {
        var slot = Int(truncatingIfNeeded: mixHash(v)) & mask
        while true {
            let e = slots[slot]
            if e == 0 {
                values.append(v)
                keys[slot] = v
                slots[slot] = UInt32(values.count)
                if values.count * 2 > slots.count { grow() }
                return UInt32(values.count - 1)
            }
            if keys[slot] == v { return e - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// Looks up every value of `input`, appending the indices to `out`.
    mutating func indices<T>(_ input: ArraySlice<T>, into out: inout [UInt32], key: (T) -> UInt64) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: input.count))
        out.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { src in
                for i in 0 ..< src.count { o[start + i] = index(of: key(src[i])) }
            }
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        keys = [UInt64](repeating: 0, count: size)
        slots = [UInt32](repeating: 0, count: size)
        mask = size - 1
        for (i, v) in values.enumerated() {
            var slot = Int(truncatingIfNeeded: mixHash(v)) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            keys[slot] = v
            slots[slot] = UInt32(i + 1)
        }
    }
}

/// Dictionary of byte arrays, stored back to back in `data` with `offsets`.
struct ByteDictionary {
    private(set) var offsets: [Int32] = [0]
    private(set) var data: [UInt8] = []
    private var hashes: [UInt64] = []
    private var table: [Int32]
    private var mask: Int

    init() {
        table = [Int32](repeating: 0, count: 1024)
        mask = 1023
    }

    var count: Int { offsets.count - 1 }

    /// Bytes of the PLAIN-encoded dictionary page body.
    var plainSize: Int { data.count + 4 * count }

    static func hash(_ p: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = UInt64(p.count) &* 0x9E37_79B9_7F4A_7C15
        var i = 0
        while i + 8 <= p.count {
            h = mixHash(h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < p.count {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        return mixHash(h ^ tail)
    }

    mutating func index(of p: UnsafeRawBufferPointer) -> UInt32 {
        let h = ByteDictionary.hash(p)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(table[slot])
            if e == 0 { return insert(p, h, slot) }
            if hashes[e - 1] == h && equals(e - 1, p) { return UInt32(e - 1) }
            slot = (slot + 1) & mask
        }
    }

    private func equals(_ entry: Int, _ p: UnsafeRawBufferPointer) -> Bool {
        let start = Int(offsets[entry]), end = Int(offsets[entry + 1])
        guard end - start == p.count else { return false }
        return data.withUnsafeBytes { d in
            p.count == 0 || memcmpBytes(d.baseAddress! + start, p.baseAddress!, p.count)
        }
    }

    private mutating func insert(_ p: UnsafeRawBufferPointer, _ h: UInt64, _ slot: Int) -> UInt32 {
        data.append(contentsOf: p)
        offsets.append(Int32(data.count))
        hashes.append(h)
        table[slot] = Int32(count)
        if count * 2 > table.count { grow() }
        return UInt32(count - 1)
    }

    private mutating func grow() {
        let size = table.count * 2
        table = [Int32](repeating: 0, count: size)
        mask = size - 1
        for (i, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(i + 1)
        }
    }
}

@inline(__always)
func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}
