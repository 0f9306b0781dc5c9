// Binding tests: column resolution (case-insensitive, nested, errors that list candidates),
// inferred result types with Spark-like widening, literal coercion, constant folding, and type
// errors that name both types.
import Testing
import TarnColumnar

extension ExpressionTests {
    @Suite struct Binding {
        static let schema = StructType([
            StructField("id", .long), StructField("i", .integer), StructField("b", .byte), StructField("f", .float),
            StructField("d", .double), StructField("s", .string), StructField("day", .date), StructField("ts", .timestamp),
            StructField("ntz", .timestampNtz), StructField("price", .decimal(precision: 10, scale: 2)),
            StructField("flag", .boolean), StructField("bin", .binary),
            StructField("st", .struct(StructType([StructField("x", .integer), StructField("Y z", .string)]))),
            StructField("arr", .array(element: .integer, containsNull: true)),
        ])

        func bind(_ text: String) throws -> BoundExpr { try ExprParser.parse(text).bind(to: Binding.schema) }
        func type(_ text: String) throws -> DataType { try bind(text).type }

        func bindError(_ text: String) -> String {
            do {
                _ = try bind(text)
                return "no error"
            } catch let e as TarnError { return e.message } catch { return "\(error)" }
        }

        @Test func columnsResolveCaseInsensitively() throws {
            guard case let .column(path, _) = try bind("ID").node else { Issue.record("not a column"); return }
            #expect(path == [0])
            guard case let .column(nested, _) = try bind("ST.`y z`").node else { Issue.record("not a column"); return }
            #expect(nested == [12, 1])
            #expect(try type("st.x") == .integer)
            let ambiguous = StructType([StructField("aB", .integer), StructField("Ab", .integer)])
            #expect(try ExprParser.parse("aB").bind(to: ambiguous).type == .integer)
            #expect(throws: TarnError.self) { try ExprParser.parse("ab").bind(to: ambiguous) }
        }

        @Test func unknownColumnsListCandidates() {
            #expect(bindError("idd = 1").hasPrefix("unknown column 'idd' (columns: id, i, d, b, f, s"))
            #expect(bindError("st.q").hasPrefix("unknown column 'q' in struct st (fields: x, `Y z`)"))
            #expect(bindError("i.x") == "column i is integer, not a struct, so it has no field 'x'")
        }

        @Test func inferredTypes() throws {
            #expect(try type("i + b") == .integer)
            #expect(try type("i + id") == .long)
            #expect(try type("b * b") == .byte)
            #expect(try type("i / 2") == .double)
            #expect(try type("i % 2") == .integer)
            #expect(try type("price + 1") == .decimal(precision: 13, scale: 2))
            #expect(try type("price * price") == .decimal(precision: 21, scale: 4))
            #expect(try type("price / price") == .decimal(precision: 23, scale: 13))
            #expect(try type("price % 3") == .decimal(precision: 10, scale: 2))
            #expect(try type("i + 1.5") == .decimal(precision: 12, scale: 1))
            #expect(try type("d + price") == .double)
            #expect(try type("f + i") == .float)
            #expect(try type("f + price") == .double)
            #expect(try type("-b") == .byte)
            #expect(try type("day + 1") == .date)
            #expect(try type("1 + day") == .date)
            #expect(try type("day - i") == .date)
            #expect(try type("s || i") == .string)
            #expect(try type("CASE WHEN flag THEN 1 ELSE 2.5 END") == .decimal(precision: 11, scale: 1))
            #expect(try type("CASE WHEN flag THEN 1 END") == .integer)
            #expect(try type("coalesce(NULL, s)") == .string)
            #expect(try type("coalesce(i, id, 0)") == .long)
            #expect(try type("round(price, 1)") == .decimal(precision: 10, scale: 1))
            #expect(try type("round(d)") == .double)
            #expect(try type("length(bin)") == .integer)
            #expect(try type("year(ts)") == .integer)
            #expect(try type("date(s)") == .date)
            #expect(try type("ts > day") == .boolean)
        }

        @Test func literalCoercion() throws {
            func operands(_ text: String) throws -> (BoundExpr, BoundExpr) {
                guard case let .compare(_, a, b) = try bind(text).node else { throw TarnError(.invalidArgument, "not a comparison") }
                return (a, b)
            }
            var (a, b) = try operands("day = '2024-01-31'")
            #expect(a.type == .date && b.literalValue == .date(19753))
            (a, b) = try operands("price = '1.234'")
            #expect(a.type == .decimal(precision: 10, scale: 2) && b.type == .decimal(precision: 4, scale: 3))
            (a, b) = try operands("i = 5.0")
            #expect(a.type == .integer && b.literalValue == .int(5))
            (a, b) = try operands("b = 1000")
            #expect(a.type == .integer && b.literalValue == .int(1000))
            guard case .cast = a.node else { Issue.record("byte column should be widened"); return }
            (a, b) = try operands("ts > DATE '2024-01-01'")
            #expect(a.type == .timestamp && b.literalValue == .timestamp(1_704_067_200_000_000))
            (a, b) = try operands("ts > day")
            #expect(a.type == .timestamp && b.type == .timestamp)
            (a, b) = try operands("i = '42'")
            #expect(b.literalValue == .int(42))
            (a, b) = try operands("flag = 'true'")
            #expect(b.literalValue == .bool(true))
            (a, b) = try operands("price > 1")
            #expect(b.literalValue == .decimal(100))
        }

        @Test func constantFolding() throws {
            #expect(try bind("1 + 2").literalValue == .int(3))
            #expect(try bind("DATE '2024-01-01' + 1").literalValue == .date(19724))
            #expect(try bind("CAST('2024-01-01' AS DATE)").literalValue == .date(19723))
            #expect(try bind("i + NULL").literalValue == .null)
            #expect(try bind("NOT NULL").literalValue == .null)
            #expect(try bind("'a' || 'b'").literalValue == .string("ab"))
        }

        @Test func assignmentBinding() throws {
            func store(_ text: String, _ t: DataType) throws -> BoundExpr {
                try ExprParser.parse(text).bind(to: Binding.schema, resultType: t)
            }
            #expect(try store("i + 1", .long).type == .long)
            #expect(try store("b", .integer).type == .integer)
            #expect(try store("day", .timestamp).type == .timestamp)
            #expect(try store("'2024-01-31'", .date).literalValue == .date(19753))
            #expect(try store("1.5", .decimal(precision: 10, scale: 2)).literalValue == .decimal(150))
            #expect(try store("NULL", .string).literalValue == .null)
            #expect(try store("price", .decimal(precision: 12, scale: 2)).type == .decimal(precision: 12, scale: 2))
            #expect(throws: TarnError.self) { try store("id", .integer) }
            #expect(throws: TarnError.self) { try store("s", .integer) }
            #expect(throws: TarnError.self) { try store("1.234", .decimal(precision: 10, scale: 2)) }
            #expect(throws: TarnError.self) { try store("price", .decimal(precision: 5, scale: 2)) }
        }

        @Test func typeErrorsNameBothTypes() {
            #expect(bindError("s = 1") == "cannot compare string and integer (add a CAST to convert one side)")
            #expect(bindError("s + 1").hasPrefix("cannot apply + to string and integer"))
            #expect(bindError("flag AND i") == "AND needs boolean operands, but i is integer")
            #expect(bindError("i = 'abc'") == "cannot compare: 'abc' is not a valid integer")
            #expect(bindError("day = 'x'") == "cannot compare: 'x' is not a valid date")
            #expect(bindError("lower(arr)") == "lower cannot take array<integer>")
            #expect(bindError("CAST(arr AS string)") == "cannot cast array<integer> to string")
            #expect(bindError("st = st").hasPrefix("cannot compare values of type struct"))
            #expect(bindError("bin = s") == "cannot compare binary and string (add a CAST to convert one side)")
            #expect(bindError("CASE WHEN flag THEN s ELSE 1 END") == "cannot mix CASE results of types string and integer (add a CAST to convert one side)")
            #expect(bindError("s LIKE 1") == "LIKE needs string operands, found integer")
            #expect(bindError("round(d, i)").hasPrefix("round needs a constant integer"))
            #expect(throws: TarnError.self) { try ExprParser.parse("i + 1").bindPredicate(to: Binding.schema) }
            #expect(throws: TarnError.self) { try Expr.literal(.string("x"), .integer).bind(to: Binding.schema) }
        }
    }
}
