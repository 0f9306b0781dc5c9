// Tarn → pyarrow: every file of Tarn's write matrix (every type, nested columns, nulls, each
// codec, dictionary on and off, several row groups and pages) is read by pyarrow with equal
// values and types, and with the statistics pyarrow exposes equal to the data.
import Foundation
import Testing
import TarnParquet
import TarnTestSupport

@Suite struct TarnWriteMatrixTests {
    static let codecs: [CompressionCodec] = [.uncompressed, .snappy, .gzip, .lz4, .lz4Raw, .zstd]

    static func matrixSchema() -> StructType {
        var fields = RandomData.primitiveTypes.enumerated().map { StructField("p\($0.offset)_\($0.element.description.filter(\.isLetter))", $0.element) }
        fields.append(StructField("required_long", .long, nullable: false))
        fields.append(StructField("list_int", .array(element: .integer, containsNull: true)))
        fields.append(StructField("list_str", .array(element: .string, containsNull: false)))
        fields.append(StructField("st", .struct(StructType([StructField("a", .long), StructField("b", .string),
                                                            StructField("c", .array(element: .double, containsNull: true))]))))
        fields.append(StructField("map_str_long", .map(key: .string, value: .long, valueContainsNull: true)))
        fields.append(StructField("map_int_str", .map(key: .integer, value: .string, valueContainsNull: true)))
        fields.append(StructField("list_struct", .array(element: .struct(StructType([StructField("x", .integer), StructField("y", .string)])), containsNull: true)))
        fields.append(StructField("list_list", .array(element: .array(element: .long, containsNull: true), containsNull: true)))
        return StructType(fields)
    }

    @Test func pyarrowReadsTarnsWriteMatrix() throws {
        let dir = try Peer.temporaryDirectory("tarn-write-matrix")
        defer { try? FileManager.default.removeItem(at: dir) }
        let schema = Self.matrixSchema()
        var count = 0
        for codec in Self.codecs {
            for dictionary in [true, false] {
                var rng = SeededRandom(seed: 500 + UInt64(codec.rawValue) * 2 + (dictionary ? 1 : 0))
                var options = WriterOptions(codec: codec)
                options.dictionaryEnabled = dictionary
                options.maxRowGroupRows = 700
                options.dataPageSizeBytes = 4096
                let batch = try RandomData.batch(schema, count: 1600, &rng)
                let name = "tarn-\(codec)-\(dictionary ? "dict" : "plain")"
                try Self.write(batch, schema: schema, options: options, to: dir.appendingPathComponent(name))
                count += 1
            }
        }
        // An all-null column, an empty file, a single row.
        var rng = SeededRandom(seed: 77)
        let nulls = try RandomData.batch(schema, count: 300, &rng, nullRate: 1.0)
        let nullable = StructType(schema.fields.filter(\.nullable))
        try Self.write(RecordBatch(schema: nullable, columns: nulls.columns.enumerated().filter { schema.fields[$0.offset].nullable }.map(\.element)),
                       schema: nullable, options: WriterOptions(), to: dir.appendingPathComponent("tarn-all-null"))
        try Self.write(try RandomData.batch(schema, count: 0, &rng), schema: schema, options: WriterOptions(), to: dir.appendingPathComponent("tarn-empty"))
        try Self.write(try RandomData.batch(schema, count: 1, &rng), schema: schema, options: WriterOptions(), to: dir.appendingPathComponent("tarn-one-row"))
        let report = try Peer.run(["check-tarn", dir.path])
        print("pyarrow check of \(count + 3) Tarn files: \(report.trimmingCharacters(in: .whitespacesAndNewlines))")
    }

    /// Writes NAME.parquet, NAME.jsonl (canonical rows) and NAME.schema.json.
    static func write(_ batch: RecordBatch, schema: StructType, options: WriterOptions, to base: URL) throws {
        let sink = MemorySink()
        let w = try ParquetWriter(sink: sink, schema: schema, options: options)
        try w.write(batch)
        try w.close()
        try Data(sink.bytes).write(to: base.appendingPathExtension("parquet"))
        var rows: [UInt8] = []
        RowJSON.write(batch, into: &rows)
        try Data(rows).write(to: base.appendingPathExtension("jsonl"))
        try Data(schema.jsonString.utf8).write(to: base.appendingPathExtension("schema.json"))
    }
}
