// DictionaryCodingTests: a low-cardinality byte column split over parts, held as codes, must
// gather exactly what Column.gather gathers from the plain parts (the oracle), nulls included;
// and columns with too many distinct values, or of other types, are not coded.
import Testing
import TarnColumnar
@testable import TarnParquet
import TarnTestSupport

@Suite struct DictionaryCodingTests {
    /// A string column of `n` rows drawn from `distinct` values ("" among them), with nulls when asked.
    static func part(_ n: Int, distinct: Int, nulls: Bool, _ rng: inout SeededRandom) -> Column {
        var offsets: [Int32] = [0], data: [UInt8] = []
        var validity = Bitmap(count: 0, value: false)
        for _ in 0 ..< n {
            let isNull = nulls && Int.random(in: 0 ..< 10, using: &rng) == 0
            validity.append(!isNull)
            if !isNull {
                let v = Int.random(in: 0 ..< distinct, using: &rng)
                data += v == 0 ? [] : Array("value-\(v)-\(String(repeating: "x", count: v % 13))".utf8)
            }
            offsets.append(Int32(data.count))
        }
        return Column(type: .string, count: n, validity: nulls ? validity : nil, storage: .bytes(offsets: offsets, data: data))
    }

    static func refs(_ parts: [Column], count: Int, _ rng: inout SeededRandom) -> PartRows {
        var part: [UInt16] = [], row: [Int32] = []
        let nonEmpty = parts.indices.filter { parts[$0].count > 0 }
        for _ in 0 ..< count {
            guard let p = nonEmpty.randomElement(using: &rng) else { break }
            part.append(UInt16(p))
            row.append(Int32.random(in: 0 ..< Int32(parts[p].count), using: &rng))
        }
        return PartRows(part: part, row: row)
    }

    @Test(arguments: [(1, false), (50, false), (50, true), (3000, true)])
    func gathersWhatThePlainPartsGather(distinct: Int, nulls: Bool) throws {
        var rng = SeededRandom(seed: UInt64(distinct * 2 + (nulls ? 1 : 0)))
        let parts = (0 ..< 7).map { i in DictionaryCodingTests.part(i == 3 ? 0 : 20_000 + i * 977, distinct: distinct, nulls: nulls, &rng) }
        let coded = try #require(DictionaryCoding.make(parts, minRowsPerEntry: 4))
        for n in [0, 1, 5_000] {
            let refs = DictionaryCodingTests.refs(parts, count: n, &rng)
            let want = try Column.gather(parts, refs)
            let got = coded.gatherWithCodes(refs).column
            #expect(got.count == want.count && got.validity == want.validity, "\(distinct) values, nulls \(nulls), \(n) rows")
            guard case let .bytes(o1, d1) = got.storage, case let .bytes(o2, d2) = want.storage else {
                Issue.record("not bytes")
                continue
            }
            #expect(o1 == o2 && d1 == d2, "\(distinct) values, nulls \(nulls), \(n) rows")
        }
    }

    @Test func manyDistinctValuesOrOtherTypesAreNotCoded() {
        var rng = SeededRandom(seed: 9)
        let few = DictionaryCodingTests.part(10_000, distinct: 20, nulls: false, &rng)
        let many = DictionaryCodingTests.part(10_000, distinct: 5_000, nulls: false, &rng)
        #expect(DictionaryCoding.make([few, few]) != nil)
        #expect(DictionaryCoding.make([few, many]) == nil)            // one part past 1 value per 16 rows
        #expect(DictionaryCoding.make([many], minRowsPerEntry: 1) != nil)
        #expect(DictionaryCoding.make([few, many], maxEntries: 100, minRowsPerEntry: 1) == nil)
        let ints = Column(type: .long, count: 3, validity: nil, storage: .int64([1, 2, 3]))
        #expect(DictionaryCoding.make([ints]) == nil)
        #expect(DictionaryCoding.make([]) == nil)
    }

    /// Writing a coded column from its codes must give the very bytes that hashing its values
    /// gives (dictionary entries in first-seen order either way), nulls, dictionary fallback and
    /// several row groups included.
    @Test(arguments: [(40, true, 1 << 20), (40, false, 1 << 20), (3000, true, 2_000)])
    func writingFromCodesGivesTheSameFile(distinct: Int, nulls: Bool, dictionaryLimit: Int) throws {
        var rng = SeededRandom(seed: UInt64(distinct + dictionaryLimit))
        let parts = (0 ..< 4).map { _ in DictionaryCodingTests.part(30_000, distinct: distinct, nulls: nulls, &rng) }
        let coded = try #require(DictionaryCoding.make(parts, minRowsPerEntry: 4))
        let schema = StructType([StructField("id", .long, nullable: false), StructField("s", .string, nullable: nulls)])
        var options = WriterOptions()
        options.dictionaryPageSizeLimitBytes = dictionaryLimit
        options.maxRowGroupRows = 50_000
        let plain = MemorySink(), fromCodes = MemorySink()
        let a = try ParquetWriter(sink: plain, schema: schema, options: options)
        let b = try ParquetWriter(sink: fromCodes, schema: schema, options: options)
        for chunk in 0 ..< 3 {
            let refs = DictionaryCodingTests.refs(parts, count: 40_000, &rng)
            let (column, codes) = coded.gatherWithCodes(refs)
            let ids = Column(type: .long, count: refs.count, validity: nil, storage: .int64((0 ..< refs.count).map { Int64(chunk * 40_000 + $0) }))
            let batch = RecordBatch(schema: schema, columns: [ids, column], count: refs.count)
            try a.write(batch)
            try b.write(batch, codes: [1: codes])
        }
        try a.close()
        try b.close()
        #expect(plain.bytes.count > 0 && plain.bytes == fromCodes.bytes, "\(plain.bytes.count) vs \(fromCodes.bytes.count) bytes")
    }
}
