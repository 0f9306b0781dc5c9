// Random schemas and batches for property tests: every Delta type, nesting (struct, array, map)
// with nulls at every level, and values at the edges (extremes, NaN, -0.0, empty strings).
import TarnColumnar

public enum RandomData {
    public static let primitiveTypes: [DataType] = [
        .boolean, .byte, .short, .integer, .long, .float, .double, .string, .binary, .date, .timestamp,
        .timestampNtz, .decimal(precision: 9, scale: 2), .decimal(precision: 18, scale: 4), .decimal(precision: 38, scale: 10),
        .decimal(precision: 25, scale: 0),
    ]

    public static func type(_ rng: inout SeededRandom, depth: Int = 0, nested: Bool = true) -> DataType {
        if !nested || depth >= 3 || rng.chance(0.6) { return primitiveTypes.randomElement(using: &rng)! }
        switch Int.random(in: 0 ..< 3, using: &rng) {
        case 0:
            let n = Int.random(in: 1 ... 3, using: &rng)
            return .struct(StructType((0 ..< n).map { StructField("f\($0)", type(&rng, depth: depth + 1), nullable: rng.chance(0.7)) }))
        case 1: return .array(element: type(&rng, depth: depth + 1), containsNull: rng.chance(0.6))
        default:
            let keys: [DataType] = [.string, .integer, .long, .date]
            return .map(key: keys.randomElement(using: &rng)!, value: type(&rng, depth: depth + 1), valueContainsNull: rng.chance(0.6))
        }
    }

    public static func schema(_ rng: inout SeededRandom, columns: ClosedRange<Int> = 1 ... 6, nested: Bool = true) -> StructType {
        let n = Int.random(in: columns, using: &rng)
        return StructType((0 ..< n).map { StructField("c\($0)", type(&rng, nested: nested), nullable: rng.chance(0.75)) })
    }

    public static func value(_ type: DataType, nullable: Bool, _ rng: inout SeededRandom, nullRate: Double = 0.15) -> Value {
        if nullable && rng.chance(nullRate) { return .null }
        switch type {
        case .boolean: return .bool(rng.chance(0.5))
        case .byte: return .int(Int64(Int8.random(in: .min ... .max, using: &rng)))
        case .short: return .int(Int64(Int16.random(in: .min ... .max, using: &rng)))
        case .integer: return .int(Int64(edge([Int32.min, Int32.max, 0, -1], Int32.random(in: -1000 ... 1000, using: &rng), &rng)))
        case .long: return .int(edge([Int64.min, Int64.max, 0], Int64.random(in: -1_000_000 ... 1_000_000, using: &rng), &rng))
        case .float: return .float(edge([Float.nan, -0.0, .infinity, -.infinity, .greatestFiniteMagnitude], Float.random(in: -1e6 ... 1e6, using: &rng), &rng))
        case .double: return .double(edge([Double.nan, -0.0, .infinity, 5e-324], Double.random(in: -1e12 ... 1e12, using: &rng), &rng))
        case .string: return .string(string(&rng))
        case .binary: return .binary((0 ..< Int.random(in: 0 ... 12, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) })
        case .date: return .date(Int32.random(in: -719_162 ... 2_932_896, using: &rng))
        case .timestamp, .timestampNtz: return .timestamp(Int64.random(in: -62_135_596_800_000_000 ... 253_402_300_799_999_999, using: &rng))
        case let .decimal(p, _):
            let limit = Decimal128.powersOfTen[p] - 1
            let small = Int128(Int64.random(in: -99_999 ... 99_999, using: &rng))
            let big = Int128(Int64.random(in: .min ... .max, using: &rng)) * Int128(Int64.random(in: 0 ... .max, using: &rng))
            let v = rng.chance(0.1) ? (rng.chance(0.5) ? limit : -limit) : (rng.chance(0.5) ? small : big % (limit + 1))
            return .decimal(max(-limit, min(limit, v)))
        case let .struct(s): return .structure(s.fields.map { value($0.type, nullable: $0.nullable, &rng, nullRate: nullRate) })
        case let .array(e, containsNull):
            return .array((0 ..< Int.random(in: 0 ... 4, using: &rng)).map { _ in value(e, nullable: containsNull, &rng, nullRate: nullRate) })
        case let .map(k, v, valueContainsNull):
            var seen = Set<Value>()
            var entries: [Value.MapEntry] = []
            for _ in 0 ..< Int.random(in: 0 ... 3, using: &rng) {
                let key = value(k, nullable: false, &rng)
                if seen.insert(key).inserted { entries.append(.init(key, value(v, nullable: valueContainsNull, &rng, nullRate: nullRate))) }
            }
            return .map(entries)
        }
    }

    static func edge<T>(_ edges: [T], _ normal: T, _ rng: inout SeededRandom) -> T {
        rng.chance(0.05) ? edges.randomElement(using: &rng)! : normal
    }

    static func string(_ rng: inout SeededRandom) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789 ").map(String.init) + ["é", "日本", "🙂", "\"", "\\", "\n"]
        let n = rng.chance(0.1) ? 0 : Int.random(in: 1 ... 16, using: &rng)
        return (0 ..< n).map { _ in alphabet.randomElement(using: &rng)! }.joined()
    }

    public static func rows(_ schema: StructType, count: Int, _ rng: inout SeededRandom, nullRate: Double = 0.15) -> [[Value]] {
        (0 ..< count).map { _ in schema.fields.map { value($0.type, nullable: $0.nullable, &rng, nullRate: nullRate) } }
    }

    public static func batch(_ schema: StructType, count: Int, _ rng: inout SeededRandom, nullRate: Double = 0.15) throws -> RecordBatch {
        try RecordBatch(schema: schema, rows: rows(schema, count: count, &rng, nullRate: nullRate))
    }
}
