// DeltaLengthByteArray and DeltaByteArray: the two delta encodings for BYTE_ARRAY values
// (DeltaByteArray also serves FIXED_LEN_BYTE_ARRAY). Values are returned as offsets + one data
// buffer. See apache/parquet-format Encodings.md, "Delta-length byte array (DELTA_LENGTH_BYTE_ARRAY
// = 6)" and "Delta Strings (DELTA_BYTE_ARRAY = 7)", and protocol.md B6.

import TarnCodecs

public enum DeltaLengthByteArray {
    /// Decodes `count` byte arrays: offsets (count+1 entries, starting at 0) into `data`, and
    /// the bytes consumed. The data size is bounded by the input length.
    public static func decode(_ src: UnsafeRawBufferPointer, baseOffset: Int,
                              count: Int) throws -> (offsets: [Int32], data: [UInt8], consumed: Int) {
        let (offsets, dataStart) = try decodeLengths(src, baseOffset: baseOffset, count: count,
                                                     context: "DELTA_LENGTH_BYTE_ARRAY")
        let total = Int(offsets[offsets.count - 1])
        let data = Array(UnsafeRawBufferPointer(rebasing: src[dataStart ..< dataStart + total]))
        return (offsets, data, dataStart + total)
    }

    /// Appends the encoding of the `offsets.count - 1` values `data[offsets[i] ..< offsets[i+1]]`.
    public static func encode(offsets: UnsafeBufferPointer<Int32>, data: UnsafeRawBufferPointer,
                              appendingTo out: inout [UInt8]) {
        let count = max(offsets.count - 1, 0)
        var lengths = [Int32](repeating: 0, count: count)
        for i in 0 ..< count { lengths[i] = offsets[i + 1] - offsets[i] }
        lengths.withUnsafeBufferPointer { DeltaBinaryPacked.encodeInt32($0, appendingTo: &out) }
        if count > 0 {
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[Int(offsets[0]) ..< Int(offsets[count])]))
        }
    }

    /// Reads the DELTA_BINARY_PACKED lengths of `count` values and checks that their bytes
    /// follow in `src`. Returns offsets (count+1 entries from 0) and where the bytes start.
    static func decodeLengths(_ src: UnsafeRawBufferPointer, baseOffset: Int, count: Int,
                              context: String) throws -> (offsets: [Int32], dataStart: Int) {
        guard count > 0 || !src.isEmpty else { return ([0], 0) }
        let (lengths, used) = try DeltaBinaryPacked.decodeInt32(src, baseOffset: baseOffset, maxCount: max(count, 0))
        guard lengths.count == count else {
            throw TarnError.corruption("\(context): \(lengths.count) lengths, expected \(count)", offset: baseOffset)
        }
        let available = src.count - used
        var offsets = [Int32](repeating: 0, count: count + 1)
        var total = 0
        for i in 0 ..< count {
            let length = Int(lengths[i])
            guard length >= 0 else {
                throw TarnError.corruption("\(context): value \(i) has negative length \(length)", offset: baseOffset)
            }
            total += length
            guard total <= available, total <= Int(Int32.max) else {
                throw TarnError.corruption("\(context): values need more than the \(available) bytes left",
                                           offset: baseOffset + used)
            }
            offsets[i + 1] = Int32(total)
        }
        return (offsets, used)
    }
}

public enum DeltaByteArray {
    /// Decodes `count` front-coded byte arrays: offsets (count+1 entries, from 0), the data and
    /// the bytes consumed. The output can be larger than the input (shared prefixes) but never
    /// larger than count * (longest value), and its total must fit Int32.
    public static func decode(_ src: UnsafeRawBufferPointer, baseOffset: Int,
                              count: Int) throws -> (offsets: [Int32], data: [UInt8], consumed: Int) {
        let context = "DELTA_BYTE_ARRAY"
        guard count > 0 || !src.isEmpty else { return ([0], [], 0) }
        let (prefixes, used) = try DeltaBinaryPacked.decodeInt32(src, baseOffset: baseOffset, maxCount: max(count, 0))
        guard prefixes.count == count else {
            throw TarnError.corruption("\(context): \(prefixes.count) prefix lengths, expected \(count)", offset: baseOffset)
        }
        let rest = UnsafeRawBufferPointer(rebasing: src[used...])
        let (suffixOffsets, suffixStart) = try DeltaLengthByteArray.decodeLengths(
            rest, baseOffset: baseOffset + used, count: count, context: context)
        let offsets = try valueOffsets(prefixes: prefixes, suffixOffsets: suffixOffsets, baseOffset: baseOffset)
        let suffixes = UnsafeRawBufferPointer(rebasing: rest[suffixStart...])
        let total = Int(offsets[count])
        let data = [UInt8](unsafeUninitializedCapacity: total) { buf, initialized in
            assemble(prefixes: prefixes, suffixOffsets: suffixOffsets, offsets: offsets, suffixes: suffixes, into: buf)
            initialized = total
        }
        return (offsets, data, used + suffixStart + Int(suffixOffsets[count]))
    }

    /// Appends the front-coded encoding of the `offsets.count - 1` values `data[offsets[i] ..< offsets[i+1]]`.
    public static func encode(offsets: UnsafeBufferPointer<Int32>, data: UnsafeRawBufferPointer,
                              appendingTo out: inout [UInt8]) {
        let count = max(offsets.count - 1, 0)
        var prefixes = [Int32](repeating: 0, count: count)
        var suffixLengths = [Int32](repeating: 0, count: count)
        var previous = 0 ..< 0
        for i in 0 ..< count {
            let current = Int(offsets[i]) ..< Int(offsets[i + 1])
            let shared = commonPrefix(data, previous, current)
            prefixes[i] = Int32(shared)
            suffixLengths[i] = Int32(current.count - shared)
            previous = current
        }
        prefixes.withUnsafeBufferPointer { DeltaBinaryPacked.encodeInt32($0, appendingTo: &out) }
        suffixLengths.withUnsafeBufferPointer { DeltaBinaryPacked.encodeInt32($0, appendingTo: &out) }
        for i in 0 ..< count {
            let start = Int(offsets[i]) + Int(prefixes[i])
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[start ..< Int(offsets[i + 1])]))
        }
    }

    /// Value offsets from prefix and suffix lengths; checks each prefix against the previous value.
    static func valueOffsets(prefixes: [Int32], suffixOffsets: [Int32], baseOffset: Int) throws -> [Int32] {
        var offsets = [Int32](repeating: 0, count: prefixes.count + 1)
        var previousLength = 0
        var total = 0
        for i in 0 ..< prefixes.count {
            let prefix = Int(prefixes[i])
            guard prefix >= 0, prefix <= previousLength else {
                throw TarnError.corruption("DELTA_BYTE_ARRAY: value \(i) has prefix length \(prefix), "
                                           + "previous value has \(previousLength) bytes", offset: baseOffset)
            }
            let length = prefix + Int(suffixOffsets[i + 1] - suffixOffsets[i])
            total += length
            guard total <= Int(Int32.max) else {
                throw TarnError.corruption("DELTA_BYTE_ARRAY: decoded values exceed 2 GiB", offset: baseOffset)
            }
            offsets[i + 1] = Int32(total)
            previousLength = length
        }
        return offsets
    }

    /// Writes each value: its prefix copied from the previous value, then its suffix.
    static func assemble(prefixes: [Int32], suffixOffsets: [Int32], offsets: [Int32],
                         suffixes: UnsafeRawBufferPointer, into buf: UnsafeMutableBufferPointer<UInt8>) {
        guard let out = buf.baseAddress else { return }
        for i in 0 ..< prefixes.count {
            let start = Int(offsets[i])
            let prefix = Int(prefixes[i])
            if prefix > 0 {
                // The previous value starts at offsets[i - 1]; prefix > 0 implies i > 0.
                (out + start).update(from: out + Int(offsets[i - 1]), count: prefix)
            }
            let suffixFrom = Int(suffixOffsets[i])
            let suffixCount = Int(suffixOffsets[i + 1]) - suffixFrom
            if suffixCount > 0, let s = suffixes.baseAddress {
                UnsafeMutableRawPointer(out + start + prefix).copyMemory(from: s + suffixFrom, byteCount: suffixCount)
            }
        }
    }

    static func commonPrefix(_ data: UnsafeRawBufferPointer, _ a: Range<Int>, _ b: Range<Int>) -> Int {
        let n = min(a.count, b.count)
        var i = 0
        while i < n && data[a.lowerBound + i] == data[b.lowerBound + i] { i += 1 }
        return i
    }
}
