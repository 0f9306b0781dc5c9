// Decompression: the reusable Decompressor for Parquet page codecs (see Compression.swift).
// Untrusted input: output is bounded by the caller's uncompressedSize, and any size mismatch or
// bad data throws TarnError.corruption naming the codec (offset 0 = start of the compressed input;
// callers relocate it with `located(file:base:)`). See protocol.md B7.

import CLZ4
import CSnappy
import CZlib
import CZstd
import Synchronization

/// Reusable decompressor (holds a ZSTD_DCtx / z_stream); not thread-safe: one thread uses it at a
/// time (unchecked Sendable so the shared pool can hand it from thread to thread).
public final class Decompressor: @unchecked Sendable {
    /// Idle decompressors: creating a ZSTD context per column chunk cost ~8 % of compacting many
    /// small files.
    private static let pool = Mutex<[Decompressor]>([])

    /// Runs `body` with a decompressor taken from a process-wide pool and returned afterwards.
    public static func withPooled<R>(_ body: (Decompressor) throws -> R) rethrows -> R {
        let d = pool.withLock { $0.popLast() } ?? Decompressor()
        defer { pool.withLock { if $0.count < 64 { $0.append(d) } } }
        return try body(d)
    }

    private var zstdContext: OpaquePointer?
    /// Heap-allocated because zlib keeps a pointer back to the stream: it must never move.
    private var inflateStream: UnsafeMutablePointer<z_stream>?

    public init() {}

    deinit {
        if let ctx = zstdContext { ZSTD_freeDCtx(ctx) }
        if let stream = inflateStream {
            inflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
    }

    /// Decompresses to exactly `uncompressedSize` bytes, allocating no more than that. GZIP
    /// accepts several concatenated members (and zlib streams). LZ4 (codec 5) reads Hadoop
    /// framing and falls back to a raw LZ4 block when the framing is inconsistent, as Arrow does.
    public func decompress(_ input: UnsafeRawBufferPointer, codec: CompressionCodec,
                           uncompressedSize: Int) throws -> [UInt8] {
        guard uncompressedSize >= 0 else {
            throw Self.corrupt(codec, "negative uncompressed size \(uncompressedSize)")
        }
        switch codec {
        case .lzo, .brotli:
            throw TarnError.unsupported("\(codec.name) decompression is not supported")
        case .uncompressed:
            guard input.count == uncompressedSize else {
                throw Self.corrupt(codec, "page holds \(input.count) bytes, expected \(uncompressedSize)")
            }
            return Array(input)
        default:
            break
        }
        if uncompressedSize == 0 && input.isEmpty { return [] }
        let src = CodecBuffers.base(input)
        try Self.precheck(codec, src, input.count, uncompressedSize)
        return try [UInt8](unsafeUninitializedCapacity: uncompressedSize) { buffer, initialized in
            let dst = buffer.baseAddress.map { UnsafeMutableRawPointer($0) } ?? CodecBuffers.emptyByte
            try decode(codec, src, input.count, dst, uncompressedSize)
            initialized = uncompressedSize
        }
    }

    /// Rejects sizes the input cannot possibly produce before anything is allocated, so a
    /// corrupt page header cannot make us allocate a huge buffer for a tiny page.
    private static func precheck(_ codec: CompressionCodec, _ src: UnsafeRawPointer, _ n: Int, _ cap: Int) throws {
        switch codec {
        case .snappy:
            var length = 0
            guard snappy_uncompressed_length(src.assumingMemoryBound(to: CChar.self), n, &length) == SNAPPY_OK else {
                throw corrupt(codec, "bad length header")
            }
            guard length == cap else { throw corrupt(codec, "block decodes to \(length) bytes, expected \(cap)") }
        case .zstd:
            try precheckZstd(src, n, cap)
        case .lz4, .lz4Raw:
            // An LZ4 sequence byte can expand to at most 255 output bytes.
            guard cap / 256 <= n else { throw corrupt(codec, "\(n) bytes cannot expand to \(cap)") }
        case .gzip:
            // Deflate expands at most 1032:1.
            guard cap / 1040 <= n else { throw corrupt(codec, "\(n) bytes cannot expand to \(cap)") }
        case .uncompressed, .lzo, .brotli:
            break
        }
    }

    /// Sums the content sizes the zstd frames declare; when every frame declares one, the sum
    /// must be `cap`. Otherwise bound the ratio: a 128 KiB RLE block costs at least 4 bytes.
    private static func precheckZstd(_ src: UnsafeRawPointer, _ n: Int, _ cap: Int) throws {
        var pos = 0
        var declared: UInt64 = 0
        var allKnown = true
        while pos < n {
            let frameSize = ZSTD_findFrameCompressedSize(src + pos, n - pos)
            guard ZSTD_isError(frameSize) == 0, frameSize > 0, frameSize <= n - pos else {
                throw corrupt(.zstd, "bad frame at byte \(pos)")
            }
            let size = ZSTD_getFrameContentSize(src + pos, n - pos)
            if size == UInt64.max - 1 { throw corrupt(.zstd, "bad frame header at byte \(pos)") }
            if size == UInt64.max {
                allKnown = false
            } else {
                let (sum, overflow) = declared.addingReportingOverflow(size)
                guard !overflow else { throw corrupt(.zstd, "frame sizes overflow") }
                declared = sum
            }
            pos += frameSize
        }
        if allKnown && declared != UInt64(cap) {
            throw corrupt(.zstd, "frames declare \(declared) bytes, expected \(cap)")
        }
        guard cap / 32768 <= n else { throw corrupt(.zstd, "\(n) bytes cannot expand to \(cap)") }
    }

    /// Fills exactly `cap` bytes at `dst` or throws.
    private func decode(_ codec: CompressionCodec, _ src: UnsafeRawPointer, _ n: Int,
                        _ dst: UnsafeMutableRawPointer, _ cap: Int) throws {
        switch codec {
        case .snappy: try decodeSnappy(src, n, dst, cap)
        case .gzip: try decodeGzip(src, n, dst, cap)
        case .zstd: try decodeZstd(src, n, dst, cap)
        case .lz4Raw:
            guard let r = Self.lz4Block(src, n, dst, cap), r == cap else {
                throw Self.corrupt(codec, "bad LZ4 block or size differs from the expected \(cap) bytes")
            }
        case .lz4:
            if Self.lz4Hadoop(src, n, dst, cap) { return }
            guard let r = Self.lz4Block(src, n, dst, cap), r == cap else {
                throw Self.corrupt(codec, "neither Hadoop-framed nor a raw LZ4 block of \(cap) bytes")
            }
        case .uncompressed, .lzo, .brotli:
            throw TarnError.unsupported("\(codec.name) decompression is not supported here")
        }
    }

    private func decodeSnappy(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutableRawPointer, _ cap: Int) throws {
        let input = src.assumingMemoryBound(to: CChar.self)
        var length = 0
        guard snappy_uncompressed_length(input, n, &length) == SNAPPY_OK else {
            throw Self.corrupt(.snappy, "bad length header")
        }
        guard length == cap else {
            throw Self.corrupt(.snappy, "block decodes to \(length) bytes, expected \(cap)")
        }
        var outLen = cap
        guard snappy_uncompress(input, n, dst.assumingMemoryBound(to: CChar.self), &outLen) == SNAPPY_OK,
              outLen == cap else {
            throw Self.corrupt(.snappy, "bad compressed data")
        }
    }

    private func decodeZstd(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutableRawPointer, _ cap: Int) throws {
        if zstdContext == nil { zstdContext = ZSTD_createDCtx() }
        guard let ctx = zstdContext else { throw TarnError(.io, "ZSTD: cannot allocate a decompression context") }
        let r = ZSTD_decompressDCtx(ctx, dst, cap, src, n)
        if ZSTD_isError(r) != 0 {
            throw Self.corrupt(.zstd, "\(String(cString: ZSTD_getErrorName(r))) (expected \(cap) bytes)")
        }
        guard r == cap else { throw Self.corrupt(.zstd, "decoded \(r) bytes, expected \(cap)") }
    }

    private func decodeGzip(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutableRawPointer, _ cap: Int) throws {
        guard n <= Int(UInt32.max), cap <= Int(UInt32.max) else {
            throw TarnError.unsupported("GZIP pages larger than 4 GiB are not supported")
        }
        let stream = try gzipStream()
        defer { stream.pointee.next_in = nil; stream.pointee.next_out = nil }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: src.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = UInt32(n)
        stream.pointee.next_out = dst.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(cap)
        while true {
            let rc = inflate(stream, Z_NO_FLUSH)
            if rc == Z_STREAM_END {
                if stream.pointee.avail_in == 0 { break }
                inflateReset(stream)  // another member follows
            } else if rc == Z_BUF_ERROR {
                let why = stream.pointee.avail_out == 0 ? "data is larger than the expected \(cap) bytes"
                                                        : "input is truncated"
                throw Self.corrupt(.gzip, why)
            } else if rc != Z_OK {
                let msg = stream.pointee.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw Self.corrupt(.gzip, msg)
            }
        }
        let written = cap - Int(stream.pointee.avail_out)
        guard written == cap else { throw Self.corrupt(.gzip, "decoded \(written) bytes, expected \(cap)") }
    }

    private func gzipStream() throws -> UnsafeMutablePointer<z_stream> {
        if let stream = inflateStream {
            guard inflateReset(stream) == Z_OK else { throw TarnError(.io, "GZIP: inflateReset failed") }
            return stream
        }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 32: maximum window, auto-detect gzip or zlib headers.
        let rc = inflateInit2_(stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deallocate()
            throw TarnError(.io, "GZIP: inflateInit2 failed (\(rc))")
        }
        inflateStream = stream
        return stream
    }

    /// Decodes one raw LZ4 block of at most `cap` bytes; nil on bad data or sizes beyond Int32.
    private static func lz4Block(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutableRawPointer, _ cap: Int) -> Int? {
        guard n <= Int(Int32.max), cap <= Int(Int32.max) else { return nil }
        let r = LZ4_decompress_safe(src.assumingMemoryBound(to: CChar.self), dst.assumingMemoryBound(to: CChar.self),
                                    Int32(n), Int32(cap))
        return r < 0 ? nil : Int(r)
    }

    /// Hadoop framing: repeated `[u32 BE uncompressed][u32 BE compressed][block]` that must cover
    /// the input exactly and produce exactly `cap` bytes. False if anything is inconsistent.
    private static func lz4Hadoop(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutableRawPointer, _ cap: Int) -> Bool {
        var inPos = 0
        var outPos = 0
        while n - inPos >= 8 {
            let expected = Int(readBE32(src + inPos))
            let compressed = Int(readBE32(src + inPos + 4))
            inPos += 8
            guard compressed <= n - inPos, expected <= cap - outPos else { return false }
            guard let r = lz4Block(src + inPos, compressed, dst + outPos, expected), r == expected else { return false }
            inPos += compressed
            outPos += expected
        }
        return inPos == n && outPos == cap
    }

    @inline(__always)
    private static func readBE32(_ p: UnsafeRawPointer) -> UInt32 {
        UInt32(bigEndian: p.loadUnaligned(as: UInt32.self))
    }

    private static func corrupt(_ codec: CompressionCodec, _ message: String) -> TarnError {
        TarnError.corruption("\(codec.name): \(message)", offset: 0)
    }
}

extension Decompressor {
    /// Decompresses `input` to exactly `uncompressedSize` bytes.
    public func decompress(_ input: [UInt8], codec: CompressionCodec, uncompressedSize: Int) throws -> [UInt8] {
        try input.withUnsafeBytes { try decompress($0, codec: codec, uncompressedSize: uncompressedSize) }
    }
}
