// ByteStreamSplit: BYTE_STREAM_SPLIT (FLOAT, DOUBLE, INT32, INT64, FIXED_LEN_BYTE_ARRAY):
// K = width byte streams, stream k holding byte k of every value, concatenated.
// See apache/parquet-format Encodings.md, "Byte Stream Split (BYTE_STREAM_SPLIT = 9)", and protocol.md B6.

import TarnCodecs

public enum ByteStreamSplit {
    /// Reassembles `count` values of `width` bytes from the `width` streams in `src` into plain
    /// little-endian order (count * width bytes). Throws if `src` is shorter than that.
    public static func decode(_ src: UnsafeRawBufferPointer, baseOffset: Int, width: Int,
                              count: Int) throws -> [UInt8] {
        guard width > 0, count >= 0 else {
            throw TarnError.corruption("BYTE_STREAM_SPLIT: invalid width \(width) or count \(count)", offset: baseOffset)
        }
        let (total, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, total <= src.count else {
            throw TarnError.corruption("BYTE_STREAM_SPLIT: \(count) values of \(width) bytes need more than the "
                                       + "\(src.count) bytes available", offset: baseOffset)
        }
        guard total > 0, let input = src.baseAddress else { return [] }
        return [UInt8](unsafeUninitializedCapacity: total) { buf, initialized in
            guard let out = buf.baseAddress else { return }
            let from = input.assumingMemoryBound(to: UInt8.self)
            switch width {
            case 4: gather(from, out, count: count, width: 4)
            case 8: gather(from, out, count: count, width: 8)
            default: gather(from, out, count: count, width: width)
            }
            initialized = total
        }
    }

    /// Appends the streams of `plain` (whose length must be a multiple of `width`).
    public static func encode(_ plain: UnsafeRawBufferPointer, width: Int, appendingTo out: inout [UInt8]) {
        precondition(width > 0 && plain.count % width == 0, "BYTE_STREAM_SPLIT: \(plain.count) bytes is not a multiple of \(width)")
        let count = plain.count / width
        guard count > 0, let input = plain.baseAddress else { return }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: plain.count))
        out.withUnsafeMutableBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            let dst = base + start
            let src = input.assumingMemoryBound(to: UInt8.self)
            for k in 0 ..< width {
                let stream = dst + k * count
                for i in 0 ..< count { stream[i] = src[i * width + k] }
            }
        }
    }

    /// out[i * width + k] = src[k * count + i]; inlined so widths 4 and 8 get constant strides.
    @inline(__always)
    static func gather(_ src: UnsafePointer<UInt8>, _ out: UnsafeMutablePointer<UInt8>, count: Int, width: Int) {
        for k in 0 ..< width {
            let stream = src + k * count
            for i in 0 ..< count { out[i * width + k] = stream[i] }
        }
    }
}
