// Property test: random expressions over random batches (every primitive type, a nullable
// struct, edge values), evaluated by the vectorized evaluator and by the row-at-a-time reference
// (ExpressionReferenceTests.swift) must agree row for row, and `filter` must select exactly the
// rows the reference finds TRUE; printing an expression as SQL and parsing it back must not change
// its results. Seeds are printed on failure; re-run one with TARN_SEED=<seed>.
import Testing
import TarnColumnar
import TarnTestSupport

extension ExpressionTests {
    @Suite struct Property {
        static let schema = StructType([
            StructField("b", .boolean), StructField("i8", .byte), StructField("i16", .short), StructField("i32", .integer),
            StructField("i64", .long), StructField("f", .float), StructField("d", .double), StructField("s", .string),
            StructField("bin", .binary), StructField("dt", .date), StructField("ts", .timestamp), StructField("ntz", .timestampNtz),
            StructField("d1", .decimal(precision: 9, scale: 2)), StructField("d2", .decimal(precision: 18, scale: 4)),
            StructField("d3", .decimal(precision: 38, scale: 10)),
            StructField("st", .struct(StructType([StructField("x", .integer), StructField("y", .string),
                                                  StructField("z", .decimal(precision: 5, scale: 1))]))),
        ])

        static func same(_ a: Value, _ b: Value) -> Bool {
            switch (a, b) {
            case let (.double(x), .double(y)): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
            case let (.float(x), .float(y)): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
            default: return a == b
            }
        }

        @Test(arguments: SeededRandom.seeds(count: 100, base: 0xE8F0_0001))
        func vectorizedMatchesReference(seed: UInt64) throws {
            var rng = SeededRandom(seed: seed)
            let rows = RandomData.rows(Property.schema, count: Int.random(in: 0 ... 60, using: &rng), &rng, nullRate: 0.2)
            let batch = try RecordBatch(schema: Property.schema, rows: rows)
            var gen = ExprGenerator(schema: Property.schema, rows: rows)
            var bound = 0
            for _ in 0 ..< 80 {
                let kind = ExprGenerator.Kind.allCases.randomElement(using: &rng) ?? .boolean
                let e = gen.expr(kind, &rng)
                guard let b = try? e.bind(to: Property.schema) else { continue }
                bound += 1
                let got = try b.evaluate(batch)
                #expect(got.count == rows.count && got.type == b.type, "seed \(seed): \(e.sql)")
                for (r, row) in rows.enumerated() {
                    let want = RefEval.eval(b, row)
                    let have = got.value(at: r)
                    if !Property.same(want, have) {
                        Issue.record("seed \(seed), row \(r): \(e.sql) gave \(have), reference \(want); row \(row)")
                        return
                    }
                }
                let reparsed = try ExprParser.parse(e.sql).bind(to: Property.schema).evaluate(batch)
                #expect(reparsed.type == got.type && zip(reparsed.values, got.values).allSatisfy(Property.same),
                        "seed \(seed): \(e.sql) evaluates differently after printing and parsing")
                if b.type == .boolean {
                    let want = rows.indices.filter { RefEval.eval(b, rows[$0]) == .bool(true) }.map { Int32($0) }
                    #expect(try b.selection(batch) == want, "seed \(seed): filter \(e.sql)")
                }
            }
            #expect(bound >= 40, "seed \(seed): only \(bound) of 80 random expressions bound")
        }
    }
}

/// Random, mostly well-typed expressions over a schema, with literals drawn from the data.
struct ExprGenerator {
    enum Kind: CaseIterable { case boolean, number, string, temporal }

    let schema: StructType
    let rows: [[Value]]
    let numeric = ["i8", "i16", "i32", "i64", "f", "d", "d1", "d2", "d3", "st.x", "st.z"]
    let strings = ["s", "st.y"]
    let temporal = ["dt", "ts", "ntz"]

    func column(_ name: String) -> Expr { .col(name) }

    mutating func expr(_ kind: Kind, _ rng: inout SeededRandom, depth: Int = 0) -> Expr {
        switch kind {
        case .boolean: return boolean(&rng, depth)
        case .number: return number(&rng, depth)
        case .string: return string(&rng, depth)
        case .temporal: return temporalExpr(&rng, depth)
        }
    }

    /// A literal of a column's type taken from the data (so equality and IN hit), or nil.
    func dataLiteral(_ name: String, _ rng: inout SeededRandom) -> Expr? {
        let path = name.split(separator: ".").map(String.init)
        guard let i = schema.index(of: path[0]), let row = rows.randomElement(using: &rng) else { return nil }
        var v = row[i], t = schema.fields[i].type
        if path.count > 1, case let .structure(fs) = v, case let .struct(st) = t, let j = st.index(of: path[1]) {
            (v, t) = (fs[j], st.fields[j].type)
        }
        if v.isNull || path.count > 1 && !(t.isPrimitive) { return nil }
        if case let .float(f) = v, !f.isFinite { return nil }
        if case let .double(d) = v, !d.isFinite { return nil }
        return .literal(v, t)
    }

    mutating func numberLiteral(_ rng: inout SeededRandom) -> Expr {
        let texts = ["0", "1", "-1", "7", "2147483647", "-128Y", "300S", "10L", "1.5", "-0.25", "99.99", "0.001",
                     "2.5D", "-1e3", "0.1F", "12345678901234567890", "1.000BD"]
        if rng.chance(0.4), let lit = dataLiteral(numeric.randomElement(using: &rng) ?? "i32", &rng) { return lit }
        return (try? ExprParser.parse(texts.randomElement(using: &rng) ?? "1")) ?? .int(1)
    }

    mutating func boolean(_ rng: inout SeededRandom, _ depth: Int) -> Expr {
        let leaf = depth >= 3 || rng.chance(0.3)
        let ops = Expr.Comparison.allCases
        switch Int.random(in: 0 ..< (leaf ? 5 : 14), using: &rng) {
        case 0: return column("b")
        case 1: return .compare(ops.randomElement(using: &rng) ?? .eq, .col(numeric.randomElement(using: &rng) ?? "i32"), numberLiteral(&rng))
        case 2: return .compare(ops.randomElement(using: &rng) ?? .eq, .col(strings.randomElement(using: &rng) ?? "s"), stringLiteral(&rng))
        case 3: return .isNull(.col(schema.fields.randomElement(using: &rng)?.name ?? "s"), negated: rng.chance(0.5))
        case 4: return rng.chance(0.5) ? .bool(rng.chance(0.5)) : .null
        case 5: return .and(boolean(&rng, depth + 1), boolean(&rng, depth + 1))
        case 6: return .or(boolean(&rng, depth + 1), boolean(&rng, depth + 1))
        case 7: return .not(boolean(&rng, depth + 1))
        case 8: return .compare(ops.randomElement(using: &rng) ?? .eq, number(&rng, depth + 1), number(&rng, depth + 1))
        case 9:
            let items = (0 ..< Int.random(in: 1 ... 9, using: &rng)).map { _ in rng.chance(0.1) ? Expr.null : numberLiteral(&rng) }
            return .inList(.col(numeric.randomElement(using: &rng) ?? "i32"), items, negated: rng.chance(0.3))
        case 10:
            return .between(number(&rng, depth + 1), low: numberLiteral(&rng), high: numberLiteral(&rng), negated: rng.chance(0.3))
        case 11 where rng.chance(0.5):
            let items = (0 ..< Int.random(in: 1 ... 12, using: &rng)).map { _ in rng.chance(0.1) ? Expr.null : stringLiteral(&rng) }
            return .inList(.col(strings.randomElement(using: &rng) ?? "s"), items, negated: rng.chance(0.3))
        case 11 where rng.chance(0.5):
            let other = rng.chance(0.5) ? (dataLiteral("bin", &rng) ?? .literal(.binary([0x61]), .binary)) : .col("bin")
            return .compare(ops.randomElement(using: &rng) ?? .eq, .col("bin"), other)
        case 11:
            let items = [number(&rng, depth + 1), numberLiteral(&rng), .col(numeric.randomElement(using: &rng) ?? "i8")]
            return .inList(number(&rng, depth + 1), items, negated: rng.chance(0.3))
        case 12:
            let patterns = ["%", "a%", "%a", "%a%b%", "_", "__%", "a\\_%", "%é%", "_🙂%", "", "%%"]
            return .like(string(&rng, depth + 1), pattern: .string(patterns.randomElement(using: &rng) ?? "%"), negated: rng.chance(0.3))
        default:
            let name = temporal.randomElement(using: &rng) ?? "dt"
            let other = rng.chance(0.5) ? temporalExpr(&rng, depth + 1) : .string("2000-01-01")
            return .compare(ops.randomElement(using: &rng) ?? .eq, .col(name), other)
        }
    }

    mutating func number(_ rng: inout SeededRandom, _ depth: Int) -> Expr {
        let leaf = depth >= 3 || rng.chance(0.35)
        let numericTypes: [DataType] = [.byte, .short, .integer, .long, .float, .double, .decimal(precision: 12, scale: 3), .decimal(precision: 38, scale: 2)]
        switch Int.random(in: 0 ..< (leaf ? 2 : 12), using: &rng) {
        case 0: return .col(numeric.randomElement(using: &rng) ?? "i32")
        case 1: return numberLiteral(&rng)
        case 2, 3:
            return .arithmetic(Expr.Arithmetic.allCases.randomElement(using: &rng) ?? .add, number(&rng, depth + 1), number(&rng, depth + 1))
        case 4: return .negate(number(&rng, depth + 1))
        case 5: return .function("abs", [number(&rng, depth + 1)])
        case 6: return .caseWhen([.init(boolean(&rng, depth + 1), number(&rng, depth + 1))], else: rng.chance(0.7) ? number(&rng, depth + 1) : nil)
        case 7: return .function("coalesce", [number(&rng, depth + 1), number(&rng, depth + 1)])
        case 8: return .cast(number(&rng, depth + 1), numericTypes.randomElement(using: &rng) ?? .long)
        case 9: return .function("length", [rng.chance(0.8) ? string(&rng, depth + 1) : .col("bin")])
        case 10: return .function(["year", "month", "day"].randomElement(using: &rng) ?? "year", [temporalExpr(&rng, depth + 1)])
        default: return .cast(string(&rng, depth + 1), numericTypes.randomElement(using: &rng) ?? .integer)
        }
    }

    mutating func stringLiteral(_ rng: inout SeededRandom) -> Expr {
        if rng.chance(0.5), let lit = dataLiteral(strings.randomElement(using: &rng) ?? "s", &rng) { return lit }
        return .string(["", "a", "abc", "é", "zz", " x ", "12", "1.5", "日本"].randomElement(using: &rng) ?? "a")
    }

    mutating func string(_ rng: inout SeededRandom, _ depth: Int) -> Expr {
        let leaf = depth >= 3 || rng.chance(0.4)
        switch Int.random(in: 0 ..< (leaf ? 2 : 8), using: &rng) {
        case 0: return .col(strings.randomElement(using: &rng) ?? "s")
        case 1: return stringLiteral(&rng)
        case 2: return .concat(string(&rng, depth + 1), rng.chance(0.3) ? number(&rng, depth + 1) : string(&rng, depth + 1))
        case 3: return .function(["lower", "upper", "trim", "ltrim", "rtrim"].randomElement(using: &rng) ?? "lower", [string(&rng, depth + 1)])
        case 4:
            var args = [string(&rng, depth + 1), .int(Int32.random(in: -4 ... 4, using: &rng))]
            if rng.chance(0.6) { args.append(.int(Int32.random(in: -1 ... 5, using: &rng))) }
            return .function("substring", args)
        case 5: return .cast(rng.chance(0.5) ? number(&rng, depth + 1) : temporalExpr(&rng, depth + 1), .string)
        case 6: return .caseWhen([.init(boolean(&rng, depth + 1), string(&rng, depth + 1))], else: string(&rng, depth + 1))
        default: return .function("coalesce", [string(&rng, depth + 1), stringLiteral(&rng)])
        }
    }

    mutating func temporalExpr(_ rng: inout SeededRandom, _ depth: Int) -> Expr {
        switch Int.random(in: 0 ..< (depth >= 3 ? 2 : 5), using: &rng) {
        case 0: return .col(temporal.randomElement(using: &rng) ?? "dt")
        case 1:
            if let lit = dataLiteral(temporal.randomElement(using: &rng) ?? "dt", &rng) { return lit }
            return .literal(.date(19753), .date)
        case 2: return .arithmetic(rng.chance(0.5) ? .add : .subtract, .col("dt"), number(&rng, depth + 1))
        case 3: return .cast(.col(temporal.randomElement(using: &rng) ?? "ts"), [DataType.date, .timestamp, .timestampNtz].randomElement(using: &rng) ?? .date)
        default: return .function("date", [rng.chance(0.5) ? string(&rng, depth + 1) : temporalExpr(&rng, depth + 1)])
        }
    }
}
