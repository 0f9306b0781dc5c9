// FuzzDelta: the `log`, `checkpoint` and `deletionVector` targets. A commit is parsed and
// replayed into a TableState, then what its actions carry (schema, protocol checks, partition
// values, stats, DV descriptors and inline DVs) is decoded. DV bytes go through the file reader,
// the Roaring decoders and Z85.
import TarnCodecs
import TarnColumnar
import TarnDelta
import TarnParquet

enum FuzzDelta {
    /// The `log` target.
    static func log(_ bytes: [UInt8]) throws {
        let actions = try ActionCodec.parseCommit(bytes, file: "00000000000000000000.json")
        replay(actions)
    }

    /// The `checkpoint` target.
    static func checkpoint(_ bytes: [UInt8]) throws {
        let file = try ParquetFile(source: MemorySource(bytes, name: "00000000000000000010.checkpoint.parquet"))
        replay(try CheckpointReader.actions(parquet: file))
    }

    /// Applies `actions` to an empty state and decodes what the resulting state refers to.
    static func replay(_ actions: [Action]) {
        var state = TableState()
        state.apply(actions)
        state.expireTombstones(before: 0)
        if let p = state.protocolAction {
            attempt { try TableFeatures.checkRead(p, table: "fuzz") }
            if let m = state.metadata { attempt { try TableFeatures.checkWrite(p, m, table: "fuzz") } }
        }
        var schema: StructType?
        if let m = state.metadata {
            attempt { schema = try m.schema() }
            let properties = TableProperties(m.configuration)
            _ = (properties.checkpointInterval, properties.logRetentionMillis, properties.deletedFileRetentionMillis)
            _ = properties.dataSkippingStatsColumns
        }
        for add in state.files.values.prefix(64) { decode(add, schema: schema, partitions: state.metadata?.partitionColumns ?? []) }
    }

    /// Decodes one file's stats, partition values and deletion vector.
    static func decode(_ add: AddFile, schema: StructType?, partitions: [String]) {
        let stats = DeltaStats.parse(add.stats)
        if let schema {
            for field in schema.fields.prefix(16) {
                _ = stats?.columnStatistics([field.name], field.type)
                if partitions.contains(field.name), let raw = add.partitionValues[field.name] {
                    attempt { _ = try PartitionValues.parse(raw, field.type, column: field.name) }
                }
            }
        }
        guard let dv = add.deletionVector else { return }
        attempt { _ = try dv.relativePath() }
        attempt { _ = try dv.absolutePath(tableRoot: "/tmp/fuzz-table") }
        if dv.isInline {
            attempt { exercise(try DeletionVectorFile.readInline(dv)) }
        } else {
            attempt { _ = try DeletionVectorFile.byteRange(of: dv) }
        }
    }

    /// The `deletionVector` target. A first byte 1 marks a DV file (version byte, then framed
    /// bitmaps); the bitmap bytes inside are also decoded directly, so mutations reach the Roaring
    /// decoder without having to fix the CRC. Every input is also tried as bitmap bytes and as Z85.
    static func deletionVector(_ bytes: [UInt8]) throws {
        if bytes.first == DeletionVectorFile.formatVersion, bytes.count >= 5 {
            let size = UInt32(bytes[1]) << 24 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 8 | UInt32(bytes[4])
            let descriptor = DeletionVectorDescriptor(storageType: .relativePath, pathOrInlineDv: "ab^-aqEH.-t@S}K{vb[*k^",
                                                      offset: 1, sizeInBytes: Int32(truncatingIfNeeded: size), cardinality: 1)
            attempt { exercise(try DeletionVectorFile.read(descriptor, from: bytes, file: "fuzz.bin")) }
            let end = min(bytes.count, 5 + Int(size))
            attempt { exercise(try RoaringBitmap64(deltaBytes: bytes, start: 5, end: end, baseOffset: 0)) }
        }
        attempt { exercise(try RoaringBitmap64(deltaBytes: bytes)) }
        attempt { exercise(try RoaringBitmap64(portableBytes: bytes)) }
        let text = String(decoding: bytes, as: UTF8.self)
        attempt { _ = try Z85.decode(text) }
        attempt { _ = try Z85.decodeUUID(text) }
        let inline = DeletionVectorDescriptor(storageType: .inline, pathOrInlineDv: text, offset: nil,
                                              sizeInBytes: Int32(bytes.count / 5 * 4), cardinality: 1)
        attempt { exercise(try DeletionVectorFile.readInline(inline)) }
    }

    /// Uses a decoded bitmap the way a scan does, bounded in work.
    static func exercise(_ bitmap: RoaringBitmap64) {
        _ = (bitmap.cardinality, bitmap.minimum, bitmap.maximum, bitmap.containerKinds.count)
        for v in bitmap.prefix(256) { _ = bitmap.contains(v) }
        _ = bitmap.deletedRows(start: 0, count: 4096)
        _ = bitmap.deltaBytes()
    }
}
