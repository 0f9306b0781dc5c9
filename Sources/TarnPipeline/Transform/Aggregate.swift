// Aggregate: group-by with count, sum, min, max, avg and count_distinct (spec/pipeline.md).
// Output columns are the group keys then the aliases; groups come out sorted by their keys
// (RowOrder: nulls first). With no group keys there is always exactly one row, even for no input.
import TarnColumnar

enum Aggregate {
    static func apply(_ batch: RecordBatch, groupBy: [String], aggregates: [AggregateSpec]) throws -> RecordBatch {
        let keyIdx = try groupBy.map { try RowOrder.index($0, in: batch.schema, "aggregate groupBy") }
        let inputs = try aggregates.map { a in try a.column.map { try RowOrder.index($0, in: batch.schema, "aggregate \(a.alias)") } }
        let types = try zip(aggregates, inputs).map { a, i in try resultType(a, i.map { batch.schema.fields[$0].type }) }
        let groups = RowGroups(batch, keys: keyIdx)
        let keyCols = keyIdx.map { batch.columns[$0] }
        // Groups sorted by their keys; with no keys, one group even for no rows.
        var order = (0 ..< groups.count).map { g in (g, keyCols.map { $0.value(at: groups.first[g].row) }) }
        order.sort { RowOrder.compare($0.1, $1.1) < 0 }
        if keyIdx.isEmpty && order.isEmpty { order = [(0, [])] }
        let groupCount = max(groups.count, order.count)
        let columns = try aggregates.indices.map { k in
            try column(aggregates[k], type: types[k], input: inputs[k].map { batch.columns[$0] }, groups: groups, groupCount: groupCount)
        }
        let out = order.map { g, key in key + columns.map { $0[g] } }
        let fields = keyIdx.map { batch.schema.fields[$0] }
            + zip(aggregates, types).map { a, t in StructField(a.alias, t, nullable: a.function != .count && a.function != .countDistinct) }
        return try RecordBatch(schema: StructType(fields), rows: out)
    }

    /// One aggregate for every group. count and sum / avg of plain numbers are accumulated on the
    /// column buffers; the others go through each group's values.
    static func column(_ a: AggregateSpec, type: DataType, input: Column?, groups: RowGroups, groupCount: Int) throws -> [Value] {
        let n = groups.groupOf.count
        guard let input else {
            var counts = [Int64](repeating: 0, count: groupCount)
            for g in groups.groupOf { counts[Int(g)] += 1 }
            return counts.map { .int($0) }
        }
        switch (a.function, input.storage) {
        case (.count, _):
            var counts = [Int64](repeating: 0, count: groupCount)
            for r in 0 ..< n where !input.isNull(r) { counts[Int(groups.groupOf[r])] += 1 }
            return counts.map { .int($0) }
        case let (.sum, .double(v)), let (.avg, .double(v)):
            return accumulate(v, input, groups, groupCount, average: a.function == .avg) { $0 }
        case let (.sum, .int64(v)) where type == .long:
            var sums = [Int64](repeating: 0, count: groupCount), seen = [Bool](repeating: false, count: groupCount)
            for r in 0 ..< n where !input.isNull(r) {
                let g = Int(groups.groupOf[r])
                sums[g] = sums[g] &+ v[r]
                seen[g] = true
            }
            return (0 ..< groupCount).map { seen[$0] ? .int(sums[$0]) : .null }
        case let (.avg, .int64(v)):
            return accumulate(v, input, groups, groupCount, average: true) { Double($0) }
        case let (.countDistinct, .int64(v)):
            var sets = [Set<Int64>](repeating: [], count: groupCount)
            for r in 0 ..< n where !input.isNull(r) { sets[Int(groups.groupOf[r])].insert(v[r]) }
            return sets.map { .int(Int64($0.count)) }
        default:
            var members = [[Int]](repeating: [], count: groupCount)
            for r in 0 ..< n { members[Int(groups.groupOf[r])].append(r) }
            return try members.map { rows in
                try value(a, type: type, inputType: input.type, values: rows.map { input.value(at: $0) }, count: rows.count)
            }
        }
    }

    /// Sum (or mean) of a numeric buffer per group; null for a group with no non-null value.
    static func accumulate<T>(_ v: [T], _ input: Column, _ groups: RowGroups, _ groupCount: Int, average: Bool,
                              _ toDouble: (T) -> Double) -> [Value] {
        var sums = [Double](repeating: 0, count: groupCount), counts = [Int](repeating: 0, count: groupCount)
        for r in 0 ..< v.count where !input.isNull(r) {
            let g = Int(groups.groupOf[r])
            sums[g] += toDouble(v[r])
            counts[g] += 1
        }
        return (0 ..< groupCount).map { g in counts[g] == 0 ? .null : .double(average ? sums[g] / Double(counts[g]) : sums[g]) }
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
