// RLEHybrid: the Parquet RLE/bit-packing hybrid (levels, dictionary indices, RLE booleans),
// without the optional 4-byte length prefix (callers add or strip it where the page kind needs it).
// See apache/parquet-format Encodings.md, "Run Length Encoding / Bit-Packing Hybrid (RLE = 3)",
// and protocol.md B5. Bit packing itself lives in BitPacking.swift.

/// Encodes values with the standard Parquet writer strategy: a run of at least 8 equal values
/// (starting on a group boundary) becomes an RLE run, everything else goes into bit-packed
/// runs of whole 8-value groups (at most 63 groups per run, so the header is one byte).
public struct RLEHybridEncoder {
    private let bitWidth: Int
    private var output: [UInt8] = []
    /// Literal values not written yet: whole groups committed to the literal run, then the
    /// current partial group.
    private var pending: [UInt32] = []
    /// How many values at the front of `pending` are whole groups of the literal run.
    private var literalCount = 0
    private var current: UInt32 = 0
    /// Length of the run of `current` counted since the start of the current group.
    private var repeatCount = 0

    private static let maxLiteralGroups = 63
    private static let maxRunLength = Int(Int32.max)

    public init(bitWidth: Int) {
        precondition(bitWidth >= 0 && bitWidth <= 32, "bit width \(bitWidth) out of range 0...32")
        self.bitWidth = bitWidth
        pending.reserveCapacity(Self.maxLiteralGroups * 8 + 8)
    }

    public mutating func append(_ value: UInt32) {
        if value == current {
            repeatCount += 1
            if repeatCount > 8 { return }  // continuation of an RLE run: nothing to buffer
        } else {
            if repeatCount >= 8 { flushRepeatedRun() }
            repeatCount = 1
            current = value
        }
        pending.append(value)
        if pending.count - literalCount == 8 { endGroup() }
    }

    /// Appends `value` `count` times; long repeats cost O(1) once the RLE run is established.
    public mutating func append(_ value: UInt32, count: Int) {
        var left = count
        while left > 0 && !(value == current && repeatCount > 8) {
            append(value)
            left -= 1
        }
        repeatCount += max(left, 0)
    }

    /// Flushes pending values and returns the encoded bytes. The encoder starts over empty.
    public mutating func finish() -> [UInt8] {
        let buffered = pending.count - literalCount
        if literalCount == 0 && repeatCount > 0 && (repeatCount == buffered || buffered == 0) {
            flushRepeatedRun()
        } else if !pending.isEmpty {
            while pending.count % 8 != 0 { pending.append(0) }
            literalCount = pending.count
            flushLiteralRun()
        }
        let result = output
        self = RLEHybridEncoder(bitWidth: bitWidth)
        return result
    }

    /// A group of 8 values is complete: either it is the start of an RLE run, or it joins the literals.
    private mutating func endGroup() {
        if repeatCount >= 8 {
            // All 8 buffered values equal `current`: they belong to the RLE run.
            pending.removeLast(8)
            if literalCount > 0 { flushLiteralRun() }
            return
        }
        literalCount += 8
        if literalCount >= Self.maxLiteralGroups * 8 { flushLiteralRun() }
        repeatCount = 0
    }

    private mutating func flushRepeatedRun() {
        var left = repeatCount
        while left > 0 {
            let run = min(left, Self.maxRunLength)
            output.appendUVarint(UInt64(run) << 1)
            var v = current
            for _ in 0 ..< (bitWidth + 7) / 8 {
                output.append(UInt8(truncatingIfNeeded: v))
                v >>= 8
            }
            left -= run
        }
        pending.removeAll(keepingCapacity: true)
        literalCount = 0
        repeatCount = 0
    }

    private mutating func flushLiteralRun() {
        let groups = literalCount / 8
        guard groups > 0 else { return }
        output.appendUVarint(UInt64(groups) << 1 | 1)
        pending.withUnsafeBufferPointer { all in
            BitPacking.pack32(UnsafeBufferPointer(rebasing: all[0 ..< literalCount]),
                              bitWidth: bitWidth, appendingTo: &output)
        }
        pending.removeFirst(literalCount)
        literalCount = 0
    }
}

public enum RLEHybridDecoder {
    /// Decodes exactly `count` values into `dst` and returns the number of bytes consumed (whole
    /// runs, including the padding of the last bit-packed run when present). Throws
    /// `TarnError.corruption` (offset = `baseOffset` + position) when the input ends early or a
    /// run header is absurd. Values are not range-checked.
    public static func decode(_ src: UnsafeRawBufferPointer, baseOffset: Int, bitWidth: Int, count: Int,
                              into dst: UnsafeMutablePointer<UInt32>) throws -> Int {
        guard bitWidth >= 0 && bitWidth <= 32 else {
            throw TarnError.corruption("RLE hybrid: bit width \(bitWidth) is outside 0...32", offset: baseOffset)
        }
        guard count > 0 else { return 0 }
        guard let base = src.baseAddress else {
            throw TarnError.corruption("RLE hybrid: no data for \(count) values", offset: baseOffset)
        }
        let end = src.count
        let valueBytes = (bitWidth + 7) / 8
        var pos = 0
        var filled = 0
        while filled < count {
            let headerPos = pos
            let header = try readRunHeader(base, end: end, pos: &pos, baseOffset: baseOffset)
            let want = count - filled
            if header & 1 == 0 {
                guard header >> 1 <= UInt64(Int32.max) else {
                    throw TarnError.corruption("RLE hybrid: run length \(header >> 1) exceeds 2^31-1",
                                               offset: baseOffset + headerPos)
                }
                guard valueBytes <= end - pos else {
                    throw TarnError.corruption("RLE hybrid: truncated RLE run value", offset: baseOffset + pos)
                }
                var value: UInt32 = 0
                for i in 0 ..< valueBytes { value |= UInt32(base.load(fromByteOffset: pos + i, as: UInt8.self)) << (8 * i) }
                pos += valueBytes
                let n = min(Int(header >> 1), want)
                (dst + filled).update(repeating: value, count: n)
                filled += n
            } else {
                let groups = header >> 1
                guard groups <= UInt64(Int32.max / 8) else {
                    throw TarnError.corruption("RLE hybrid: bit-packed run of \(groups) groups is too long",
                                               offset: baseOffset + headerPos)
                }
                let runBytes = Int(groups) * bitWidth
                let n = min(Int(groups) * 8, want)
                guard (n * bitWidth + 7) / 8 <= end - pos else {
                    throw TarnError.corruption("RLE hybrid: truncated bit-packed run (\(n) values of \(bitWidth) bits, "
                                               + "\(end - pos) bytes left)", offset: baseOffset + pos)
                }
                BitPacking.unpack32(base + pos, bitWidth: bitWidth, count: n, into: dst + filled)
                filled += n
                // Tolerate a last run whose zero padding was cut off.
                pos += min(runBytes, end - pos)
            }
        }
        return pos
    }

    /// Reads a ULEB128 run header (at most 10 bytes).
    @inline(__always)
    static func readRunHeader(_ base: UnsafeRawPointer, end: Int, pos: inout Int, baseOffset: Int) throws -> UInt64 {
        let start = pos
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard pos < end else {
                let what = pos == start ? "input ended before the expected values" : "truncated run header"
                throw TarnError.corruption("RLE hybrid: \(what)", offset: baseOffset + start)
            }
            let b = base.load(fromByteOffset: pos, as: UInt8.self)
            pos += 1
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else {
                throw TarnError.corruption("RLE hybrid: run header longer than 10 bytes", offset: baseOffset + start)
            }
        }
    }
}
