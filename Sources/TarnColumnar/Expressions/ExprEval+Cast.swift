// Vectorized CAST: buffer loops for the common numeric and temporal conversions, the Value path
// (ExprCast.cast per row) for the rest. Both follow ExprCast's semantics.

extension ExprEvaluator {
    func castDatum(_ d: Datum, from: DataType, to: DataType) throws -> Datum {
        if from == to { return d }
        switch d {
        case let .scalar(v): return .scalar(ExprCast.cast(v, from: from, to: to))
        case let .column(c): return .column(try ExprEvaluator.castColumn(c, to))
        }
    }

    static func castColumn(_ c: Column, _ to: DataType) throws -> Column {
        if c.type == to { return c }
        if let fast = fastCast(c, to) { return fast }
        let b = ColumnBuilder(type: to)
        for i in 0 ..< c.count { try b.append(ExprCast.cast(c.value(at: i), from: c.type, to: to)) }
        return b.finish()
    }

    /// Integer storage widened to Int64.
    static func int64s(_ s: ColumnStorage) -> [Int64]? {
        switch s {
        case let .int8(a): return map1(a.count, .array(a)) { Int64($0) }
        case let .int16(a): return map1(a.count, .array(a)) { Int64($0) }
        case let .int32(a): return map1(a.count, .array(a)) { Int64($0) }
        case let .int64(a): return a
        default: return nil
        }
    }

    static func fastCast(_ c: Column, _ to: DataType) -> Column? {
        let n = c.count, v = c.validity
        switch (c.type, to) {
        case (.timestamp, .timestampNtz), (.timestampNtz, .timestamp):
            return Column(type: to, count: n, validity: v, storage: c.storage)
        case (.date, .timestamp), (.date, .timestampNtz):
            guard case let .int32(a) = c.storage else { return nil }
            let (values, nulls) = map2Nullable(n, .array(a), Operand<Int32>.scalar(0)) { (d: Int32, _: Int32) -> Int64? in
                ExprCast.dateToMicros(d)
            }
            return makeColumn(to, values, clearing(v, nulls, count: n))
        case (.float, .double):
            guard case let .float(a) = c.storage else { return nil }
            return makeColumn(to, map1(n, .array(a)) { Double($0) }, v)
        case (.double, .float):
            guard case let .double(a) = c.storage else { return nil }
            return makeColumn(to, map1(n, .array(a)) { Float($0) }, v)
        case let (.decimal(_, s), .decimal(p, s2)):
            guard case let .int128(a) = c.storage else { return nil }
            let (values, nulls) = map2Nullable(n, .array(a), Operand<Int128>.scalar(0)) { (u: Int128, _: Int128) -> Int128? in
                ExprDecimal.rescale(u, from: s, to: s2).flatMap { Decimal128.fits($0, precision: p) ? $0 : nil }
            }
            return makeColumn(to, values, clearing(v, nulls, count: n))
        case let (.decimal(_, s), .double):
            guard case let .int128(a) = c.storage else { return nil }
            return makeColumn(to, map1(n, .array(a)) { ExprDecimal.toDouble($0, scale: s) }, v)
        default: break
        }
        guard ExprBinder.integralRank(c.type) != nil, let a = int64s(c.storage) else { return nil }
        return integerCast(a, v, to)
    }

    static func integerCast(_ a: [Int64], _ v: Bitmap?, _ to: DataType) -> Column? {
        let n = a.count
        switch to {
        case .byte: return makeColumn(to, map1(n, .array(a)) { Int8(truncatingIfNeeded: $0) }, v)
        case .short: return makeColumn(to, map1(n, .array(a)) { Int16(truncatingIfNeeded: $0) }, v)
        case .integer: return makeColumn(to, map1(n, .array(a)) { Int32(truncatingIfNeeded: $0) }, v)
        case .long: return makeColumn(to, a, v)
        case .float: return makeColumn(to, map1(n, .array(a)) { Float($0) }, v)
        case .double: return makeColumn(to, map1(n, .array(a)) { Double($0) }, v)
        case let .decimal(p, s):
            let (values, nulls) = map2Nullable(n, .array(a), Operand<Int64>.scalar(0)) { (i: Int64, _: Int64) -> Int128? in
                ExprDecimal.rescale(Int128(i), from: 0, to: s).flatMap { Decimal128.fits($0, precision: p) ? $0 : nil }
            }
            return makeColumn(to, values, clearing(v, nulls, count: n))
        default: return nil
        }
    }
}
