// Aggregate: group-by with count, sum, min, max, avg and count_distinct (spec/pipeline.md).
// Output columns are the group keys then the aliases; groups come out sorted by their keys
// (RowOrder: nulls first). With no group keys there is always exactly one row, even for no input.
import TarnColumnar

enum Aggregate {
    static func apply(_ batch: RecordBatch, groupBy: [String], aggregates: [AggregateSpec]) throws -> RecordBatch {
        let keyIdx = try groupBy.map { try RowOrder.index($0, in: batch.schema, "aggregate groupBy") }
        let inputs = try aggregates.map { a in try a.column.map { try RowOrder.index($0, in: batch.schema, "aggregate \(a.alias)") } }
        let types = try zip(aggregates, inputs).map { a, i in try resultType(a, i.map { batch.schema.fields[$0].type }) }
        var groups: [[Value]: [Int]] = [:]
        let rows = batch.rows
        for (r, row) in rows.enumerated() { groups[keyIdx.map { row[$0] }, default: []].append(r) }
        if keyIdx.isEmpty && groups.isEmpty { groups[[]] = [] }
        let keys = groups.keys.sorted { RowOrder.compare($0, $1) < 0 }
        let out = try keys.map { key -> [Value] in
            let members = groups[key] ?? []
            let aggs = try aggregates.indices.map { k in
                try value(aggregates[k], type: types[k], inputType: inputs[k].map { batch.schema.fields[$0].type },
                          values: inputs[k].map { i in members.map { rows[$0][i] } }, count: members.count)
            }
            return key + aggs
        }
        let fields = keyIdx.map { batch.schema.fields[$0] }
            + zip(aggregates, types).map { a, t in StructField(a.alias, t, nullable: a.function != .count && a.function != .countDistinct) }
        return try RecordBatch(schema: StructType(fields), rows: out)
    }

    /// The output type of `a` over an input column of `input` (nil for count(*)).
    static func resultType(_ a: AggregateSpec, _ input: DataType?) throws -> DataType {
        switch a.function {
        case .count, .countDistinct: return .long
        case .min, .max:
            guard let input else { throw missing(a) }
            return input
        case .avg:
            guard let input, input.isNumeric else { throw notNumeric(a, input) }
            return .double
        case .sum:
            switch input {
            case .byte?, .short?, .integer?, .long?: return .long
            case .float?, .double?: return .double
            case let .decimal(p, s)?: return .decimal(precision: min(DataType.maxDecimalPrecision, p + 10), scale: s)
            default: throw notNumeric(a, input)
            }
        }
    }

    /// One aggregate over a group's values (nil `values` for count(*)).
    static func value(_ a: AggregateSpec, type: DataType, inputType: DataType?, values: [Value]?, count: Int) throws -> Value {
        guard let values else { return .int(Int64(count)) }
        let present = values.filter { !$0.isNull }
        switch a.function {
        case .count: return .int(Int64(present.count))
        case .countDistinct: return .int(Int64(Set(present).count))
        case .min: return present.min { RowOrder.compare($0, $1) < 0 } ?? .null
        case .max: return present.max { RowOrder.compare($0, $1) < 0 } ?? .null
        case .avg:
            guard !present.isEmpty else { return .null }
            let scale = inputType.flatMap(decimalScale) ?? 0
            return .double(present.reduce(0.0) { $0 + double($1, scale: scale) } / Double(present.count))
        case .sum:
            guard !present.isEmpty else { return .null }
            return try sum(present, type: type, alias: a.alias)
        }
    }

    static func sum(_ values: [Value], type: DataType, alias: String) throws -> Value {
        switch type {
        case .long: return .int(values.reduce(Int64(0)) { acc, v in if case let .int(x) = v { return acc &+ x }; return acc })
        case .double: return .double(values.reduce(0.0) { $0 + ($1.doubleValue ?? 0) })
        case let .decimal(p, _):
            var total: Int128 = 0
            for case let .decimal(x) in values {
                let (t, o) = total.addingReportingOverflow(x)
                guard !o, Decimal128.fits(t, precision: p) else {
                    throw TarnError(.invalidArgument, "aggregate \(alias): the sum does not fit \(type)", column: alias)
                }
                total = t
            }
            return .decimal(total)
        default: throw TarnError(.invalidArgument, "aggregate \(alias): cannot sum \(type)", column: alias)
        }
    }

    static func decimalScale(_ t: DataType) -> Int? {
        if case let .decimal(_, s) = t { return s }
        return nil
    }

    static func double(_ v: Value, scale: Int) -> Double {
        if case let .decimal(x) = v { return Double(x) / Double(Decimal128.powersOfTen[scale]) }
        return v.doubleValue ?? 0
    }

    static func missing(_ a: AggregateSpec) -> TarnError {
        TarnError(.invalidArgument, "aggregate \(a.alias): \(a.function.rawValue) needs a column", column: a.alias)
    }

    static func notNumeric(_ a: AggregateSpec, _ t: DataType?) -> TarnError {
        guard let t else { return missing(a) }
        return TarnError(.invalidArgument, "aggregate \(a.alias): \(a.function.rawValue) needs a numeric column, \(a.column ?? "") is \(t)",
                         column: a.column)
    }
}
