// Compression: Parquet page compression codecs (CompressionCodec) and the reusable Compressor.
// Decompression lives in Decompression.swift. See protocol.md B7 and apache/parquet-format
// Compression.md: SNAPPY is a raw block, GZIP a gzip member, LZ4 (5) Hadoop-framed blocks,
// LZ4_RAW (7) a bare block, ZSTD a standard frame. LZO and BROTLI are not supported.

import CLZ4
import CSnappy
import CZlib
import CZstd

/// Parquet `CompressionCodec` (parquet.thrift); raw values are the Thrift enum values.
public enum CompressionCodec: Int32, Sendable, CaseIterable {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7

    /// Name used in error messages.
    public var name: String {
        switch self {
        case .uncompressed: return "UNCOMPRESSED"
        case .snappy: return "SNAPPY"
        case .gzip: return "GZIP"
        case .lzo: return "LZO"
        case .brotli: return "BROTLI"
        case .lz4: return "LZ4"
        case .zstd: return "ZSTD"
        case .lz4Raw: return "LZ4_RAW"
        }
    }
}

/// Reusable compressor (holds a ZSTD_CCtx / z_stream etc.); not thread-safe, one per thread.
public final class Compressor {
    public let codec: CompressionCodec
    /// The effective level (zstd 1...22, gzip 0...9; 0 for codecs without levels).
    public let level: Int32
    private var zstdContext: OpaquePointer?
    /// Heap-allocated because zlib keeps a pointer back to the stream: it must never move.
    private var deflateStream: UnsafeMutablePointer<z_stream>?

    /// `level` is honoured by zstd (default 3, 1...22) and gzip (default 6, 0...9) and ignored by
    /// the other codecs. LZO and BROTLI throw `unsupportedFeature`.
    public init(codec: CompressionCodec, level: Int32? = nil) throws {
        self.codec = codec
        switch codec {
        case .lzo, .brotli:
            throw TarnError.unsupported("\(codec.name) compression is not supported")
        case .zstd:
            let l = level ?? 3
            guard (1 ... 22).contains(l) else { throw TarnError.invalidArgument("ZSTD level \(l) is outside 1...22") }
            self.level = l
            guard let ctx = ZSTD_createCCtx() else { throw TarnError(.io, "ZSTD: cannot allocate a compression context") }
            zstdContext = ctx
        case .gzip:
            let l = level ?? 6
            guard (0 ... 9).contains(l) else { throw TarnError.invalidArgument("GZIP level \(l) is outside 0...9") }
            self.level = l
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            let rc = deflateInit2_(stream, l, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard rc == Z_OK else {
                stream.deallocate()
                throw TarnError(.io, "GZIP: deflateInit2 failed (\(rc))")
            }
            deflateStream = stream
        case .uncompressed, .snappy, .lz4, .lz4Raw:
            self.level = 0
        }
    }

    deinit {
        if let ctx = zstdContext { ZSTD_freeCCtx(ctx) }
        if let stream = deflateStream {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
    }

    /// Appends the compressed form of `input` to `output`. LZ4 (codec 5) writes one Hadoop frame
    /// `[u32 BE uncompressed][u32 BE compressed][lz4 block]`; LZ4_RAW a bare block; GZIP one gzip
    /// member; SNAPPY a raw snappy block; UNCOMPRESSED copies.
    public func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws {
        let src = CodecBuffers.base(input)
        switch codec {
        case .uncompressed:
            output.append(contentsOf: input)
        case .snappy:
            let bound = snappy_max_compressed_length(input.count)
            try CodecBuffers.append(to: &output, capacity: bound) { dst in
                var outLen = bound
                let rc = snappy_compress(src.assumingMemoryBound(to: CChar.self), input.count,
                                         dst.assumingMemoryBound(to: CChar.self), &outLen)
                guard rc == SNAPPY_OK else { throw TarnError(.io, "SNAPPY: compression failed (\(rc))") }
                return outLen
            }
        case .gzip:
            try compressGzip(src, count: input.count, appendingTo: &output)
        case .zstd:
            let bound = ZSTD_compressBound(input.count)
            try CodecBuffers.append(to: &output, capacity: bound) { dst in
                let r = ZSTD_compressCCtx(zstdContext, dst, bound, src, input.count, level)
                if ZSTD_isError(r) != 0 {
                    throw TarnError(.io, "ZSTD: compression failed: \(String(cString: ZSTD_getErrorName(r)))")
                }
                return r
            }
        case .lz4Raw:
            try compressLZ4Block(src, count: input.count, appendingTo: &output)
        case .lz4:
            let headerAt = output.count
            output.append(contentsOf: repeatElement(0, count: 8))
            try compressLZ4Block(src, count: input.count, appendingTo: &output)
            let compressed = UInt32(output.count - headerAt - 8)
            let uncompressed = UInt32(input.count)
            for i in 0 ..< 4 {
                output[headerAt + i] = UInt8(truncatingIfNeeded: uncompressed >> (24 - 8 * i))
                output[headerAt + 4 + i] = UInt8(truncatingIfNeeded: compressed >> (24 - 8 * i))
            }
        case .lzo, .brotli:
            throw TarnError.unsupported("\(codec.name) compression is not supported")
        }
    }

    private func compressLZ4Block(_ src: UnsafeRawPointer, count: Int, appendingTo output: inout [UInt8]) throws {
        guard count <= Int(LZ4_MAX_INPUT_SIZE) else {
            throw TarnError.invalidArgument("\(codec.name): input of \(count) bytes is too large for one LZ4 block")
        }
        let bound = Int(LZ4_compressBound(Int32(count)))
        try CodecBuffers.append(to: &output, capacity: bound) { dst in
            let n = LZ4_compress_default(src.assumingMemoryBound(to: CChar.self), dst.assumingMemoryBound(to: CChar.self),
                                         Int32(count), Int32(bound))
            guard n > 0 else { throw TarnError(.io, "\(codec.name): compression failed") }
            return Int(n)
        }
    }

    private func compressGzip(_ src: UnsafeRawPointer, count: Int, appendingTo output: inout [UInt8]) throws {
        guard let stream = deflateStream else { throw TarnError(.io, "GZIP: no deflate stream") }
        guard count <= Int(UInt32.max) else {
            throw TarnError.invalidArgument("GZIP: input of \(count) bytes is too large")
        }
        guard deflateReset(stream) == Z_OK else { throw TarnError(.io, "GZIP: deflateReset failed") }
        let bound = Int(deflateBound(stream, UInt(count)))
        guard bound <= Int(UInt32.max) else { throw TarnError.invalidArgument("GZIP: output too large") }
        try CodecBuffers.append(to: &output, capacity: bound) { dst in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: src.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = UInt32(count)
            stream.pointee.next_out = dst.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(bound)
            let rc = deflate(stream, Z_FINISH)
            defer { stream.pointee.next_in = nil; stream.pointee.next_out = nil }
            guard rc == Z_STREAM_END else { throw TarnError(.io, "GZIP: deflate failed (\(rc))") }
            return bound - Int(stream.pointee.avail_out)
        }
    }
}

extension Compressor {
    /// Returns the compressed form of `input`.
    public func compress(_ input: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        try input.withUnsafeBytes { try compress($0, appendingTo: &out) }
        return out
    }
}

/// Small helpers shared by the compressor and the decompressor.
enum CodecBuffers {
    /// A readable byte that stands in for the base address of an empty buffer (C APIs want non-null).
    nonisolated(unsafe) static let emptyByte: UnsafeMutableRawPointer = {
        let p = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
        p.initializeMemory(as: UInt64.self, repeating: 0, count: 1)
        return p
    }()

    @inline(__always)
    static func base(_ buffer: UnsafeRawBufferPointer) -> UnsafeRawPointer {
        buffer.baseAddress ?? UnsafeRawPointer(emptyByte)
    }

    /// Grows `output` by `capacity` bytes, lets `body` write into them and return how many it
    /// wrote, then trims the rest. On a throw `output` is restored to its old length.
    static func append(to output: inout [UInt8], capacity: Int,
                       _ body: (UnsafeMutableRawPointer) throws -> Int) throws {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: capacity))
        do {
            let written = try output.withUnsafeMutableBytes { raw -> Int in
                let dst = raw.baseAddress.map { $0 + start } ?? emptyByte
                return try body(dst)
            }
            output.removeLast(capacity - min(written, capacity))
        } catch {
            output.removeLast(output.count - start)
            throw error
        }
    }
}
