// CheckpointWriter: a classic single-file Parquet checkpoint of a TableState (PROTOCOL.md
// "Checkpoints", schema as delta-rs writes it: protocol.md A10), plus the _last_checkpoint hint.
// Holds protocol, metaData, live adds, unexpired removes, txns and domain metadata; never
// commitInfo or cdc.
import TarnColumnar
import TarnParquet

public enum CheckpointWriter {
    static let stringMap = DataType.map(key: .string, value: .string, valueContainsNull: true)
    static let deletionVector = DataType.struct(StructType([
        StructField("storageType", .string, nullable: false), StructField("pathOrInlineDv", .string, nullable: false),
        StructField("offset", .integer), StructField("sizeInBytes", .integer, nullable: false),
        StructField("cardinality", .long, nullable: false),
    ]))

    public static let schema = StructType([
        StructField("protocol", .struct(StructType([
            StructField("minReaderVersion", .integer, nullable: false), StructField("minWriterVersion", .integer, nullable: false),
            StructField("readerFeatures", .array(element: .string, containsNull: false)),
            StructField("writerFeatures", .array(element: .string, containsNull: false)),
        ]))),
        StructField("metaData", .struct(StructType([
            StructField("id", .string, nullable: false), StructField("name", .string), StructField("description", .string),
            StructField("format", .struct(StructType([StructField("provider", .string, nullable: false), StructField("options", stringMap)])), nullable: false),
            StructField("schemaString", .string, nullable: false),
            StructField("partitionColumns", .array(element: .string, containsNull: false), nullable: false),
            StructField("createdTime", .long), StructField("configuration", stringMap),
        ]))),
        StructField("txn", .struct(StructType([
            StructField("appId", .string, nullable: false), StructField("version", .long, nullable: false), StructField("lastUpdated", .long),
        ]))),
        StructField("domainMetadata", .struct(StructType([
            StructField("domain", .string, nullable: false), StructField("configuration", .string, nullable: false),
            StructField("removed", .boolean, nullable: false),
        ]))),
        StructField("add", .struct(StructType([
            StructField("path", .string, nullable: false), StructField("partitionValues", stringMap, nullable: false),
            StructField("size", .long, nullable: false), StructField("modificationTime", .long, nullable: false),
            StructField("dataChange", .boolean, nullable: false), StructField("stats", .string), StructField("tags", stringMap),
            StructField("deletionVector", deletionVector), StructField("baseRowId", .long),
            StructField("defaultRowCommitVersion", .long), StructField("clusteringProvider", .string),
        ]))),
        StructField("remove", .struct(StructType([
            StructField("path", .string, nullable: false), StructField("deletionTimestamp", .long),
            StructField("dataChange", .boolean, nullable: false), StructField("extendedFileMetadata", .boolean),
            StructField("partitionValues", stringMap), StructField("size", .long), StructField("deletionVector", deletionVector),
            StructField("baseRowId", .long), StructField("defaultRowCommitVersion", .long),
        ]))),
    ])

    /// The checkpoint's rows: one action per row, in the column order of `schema`.
    public static func rows(_ state: TableState) -> [[Value]] {
        var rows: [[Value]] = []
        func row(_ column: Int, _ v: Value) {
            var r = [Value](repeating: .null, count: schema.fields.count)
            r[column] = v
            rows.append(r)
        }
        if let p = state.protocolAction {
            row(0, .structure([.int(Int64(p.minReaderVersion)), .int(Int64(p.minWriterVersion)),
                               p.readerFeatures.map { .array($0.map { .string($0) }) } ?? .null,
                               p.writerFeatures.map { .array($0.map { .string($0) }) } ?? .null]))
        }
        if let m = state.metadata {
            row(1, .structure([.string(m.id), opt(m.name), opt(m.description), .structure([.string(m.formatProvider), map(m.formatOptions)]),
                               .string(m.schemaString), .array(m.partitionColumns.map { .string($0) }), m.createdTime.map { .int($0) } ?? .null,
                               map(m.configuration)]))
        }
        for t in state.transactions.values.sorted(by: { $0.appId < $1.appId }) {
            row(2, .structure([.string(t.appId), .int(t.version), t.lastUpdated.map { .int($0) } ?? .null]))
        }
        for d in state.domains.values.sorted(by: { $0.domain < $1.domain }) {
            row(3, .structure([.string(d.domain), .string(d.configuration), .bool(d.removed)]))
        }
        for a in state.files.values.sorted(by: { $0.path < $1.path }) {
            row(4, .structure([.string(a.path), partition(a.partitionValues), .int(a.size), .int(a.modificationTime), .bool(a.dataChange),
                               opt(a.stats), a.tags.map(map) ?? .null, dv(a.deletionVector), a.baseRowId.map { .int($0) } ?? .null,
                               a.defaultRowCommitVersion.map { .int($0) } ?? .null, opt(a.clusteringProvider)]))
        }
        for r in state.tombstones.values.sorted(by: { $0.path < $1.path }) {
            row(5, .structure([.string(r.path), r.deletionTimestamp.map { .int($0) } ?? .null, .bool(r.dataChange),
                               r.extendedFileMetadata.map { .bool($0) } ?? .null, r.partitionValues.map(partition) ?? .null,
                               r.size.map { .int($0) } ?? .null, dv(r.deletionVector), r.baseRowId.map { .int($0) } ?? .null,
                               r.defaultRowCommitVersion.map { .int($0) } ?? .null]))
        }
        return rows
    }

    /// The checkpoint file bytes (zstd Parquet).
    public static func bytes(_ state: TableState) throws -> (bytes: [UInt8], actions: Int, adds: Int) {
        let rows = rows(state)
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: schema, options: WriterOptions(codec: .zstd))
        try writer.write(try RecordBatch(schema: schema, rows: rows))
        try writer.close()
        return (sink.bytes, rows.count, state.files.count)
    }

    /// `_last_checkpoint` content.
    public static func lastCheckpoint(version: Int64, actions: Int, sizeInBytes: Int, adds: Int) -> [UInt8] {
        Array(JSONValue.object([("version", .int(version)), ("size", .int(actions)), ("sizeInBytes", .int(sizeInBytes)),
                                ("numOfAddFiles", .int(adds))]).serialized().utf8)
    }

    private static func opt(_ s: String?) -> Value { s.map { .string($0) } ?? .null }
    private static func map(_ m: [String: String]) -> Value {
        .map(m.sorted { $0.key < $1.key }.map { Value.MapEntry(.string($0.key), .string($0.value)) })
    }
    private static func partition(_ m: [String: String?]) -> Value {
        .map(m.sorted { $0.key < $1.key }.map { Value.MapEntry(.string($0.key), $0.value.map { .string($0) } ?? .null) })
    }
    private static func dv(_ d: DeletionVectorDescriptor?) -> Value {
        guard let d else { return .null }
        return .structure([.string(d.storageType.rawValue), .string(d.pathOrInlineDv), d.offset.map { .int(Int64($0)) } ?? .null,
                           .int(Int64(d.sizeInBytes)), .int(d.cardinality)])
    }
}
