// Expression parser tests: precedence, every literal form, names and quoting, CASE / CAST /
// functions, UPDATE assignments, SQL round trips, and errors that name the position and what
// was expected. (Binding, evaluation, pruning and the property test are in Expression*Tests.)
import Testing
import TarnColumnar

@Suite struct ExpressionTests {
    func p(_ text: String) throws -> Expr { try ExprParser.parse(text) }
    func c(_ name: String) -> Expr { .column([name]) }

    @Test func precedence() throws {
        #expect(try p("a OR b AND c") == .or(c("a"), .and(c("b"), c("c"))))
        #expect(try p("NOT a = 1 AND b") == .and(.not(.compare(.eq, c("a"), .int(1))), c("b")))
        #expect(try p("NOT NOT a") == .not(.not(c("a"))))
        #expect(try p("a + b * c - d") == .arithmetic(.subtract, .arithmetic(.add, c("a"), .arithmetic(.multiply, c("b"), c("c"))), c("d")))
        #expect(try p("a || b + c") == .arithmetic(.add, .concat(c("a"), c("b")), c("c")))
        #expect(try p("-a * b") == .arithmetic(.multiply, .negate(c("a")), c("b")))
        #expect(try p("a + 1 < b * 2") == .compare(.lt, .arithmetic(.add, c("a"), .int(1)), .arithmetic(.multiply, c("b"), .int(2))))
        #expect(try p("(a OR b) AND c") == .and(.or(c("a"), c("b")), c("c")))
        #expect(try p("a % 3 = 0") == .compare(.eq, .arithmetic(.remainder, c("a"), .int(3)), .int(0)))
        #expect(try p("x BETWEEN 1 AND 2 AND y") == .and(.between(c("x"), low: .int(1), high: .int(2), negated: false), c("y")))
        #expect(try p("x NOT BETWEEN 1 + 1 AND 5") == .between(c("x"), low: .arithmetic(.add, .int(1), .int(1)), high: .int(5), negated: true))
        #expect(try p("NOT x IN (1, 2)") == .not(.inList(c("x"), [.int(1), .int(2)], negated: false)))
        #expect(try p("x NOT IN (1)") == .inList(c("x"), [.int(1)], negated: true))
        #expect(try p("s NOT LIKE 'a%'") == .like(c("s"), pattern: .string("a%"), negated: true))
        #expect(try p("x IS NOT NULL AND y IS NULL") == .and(.isNull(c("x"), negated: true), .isNull(c("y"), negated: false)))
        #expect(try p("a IS DISTINCT FROM b") == .not(.compare(.nullSafeEq, c("a"), c("b"))))
        #expect(try p("a IS NOT DISTINCT FROM b") == .compare(.nullSafeEq, c("a"), c("b")))
    }

    @Test func comparisonOperators() throws {
        let ops: [(String, Expr.Comparison)] = [("=", .eq), ("==", .eq), ("!=", .ne), ("<>", .ne), ("<", .lt), ("<=", .le),
                                                (">", .gt), (">=", .ge), ("<=>", .nullSafeEq)]
        for (text, op) in ops { #expect(try p("a \(text) 1") == .compare(op, c("a"), .int(1))) }
    }

    @Test func numberLiterals() throws {
        #expect(try p("7") == .literal(.int(7), .integer))
        #expect(try p("-2147483648") == .literal(.int(-2147483648), .integer))
        #expect(try p("2147483648") == .literal(.int(2147483648), .long))
        #expect(try p("-9223372036854775808L") == .literal(.int(.min), .long))
        #expect(try p("99999999999999999999") == .literal(.decimal(99999999999999999999), .decimal(precision: 20, scale: 0)))
        #expect(try p("1.50") == .literal(.decimal(150), .decimal(precision: 3, scale: 2)))
        #expect(try p("0.05") == .literal(.decimal(5), .decimal(precision: 2, scale: 2)))
        #expect(try p(".5") == .literal(.decimal(5), .decimal(precision: 1, scale: 1)))
        #expect(try p("1.50BD") == .literal(.decimal(150), .decimal(precision: 3, scale: 2)))
        #expect(try p("12bd") == .literal(.decimal(12), .decimal(precision: 2, scale: 0)))
        #expect(try p("1.5e3") == .literal(.double(1500), .double))
        #expect(try p("1.5D") == .literal(.double(1.5), .double))
        #expect(try p("2E-2") == .literal(.double(0.02), .double))
        #expect(try p("1.5F") == .literal(.float(1.5), .float))
        #expect(try p("10L") == .literal(.int(10), .long))
        #expect(try p("10S") == .literal(.int(10), .short))
        #expect(try p("-128Y") == .literal(.int(-128), .byte))
        #expect(try p("-x") == .negate(c("x")))
        #expect(try p("- -1") == .negate(.int(-1)))
    }

    @Test func otherLiterals() throws {
        #expect(try p("'it''s'") == .string("it's"))
        #expect(try p("\"double\"") == .string("double"))
        #expect(try p("''") == .string(""))
        #expect(try p("'日本 🙂'") == .string("日本 🙂"))
        #expect(try p("TRUE AND false") == .and(.bool(true), .bool(false)))
        #expect(try p("NULL") == .null)
        #expect(try p("DATE '2024-01-31'") == .literal(.date(19753), .date))
        #expect(try p("date '2024-01-31'") == .literal(.date(19753), .date))
        #expect(try p("TIMESTAMP '2024-01-31 02:00:00'") == .literal(.timestamp(1_706_666_400_000_000), .timestamp))
        #expect(try p("TIMESTAMP '2024-01-31T03:00:00+01:00'") == .literal(.timestamp(1_706_666_400_000_000), .timestamp))
        #expect(try p("TIMESTAMP_NTZ '2024-01-31 02:00:00.5'") == .literal(.timestamp(1_706_666_400_500_000), .timestampNtz))
        #expect(try p("X'0aFF'") == .literal(.binary([0x0A, 0xFF]), .binary))
        #expect(try p("x''") == .literal(.binary([]), .binary))
    }

    @Test func namesAndQuoting() throws {
        #expect(try p("a.b.c") == .column(["a", "b", "c"]))
        #expect(try p("`my col`.`x`") == .column(["my col", "x"]))
        #expect(try p("`a``b`") == .column(["a`b"]))
        #expect(try p("`and` = 1") == .compare(.eq, c("and"), .int(1)))
        #expect(try p("s.end") == .column(["s", "end"]))
        #expect(try p("date = DATE '2024-01-01'") == .compare(.eq, c("date"), .literal(.date(19723), .date)))
        #expect(try p("Year(d)") == .function("year", [c("d")]))
        #expect(try p("year") == c("year"))
        #expect(try p("_x1") == c("_x1"))
        #expect(Expr.quoteName("my col") == "`my col`")
        #expect(Expr.quoteName("end") == "`end`")
        #expect(Expr.quoteName("plain_1") == "plain_1")
    }

    @Test func caseCastAndFunctions() throws {
        #expect(try p("CASE WHEN a THEN 1 ELSE 2 END") == .caseWhen([.init(c("a"), .int(1))], else: .int(2)))
        #expect(try p("case x when 1 then 'a' when 2 then 'b' end")
            == .caseWhen([.init(.compare(.eq, c("x"), .int(1)), .string("a")), .init(.compare(.eq, c("x"), .int(2)), .string("b"))], else: nil))
        #expect(try p("CAST(x AS decimal(10, 2))") == .cast(c("x"), .decimal(precision: 10, scale: 2)))
        #expect(try p("cast('1' as BIGINT)") == .cast(.string("1"), .long))
        #expect(try p("CAST(x AS struct<`a)`: int>)") == .cast(c("x"), .struct(StructType([StructField("a)", .integer)]))))
        #expect(try p("coalesce(a, b, 0)") == .function("coalesce", [c("a"), c("b"), .int(0)]))
        #expect(try p("SUBSTR(s, 2)") == .function("substring", [c("s"), .int(2)]))
        #expect(try p("to_date('2024-01-01')") == .function("date", [.string("2024-01-01")]))
        #expect(try p("ifnull(a, 1)") == .function("coalesce", [c("a"), .int(1)]))
    }

    @Test func assignmentsAndLists() throws {
        let a = try ExprParser.parseAssignments("a = a + 1, s.b = 'x', `c d` = NULL")
        #expect(a.map(\.column) == [["a"], ["s", "b"], ["c d"]])
        #expect(a.map(\.value) == [.arithmetic(.add, c("a"), .int(1)), .string("x"), .null])
        #expect(try ExprParser.parseList("1, 'a', x") == [.int(1), .string("a"), c("x")])
        #expect(try ExprParser.parseColumn("`a b`.c") == ["a b", "c"])
        #expect(throws: TarnError.self) { try ExprParser.parseAssignments("a + 1 = 2") }
    }

    @Test func sqlRoundTrips() throws {
        let texts = [
            "a = 1 AND (b OR NOT c)", "x BETWEEN -5 AND 10L", "s LIKE 'a\\_%' OR s NOT IN ('x', 'it''s')",
            "CASE WHEN a > 1.50 THEN DATE '2024-01-31' ELSE TIMESTAMP_NTZ '2024-01-01 00:00:00' END",
            "CAST(x AS map<string, array<decimal(5,1)>>) IS NULL", "`my col`.`end` <=> X'00ff' || 'x'",
            "-(a) * 2.5e10 % 3Y - 7S / 1.5F", "round(abs(-x), 2) = TIMESTAMP '1969-12-31 23:59:59.999999Z'",
            "lower(trim(s)) = upper(substring(s, -3, 2))", "NULL IS NULL",
        ]
        for t in texts {
            let e = try p(t)
            #expect(try p(e.sql) == e, "\(t) → \(e.sql)")
        }
    }

    func parseError(_ text: String) -> String {
        do {
            _ = try p(text)
            return "no error"
        } catch let e as TarnError {
            #expect(e.code == .invalidArgument)
            return e.message
        } catch { return "\(error)" }
    }

    @Test func errorsNamePositionAndExpectation() {
        #expect(parseError("a = ") == "invalid expression at position 5 (at the end): expected an expression, found the end of the expression")
        #expect(parseError("a AND AND b").hasPrefix("invalid expression at position 7 (near 'AND b'): expected an expression, found keyword AND"))
        #expect(parseError("(a = 1") .contains("position 7"))
        #expect(parseError("(a = 1").contains("expected ')' to close '(' at position 1"))
        #expect(parseError("a = 'abc").contains("position 5"))
        #expect(parseError("a = 'abc").contains("unterminated string"))
        #expect(parseError("a # b").contains("position 3"))
        #expect(parseError("a # b").contains("unexpected character '#'"))
        #expect(parseError("a = 1 b").contains("position 7"))
        #expect(parseError("foo(a)").contains("unknown function 'foo'"))
        #expect(parseError("lower(a, b)").contains("lower takes 1 argument, found 2"))
        #expect(parseError("DATE '2024-02-30'").contains("invalid DATE literal '2024-02-30'"))
        #expect(parseError("DATE '2024-02-30'").contains("position 6"))
        #expect(parseError("TIMESTAMP_NTZ '2024-01-01 00:00:00Z'").contains("cannot have a time zone"))
        #expect(parseError("X'abc'").contains("even number of hex digits"))
        #expect(parseError("X'zz'").contains("hex"))
        #expect(parseError("1.5x").contains("invalid number '1.5x'"))
        #expect(parseError("300Y").contains("out of range for byte"))
        #expect(parseError("1e999").contains("out of range for double"))
        #expect(parseError("CAST(a AS int").contains("expected ')' to close CAST"))
        #expect(parseError("CAST(a AS intt)").contains("invalid type 'intt' in CAST"))
        #expect(parseError("CAST(a int)").contains("expected AS in CAST"))
        #expect(parseError("CASE WHEN a THEN 1").contains("expected END to close CASE"))
        #expect(parseError("CASE END").contains("expected WHEN in CASE"))
        #expect(parseError("x IN 1").contains("expected '(' after IN"))
        #expect(parseError("x BETWEEN 1 OR 2").contains("expected AND between the bounds of BETWEEN"))
        #expect(parseError("x IS 5").contains("expected NULL, NOT NULL or [NOT] DISTINCT FROM after IS"))
        #expect(parseError("``").contains("empty `quoted` name"))
        #expect(parseError("a.").contains("expected a field name after '.'"))
        #expect(parseError("").contains("position 1"))
    }
}
