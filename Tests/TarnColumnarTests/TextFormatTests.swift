// Text formats: the schema-string parser (grammar, aliases, errors with positions), the CSV
// reader (RFC 4180 edge cases across chunk boundaries, casting, inference, errors naming the
// line and column), the JSON-lines reader (seeded round trips of RowJSON output, inference),
// and the CSV / table writers. Seeds are printed on failure (TARN_SEED=<n> re-runs one).
import Testing
import TarnColumnar
import TarnTestSupport

private func csv(_ text: String, schema: String? = nil, chunk: Int = 1 << 22, batchRows: Int = 65_536) throws -> (StructType, [[Value]]) {
    let s = try schema.map { try SchemaParser.parse($0) }
    let (out, batches) = try CSVReader.readAll(.text(text, chunkBytes: chunk), schema: s, batchRows: batchRows)
    return (out, batches.flatMap(\.rows))
}

private func jsonl(_ text: String, schema: String? = nil, chunk: Int = 1 << 22) throws -> (StructType, [[Value]]) {
    let s = try schema.map { try SchemaParser.parse($0) }
    let (out, batches) = try JSONLinesReader.readAll(.text(text, chunkBytes: chunk), schema: s)
    return (out, batches.flatMap(\.rows))
}

private func error(_ body: () throws -> Void) -> TarnError? {
    do { try body() } catch let e as TarnError { return e } catch { return nil }
    return nil
}

private func types(_ s: StructType) -> [String] { s.fields.map { "\($0.name) \($0.type)" } }

/// The umbrella suite (`swift test --filter TextFormatTests`).
@Suite struct TextFormatTests {}

extension TextFormatTests {
    @Suite struct SchemaParserTests {
        @Test func fullExample() throws {
            let s = try SchemaParser.parse("id long, name string not null, price decimal(10,2), tags array<string>, "
                + "attrs map<string,int>, pos struct<x: double, y: double>")
            #expect(s == StructType([
                StructField("id", .long), StructField("name", .string, nullable: false),
                StructField("price", .decimal(precision: 10, scale: 2)),
                StructField("tags", .array(element: .string, containsNull: true)),
                StructField("attrs", .map(key: .string, value: .integer, valueContainsNull: true)),
                StructField("pos", .struct(StructType([StructField("x", .double), StructField("y", .double)]))),
            ]))
        }

        @Test func aliasesCaseAndQuoting() throws {
            let s = try SchemaParser.parse("a INT, b BigInt NOT NULL, c bool, d tinyint, e smallint, f real, g float8, "
                + "h varchar(20), `weird name, with ``ticks```: timestamp_ntz, i numeric(38, 10), j decimal, k text, l bytes,")
            #expect(types(s) == ["a integer", "b long", "c boolean", "d byte", "e short", "f float", "g double", "h string",
                                 "weird name, with `ticks` timestamp_ntz", "i decimal(38,10)", "j decimal(10,0)", "k string", "l binary"])
            #expect(s.fields[1].nullable == false)
            let nested = try SchemaParser.parse("x array<int not null>, y map<date, struct<`a b` long not null> not null>")
            #expect(nested.fields[0].type == .array(element: .integer, containsNull: false))
            #expect(nested.fields[1].type == .map(key: .date, value: .struct(StructType([StructField("a b", .long, nullable: false)])),
                                                  valueContainsNull: false))
        }

        @Test(arguments: [
            ("id lng", "position 4", "unknown type 'lng'"),
            ("id long,, x int", "position 9", "expected a column name"),
            ("a array<int", "at the end", "'>'"),
            ("a map<string>", "position 13", "','"),
            ("a decimal(40,2)", "position 3", "precision"),
            ("a int, A long", "position 8", "duplicate column name 'A'"),
            ("a int not", "at the end", "NULL after NOT"),
            ("`open int", "position 1", "unterminated"),
            ("", "at the end", "no fields"),
            ("a int b long", "position 7", "expected ','"),
            ("a struct<>", "position 3", "at least one field"),
        ])
        func errorsNamePositions(input: String, position: String, fragment: String) {
            let e = error { _ = try SchemaParser.parse(input) }
            #expect(e?.code == .invalidArgument, "\(input)")
            #expect(e?.message.contains(position) == true, "\(input): \(e?.message ?? "no error")")
            #expect(e?.message.contains(fragment) == true, "\(input): \(e?.message ?? "no error")")
        }

        @Test func formatParsesBack() throws {
            for seed in SeededRandom.seeds(count: 200, base: 77) {
                var rng = SeededRandom(seed: seed)
                let schema = RandomData.schema(&rng)
                let text = SchemaParser.format(schema)
                #expect(try SchemaParser.parse(text) == schema, "seed \(seed): \(text)")
            }
            let odd = StructType([StructField("not", .long), StructField("a`b c", .string, nullable: false)])
            #expect(try SchemaParser.parse(SchemaParser.format(odd)) == odd)
        }
    }
}

extension TextFormatTests {
    @Suite struct CSVReaderTests {
        static let tricky = "id,text,n\r\n1,\"a, b\",10\r\n2,\"say \"\"hi\"\"\",\r\n3,\"two\nlines\",-7\r\n\r\n4,plain,\"\"\n5,,0"

        @Test(arguments: [1, 2, 3, 5, 8, 1 << 20])
        func quotingNewlinesAndCRLFAcrossChunks(chunk: Int) throws {
            let (schema, rows) = try csv(Self.tricky, chunk: chunk, batchRows: 2)
            #expect(types(schema) == ["id long", "text string", "n long"])
            #expect(rows == [
                [.int(1), .string("a, b"), .int(10)],
                [.int(2), .string("say \"hi\""), .null],
                [.int(3), .string("two\nlines"), .int(-7)],
                [.int(4), .string("plain"), .null],
                [.int(5), .null, .int(0)],
            ])
        }

        @Test func bomLoneCRAndNoTrailingNewline() throws {
            let (schema, rows) = try csv("\u{FEFF}a,b\r1,x\r2,y")
            #expect(schema.fieldNames == ["a", "b"])
            #expect(rows == [[.int(1), .string("x")], [.int(2), .string("y")]])
            let (_, single) = try csv("v\n1\n\n3\n")
            #expect(single == [[.int(1)], [.null], [.int(3)]], "a blank line in a one-column file is a null")
        }

        @Test func inference() throws {
            let text = """
            l,d,b,dt,ts,tz,s,mixed,none,bits,special
            1,1.5,true,2024-01-01,2024-01-01T10:00:00,2024-01-01T10:00:00Z,x,1,,1,NaN
            -9223372036854775808,2,FALSE,1999-12-31,2024-01-01,2024-01-01 10:00:00+02:00,2,2.5e3,,0,-Infinity
            ,,,,,,,,,true,1e-3
            """
            let (schema, rows) = try csv(text)
            #expect(types(schema) == ["l long", "d double", "b boolean", "dt date", "ts timestamp_ntz", "tz timestamp",
                                      "s string", "mixed double", "none string", "bits string", "special double"])
            #expect(rows[1][0] == .int(.min))
            #expect(rows[1][5] == .timestamp(1_704_096_000_000_000))
            #expect(rows[0][10] == .double(.nan) && rows[1][10] == .double(-.infinity))
            #expect(rows[2].prefix(9).allSatisfy { $0 == .null })
        }

        @Test func castsWithSchema() throws {
            let text = "name,price,day,at,flag,raw,tags,extra\nx,12.50,2024-02-29,2024-02-29T23:59:59.123456Z,1,AAEC,\"[1,null]\",ignored\n\"\",-0.5,,,FALSE,\"\",[],\n"
            let (_, rows) = try csv(text, schema: "flag boolean, price decimal(5,2), name string not null, day date, at timestamp, "
                + "raw binary, tags array<int>")
            #expect(rows == [
                [.bool(true), .decimal(1250), .string("x"), .date(19782), .timestamp(1_709_251_199_123_456), .binary([0, 1, 2]),
                 .array([.int(1), .null])],
                [.bool(false), .decimal(-50), .string(""), .null, .null, .binary([]), .array([])],
            ])
        }

        @Test(arguments: [
            ("a,b\n1,2\n3\n", nil as String?, "line 3: 1 field, but the header has 2"),
            ("a,b\n1,\"open\n2,3\n", nil, "line 2: invalid CSV: unterminated quoted field"),
            ("a,b\n1,\"x\"y\n", nil, "line 2: invalid CSV: unexpected character after a closing quote"),
            ("a,b\n1,2\n1.5,2\n", "a long, b long", "line 3, column 'a': '1.5' is not a valid long"),
            ("a,b\n1,2\n\"x\ny\",300\n", "a string, b byte", "line 3, column 'b': '300' is not a valid byte"),
            ("a,b\n1,2\n", "a long, c long", "the schema's column 'c' is not in the CSV header"),
            ("a,b\n,2\n", "a long not null, b long", "line 2, column 'a': empty value (null) in a NOT NULL column"),
            ("a,b\n1,2.345\n", "a long, b decimal(5,2)", "line 2, column 'b': '2.345' is not a valid decimal(5,2)"),
            ("a,b\n1,{\"x\":1}\n", "a long, b struct<x: boolean>", "line 2, column 'b': at .x: expected true or false"),
            ("", nil, "needs a header row"),
            ("a,A\n1,2\n", nil, "duplicate column name 'A'"),
        ])
        func errorsNameLineAndColumn(text: String, schema: String?, fragment: String) {
            for chunk in [3, 1 << 20] {
                let e = error { _ = try csv(text, schema: schema, chunk: chunk) }
                #expect(e?.message.contains(fragment) == true, "\(e?.message ?? "no error") should contain \(fragment)")
                #expect(e?.file == "<memory>")
            }
        }

        @Test func manyBatches() throws {
            var text = "i,s\n"
            for i in 0 ..< 10_000 { text += "\(i),\"v\(i)\"\n" }
            let (_, batches) = try CSVReader.readAll(.text(text, chunkBytes: 1000), batchRows: 999)
            #expect(batches.map(\.count) == Array(repeating: 999, count: 10) + [10])
            #expect(batches.flatMap(\.rows).enumerated().allSatisfy { $1 == [.int(Int64($0)), .string("v\($0)")] })
        }

        @Test func writerRoundTripsRandomBatches() throws {
            for seed in SeededRandom.seeds(count: 60, base: 4242) {
                var rng = SeededRandom(seed: seed)
                let schema = RandomData.schema(&rng)
                let batch = try RandomData.batch(schema, count: Int.random(in: 0 ... 60, using: &rng), &rng)
                var out: [UInt8] = []
                CSVWriter.writeHeader(schema, into: &out)
                CSVWriter.writeRows(batch, into: &out)
                let chunk = rng.chance(0.5) ? Int.random(in: 1 ... 64, using: &rng) : 1 << 20
                do {
                    let (_, read) = try CSVReader.readAll(.bytes(out, chunkBytes: chunk), schema: schema, batchRows: 7)
                    let rows = read.flatMap(\.rows)
                    #expect(rows == batch.rows, "seed \(seed) schema \(SchemaParser.format(schema))")
                } catch {
                    Issue.record("seed \(seed) schema \(SchemaParser.format(schema)): \(error)")
                }
            }
        }
    }
}

extension TextFormatTests {
    @Suite struct JSONLinesTests {
        @Test func rowJSONRoundTripsRandomBatches() throws {
            for seed in SeededRandom.seeds(count: 150, base: 9001) {
                var rng = SeededRandom(seed: seed)
                let schema = RandomData.schema(&rng, columns: 1 ... 8)
                let batch = try RandomData.batch(schema, count: Int.random(in: 0 ... 80, using: &rng), &rng)
                var out: [UInt8] = []
                RowJSON.write(batch, into: &out)
                let chunk = rng.chance(0.5) ? Int.random(in: 1 ... 100, using: &rng) : 1 << 20
                do {
                    let (_, read) = try JSONLinesReader.readAll(.bytes(out, chunkBytes: chunk), schema: schema,
                                                                batchRows: Int.random(in: 1 ... 50, using: &rng))
                    let rows = read.flatMap(\.rows)
                    #expect(rows.count == batch.count, "seed \(seed)")
                    for (i, (a, b)) in zip(batch.rows, rows).enumerated() where a != b {
                        Issue.record("seed \(seed) row \(i): wrote \(a) read \(b); schema \(SchemaParser.format(schema))")
                        break
                    }
                } catch {
                    Issue.record("seed \(seed) schema \(SchemaParser.format(schema)): \(error)")
                }
            }
        }

        @Test func schemaMatchingByName() throws {
            let text = "{\"b\": 2, \"a\": \"x\", \"zz\": [1]}\n\n  \r\n{\"A\": \"y\"}\r\n{}"
            let (_, rows) = try jsonl(text, schema: "a string, b long")
            #expect(rows == [[.string("x"), .int(2)], [.string("y"), .null], [.null, .null]])
        }

        @Test func valueForms() throws {
            let line = #"{"f":"NaN","d":-0.0,"dec":"12.30","dec2":1e2,"ts":"2024-01-01T00:00:00+01:00","bin":"AP8=","#
                + #""m":{"k":1},"im":[{"key":3,"value":null}],"im2":{"4":true},"s":{"x":[1,2]}}"#
            let (_, rows) = try jsonl(line, schema: "f float, d double, dec decimal(6,2), dec2 decimal(6,2), ts timestamp, "
                + "bin binary, m map<string,long>, im map<int,boolean>, im2 map<int,boolean>, s struct<x: array<short>>")
            #expect(rows == [[.float(.nan), .double(-0.0), .decimal(1230), .decimal(10000), .timestamp(1_704_063_600_000_000),
                              .binary([0, 255]), .map([.init(.string("k"), .int(1))]), .map([.init(.int(3), .null)]),
                              .map([.init(.int(4), .bool(true))]), .structure([.array([.int(1), .int(2)])])]])
        }

        @Test func inference() throws {
            let text = """
            {"id": 1, "score": 2, "ok": true, "name": "a", "pos": {"x": 1}, "tags": [1, 2.5], "odd": 1}
            {"id": 2, "score": 2.5, "pos": {"y": "q"}, "tags": [], "odd": "one", "late": null}
            {"id": 3, "score": null, "ok": false, "name": null, "pos": null, "tags": null, "odd": {"k": [1]}, "late": [[true]]}
            """
            let (schema, rows) = try jsonl(text)
            #expect(types(schema) == ["id long", "score double", "ok boolean", "name string", "pos struct<x:long,y:string>",
                                      "tags array<double>", "odd string", "late array<array<boolean>>"])
            #expect(rows[0] == [.int(1), .double(2), .bool(true), .string("a"), .structure([.int(1), .null]),
                                .array([.double(1), .double(2.5)]), .string("1"), .null])
            #expect(rows[2][6] == .string("{\"k\":[1]}"))
            #expect(rows[2][7] == .array([.array([.bool(true)])]))
        }

        @Test(arguments: [
            ("{\"a\":1}\n{\"a\":2,}\n", nil as String?, "line 2: invalid JSON"),
            ("{\"a\":1}\n\n[1]\n", nil, "line 3: expected a JSON object"),
            ("{\"a\":1}\n{\"a\":\"x\"}\n", "a long", "line 2, field 'a': expected an integer for long, got \"x\""),
            ("{\"a\":1.5}\n", "a long", "line 1, field 'a': 1.5 is not a valid long"),
            ("{\"a\":300}\n", "a byte", "line 1, field 'a': 300 is not a valid byte"),
            ("{\"s\":{\"x\":[1,\"b\"]}}\n", "s struct<x: array<int>>", "line 1, field 's.x[1]': expected an integer"),
            ("{\"b\":1}\n", "a long not null", "line 1, field 'a': null (or missing) in a NOT NULL column"),
            ("{\"d\":\"1.234\"}\n", "d decimal(4,2)", "line 1, field 'd': '1.234' is not a decimal with at most 2 fractional digits"),
            ("{\"d\":\"2024-13-01\"}\n", "d date", "line 1, field 'd': '2024-13-01' is not a valid date"),
            ("{\"b\":\"@@\"}\n", "b binary", "is not valid base64"),
            ("{}\n{}\n", nil, "no fields to infer a schema from"),
        ])
        func errorsNameTheLine(text: String, schema: String?, fragment: String) {
            let e = error { _ = try jsonl(text, schema: schema, chunk: 4) }
            #expect(e?.message.contains(fragment) == true, "\(e?.message ?? "no error") should contain \(fragment)")
        }
    }
}

extension TextFormatTests {
    @Suite struct TextWriterTests {
        static func batch() throws -> RecordBatch {
            let schema = try SchemaParser.parse("id int, name string, price decimal(6,2), tags array<string>, raw binary")
            return try RecordBatch(schema: schema, rows: [
                [.int(1), .string("plain"), .decimal(150), .array([.string("a"), .string("b,c")]), .binary([1, 2, 3])],
                [.int(-20), .string("with \"quote\", comma"), .null, .null, .binary([])],
                [.null, .string(""), .decimal(-1), .array([]), .null],
                [.int(3), .string(String(repeating: "long text ", count: 10) + "\nnext"), .decimal(0), .null, .null],
            ])
        }

        @Test func csvQuotingAndNulls() throws {
            var out: [UInt8] = []
            let b = try Self.batch()
            CSVWriter.writeHeader(b.schema, into: &out)
            CSVWriter.writeRows(b, 0 ..< 3, into: &out)
            #expect(String(decoding: out, as: UTF8.self) == """
            id,name,price,tags,raw
            1,plain,1.50,"[""a"",""b,c""]",AQID
            -20,"with ""quote"", comma",,,""
            ,"",-0.01,[],

            """)
        }

        @Test func tableAlignsAndTruncates() throws {
            var t = TableFormatter(schema: try Self.batch().schema, maxCellWidth: 12)
            var out: [UInt8] = []
            t.write(try Self.batch(), into: &out)
            t.finish(into: &out)
            let lines = String(decoding: out, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines[0] == "  id | name         | price | tags        | raw")
            #expect(lines[1] == "-----+--------------+-------+-------------+-----")
            #expect(lines[2] == "   1 | plain        |  1.50 | [\"a\",\"b,c\"] | AQID")
            #expect(lines[3] == " -20 | with \"quote… |  null | null        |")
            #expect(lines[4] == "null |              | -0.01 | []          | null")
            #expect(lines[5] == "   3 | long text l… |  0.00 | null        | null")
            #expect(lines[6] == "(4 rows)")
        }
    }
}
