// Corrupt and truncated input: byte flips, truncation at every section boundary, and absurd
// lengths and counts in the footer and page headers must give a TarnError naming the file and an
// offset: never a crash, a hang, or a wrong-shaped result.
import Testing
import TarnParquet
import TarnTestSupport

@Suite struct CorruptionTests {
    static let name = "corrupt.parquet"

    /// A small file with flat, nullable, dictionary, nested columns and two row groups.
    static func sampleFile(codec: CompressionCodec) throws -> [UInt8] {
        var rng = SeededRandom(seed: 99)
        let schema = StructType([
            StructField("id", .long, nullable: false), StructField("s", .string), StructField("d", .decimal(precision: 30, scale: 3)),
            StructField("l", .array(element: .integer, containsNull: true)),
            StructField("m", .map(key: .string, value: .struct(StructType([StructField("x", .double)])), valueContainsNull: true)),
        ])
        var options = WriterOptions(codec: codec)
        options.maxRowGroupRows = 40
        options.dataPageSizeBytes = 200
        let sink = MemorySink()
        let w = try ParquetWriter(sink: sink, schema: schema, options: options)
        try w.write(try RandomData.batch(schema, count: 70, &rng))
        try w.close()
        return sink.bytes
    }

    /// Opens and fully reads `bytes`; returns the error if one was thrown. Any non-TarnError fails the test.
    static func readAll(_ bytes: [UInt8]) -> TarnError? {
        do {
            let f = try ParquetFile(source: MemorySource(bytes, name: name))
            for g in 0 ..< f.rowGroupCount { _ = try f.readRowGroup(g) }
            return nil
        } catch let e as TarnError {
            return e
        } catch {
            Issue.record("non-Tarn error \(error)")
            return nil
        }
    }

    static func expectLocated(_ e: TarnError?, _ context: String) {
        guard let e else { return }
        #expect(e.file == name, "\(context): \(e)")
        #expect(e.offset != nil, "\(context): \(e)")
    }

    /// Offsets where sections start: magic, each page header, each chunk, the footer, its length.
    static func boundaries(_ bytes: [UInt8]) throws -> [Int] {
        let f = try ParquetFile(source: MemorySource(bytes))
        var cuts: Set<Int> = [0, 1, 4, bytes.count - 8, bytes.count - 4, bytes.count - 1]
        for g in f.metadata.rowGroups {
            for c in g.columns {
                guard let m = c.metaData else { continue }
                var pos = Int(m.dictionaryPageOffset ?? m.dataPageOffset)
                let end = pos + Int(m.totalCompressedSize)
                while pos < end {
                    cuts.insert(pos)
                    let (h, len) = try PageHeader.decode(bytes: bytes, at: pos, end: bytes.count, baseOffset: 0)
                    cuts.insert(pos + len)
                    pos += len + Int(h.compressedPageSize)
                }
            }
        }
        let footerLength = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16
        cuts.insert(bytes.count - 8 - footerLength)
        return cuts.sorted()
    }

    @Test(arguments: [CompressionCodec.uncompressed, .zstd, .snappy])
    func truncationAtEverySectionBoundary(codec: CompressionCodec) throws {
        let bytes = try Self.sampleFile(codec: codec)
        #expect(Self.readAll(bytes) == nil)
        for cut in try Self.boundaries(bytes) where cut < bytes.count {
            let e = Self.readAll(Array(bytes[0 ..< cut]))
            #expect(e != nil, "truncated at \(cut) of \(bytes.count) read without error")
            Self.expectLocated(e, "cut \(cut)")
        }
    }

    @Test func truncatedFileWithRepairedFooterPointsPastTheEnd() throws {
        // Keep the footer but drop data: chunks then lie outside the file.
        let bytes = try Self.sampleFile(codec: .uncompressed)
        let footerLength = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8
        let footer = Array(bytes[(bytes.count - 8 - footerLength)...])
        let e = Self.readAll(Array(bytes[0 ..< 100]) + footer)
        #expect(e != nil)
        Self.expectLocated(e, "data dropped")
    }

    @Test(arguments: [CompressionCodec.uncompressed, .zstd])
    func byteFlipsNeverCrash(codec: CompressionCodec) throws {
        let bytes = try Self.sampleFile(codec: codec)
        for seed in SeededRandom.seeds(count: 600, base: 7) {
            var rng = SeededRandom(seed: seed)
            var copy = bytes
            for _ in 0 ..< Int.random(in: 1 ... 3, using: &rng) {
                let i = Int.random(in: 0 ..< copy.count, using: &rng)
                copy[i] ^= UInt8.random(in: 1 ... 255, using: &rng)
            }
            Self.expectLocated(Self.readAll(copy), "seed \(seed)")
        }
    }

    /// Rewrites the footer with `edit` applied to the metadata.
    static func withFooter(_ bytes: [UInt8], _ edit: (inout FileMetaData) -> Void) throws -> [UInt8] {
        let f = try ParquetFile(source: MemorySource(bytes))
        var meta = f.metadata
        edit(&meta)
        let footerLength = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16
        var out = Array(bytes[0 ..< bytes.count - 8 - footerLength])
        let footer = meta.serialized()
        out += footer
        out.appendLE(UInt32(footer.count))
        out += Array("PAR1".utf8)
        return out
    }

    @Test func absurdCountsInTheFooter() throws {
        let bytes = try Self.sampleFile(codec: .zstd)
        let edits: [(String, (inout FileMetaData) -> Void)] = [
            ("numValues", { $0.rowGroups[0].columns[0].metaData?.numValues = Int64.max / 2 }),
            ("totalCompressedSize", { $0.rowGroups[0].columns[1].metaData?.totalCompressedSize = Int64.max / 4 }),
            ("dataPageOffset", { $0.rowGroups[0].columns[1].metaData?.dataPageOffset = 1 << 40 }),
            ("negative offset", { $0.rowGroups[0].columns[2].metaData?.dataPageOffset = -5 }),
            ("numRows", { $0.rowGroups[0].numRows = 1 << 40 }),
            ("schema children", { $0.schema[0].numChildren = 1000 }),
            ("missing chunk", { $0.rowGroups[1].columns.removeLast() }),
            ("codec", { $0.rowGroups[0].columns[0].metaData?.codec = 99 }),
            ("flba width", { $0.schema[3].typeLength = 1 << 30 }),
        ]
        for (what, edit) in edits {
            let e = Self.readAll(try Self.withFooter(bytes, edit))
            #expect(e != nil, "\(what) was accepted")
            Self.expectLocated(e, what)
        }
        var huge = bytes
        huge.replaceSubrange(huge.count - 8 ..< huge.count - 4, with: [0xFF, 0xFF, 0xFF, 0x7F])
        Self.expectLocated(Self.readAll(huge), "footer length")
        #expect(Self.readAll(huge) != nil)
    }

    @Test func absurdPageHeaderSizes() throws {
        let bytes = try Self.sampleFile(codec: .uncompressed)
        let f = try ParquetFile(source: MemorySource(bytes))
        guard let m = f.metadata.rowGroups[0].columns[0].metaData else { Issue.record("no metadata"); return }
        let pos = Int(m.dictionaryPageOffset ?? m.dataPageOffset)
        let (h, len) = try PageHeader.decode(bytes: bytes, at: pos, end: bytes.count, baseOffset: 0)
        for edit in [{ (x: inout PageHeader) in x.uncompressedPageSize = Int32.max },
                     { (x: inout PageHeader) in x.compressedPageSize = Int32.max },
                     { (x: inout PageHeader) in x.dataPageHeader?.numValues = Int32.max; x.dictionaryPageHeader?.numValues = Int32.max }] {
            var header = h
            edit(&header)
            var copy = Array(bytes[0 ..< pos]) + header.serialized() + Array(bytes[(pos + len)...])
            // Keep the footer consistent: shift offsets after the edited header.
            let shift = header.serialized().count - len
            if shift != 0 {
                copy = try Self.withFooter(copy) { meta in
                    for g in meta.rowGroups.indices {
                        for c in meta.rowGroups[g].columns.indices {
                            guard var cm = meta.rowGroups[g].columns[c].metaData else { continue }
                            if cm.dataPageOffset > Int64(pos) { cm.dataPageOffset += Int64(shift) }
                            if let d = cm.dictionaryPageOffset, d > Int64(pos) { cm.dictionaryPageOffset = d + Int64(shift) }
                            if g == 0 && c == 0 { cm.totalCompressedSize += Int64(shift) }
                            meta.rowGroups[g].columns[c].metaData = cm
                        }
                    }
                }
            }
            let e = Self.readAll(copy)
            #expect(e != nil)
            Self.expectLocated(e, "page header edit")
        }
    }

    @Test func notParquetAtAll() {
        for bytes in [[UInt8](), Array("hello".utf8), Array("PAR1PAR1".utf8), Array(repeating: 0x50, count: 100)] {
            let e = Self.readAll(bytes)
            #expect(e?.code == .corruption)
            Self.expectLocated(e, "garbage")
        }
    }
}
