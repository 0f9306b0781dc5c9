// Evaluation tests on hand-written rows: three-valued logic, Spark non-ANSI arithmetic (wrapping,
// NULL on division by zero and decimal overflow), NaN ordering, LIKE, IN with NULL, CASE,
// CAST, functions, struct fields, filter / selection, and a batch that does not match.
import Testing
import TarnColumnar

extension ExpressionTests {
    @Suite struct Evaluation {
        static let schema = StructType([
            StructField("i", .integer), StructField("id", .long), StructField("d", .double), StructField("s", .string),
            StructField("p", .decimal(precision: 10, scale: 2)), StructField("a", .boolean), StructField("b", .boolean),
            StructField("day", .date), StructField("ts", .timestamp),
            StructField("st", .struct(StructType([StructField("x", .integer), StructField("y", .string)]))),
        ])

        static let rows: [[Value]] = [
            [.int(1), .int(10), .double(1.5), .string("apple"), .decimal(150), .bool(true), .bool(true), .date(19753),
             .timestamp(1_706_666_400_000_000), .structure([.int(7), .string("q")])],
            [.int(2147483647), .int(.max), .double(.nan), .string("Äpfel 🙂"), .decimal(-99), .bool(true), .bool(false), .date(0),
             .timestamp(-1), .null],
            [.null, .null, .null, .null, .null, .null, .bool(true), .null, .null, .structure([.null, .string("z")])],
            [.int(-7), .int(3), .double(-0.0), .string("a_b%c"), .decimal(0), .bool(false), .null, .date(-1),
             .timestamp(0), .structure([.int(-1), .null])],
        ]

        func batch() throws -> RecordBatch { try RecordBatch(schema: Evaluation.schema, rows: Evaluation.rows) }

        func eval(_ text: String) throws -> [Value] {
            try ExprParser.parse(text).bind(to: Evaluation.schema).evaluate(batch()).values
        }

        @Test func threeValuedLogic() throws {
            #expect(try eval("a AND b") == [.bool(true), .bool(false), .null, .bool(false)])
            #expect(try eval("a OR b") == [.bool(true), .bool(true), .bool(true), .null])
            #expect(try eval("NOT b") == [.bool(false), .bool(true), .bool(false), .null])
            #expect(try eval("a AND NULL") == [.null, .null, .null, .bool(false)])
            #expect(try eval("b OR NULL") == [.bool(true), .null, .bool(true), .null])
            #expect(try eval("i IS NULL") == [.bool(false), .bool(false), .bool(true), .bool(false)])
            #expect(try eval("i IS NOT NULL AND s IS NOT NULL") == [.bool(true), .bool(true), .bool(false), .bool(true)])
            #expect(try eval("i <=> NULL") == [.bool(false), .bool(false), .bool(true), .bool(false)])
            #expect(try eval("i <=> 1") == [.bool(true), .bool(false), .bool(false), .bool(false)])
            #expect(try eval("i = NULL") == [.null, .null, .null, .null])
        }

        @Test func arithmeticIsSparkNonANSI() throws {
            #expect(try eval("i + 1") == [.int(2), .int(-2147483648), .null, .int(-6)])
            #expect(try eval("id * 2") == [.int(20), .int(-2), .null, .int(6)])
            #expect(try eval("i / 0") == [.null, .null, .null, .null])
            #expect(try eval("i % 0") == [.null, .null, .null, .null])
            #expect(try eval("d / 0") == [.null, .null, .null, .null])
            #expect(try eval("i / 2") == [.double(0.5), .double(1073741823.5), .null, .double(-3.5)])
            #expect(try eval("i % 3") == [.int(1), .int(1), .null, .int(-1)])
            #expect(try eval("-i") == [.int(-1), .int(-2147483647), .null, .int(7)])
            #expect(try eval("p * p") == [.decimal(22500), .decimal(9801), .null, .decimal(0)])
            #expect(try eval("p / 3") == [.decimal(5_000_000_000_000), .decimal(-3_300_000_000_000), .null, .decimal(0)])
            #expect(try eval("1.00 / 3") == Array(repeating: .decimal(3_333_333_333_333), count: 4))
            #expect(try eval("p + 0.005") == [.decimal(1505), .decimal(-985), .null, .decimal(5)])
            #expect(try eval("99999999999999999999999999999999999999 * 10") == Array(repeating: .null, count: 4))
            #expect(try eval("day + 1") == [.date(19754), .date(1), .null, .date(0)])
            #expect(try eval("abs(i)") == [.int(1), .int(2147483647), .null, .int(7)])
        }

        @Test func comparisonsFollowSparkOrdering() throws {
            #expect(try eval("d > 1e300") == [.bool(false), .bool(true), .null, .bool(false)])
            #expect(try eval("d = CAST('NaN' AS double)") == [.bool(false), .bool(true), .null, .bool(false)])
            #expect(try eval("d = 0.0") == [.bool(false), .bool(false), .null, .bool(true)])
            #expect(try eval("s < 'b'") == [.bool(true), .bool(false), .null, .bool(true)])
            #expect(try eval("s >= 'Ä'") == [.bool(false), .bool(true), .null, .bool(false)])
            #expect(try eval("p > 1.4999") == [.bool(true), .bool(false), .null, .bool(false)])
            #expect(try eval("p = 1.5") == [.bool(true), .bool(false), .null, .bool(false)])
            #expect(try eval("day < '2000-01-01'") == [.bool(false), .bool(true), .null, .bool(true)])
            #expect(try eval("ts >= day") == [.bool(true), .bool(false), .null, .bool(true)])
            #expect(try eval("i BETWEEN 0 AND 10") == [.bool(true), .bool(false), .null, .bool(false)])
            #expect(try eval("i NOT BETWEEN 0 AND 10") == [.bool(false), .bool(true), .null, .bool(true)])
        }

        @Test func inLikeCaseCoalesce() throws {
            #expect(try eval("i IN (1, -7)") == [.bool(true), .bool(false), .null, .bool(true)])
            #expect(try eval("i IN (1, NULL)") == [.bool(true), .null, .null, .null])
            #expect(try eval("i NOT IN (1, NULL)") == [.bool(false), .null, .null, .null])
            #expect(try eval("i IN (1, 2, 3, 4, 5, 6, 2147483647)") == [.bool(true), .bool(true), .null, .bool(false)])
            #expect(try eval("s IN ('apple', 'x')") == [.bool(true), .bool(false), .null, .bool(false)])
            #expect(try eval("i IN (id, 1)") == [.bool(true), .bool(false), .null, .bool(false)])
            #expect(try eval("s LIKE 'a%'") == [.bool(true), .bool(false), .null, .bool(true)])
            #expect(try eval("s LIKE '_pfel _'") == [.bool(false), .bool(true), .null, .bool(false)])
            #expect(try eval("s LIKE 'a\\_b\\%c'") == [.bool(false), .bool(false), .null, .bool(true)])
            #expect(try eval("s LIKE '%p%l%'") == [.bool(true), .bool(true), .null, .bool(false)])
            #expect(try eval("s NOT LIKE '%e'") == [.bool(false), .bool(true), .null, .bool(true)])
            #expect(try eval("CASE WHEN i > 1 THEN 'big' WHEN i < 0 THEN 'neg' ELSE 'other' END")
                == [.string("other"), .string("big"), .string("other"), .string("neg")])
            #expect(try eval("CASE i WHEN 1 THEN 10 END") == [.int(10), .null, .null, .null])
            #expect(try eval("coalesce(i, st.x, 0)") == [.int(1), .int(2147483647), .int(0), .int(-7)])
        }

        @Test func casts() throws {
            #expect(try eval("CAST(' 12 ' AS int)") == Array(repeating: .int(12), count: 4))
            #expect(try eval("CAST('1.9' AS int)") == Array(repeating: .int(1), count: 4))
            #expect(try eval("CAST('x' AS int)") == Array(repeating: .null, count: 4))
            #expect(try eval("CAST(1e20 AS int)") == Array(repeating: .int(2147483647), count: 4))
            #expect(try eval("CAST(300 AS byte)") == Array(repeating: .int(44), count: 4))
            #expect(try eval("CAST(i AS short)") == [.int(1), .int(-1), .null, .int(-7)])
            #expect(try eval("CAST(p AS string)") == [.string("1.50"), .string("-0.99"), .null, .string("0.00")])
            #expect(try eval("CAST(d AS string)") == [.string("1.5"), .string("NaN"), .null, .string("-0.0")])
            #expect(try eval("CAST(1e10 AS string)") == Array(repeating: .string("1.0E10"), count: 4))
            #expect(try eval("CAST(ts AS string)") == [.string("2024-01-31 02:00:00"), .string("1969-12-31 23:59:59.999999"), .null, .string("1970-01-01 00:00:00")])
            #expect(try eval("CAST(day AS timestamp)") == [.timestamp(19753 * 86_400_000_000), .timestamp(0), .null, .timestamp(-86_400_000_000)])
            #expect(try eval("CAST(ts AS date)") == [.date(19753), .date(-1), .null, .date(0)])
            #expect(try eval("CAST(i AS decimal(5,1))") == [.decimal(10), .null, .null, .decimal(-70)])
            #expect(try eval("CAST(d AS decimal(5,1))") == [.decimal(15), .null, .null, .decimal(0)])
            #expect(try eval("CAST(a AS int)") == [.int(1), .int(1), .null, .int(0)])
            #expect(try eval("CAST('yes' AS boolean)") == Array(repeating: .bool(true), count: 4))
        }

        @Test func functions() throws {
            #expect(try eval("upper(s)") == [.string("APPLE"), .string("ÄPFEL 🙂"), .null, .string("A_B%C")])
            #expect(try eval("lower('ÄB')") == Array(repeating: .string("äb"), count: 4))
            #expect(try eval("length(s)") == [.int(5), .int(7), .null, .int(5)])
            #expect(try eval("trim('  x  ') || '|' || ltrim(' y ') || '|' || rtrim(' z ')") == Array(repeating: .string("x|y | z"), count: 4))
            #expect(try eval("substring(s, 2, 3)") == [.string("ppl"), .string("pfe"), .null, .string("_b%")])
            #expect(try eval("substring(s, -2)") == [.string("le"), .string(" 🙂"), .null, .string("%c")])
            #expect(try eval("substring(s, 0, 1)") == [.string("a"), .string("Ä"), .null, .string("a")])
            #expect(try eval("year(day) * 10000 + month(day) * 100 + day(day)") == [.int(20240131), .int(19700101), .null, .int(19691231)])
            #expect(try eval("year(ts)") == [.int(2024), .int(1969), .null, .int(1970)])
            #expect(try eval("round(2.675D, 2)") == Array(repeating: .double(2.68), count: 4))
            #expect(try eval("round(p, 1)") == [.decimal(15), .decimal(-10), .null, .decimal(0)])
            #expect(try eval("round(125, -1)") == Array(repeating: .int(130), count: 4))
            #expect(try eval("round(-2.5D)") == Array(repeating: .double(-3), count: 4))
            #expect(try eval("date('2024-01-31 10:00:00')") == Array(repeating: .date(19753), count: 4))
            #expect(try eval("s || i") == [.string("apple1"), .string("Äpfel 🙂2147483647"), .null, .string("a_b%c-7")])
            #expect(try eval("concat(s, '!', st.y)") == [.string("apple!q"), .null, .null, .null])
        }

        @Test func structFieldsAreNullWhenTheStructIs() throws {
            #expect(try eval("st.x") == [.int(7), .null, .null, .int(-1)])
            #expect(try eval("st.y IS NULL") == [.bool(false), .bool(true), .bool(false), .bool(true)])
        }

        @Test func filterSelectsOnlyTrue() throws {
            let b = try batch()
            let pred = try ExprParser.parse("i > 0 OR b").bindPredicate(to: Evaluation.schema)
            let sel = try pred.filter(b)
            #expect(sel.setIndices == [0, 1, 2])
            #expect(try pred.selection(b) == [0, 1, 2])
            let kept = try b.filter(ExprParser.parse("a AND i > 0").bindPredicate(to: Evaluation.schema))
            #expect(kept.rows == [Evaluation.rows[0], Evaluation.rows[1]])
            #expect(throws: TarnError.self) { try ExprParser.parse("i").bind(to: Evaluation.schema).filter(b) }
        }

        @Test func batchMustMatchTheBoundSchema() throws {
            let bound = try ExprParser.parse("s = 'x'").bind(to: Evaluation.schema)
            let other = try RecordBatch(schema: StructType([StructField("i", .integer)]), rows: [[.int(1)]])
            #expect(throws: TarnError.self) { try bound.evaluate(other) }
        }
    }
}
