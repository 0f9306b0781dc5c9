// DeletionVectorFile: reading and writing DV files (PROTOCOL.md, "Deletion Vector File Storage
// Format"): byte 0 is the format version 1, then per DV `u32 BE dataSize`, the bitmap bytes
// (magic + portable Roaring) and `u32 BE CRC-32` of them. Inline DVs are the Z85 of the bitmap
// bytes alone (zero-padded to a multiple of 4; sizeInBytes is the unpadded size), unframed.
// No I/O here: callers fetch the bytes (whole file or a range) and pass them in.

import CZlib
import TarnCodecs

public enum DeletionVectorFile {
    /// The only DV file format version.
    public static let formatVersion: UInt8 = 1

    /// CRC-32 (zlib polynomial) of `bytes[range]`.
    public static func crc32(_ bytes: [UInt8], _ range: Range<Int>) -> UInt32 {
        guard !range.isEmpty else { return 0 }
        return bytes.withUnsafeBufferPointer { p -> UInt32 in
            guard let base = p.baseAddress else { return 0 }
            var crc: UInt = CZlib.crc32(0, nil, 0)
            var at = range.lowerBound
            while at < range.upperBound {  // zlib takes uInt lengths; feed in ≤ 1 GiB chunks
                let n = min(range.upperBound - at, 1 << 30)
                crc = CZlib.crc32(crc, base + at, uInt(n))
                at += n
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }

    /// The byte range of the DV file a descriptor needs: 4 + sizeInBytes + 4 bytes at its offset
    /// (the offset defaults to 1, just after the version byte). Lets callers fetch only that range.
    public static func byteRange(of descriptor: DeletionVectorDescriptor) throws -> Range<Int> {
        guard !descriptor.isInline else {
            throw TarnError.invalidArgument("deletion vector \(descriptor.uniqueId) is inline and has no file range")
        }
        let offset = Int(descriptor.offset ?? 1)
        guard offset >= 1, descriptor.sizeInBytes >= 0 else {
            throw dvError(descriptor, "has an invalid offset or size")
        }
        return offset ..< offset + 8 + Int(descriptor.sizeInBytes)
    }

    /// Reads the DV `descriptor` names from the bytes of its file. `bytes` is either the whole
    /// file (`fileOffset` 0) or a range of it starting at file offset `fileOffset` (e.g. the one
    /// from `byteRange(of:)`). Checks the version (when byte 0 is present), the size, the CRC-32,
    /// and that the bitmap's cardinality equals the descriptor's.
    public static func read(_ descriptor: DeletionVectorDescriptor, from bytes: [UInt8], fileOffset: Int = 0,
                            file: String? = nil) throws -> RoaringBitmap64 {
        do {
            let range = try byteRange(of: descriptor)
            if fileOffset == 0, let first = bytes.first, first != formatVersion {
                throw TarnError.corruption("unsupported DV file format version \(first)", offset: 0)
            }
            let start = range.lowerBound - fileOffset
            guard start >= 0, start <= bytes.count else {
                throw TarnError.corruption("DV offset \(range.lowerBound) is outside the \(bytes.count) bytes given",
                                           offset: range.lowerBound)
            }
            var r = ByteReader(bytes, start: start, baseOffset: fileOffset)
            let sizeAt = r.absoluteOffset
            let dataSize = try r.readBE(UInt32.self)
            guard dataSize == UInt32(descriptor.sizeInBytes) else {
                throw TarnError.corruption("DV file says \(dataSize) bytes, descriptor says \(descriptor.sizeInBytes)",
                                           offset: sizeAt)
            }
            let dataStart = r.position
            try r.skip(Int(dataSize))
            let stored = try r.readBE(UInt32.self)
            let actual = crc32(bytes, dataStart ..< dataStart + Int(dataSize))
            guard stored == actual else {
                throw TarnError.corruption("DV checksum mismatch: stored \(hex(stored)), computed \(hex(actual))",
                                           offset: r.absoluteOffset - 4)
            }
            let bitmap = try RoaringBitmap64(deltaBytes: bytes, start: dataStart, end: dataStart + Int(dataSize),
                                             baseOffset: fileOffset)
            try checkCardinality(bitmap, descriptor)
            return bitmap
        } catch let e as TarnError {
            throw named(e, descriptor, file: file)
        }
    }

    /// Decodes an inline (`i`) DV: the Z85 text holds the bitmap bytes (magic + portable Roaring)
    /// padded to a multiple of 4; `sizeInBytes` is the unpadded length. Checks the cardinality.
    public static func readInline(_ descriptor: DeletionVectorDescriptor) throws -> RoaringBitmap64 {
        do {
            guard descriptor.isInline else {
                throw TarnError.invalidArgument("deletion vector is stored in a file, not inline")
            }
            let bytes = try Z85.decode(descriptor.pathOrInlineDv, byteCount: Int(descriptor.sizeInBytes))
            let bitmap = try RoaringBitmap64(deltaBytes: bytes)
            try checkCardinality(bitmap, descriptor)
            return bitmap
        } catch let e as TarnError {
            throw named(e, descriptor, file: nil)
        }
    }

    /// An inline descriptor for `bitmap`.
    public static func inlineDescriptor(for bitmap: RoaringBitmap64) throws -> DeletionVectorDescriptor {
        try checkWritable(bitmap)
        let bytes = bitmap.deltaBytes()
        guard let size = Int32(exactly: bytes.count) else {
            throw TarnError.invalidArgument("deletion vector of \(bytes.count) bytes is too large")
        }
        return DeletionVectorDescriptor(storageType: .inline, pathOrInlineDv: Z85.encodePadded(bytes), offset: nil,
                                        sizeInBytes: size, cardinality: Int64(bitmap.cardinality))
    }

    /// Builds a DV file holding `bitmaps` in order. Returns the file bytes and, per bitmap, a
    /// `u` descriptor naming `deletion_vector_<uuid>.bin` under `<table root>/<prefix>`.
    public static func write(_ bitmaps: [RoaringBitmap64], uuid: [UInt8], prefix: String = "") throws
        -> (bytes: [UInt8], descriptors: [DeletionVectorDescriptor]) {
        let (bytes, entries) = try write(bitmaps)
        let descriptors = try entries.map {
            try DeletionVectorDescriptor.relative(uuid: uuid, prefix: prefix, offset: $0.offset,
                                                  sizeInBytes: $0.sizeInBytes, cardinality: $0.cardinality)
        }
        return (bytes, descriptors)
    }

    /// Builds a DV file holding `bitmaps` in order; returns its bytes and each DV's offset, size
    /// and cardinality (for descriptors of any storage type, e.g. `p`).
    public static func write(_ bitmaps: [RoaringBitmap64]) throws
        -> (bytes: [UInt8], entries: [(offset: Int32, sizeInBytes: Int32, cardinality: Int64)]) {
        var out: [UInt8] = [formatVersion]
        var entries: [(offset: Int32, sizeInBytes: Int32, cardinality: Int64)] = []
        for bitmap in bitmaps {
            try checkWritable(bitmap)
            let data = bitmap.deltaBytes()
            guard let offset = Int32(exactly: out.count), let size = Int32(exactly: data.count),
                  out.count + 8 + data.count <= Int(Int32.max) else {
                throw TarnError.invalidArgument("deletion vector file would exceed 2 GiB")
            }
            out.appendBE(UInt32(data.count))
            let dataStart = out.count
            out.append(contentsOf: data)
            out.appendBE(crc32(out, dataStart ..< out.count))
            entries.append((offset, size, Int64(bitmap.cardinality)))
        }
        return (out, entries)
    }

    // MARK: Helpers

    /// Delta requires bucket keys with a clear top bit: row indexes below 2^63.
    private static func checkWritable(_ bitmap: RoaringBitmap64) throws {
        if let m = bitmap.maximum, m >= 1 << 63 {
            throw TarnError.invalidArgument("row index \(m) is too large for a deletion vector (must be < 2^63)")
        }
    }

    private static func checkCardinality(_ bitmap: RoaringBitmap64, _ d: DeletionVectorDescriptor) throws {
        let card = bitmap.cardinality
        guard Int64(card) == d.cardinality else {
            throw TarnError.corruption("bitmap holds \(card) rows, descriptor cardinality is \(d.cardinality)")
        }
    }

    private static func dvError(_ d: DeletionVectorDescriptor, _ message: String) -> TarnError {
        TarnError.corruption("deletion vector \(d.uniqueId) \(message)")
    }

    /// Prefixes the message with the DV's uniqueId and fills in the file.
    private static func named(_ e: TarnError, _ d: DeletionVectorDescriptor, file: String?) -> TarnError {
        var copy = e.located(file: file)
        if !copy.message.hasPrefix("deletion vector ") { copy.message = "deletion vector \(d.uniqueId): " + copy.message }
        return copy
    }

    private static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
}
