// Pruning bridge tests: the conversions Expr.toPredicate() makes (flipped comparisons, BETWEEN,
// IN / NOT IN, IS NULL, LIKE prefixes, NOT pushed down, unconvertible conjuncts dropped and
// disjuncts fatal), and soundness: for random predicates over random row groups, if any row is
// TRUE then the predicate with the group's real min / max / null-count statistics may match.
import Testing
import TarnColumnar
import TarnTestSupport

extension ExpressionTests {
    @Suite struct Pruning {
        static let schema = StructType([
            StructField("id", .long), StructField("i", .integer), StructField("sh", .short), StructField("d", .double),
            StructField("f", .float), StructField("s", .string), StructField("day", .date), StructField("ts", .timestamp),
            StructField("ntz", .timestampNtz), StructField("dec", .decimal(precision: 12, scale: 2)), StructField("b", .boolean),
            StructField("bin", .binary), StructField("st", .struct(StructType([StructField("x", .integer)]))),
        ])

        func pred(_ text: String, schema: StructType? = nil) throws -> Predicate? {
            try ExprParser.parse(text).toPredicate(schema: schema)
        }

        @Test func conversions() throws {
            #expect(try pred("i > 5") == .compare(column: "i", op: .gt, value: .int(5)))
            #expect(try pred("5 < i") == .compare(column: "i", op: .gt, value: .int(5)))
            #expect(try pred("-5 >= i") == .compare(column: "i", op: .le, value: .int(-5)))
            #expect(try pred("i BETWEEN 1 AND 10") == .and(.compare(column: "i", op: .ge, value: .int(1)), .compare(column: "i", op: .le, value: .int(10))))
            #expect(try pred("i NOT BETWEEN 1 AND 10") == .or(.compare(column: "i", op: .lt, value: .int(1)), .compare(column: "i", op: .gt, value: .int(10))))
            #expect(try pred("i IN (1, 2)") == .inList(column: "i", values: [.int(1), .int(2)]))
            #expect(try pred("i NOT IN (1, 2)") == .and(.compare(column: "i", op: .ne, value: .int(1)), .compare(column: "i", op: .ne, value: .int(2))))
            #expect(try pred("i NOT IN (1, NULL)") == .literal(false))
            #expect(try pred("NOT i IS NULL") == .isNotNull(column: "i"))
            #expect(try pred("st.x IS NULL") == .isNull(column: "st.x"))
            #expect(try pred("i = NULL") == .literal(false))
            #expect(try pred("i <=> NULL") == .isNull(column: "i"))
            #expect(try pred("NOT (i <=> 5)") == .or(.isNull(column: "i"), .compare(column: "i", op: .ne, value: .int(5))))
            #expect(try pred("b") == .compare(column: "b", op: .eq, value: .bool(true)))
            #expect(try pred("NOT b") == .compare(column: "b", op: .eq, value: .bool(false)))
            #expect(try pred("s LIKE 'ab%'") == .and(.compare(column: "s", op: .ge, value: .string("ab")), .compare(column: "s", op: .lt, value: .string("ac"))))
            #expect(try pred("s LIKE 'a\\%'") == .compare(column: "s", op: .eq, value: .string("a%")))
            #expect(try pred("s LIKE '%a'") == nil)
            #expect(try pred("s NOT LIKE 'ab%'") == nil)
            #expect(try pred("ts > CAST('2024-01-01' AS timestamp)") == .compare(column: "ts", op: .gt, value: .timestamp(1_704_067_200_000_000)))
            #expect(try pred("TRUE") == .literal(true))
        }

        @Test func droppingRule() throws {
            // An unconvertible conjunct is dropped from an AND …
            #expect(try pred("i > 1 AND lower(s) = 'x'") == .compare(column: "i", op: .gt, value: .int(1)))
            #expect(try pred("i + 1 > 5 AND d = i") == nil)
            // … an unconvertible disjunct makes the whole OR unprunable …
            #expect(try pred("i > 1 OR lower(s) = 'x'") == nil)
            // … and NOT is pushed down first, so the rule applies to what the negation becomes.
            #expect(try pred("NOT (i > 1 AND lower(s) = 'x')") == nil)
            #expect(try pred("NOT (i > 1 OR lower(s) = 'x')") == .compare(column: "i", op: .le, value: .int(1)))
            #expect(try pred("NOT NOT i = 3") == .compare(column: "i", op: .eq, value: .int(3)))
        }

        @Test func literalsWithAndWithoutSchema() throws {
            let schema = Pruning.schema
            #expect(try pred("dec > 1.5") == .compare(column: "dec", op: .gt, value: .string("1.5")))
            #expect(try pred("dec > 1.5", schema: schema) == .compare(column: "dec", op: .gt, value: .decimal(150)))
            #expect(try pred("d > 1.5", schema: schema) == .compare(column: "d", op: .gt, value: .double(1.5)))
            #expect(try pred("DEC > 1", schema: schema) == .compare(column: "dec", op: .gt, value: .decimal(100)))
            #expect(try pred("i = 1.5", schema: schema) == nil)
            #expect(try pred("ts >= '2024-01-01'", schema: schema) == .compare(column: "ts", op: .ge, value: .timestamp(1_704_067_200_000_000)))
            #expect(try pred("day >= DATE '2024-01-01'", schema: schema) == .compare(column: "day", op: .ge, value: .date(19723)))
            #expect(try pred("unknown > 1", schema: schema) == nil)
            #expect(try pred("s = '2024-01-01 00:00:00.1234567'") == nil)
        }

        /// min / max over non-null values in Spark's order (NaN above all, so a NaN max is unknown).
        static func statistics(_ values: [Value]) -> ColumnStatistics {
            let present = values.filter { !$0.isNull }
            func less(_ a: Value, _ b: Value) -> Bool {
                switch (a, b) {
                case let (.double(x), .double(y)): return !x.isNaN && (y.isNaN || x < y)
                case let (.float(x), .float(y)): return !x.isNaN && (y.isNaN || x < y)
                default: return (Value.compare(a, b) ?? 0) < 0
                }
            }
            return ColumnStatistics(min: present.min(by: less), max: present.max(by: less),
                                    nullCount: Int64(values.count - present.count), rowCount: Int64(values.count))
        }

        static func stats(_ rows: [[Value]]) -> [String: (ColumnStatistics, DataType)] {
            var out: [String: (ColumnStatistics, DataType)] = [:]
            for (c, f) in schema.fields.enumerated() {
                if case let .struct(st) = f.type {
                    for (j, g) in st.fields.enumerated() {
                        let vs = rows.map { row -> Value in
                            if case let .structure(fs) = row[c] { return fs[j] }
                            return .null
                        }
                        out["\(f.name).\(g.name)"] = (statistics(vs), g.type)
                    }
                } else {
                    out[f.name] = (statistics(rows.map { $0[c] }), f.type)
                }
            }
            return out
        }

        @Test(arguments: SeededRandom.seeds(count: 60, base: 0x9A0E_5EED))
        func pruningIsSound(seed: UInt64) throws {
            var rng = SeededRandom(seed: seed)
            var gen = PruningGenerator(schema: Pruning.schema)
            var matched = 0, pruned = 0
            for _ in 0 ..< 6 {
                let nullRate = rng.chance(0.1) ? 1.0 : Double.random(in: 0 ... 0.4, using: &rng)
                let rows = RandomData.rows(Pruning.schema, count: Int.random(in: 1 ... 25, using: &rng), &rng, nullRate: nullRate)
                gen.rows = rows
                let batch = try RecordBatch(schema: Pruning.schema, rows: rows)
                let stats = Pruning.stats(rows)
                for _ in 0 ..< 40 {
                    let e = gen.predicate(&rng)
                    guard let bound = try? e.bindPredicate(to: Pruning.schema) else { continue }
                    let anyTrue = try bound.filter(batch).popcount > 0
                    for p in [e.toPredicate(), e.toPredicate(schema: Pruning.schema)] {
                        let may = p?.mayMatch { stats[$0] } ?? true
                        if anyTrue && !may {
                            Issue.record("seed \(seed): \(e.sql) is TRUE for a row but \(String(describing: p)) prunes; rows \(rows)")
                            return
                        }
                        if anyTrue { matched += 1 } else if !may { pruned += 1 }
                    }
                }
            }
            #expect(matched > 0 && pruned > 0, "seed \(seed): matched \(matched), pruned \(pruned)")
        }
    }
}

/// Random predicates for pruning: column-vs-literal comparisons in both orders with literals of
/// the column's and of neighbouring types, BETWEEN, IN, IS NULL, LIKE prefixes, boolean columns,
/// and unconvertible leaves mixed in with AND / OR / NOT.
struct PruningGenerator {
    let schema: StructType
    var rows: [[Value]] = []

    init(schema: StructType) { self.schema = schema }

    func columns() -> [(String, DataType)] {
        schema.fields.flatMap { f -> [(String, DataType)] in
            if case let .struct(st) = f.type { return st.fields.map { ("\(f.name).\($0.name)", $0.type) } }
            return [(f.name, f.type)]
        }
    }

    func value(_ name: String, _ type: DataType, _ rng: inout SeededRandom) -> Value {
        if rng.chance(0.7), let row = rows.randomElement(using: &rng) {
            let parts = name.split(separator: ".").map(String.init)
            if let i = schema.index(of: parts[0]) {
                var v = row[i]
                if parts.count > 1, case let .structure(fs) = v { v = fs[0] }
                if !v.isNull { return v }
            }
        }
        return RandomData.value(type, nullable: false, &rng)
    }

    /// A literal near `v` (of `type`), sometimes of another type the binder accepts.
    func literal(_ v: Value, _ type: DataType, _ rng: inout SeededRandom) -> Expr {
        if rng.chance(0.05) { return .null }
        switch (v, type) {
        case let (.int(i), _) where rng.chance(0.3):
            return rng.chance(0.5) ? .literal(.decimal(Int128(i) * 10 + 5), .decimal(precision: 21, scale: 1))
                : .literal(.double(Double(i) + 0.5), .double)
        case let (.int(i), _) where rng.chance(0.3): return .literal(.int(i), .long)
        case let (.double(d), _) where d.isFinite && rng.chance(0.4):
            return (try? ExprParser.parse(rng.chance(0.5) ? "\(Int64(max(-1e15, min(1e15, d))))" : "1.25")) ?? .double(d)
        case let (.decimal(u), .decimal(_, s)) where rng.chance(0.4):
            return rng.chance(0.5) ? .literal(.decimal(u * 10 + 3), .decimal(precision: 38, scale: s + 1))
                : .string(Decimal128.format(u, scale: s))
        case let (.date(d), _) where rng.chance(0.4):
            return rng.chance(0.5) ? .string(Temporal.formatDate(d)) : .literal(.timestamp(Int64(d) * 86_400_000_000 + 1), .timestamp)
        case let (.timestamp(t), .timestamp) where rng.chance(0.4):
            return rng.chance(0.5) ? .string(Temporal.formatTimestamp(t, utc: true)) : .literal(.date(Int32(truncatingIfNeeded: t / 86_400_000_000)), .date)
        default: return .literal(v, type)
        }
    }

    mutating func predicate(_ rng: inout SeededRandom, depth: Int = 0) -> Expr {
        if depth < 3 && rng.chance(0.4) {
            let a = predicate(&rng, depth: depth + 1), b = predicate(&rng, depth: depth + 1)
            switch Int.random(in: 0 ..< 3, using: &rng) {
            case 0: return .and(a, b)
            case 1: return .or(a, b)
            default: return .not(a)
            }
        }
        let (name, type) = columns().randomElement(using: &rng) ?? ("i", .integer)
        let col = Expr.col(name)
        let lit = literal(value(name, type, &rng), type, &rng)
        let op = Expr.Comparison.allCases.randomElement(using: &rng) ?? .eq
        switch Int.random(in: 0 ..< 10, using: &rng) {
        case 0: return .isNull(col, negated: rng.chance(0.5))
        case 1: return .between(col, low: lit, high: literal(value(name, type, &rng), type, &rng), negated: rng.chance(0.3))
        case 2: return .inList(col, (0 ..< Int.random(in: 1 ... 4, using: &rng)).map { _ in literal(value(name, type, &rng), type, &rng) }, negated: rng.chance(0.4))
        case 3:
            guard case let .string(s) = value("s", .string, &rng) else { return .col("b") }
            let prefix = String(s.prefix(Int.random(in: 0 ... 3, using: &rng))).likeEscaped
            return .like(.col("s"), pattern: .string(prefix + (rng.chance(0.8) ? "%" : "")), negated: rng.chance(0.2))
        case 4: return rng.chance(0.5) ? .col("b") : .compare(op, .function("lower", [.col("s")]), .string("a"))
        case 5: return .compare(op, .arithmetic(.add, .col("i"), .int(1)), lit)
        case 6: return .compare(op, lit, col)
        default: return .compare(op, col, lit)
        }
    }
}

extension String {
    /// The text with LIKE wildcards and backslashes escaped.
    var likeEscaped: String {
        var out = ""
        for c in self {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
