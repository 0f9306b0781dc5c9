// Seeded round-trip property tests: random schemas (nested, nulls at every level) and sizes from
// empty to several row groups, through every codec with dictionary encoding on and off; the rows
// read back must equal the rows written, bit for bit. The seed is printed on failure.
import Testing
import TarnParquet
import TarnTestSupport

@Suite struct RoundTripTests {
    static let codecs: [CompressionCodec] = [.zstd, .snappy, .gzip, .lz4Raw, .lz4, .uncompressed]

    static func roundTrip(_ batches: [RecordBatch], schema: StructType, options: WriterOptions) throws -> [[Value]] {
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: schema, options: options)
        for b in batches { try writer.write(b) }
        try writer.close()
        let file = try ParquetFile(source: MemorySource(sink.bytes))
        #expect(file.schema == schema)
        return try file.readAll().flatMap(\.rows)
    }

    @Test(arguments: codecs, [true, false])
    func randomSchemas(codec: CompressionCodec, dictionary: Bool) throws {
        for seed in SeededRandom.seeds(count: 6, base: 1000 + UInt64(codec.rawValue) * 100 + (dictionary ? 1 : 0)) {
            var rng = SeededRandom(seed: seed)
            let schema = RandomData.schema(&rng)
            let sizes = [0, 1, Int.random(in: 2 ... 300, using: &rng), Int.random(in: 300 ... 1500, using: &rng)]
            for size in sizes {
                var options = WriterOptions(codec: codec)
                options.dictionaryEnabled = dictionary
                options.maxRowGroupRows = rng.chance(0.5) ? 257 : 1 << 20
                options.dataPageSizeBytes = rng.chance(0.5) ? 512 : 1 << 20
                options.dictionaryPageSizeLimitBytes = rng.chance(0.3) ? 256 : 1 << 20
                let batch = try RandomData.batch(schema, count: size, &rng)
                let written = batch.rows
                let read: [[Value]]
                do {
                    read = try Self.roundTrip([batch], schema: schema, options: options)
                } catch {
                    Issue.record("seed \(seed) size \(size): \(error)")
                    continue
                }
                #expect(read.count == written.count, "seed \(seed) size \(size)")
                for (i, (a, b)) in zip(written, read).enumerated() where a != b {
                    Issue.record("seed \(seed) size \(size) row \(i): wrote \(a) read \(b) schema \(schema.fields.map { "\($0.name) \($0.type)" })")
                    break
                }
            }
        }
    }

    @Test func manyBatchesSpanRowGroups() throws {
        var rng = SeededRandom(seed: 42)
        let schema = StructType([StructField("id", .long, nullable: false), StructField("s", .string),
                                 StructField("l", .array(element: .integer, containsNull: true))])
        var options = WriterOptions()
        options.maxRowGroupRows = 1000
        let batches = try (0 ..< 7).map { _ in try RandomData.batch(schema, count: 450, &rng) }
        let read = try Self.roundTrip(batches, schema: schema, options: options)
        #expect(read == batches.flatMap(\.rows))
        let sink = MemorySink()
        let w = try ParquetWriter(sink: sink, schema: schema, options: options)
        for b in batches { try w.write(b) }
        let meta = try w.close()
        #expect(meta.rowGroups.count == 4)
        #expect(meta.rowGroups.map(\.numRows) == [1000, 1000, 1000, 150])
    }
}
