// FuzzBoundsTests: hand-made inputs that claim huge lengths, counts or nesting (a Thrift list of
// 2^31 elements, a page of 2^31 values, a Roaring bitmap of 2^32 containers, a DV of 2 GiB,
// 100,000-deep JSON and expressions) must be rejected with a TarnError quickly, without
// allocating what they claim or exhausting the stack.
import Foundation
import Testing
import TarnCodecs
import TarnColumnar
import TarnDelta
import TarnParquet
@testable import TarnFuzz

@Suite struct FuzzBoundsTests {
    /// Seconds a rejection may take in a debug build.
    static let quick = 1.0

    /// Runs `body`, which must throw a TarnError within `quick` seconds.
    func expectQuickRejection(_ what: String, _ body: () throws -> Void) {
        let started = ContinuousClock.now
        do {
            try body()
            Issue.record("\(what): accepted")
        } catch is TarnError {
        } catch {
            Issue.record("\(what): threw \(error), not a TarnError")
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        #expect(seconds < Self.quick, "\(what): took \(seconds) s")
    }

    @Test func thriftListOf2Pow31Elements() {
        // FileMetaData field 2 (schema, list<struct>) with a long-form list header of 2^31 elements.
        let bytes: [UInt8] = [0x15, 0x02, 0x29, 0xFC, 0x80, 0x80, 0x80, 0x80, 0x08, 0x18]
        expectQuickRejection("thrift list of 2^31 elements") { _ = try FileMetaData.decode(bytes: bytes, baseOffset: 0) }
        // A binary field claiming 2^31 bytes (key_value_metadata key).
        let binary: [UInt8] = [0x15, 0x02, 0x59, 0x1C, 0x18, 0x80, 0x80, 0x80, 0x80, 0x08, 0x41]
        expectQuickRejection("thrift binary of 2^31 bytes") { _ = try FileMetaData.decode(bytes: binary, baseOffset: 0) }
    }

    @Test func pageClaiming2Pow31Values() throws {
        // Prefix (see FuzzPages.Plan): int32, PLAIN, uncompressed, flag 16 (raw count) with 2^31 - 1 values.
        var prefix: [UInt8] = [1, 0, 0, 16, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0]
        let file = try #require(FuzzPages.build(prefix + [1, 0, 0, 0, 2, 0, 0, 0]))
        expectQuickRejection("page of 2^31 values") { _ = try ParquetFile(source: MemorySource(file)).readAll() }
        // The same claim on an optional column with v2 levels and a BYTE_ARRAY dictionary page.
        prefix = [6, 1, 0, 1 | 2 | 4 | 16, 0xFF, 0xFF, 0xFF, 0x7F, 0, 200, 8, 0, 2, 0, 0, 0]
        let dict = try #require(FuzzPages.build(prefix + [1, 0, 0, 0, 0x61, 0, 0, 0, 0xFF, 0xFF, 1, 0, 0, 0]))
        expectQuickRejection("dictionary page of 2^31 values") { _ = try ParquetFile(source: MemorySource(dict)).readAll() }
    }

    @Test func roaringBitmapClaiming2Pow32Containers() {
        let magic: [UInt8] = [0xD1, 0xD3, 0x39, 0x64]   // 1681511377 little-endian
        let count: [UInt8] = [0, 0, 0, 0, 1, 0, 0, 0]   // 2^32 32-bit bitmaps
        expectQuickRejection("roaring 2^32 bitmaps") { _ = try RoaringBitmap64(deltaBytes: magic + count + [0, 0, 0, 0]) }
        // One 32-bit bitmap whose header claims 2^31 containers.
        let inner: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x3A, 0x30, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F]
        expectQuickRejection("roaring 2^31 containers") { _ = try RoaringBitmap64(deltaBytes: magic + inner) }
    }

    @Test func deletionVectorClaiming2GiB() {
        let file: [UInt8] = [1, 0x7F, 0xFF, 0xFF, 0xFF, 0xD1, 0xD3, 0x39, 0x64]
        let d = DeletionVectorDescriptor(storageType: .relativePath, pathOrInlineDv: "ab^-aqEH.-t@S}K{vb[*k^", offset: 1,
                                         sizeInBytes: Int32.max, cardinality: 1)
        expectQuickRejection("DV file of 2 GiB") { _ = try DeletionVectorFile.read(d, from: file) }
        let inline = DeletionVectorDescriptor(storageType: .inline, pathOrInlineDv: "wi5b=", offset: nil, sizeInBytes: Int32.max,
                                              cardinality: 1)
        expectQuickRejection("inline DV of 2 GiB") { _ = try DeletionVectorFile.readInline(inline) }
    }

    @Test func deepJSONCommit() {
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        expectQuickRejection("100,000-deep JSON") { _ = try ActionCodec.parseCommit(deep, file: "0.json") }
        let object = Array(("{\"add\":" + String(repeating: "{\"a\":", count: 100_000)).utf8)
        expectQuickRejection("100,000-deep JSON object") { _ = try ActionCodec.parseCommit(object, file: "0.json") }
    }

    @Test func deepExpressions() {
        let n = 100_000
        let cases = [
            ("parentheses", String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n)),
            ("NOT chain", String(repeating: "NOT ", count: n) + "flag"),
            ("unary minus chain", String(repeating: "- ", count: n) + "1"),
            ("function nesting", String(repeating: "abs(", count: n) + "1" + String(repeating: ")", count: n)),
        ]
        for (what, text) in cases {
            expectQuickRejection(what) { _ = try ExprParser.parse(text) }
        }
    }

    /// A long flat chain parses (it is not nesting) but its tree is as deep as it is long, so
    /// binding and evaluating must not recurse once per term without a bound.
    @Test func longOperatorChainsBindOrReject() throws {
        let (schema, batch) = try #require(FuzzText.fixture)
        for op in [" + ", " AND ", " || ", " = "] {
            let text = Array(repeating: op == " AND " ? "flag" : "id", count: 100_000).joined(separator: op)
            let started = ContinuousClock.now
            do {
                _ = try ExprParser.parse(text).bind(to: schema).evaluate(batch)
            } catch is TarnError {}
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            #expect(seconds < 5 * Self.quick, "chain of 100,000 '\(op)': \(seconds) s")
        }
    }
}

/// Regressions for the expression depth bound (ExprSyntax.maxComposite) and the schema-type depth
/// bound (SchemaParser): found by FuzzBoundsTests.deepExpressions, which crashed with SIGSEGV.
@Suite struct FuzzDepthRegressionTests {
    @Test func deepTypesInSchemasAndCasts() {
        let deep = String(repeating: "array<", count: 100_000) + "long" + String(repeating: ">", count: 100_000)
        #expect(throws: TarnError.self) { _ = try SchemaParser.parseType(deep) }
        #expect(throws: TarnError.self) { _ = try ExprParser.parse("CAST(id AS \(deep))") }
        #expect(throws: TarnError.self) { _ = try ExprParser.parse("id::\(deep)") }
    }

    /// The deepest trees the bound lets through still bind, evaluate and free.
    @Test func expressionsJustUnderTheBoundWork() throws {
        let (schema, batch) = try #require(FuzzText.fixture)
        let chain = Array(repeating: "id", count: 900).joined(separator: " + ")
        // Model: row 0 has id 1, so the sum of 900 ids is 900; flag is true, false, null, true.
        #expect(try ExprParser.parse(chain).bind(to: schema).evaluate(batch).value(at: 0) == Value.int(900))
        let parens = String(repeating: "(", count: 120) + "flag" + String(repeating: ")", count: 120)
        #expect(try ExprParser.parse(parens).bindPredicate(to: schema).filter(batch).popcount == 2)
        let calls = String(repeating: "abs(", count: 120) + "id" + String(repeating: ")", count: 120)
        #expect(try ExprParser.parse(calls).bind(to: schema).evaluate(batch).value(at: 0) == Value.int(1))
        let nots = String(repeating: "NOT ", count: 999) + "flag"
        #expect(try ExprParser.parse(nots).bindPredicate(to: schema).filter(batch).popcount == 1)
        // A long IN list is flat: its items do not count towards the bound.
        let list = "id IN (" + (0 ..< 5000).map(String.init).joined(separator: ", ") + ")"
        #expect(try ExprParser.parse(list).bindPredicate(to: schema).filter(batch).popcount == 2)   // ids 1 and 2
    }
}
