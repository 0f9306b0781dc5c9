// Tests for the Parquet metadata model (Sources/TarnParquet/Metadata): seeded random round
// trips of every struct, the worked byte examples of protocol.md §B2, unknown-field skipping,
// required/negative/enum checks, truncation and bit-flip robustness, and a pyarrow footer.
// See apache/parquet-format parquet.thrift.

import Foundation
import Testing
import TarnCodecs
import TarnParquet

private typealias SeededGenerator = SplitMix64

/// Random metadata values.
private struct Gen {
    var rng: SeededGenerator

    mutating func bool() -> Bool { Bool.random(using: &rng) }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func i16() -> Int16 { Int16.random(in: .min ... .max, using: &rng) }
    mutating func i32() -> Int32 { pick([0, 1, -1, .max, .min, Int32.random(in: .min ... .max, using: &rng)]) }
    mutating func i64() -> Int64 { pick([0, -1, .max, .min, Int64.random(in: .min ... .max, using: &rng)]) }
    mutating func count32() -> Int32 { pick([0, 1, .max, Int32.random(in: 0 ... .max, using: &rng)]) }
    mutating func count64() -> Int64 { pick([0, 1, .max, Int64.random(in: 0 ... .max, using: &rng)]) }
    mutating func pick<T>(_ options: [T]) -> T { options[int(0 ... options.count - 1)] }

    mutating func bytes() -> [UInt8] { (0 ..< int(0 ... 20)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) } }
    mutating func string() -> String {
        let pieces = ["a", "id", "é", "列", "🙂", "x_y", " ", "\u{0}", "long_name_"]
        return (0 ..< int(0 ... 5)).map { _ in pick(pieces) }.joined()
    }

    mutating func maybe<T>(_ make: (inout Gen) -> T) -> T? { bool() ? make(&self) : nil }
    mutating func array<T>(_ max: Int, _ make: (inout Gen) -> T) -> [T] {
        (0 ..< int(0 ... max)).map { _ in make(&self) }
    }

    mutating func encoding() -> Encoding { Encoding(rawValue: pick([0, 2, 3, 8, 9, 42])) }
    mutating func pageType() -> PageType { PageType(rawValue: Int32(int(0 ... 4))) }

    mutating func timeUnit() -> TimeUnit { pick([.millis, .micros, .nanos, .unknown]) }
    mutating func logicalType() -> LogicalTypeAnnotation {
        let simple: [LogicalTypeAnnotation] = [.string, .map, .list, .enumType, .date, .unknown, .json,
                                               .bson, .uuid, .float16, .variant, .other(fieldId: 17),
                                               .other(fieldId: 19), .other(fieldId: 300)]
        switch int(0 ... 4) {
        case 0: return .decimal(scale: i32(), precision: i32())
        case 1: return .time(isAdjustedToUTC: bool(), unit: timeUnit())
        case 2: return .timestamp(isAdjustedToUTC: bool(), unit: timeUnit())
        case 3: return .integer(bitWidth: pick([8, 16, 32, 64, -1]), isSigned: bool())
        default: return pick(simple)
        }
    }

    mutating func schemaElement() -> SchemaElement {
        SchemaElement(type: maybe { $0.pick(PhysicalType.allCases) }, typeLength: maybe { $0.count32() },
                      repetitionType: maybe { $0.pick(Repetition.allCases) }, name: string(),
                      numChildren: maybe { $0.count32() },
                      convertedType: maybe { ConvertedType(rawValue: Int32($0.int(0 ... 22))) },
                      scale: maybe { $0.i32() }, precision: maybe { $0.i32() }, fieldId: maybe { $0.i32() },
                      logicalType: maybe { $0.logicalType() })
    }

    mutating func statistics() -> Statistics {
        Statistics(max: maybe { $0.bytes() }, min: maybe { $0.bytes() }, nullCount: maybe { $0.i64() },
                   distinctCount: maybe { $0.i64() }, maxValue: maybe { $0.bytes() },
                   minValue: maybe { $0.bytes() }, isMaxValueExact: maybe { $0.bool() },
                   isMinValueExact: maybe { $0.bool() }, nanCount: maybe { $0.i64() })
    }

    mutating func keyValue() -> KeyValue { KeyValue(key: string(), value: maybe { $0.string() }) }

    mutating func columnMetaData() -> ColumnMetaData {
        ColumnMetaData(
            type: pick(PhysicalType.allCases), encodings: array(4) { $0.encoding() },
            pathInSchema: array(3) { $0.string() }, codec: Int32(int(0 ... 7)), numValues: count64(),
            totalUncompressedSize: count64(), totalCompressedSize: count64(),
            keyValueMetadata: maybe { $0.array(2) { $0.keyValue() } }, dataPageOffset: count64(),
            indexPageOffset: maybe { $0.i64() }, dictionaryPageOffset: maybe { $0.i64() },
            statistics: maybe { $0.statistics() },
            encodingStats: maybe { $0.array(3) { $0.pageEncodingStats() } },
            bloomFilterOffset: maybe { $0.i64() }, bloomFilterLength: maybe { $0.i32() })
    }

    mutating func pageEncodingStats() -> PageEncodingStats {
        PageEncodingStats(pageType: pageType(), encoding: encoding(), count: count32())
    }

    mutating func columnChunk() -> ColumnChunk {
        ColumnChunk(filePath: maybe { $0.string() }, fileOffset: i64(), metaData: maybe { $0.columnMetaData() },
                    offsetIndexOffset: maybe { $0.i64() }, offsetIndexLength: maybe { $0.count32() },
                    columnIndexOffset: maybe { $0.i64() }, columnIndexLength: maybe { $0.count32() })
    }

    mutating func sortingColumn() -> SortingColumn {
        SortingColumn(columnIdx: i32(), descending: bool(), nullsFirst: bool())
    }

    mutating func rowGroup() -> RowGroup {
        RowGroup(columns: array(3) { $0.columnChunk() }, totalByteSize: count64(), numRows: count64(),
                 sortingColumns: maybe { $0.array(2) { $0.sortingColumn() } }, fileOffset: maybe { $0.i64() },
                 totalCompressedSize: maybe { $0.count64() }, ordinal: maybe { $0.i16() })
    }

    mutating func fileMetaData() -> FileMetaData {
        FileMetaData(version: pick([1, 2]), schema: array(6) { $0.schemaElement() }, numRows: count64(),
                     rowGroups: array(3) { $0.rowGroup() }, keyValueMetadata: maybe { $0.array(3) { $0.keyValue() } },
                     createdBy: maybe { $0.string() },
                     columnOrders: maybe { $0.array(4) { $0.pick([.typeOrder, .ieee754TotalOrder, .int96TimestampOrder, .unknown]) } })
    }

    mutating func dataPageHeader() -> DataPageHeader {
        DataPageHeader(numValues: count32(), encoding: encoding(), definitionLevelEncoding: encoding(),
                       repetitionLevelEncoding: encoding(), statistics: maybe { $0.statistics() })
    }

    mutating func dataPageHeaderV2() -> DataPageHeaderV2 {
        DataPageHeaderV2(numValues: count32(), numNulls: count32(), numRows: count32(), encoding: encoding(),
                         definitionLevelsByteLength: count32(), repetitionLevelsByteLength: count32(),
                         isCompressed: bool(), statistics: maybe { $0.statistics() })
    }

    mutating func pageHeader() -> PageHeader {
        PageHeader(type: pageType(), uncompressedPageSize: count32(), compressedPageSize: count32(),
                   crc: maybe { $0.i32() }, dataPageHeader: maybe { $0.dataPageHeader() },
                   dictionaryPageHeader: maybe {
                       DictionaryPageHeader(numValues: $0.count32(), encoding: $0.encoding(), isSorted: $0.maybe { $0.bool() })
                   },
                   dataPageHeaderV2: maybe { $0.dataPageHeaderV2() })
    }
}

private func encoded<T: CompactCodable>(_ value: T) -> [UInt8] {
    var w = CompactWriter()
    value.encode(&w)
    return w.bytes
}

private func decoded<T: CompactCodable>(_ type: T.Type, _ bytes: [UInt8], baseOffset: Int = 0) throws -> T {
    var r = CompactReader(bytes, baseOffset: baseOffset)
    let value = try T.decode(&r)
    #expect(r.remaining == 0, "\(T.self) left \(r.remaining) bytes")
    return value
}

private func thrown(_ body: () throws -> Void) -> TarnError? {
    do {
        try body()
        return nil
    } catch let e as TarnError {
        return e
    } catch {
        return nil
    }
}

private func bytes(_ hex: String) -> [UInt8] {
    hex.split(separator: " ").map { UInt8($0, radix: 16) ?? 0xEE }
}

/// Appends long-form fields of every wire type (ids 100...) before the final stop byte.
private func withUnknownFields(_ encodedStruct: [UInt8]) -> [UInt8] {
    var tail = CompactWriter()
    tail.writeStruct { w in
        w.writeFieldHeader(100, .i32)  // long form: delta > 15 from any known id
        w.writeI32(-7)
        w.field(101, bool: true)
        w.field(102, bool: false)
        w.field(103, i8: 3)
        w.field(104, i16: 300)
        w.field(105, i64: .max)
        w.field(106, double: 1.5)
        w.field(107, binary: [9, 9])
        w.field(108, strings: ["u", "v"])
        w.writeFieldHeader(109, .set)
        w.writeListHeader(.boolTrue, count: 2)
        w.writeBoolElement(true)
        w.writeBoolElement(false)
        w.writeFieldHeader(110, .map)
        w.writeMapHeader(key: .binary, value: .struct, count: 1)
        w.writeString("k")
        w.writeStruct { $0.field(1, i64s: [1, 2]) }
        w.writeFieldHeader(111, .struct)
        w.writeStruct { w in
            w.field(1, list: [KeyValue(key: "nested")])
            w.writeFieldHeader(2, .struct)
            w.writeStruct { $0.field(5, bool: true) }
        }
        w.writeFieldHeader(112, .uuid)
        (0 ..< 16).forEach { w.writeI8(Int8($0)) }
        w.writeFieldHeader(32767, .map)
        w.writeMapHeader(key: .i32, value: .i32, count: 0)
    }
    // tail = fields + stop; the original minus its stop byte, then the tail.
    return Array(encodedStruct.dropLast()) + tail.bytes
}

@Suite struct MetadataTests {
    static let iterations = 300

    /// Round-trips `make()` values: decode(encode(v)) == v, also with unknown fields appended.
    private func roundTrip<T: CompactCodable>(_ type: T.Type, _ make: (inout Gen) -> T) throws {
        let seed = UInt64.random(in: 0 ... .max)
        var g = Gen(rng: SeededGenerator(seed: seed))
        for i in 0 ..< Self.iterations {
            let value = make(&g)
            let bytes = encoded(value)
            let back = try decoded(T.self, bytes)
            #expect(back == value, "\(T.self) seed \(seed) iteration \(i)")
            let padded = try decoded(T.self, withUnknownFields(bytes))
            #expect(padded == value, "\(T.self) with unknown fields, seed \(seed) iteration \(i)")
            #expect(encoded(back) == bytes, "\(T.self) re-encoding, seed \(seed) iteration \(i)")
        }
    }

    // MARK: Round trips

    @Test func roundTripSchemaElement() throws { try roundTrip(SchemaElement.self) { $0.schemaElement() } }
    @Test func roundTripLogicalType() throws { try roundTrip(LogicalTypeAnnotation.self) { $0.logicalType() } }
    @Test func roundTripTimeUnit() throws { try roundTrip(TimeUnit.self) { $0.timeUnit() } }
    @Test func roundTripStatistics() throws { try roundTrip(Statistics.self) { $0.statistics() } }
    @Test func roundTripKeyValue() throws { try roundTrip(KeyValue.self) { $0.keyValue() } }
    @Test func roundTripSortingColumn() throws { try roundTrip(SortingColumn.self) { $0.sortingColumn() } }
    @Test func roundTripPageEncodingStats() throws { try roundTrip(PageEncodingStats.self) { $0.pageEncodingStats() } }
    @Test func roundTripColumnMetaData() throws { try roundTrip(ColumnMetaData.self) { $0.columnMetaData() } }
    @Test func roundTripColumnChunk() throws { try roundTrip(ColumnChunk.self) { $0.columnChunk() } }
    @Test func roundTripRowGroup() throws { try roundTrip(RowGroup.self) { $0.rowGroup() } }
    @Test func roundTripFileMetaData() throws { try roundTrip(FileMetaData.self) { $0.fileMetaData() } }
    @Test func roundTripDataPageHeader() throws { try roundTrip(DataPageHeader.self) { $0.dataPageHeader() } }
    @Test func roundTripDataPageHeaderV2() throws { try roundTrip(DataPageHeaderV2.self) { $0.dataPageHeaderV2() } }
    @Test func roundTripPageHeader() throws { try roundTrip(PageHeader.self) { $0.pageHeader() } }

    @Test func roundTripColumnOrder() throws {
        try roundTrip(ColumnOrder.self) { $0.pick([.typeOrder, .ieee754TotalOrder, .int96TimestampOrder, .unknown]) }
    }

    @Test func roundTripDictionaryPageHeader() throws {
        try roundTrip(DictionaryPageHeader.self) {
            DictionaryPageHeader(numValues: $0.count32(), encoding: $0.encoding(), isSorted: $0.maybe { $0.bool() })
        }
    }

    @Test func byteEntryPointsRoundTrip() throws {
        var g = Gen(rng: SeededGenerator(seed: 42))
        let meta = g.fileMetaData()
        #expect(try FileMetaData.decode(bytes: meta.serialized(), baseOffset: 4) == meta)
        let header = g.pageHeader()
        let prefix: [UInt8] = [0xAA, 0xBB, 0xCC]
        var buffer = prefix
        header.serialize(into: &buffer)
        #expect(Array(buffer.dropFirst(prefix.count)) == header.serialized())
        let body: [UInt8] = [1, 2, 3, 4]
        let all = buffer + body
        let (decodedHeader, length) = try PageHeader.decode(bytes: all, at: prefix.count, end: all.count, baseOffset: 1000)
        #expect(decodedHeader == header)
        #expect(length == header.serialized().count)
    }

    // MARK: Worked examples (protocol.md §B2)

    @Test func dataPageV1HeaderExample() throws {
        // uncompressed 20 (zigzag 40 = 0x28), compressed 18 (zigzag 36 = 0x24).
        let raw = bytes("15 00 15 28 15 24 2C 15 06 15 00 15 06 15 06 00 00")
        #expect(raw.count == 17)
        let (h, length) = try PageHeader.decode(bytes: raw + [0xFF, 0xFF], at: 0, end: raw.count + 2, baseOffset: 0)
        #expect(length == 17)
        let expected = PageHeader(type: .dataPage, uncompressedPageSize: 20, compressedPageSize: 18,
                                  dataPageHeader: DataPageHeader(numValues: 3, encoding: .plain,
                                                                 definitionLevelEncoding: .rle,
                                                                 repetitionLevelEncoding: .rle))
        #expect(h == expected)
        #expect(h.serialized() == raw)
    }

    @Test func timestampSchemaElementExample() throws {
        let raw = bytes("15 04 25 02 18 02 74 73 25 14 4C 8C 11 1C 2C 00 00 00 00 00")
        let e = try decoded(SchemaElement.self, raw)
        let expected = SchemaElement(type: .int64, repetitionType: .optional, name: "ts",
                                     convertedType: .timestampMicros,
                                     logicalType: .timestamp(isAdjustedToUTC: true, unit: .micros))
        #expect(e == expected)
        #expect(encoded(e) == raw)
    }

    @Test func stringSchemaElementExample() throws {
        // BYTE_ARRAY (6), OPTIONAL, name "s", then `25 00 4C 1C 00 00 00`.
        let raw = bytes("15 0C 25 02 18 01 73 25 00 4C 1C 00 00 00")
        let e = try decoded(SchemaElement.self, raw)
        #expect(e == SchemaElement(type: .byteArray, repetitionType: .optional, name: "s",
                                   convertedType: .utf8, logicalType: .string))
        #expect(encoded(e) == raw)
    }

    @Test func decimalSchemaElementExample() throws {
        let raw = bytes("15 04 25 02 18 03 64 65 63 25 0A 15 04 15 14 2C 5C 15 04 15 14 00 00 00")
        let e = try decoded(SchemaElement.self, raw)
        #expect(e == SchemaElement(type: .int64, repetitionType: .optional, name: "dec",
                                   convertedType: .decimal, scale: 2, precision: 10,
                                   logicalType: .decimal(scale: 2, precision: 10)))
        #expect(encoded(e) == raw)
    }

    @Test func footerPrefixExample() throws {
        // protocol.md §B1: version=1; schema list<struct> of 25; root "arrow_schema" with 17 children.
        let raw = bytes("15 02 19 FC 19 48 0C") + Array("arrow_schema".utf8) + bytes("15 22 00")
        var r = CompactReader(raw)
        try r.beginStruct()
        let f1 = try #require(try r.readFieldHeader())
        #expect(try r.i32(f1, "version") == 1)
        let f2 = try #require(try r.readFieldHeader())
        #expect(f2.id == 2 && f2.type == .list)
        // The list header claims 25 elements but only one follows: the bound rejects it...
        var bounded = r
        #expect(thrown { _ = try bounded.readListHeader() }?.code == .corruption)
        // ...so read the header bytes by hand and decode the root element.
        #expect(try r.readByte() == 0xFC)
        #expect(try r.readByte() == 25)
        let root = try SchemaElement.decode(&r)
        #expect(root == SchemaElement(name: "arrow_schema", numChildren: 17))
    }

    // MARK: Validation

    @Test func missingRequiredFieldsNameStructAndField() throws {
        let cases: [(String, () throws -> Void)] = [
            ("SchemaElement.name", { _ = try decoded(SchemaElement.self, bytes("15 04 00")) }),
            ("FileMetaData.version", { _ = try decoded(FileMetaData.self, bytes("00")) }),
            ("FileMetaData.row_groups", { _ = try decoded(FileMetaData.self, bytes("15 02 19 0C 16 00 00")) }),
            ("KeyValue.key", { _ = try decoded(KeyValue.self, bytes("28 01 61 00")) }),
            ("PageHeader.compressed_page_size", { _ = try decoded(PageHeader.self, bytes("15 00 15 02 00")) }),
            ("DataPageHeader.encoding", { _ = try decoded(DataPageHeader.self, bytes("15 02 00")) }),
            ("ColumnMetaData.encodings", { _ = try decoded(ColumnMetaData.self, bytes("15 02 00")) }),
            ("ColumnMetaData.data_page_offset", { _ = try decoded(ColumnMetaData.self, bytes("15 02 19 05 19 08 15 00 16 00 16 00 16 00 00")) }),
            ("DataPageHeaderV2.num_rows", { _ = try decoded(DataPageHeaderV2.self, bytes("15 02 15 00 00")) }),
            ("DecimalType.precision", { _ = try decoded(LogicalTypeAnnotation.self, bytes("5C 15 04 00 00")) }),
            ("TimestampType.unit", { _ = try decoded(LogicalTypeAnnotation.self, bytes("8C 11 00 00")) }),
            ("LogicalType", { _ = try decoded(LogicalTypeAnnotation.self, bytes("00")) }),
        ]
        for (field, body) in cases {
            let e = thrown(body)
            #expect(e?.code == .corruption, "\(field)")
            #expect(e?.message.contains(field) == true, "\(field): \(e?.message ?? "no error")")
        }
    }

    @Test func negativeSizesAreCorruption() throws {
        // zigzag(-1) = 0x01.
        let cases: [(String, () throws -> Void)] = [
            ("PageHeader.compressed_page_size", { _ = try decoded(PageHeader.self, bytes("15 00 15 02 15 01 00")) }),
            ("PageHeader.uncompressed_page_size", { _ = try decoded(PageHeader.self, bytes("15 00 15 01 15 02 00")) }),
            ("SchemaElement.num_children", { _ = try decoded(SchemaElement.self, bytes("48 01 61 15 01 00")) }),
            ("SchemaElement.type_length", { _ = try decoded(SchemaElement.self, bytes("25 01 00")) }),
            ("FileMetaData.num_rows", { _ = try decoded(FileMetaData.self, bytes("15 02 19 0C 16 01 00")) }),
            ("DataPageHeader.num_values", { _ = try decoded(DataPageHeader.self, bytes("15 01 00")) }),
            ("DataPageHeaderV2.num_nulls", { _ = try decoded(DataPageHeaderV2.self, bytes("15 00 15 01 00")) }),
            ("RowGroup.num_rows", { _ = try decoded(RowGroup.self, bytes("19 0C 16 00 16 01 00")) }),
            ("ColumnMetaData.num_values", { _ = try decoded(ColumnMetaData.self, bytes("56 01 00")) }),
        ]
        for (field, body) in cases {
            let e = thrown(body)
            #expect(e?.code == .corruption, "\(field)")
            #expect(e?.message.contains(field) == true, "\(field): \(e?.message ?? "no error")")
        }
    }

    @Test func strictAndTolerantEnums() throws {
        // Unknown physical type 8 and repetition 3 are corruption.
        let badType = thrown { _ = try decoded(SchemaElement.self, bytes("15 10 38 01 61 00")) }
        #expect(badType?.code == .corruption)
        #expect(badType?.message.contains("SchemaElement.type") == true)
        let badRep = thrown { _ = try decoded(SchemaElement.self, bytes("35 06 18 01 61 00")) }
        #expect(badRep?.code == .corruption)
        // Unknown encodings, page types and converted types are kept.
        let h = try decoded(PageHeader.self, bytes("15 0E 15 00 15 00 00"))
        #expect(h.type == PageType(rawValue: 7))
        let d = try decoded(DataPageHeader.self, bytes("15 00 15 54 15 06 15 06 00"))
        #expect(d.encoding.rawValue == 42)
        let c = try decoded(SchemaElement.self, bytes("48 01 61 25 64 00"))
        #expect(c.convertedType?.rawValue == 50)
    }

    @Test func unknownUnionMembersAreKept() throws {
        // LogicalType GEOMETRY (17) with crs "x": `0C 22 01 ...` in long form.
        let geometry = bytes("0C 22 18 01 78 00 00")
        #expect(try decoded(LogicalTypeAnnotation.self, geometry) == .other(fieldId: 17))
        // VARIANT with specification_version 1 (an i8): payload skipped.
        #expect(try decoded(LogicalTypeAnnotation.self, bytes("0C 20 13 01 00 00")) == .variant)
        // TimeUnit and ColumnOrder members this code does not know.
        #expect(try decoded(TimeUnit.self, bytes("4C 00 00")) == .unknown)
        #expect(try decoded(ColumnOrder.self, bytes("4C 00 00")) == .unknown)
        // ColumnMetaData fields 16 (size_statistics) and 17 (geospatial) are skipped.
        var g = Gen(rng: SeededGenerator(seed: 7))
        let meta = g.columnMetaData()
        var w = CompactWriter()
        w.writeStruct { w in
            w.field(1, enum: meta.type)
            w.field(2, enums: meta.encodings)
            w.field(3, strings: meta.pathInSchema)
            w.field(4, i32: meta.codec)
            w.field(5, i64: meta.numValues)
            w.field(6, i64: meta.totalUncompressedSize)
            w.field(7, i64: meta.totalCompressedSize)
            w.field(9, i64: meta.dataPageOffset)
            w.writeFieldHeader(16, .struct)
            w.writeStruct { w in
                w.field(1, i64: 10)
                w.field(2, i64s: [1, 2])
                w.field(3, i64s: [3])
            }
            w.writeFieldHeader(17, .struct)
            w.writeStruct { w in
                w.writeFieldHeader(1, .struct)
                w.writeStruct { w in (1 ... 4).forEach { w.field(Int16($0), double: Double($0)) } }
                w.listField(2, [Int32(1)], .i32) { $0.writeI32($1) }
            }
        }
        var expected = meta
        expected.keyValueMetadata = nil
        expected.indexPageOffset = nil
        expected.dictionaryPageOffset = nil
        expected.statistics = nil
        expected.encodingStats = nil
        expected.bloomFilterOffset = nil
        expected.bloomFilterLength = nil
        #expect(try decoded(ColumnMetaData.self, w.bytes) == expected)
    }

    @Test func encryptionAndExtensionFieldsAreSkipped() throws {
        let meta = FileMetaData(version: 1, schema: [SchemaElement(name: "schema", numChildren: 0)],
                                numRows: 0, rowGroups: [])
        var w = CompactWriter()
        w.writeStruct { w in
            w.field(1, i32: 1)
            w.field(2, list: meta.schema)
            w.field(3, i64: 0)
            w.field(4, list: [RowGroup]())
            w.writeFieldHeader(8, .struct)
            w.writeStruct { w in
                w.writeFieldHeader(1, .struct)
                w.writeStruct { w in
                    w.field(1, binary: [1, 2])
                    w.field(3, bool: true)
                }
            }
            w.field(9, binary: [7, 7, 7])
            w.field(32767, binary: [0xFF])
        }
        #expect(try decoded(FileMetaData.self, w.bytes) == meta)
    }

    // MARK: Robustness

    @Test func truncationAtEveryPositionThrows() throws {
        var g = Gen(rng: SeededGenerator(seed: 2024))
        var meta = g.fileMetaData()
        while meta.rowGroups.isEmpty { meta = g.fileMetaData() }
        let full = meta.serialized()
        for cut in 0 ..< full.count {
            let e = thrown { _ = try FileMetaData.decode(bytes: Array(full[..<cut]), baseOffset: 4) }
            #expect(e?.code == .corruption, "cut at \(cut) of \(full.count)")
            if let offset = e?.offset { #expect(offset >= 4 && offset <= 4 + cut, "cut at \(cut)") }
        }
        #expect(try FileMetaData.decode(bytes: full, baseOffset: 4) == meta)
    }

    @Test func randomByteCorruptionNeverTraps() throws {
        let seed = UInt64.random(in: 0 ... .max)
        var g = Gen(rng: SeededGenerator(seed: seed))
        for i in 0 ..< 300 {
            var raw = g.fileMetaData().serialized()
            for _ in 0 ... g.int(0 ... 3) where !raw.isEmpty {
                raw[g.int(0 ... raw.count - 1)] = UInt8(g.int(0 ... 255))
            }
            do {
                _ = try FileMetaData.decode(bytes: raw, baseOffset: 0)
            } catch let e as TarnError {
                #expect(e.code == .corruption, "seed \(seed) iteration \(i)")
            }
        }
    }

    @Test func deepNestingInMetadataThrows() throws {
        // FileMetaData with an unknown field 20 holding structs nested 200 deep.
        let raw = bytes("0C 28") + Array(repeating: 0x1C, count: 199) + Array(repeating: 0x00, count: 201)
        let e = thrown { _ = try FileMetaData.decode(bytes: raw, baseOffset: 0) }
        #expect(e?.code == .corruption)
        #expect(e?.message.contains("nesting") == true)
    }

    @Test func absurdListSizesInMetadataThrow() throws {
        // schema: list<struct> claiming 2^32 - 1 elements in a 9-byte footer.
        let raw = bytes("15 02 19 FC FF FF FF FF 0F 00")
        let e = thrown { _ = try FileMetaData.decode(bytes: raw, baseOffset: 100) }
        #expect(e?.code == .corruption)
        #expect(e?.offset == 103)
    }

    @Test func pageHeaderRangeIsChecked() throws {
        let raw = bytes("15 00 15 28 15 24 2C 15 06 15 00 15 06 15 06 00 00")
        let e = thrown { _ = try PageHeader.decode(bytes: raw, at: 0, end: 10, baseOffset: 50) }
        #expect(e?.code == .corruption)
        #expect((e?.offset ?? 0) >= 50 && (e?.offset ?? 100) <= 60)
        #expect(thrown { _ = try PageHeader.decode(bytes: raw, at: 5, end: 100, baseOffset: 0) }?.code == .corruption)
        #expect(thrown { _ = try PageHeader.decode(bytes: raw, at: -1, end: 10, baseOffset: 0) }?.code == .corruption)
    }

    // MARK: Interop

    @Test func decodesPyarrowFooter() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarn-thrift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.parquet").path
        let script = """
        import sys, pyarrow as pa, pyarrow.parquet as pq
        t = pa.table({
            "id": pa.array([1, 2, 3], pa.int64()),
            "name": pa.array(["a", "b", None], pa.string()),
            "ts": pa.array([1, 2, 3], pa.timestamp("us", tz="UTC")),
            "lst": pa.array([[1], [2, 3], []], pa.list_(pa.int32())),
        })
        pq.write_table(t, sys.argv[1])
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 with pyarrow is required for this test")

        let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        try #require(file.count > 12)
        let tail = file.count - 8
        #expect(Array(file.suffix(4)) == Array("PAR1".utf8))
        let length = Int(file[tail]) | Int(file[tail + 1]) << 8 | Int(file[tail + 2]) << 16 | Int(file[tail + 3]) << 24
        try #require(length > 0 && length <= tail - 4)
        let start = tail - length
        let meta = try FileMetaData.decode(bytes: Array(file[start ..< tail]), baseOffset: start)

        #expect(meta.numRows == 3)
        #expect(meta.schema.map(\.name) == ["schema", "id", "name", "ts", "lst", "list", "element"])
        #expect(meta.createdBy?.hasPrefix("parquet-cpp-arrow") == true)
        let leaves = meta.schema.filter { $0.numChildren == nil }.count
        #expect(leaves == 4)
        #expect(meta.columnOrders?.count == leaves)
        #expect(meta.schema[3].logicalType == .timestamp(isAdjustedToUTC: true, unit: .micros))
        #expect(meta.schema[2].logicalType == .string)
        #expect(meta.rowGroups.first?.columns.count == leaves)
        #expect(meta.rowGroups.first?.columns.last?.metaData?.pathInSchema == ["lst", "list", "element"])
        #expect(try FileMetaData.decode(bytes: meta.serialized(), baseOffset: 0) == meta)
    }
}
