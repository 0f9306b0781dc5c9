// Row-group skipping by statistics, against a reference: a row-by-row evaluator of the same
// predicate (SQL three-valued logic) decides whether any row of a row group matches; skipping
// must never drop such a group (soundness), and on sorted data it must skip what it can.
import Testing
import TarnParquet
import TarnTestSupport

@Suite struct RowGroupSkippingTests {
    static let schema = StructType([
        StructField("id", .long, nullable: false), StructField("i", .integer), StructField("d", .double),
        StructField("s", .string), StructField("day", .date), StructField("ts", .timestamp),
        StructField("dec", .decimal(precision: 12, scale: 2)), StructField("big", .decimal(precision: 30, scale: 3)),
        StructField("b", .boolean), StructField("f", .float),
    ])

    /// SQL semantics: nil = unknown (a comparison with null).
    static func eval(_ p: Predicate, _ row: [Value]) -> Bool? {
        func col(_ name: String) -> (Value, DataType) {
            let i = schema.index(of: name)!
            return (row[i], schema.fields[i].type)
        }
        switch p {
        case let .literal(b): return b
        case let .compare(c, op, v):
            let (x, t) = col(c)
            guard !x.isNull, let lit = v.coerced(to: t), !lit.isNull, let r = Value.compare(x, lit) else { return nil }
            switch op {
            case .eq: return r == 0
            case .ne: return r != 0
            case .lt: return r < 0
            case .le: return r <= 0
            case .gt: return r > 0
            case .ge: return r >= 0
            }
        case let .isNull(c): return col(c).0.isNull
        case let .isNotNull(c): return !col(c).0.isNull
        case let .inList(c, vs):
            let results = vs.map { eval(.compare(column: c, op: .eq, value: $0), row) }
            if results.contains(true) { return true }
            return results.contains(nil) ? nil : false
        case let .and(a, b):
            let (x, y) = (eval(a, row), eval(b, row))
            if x == false || y == false { return false }
            return x == true && y == true ? true : nil
        case let .or(a, b):
            let (x, y) = (eval(a, row), eval(b, row))
            if x == true || y == true { return true }
            return x == false && y == false ? false : nil
        case let .not(a): return eval(a, row).map { !$0 }
        }
    }

    static func randomPredicate(_ rows: [[Value]], _ rng: inout SeededRandom, depth: Int = 0) -> Predicate {
        if depth < 2 && rng.chance(0.35) {
            let a = randomPredicate(rows, &rng, depth: depth + 1), b = randomPredicate(rows, &rng, depth: depth + 1)
            switch Int.random(in: 0 ..< 3, using: &rng) {
            case 0: return .and(a, b)
            case 1: return .or(a, b)
            default: return .not(a)
            }
        }
        let c = Int.random(in: 0 ..< schema.fields.count, using: &rng)
        let name = schema.fields[c].name
        let pick = rows.randomElement(using: &rng)![c]
        let literal = pick.isNull ? RandomData.value(schema.fields[c].type, nullable: false, &rng) : pick
        switch Int.random(in: 0 ..< 9, using: &rng) {
        case 0: return .isNull(column: name)
        case 1: return .isNotNull(column: name)
        case 2: return .inList(column: name, values: [literal, RandomData.value(schema.fields[c].type, nullable: false, &rng)])
        default: return .compare(column: name, op: ComparisonOp.allCases.randomElement(using: &rng)!, value: literal)
        }
    }

    static func file(_ batch: RecordBatch, rowsPerGroup: Int) throws -> ParquetFile {
        var options = WriterOptions()
        options.maxRowGroupRows = rowsPerGroup
        let sink = MemorySink()
        let w = try ParquetWriter(sink: sink, schema: schema, options: options)
        try w.write(batch)
        try w.close()
        return try ParquetFile(source: MemorySource(sink.bytes))
    }

    @Test func skippingNeverDropsAMatchingRowGroup() throws {
        for seed in SeededRandom.seeds(count: 8, base: 31) {
            var rng = SeededRandom(seed: seed)
            let batch = try RandomData.batch(Self.schema, count: 600, &rng, nullRate: rng.chance(0.5) ? 0.1 : 0.6)
            let rows = batch.rows
            let file = try Self.file(batch, rowsPerGroup: 50)
            for _ in 0 ..< 150 {
                let p = Self.randomPredicate(rows, &rng)
                for g in 0 ..< file.rowGroupCount {
                    let groupRows = rows[g * 50 ..< min(rows.count, g * 50 + 50)]
                    let matches = groupRows.contains { Self.eval(p, $0) == true }
                    if matches && !file.rowGroupMayMatch(g, p) {
                        Issue.record("seed \(seed): row group \(g) has a row matching \(p) but was skipped")
                    }
                }
            }
        }
    }

    @Test func sortedColumnsSkipAllButTheRightGroups() throws {
        let n = 1000
        let columns = Self.schema.fields.map { f -> Column in
            let values: [Value] = (0 ..< n).map { i in
                switch f.type {
                case .long, .integer: return .int(Int64(i))
                case .double: return .double(Double(i) / 4)
                case .float: return .float(Float(i))
                case .string: return .string("k" + String(100_000 + i))
                case .date: return .date(Int32(19_000 + i / 10))
                case .timestamp: return .timestamp(1_700_000_000_000_000 + Int64(i) * 1_000_000)
                case .decimal: return .decimal(Int128(i) * 100)
                default: return .bool(i >= 500)
                }
            }
            return (try? Column(type: f.type, values: values)) ?? Column(type: .long, count: 0, validity: nil, storage: .int64([]))
        }
        let file = try Self.file(RecordBatch(schema: Self.schema, columns: columns), rowsPerGroup: 100)
        #expect(file.rowGroupCount == 10)
        func kept(_ p: Predicate) -> [Int] { (0 ..< file.rowGroupCount).filter { file.rowGroupMayMatch($0, p) } }
        #expect(kept(.compare(column: "id", op: .eq, value: .int(250))) == [2])
        #expect(kept(.compare(column: "i", op: .lt, value: .int(150))) == [0, 1])
        #expect(kept(.compare(column: "d", op: .ge, value: .double(240))) == [9])
        #expect(kept(.compare(column: "s", op: .eq, value: .string("k100555"))) == [5])
        #expect(kept(.compare(column: "day", op: .eq, value: .string("2022-01-09"))) == [0])   // day 19000 = 2022-01-08
        #expect(kept(.compare(column: "day", op: .eq, value: .string("2021-01-09"))) == [])
        #expect(kept(.compare(column: "day", op: .eq, value: .date(19_031))) == [3])
        // 1_700_000_000 s = 2023-11-14T22:13:20Z; 22:28:00 is 880 s later.
        #expect(kept(.compare(column: "ts", op: .gt, value: .string("2023-11-14 22:28:00Z"))) == [8, 9])
        #expect(kept(.compare(column: "dec", op: .le, value: .int(99))) == [0])
        #expect(kept(.compare(column: "big", op: .eq, value: .string("70.0"))) == [7])   // unscaled i * 100, scale 3
        #expect(kept(.inList(column: "id", values: [.int(5), .int(905)])) == [0, 9])
        #expect(kept(.and(.compare(column: "id", op: .ge, value: .int(300)), .compare(column: "id", op: .lt, value: .int(400)))) == [3])
        #expect(kept(.not(.compare(column: "id", op: .lt, value: .int(900)))) == [9])
        #expect(kept(.isNull(column: "i")) == [])
        #expect(kept(.compare(column: "id", op: .eq, value: .null)) == [])
        let batches = try file.read(columns: ["id"], predicate: .compare(column: "id", op: .gt, value: .int(850)))
        #expect(batches.map(\.count) == [100, 100])
    }
}
