// Function dispatch for the evaluator, plus the date-part and round kernels. round is HALF_UP
// on the value's shortest decimal form (as Spark's BigDecimal(double) is), per row.

extension ExprEvaluator {
    func function(_ f: BoundExpr.Function, _ args: [BoundExpr], type: DataType) throws -> Column {
        switch f {
        case .lower: return try changeCase(args[0], upper: false)
        case .upper: return try changeCase(args[0], upper: true)
        case .trim: return try trim(args[0], leading: true, trailing: true)
        case .ltrim: return try trim(args[0], leading: true, trailing: false)
        case .rtrim: return try trim(args[0], leading: false, trailing: true)
        case .length: return try length(args[0])
        case .substring: return try substring(args)
        case .coalesce: return try coalesce(args, type: type)
        case .abs: return try absolute(args[0])
        case .date: return try ExprEvaluator.castColumn(column(args[0]), .date)
        case .year, .month, .day: return try datePart(f, args[0])
        case let .round(digits): return try round(args[0], digits, type)
        }
    }

    func datePart(_ f: BoundExpr.Function, _ a: BoundExpr) throws -> Column {
        let c = try column(a)
        guard case let .int32(days) = c.storage else { throw mismatch("(date operand)") }
        let values = map1(days.count, .array(days)) { d -> Int32 in
            let civil = Temporal.civil(fromDays: Int64(d))
            switch f {
            case .year: return Int32(truncatingIfNeeded: civil.year)
            case .month: return Int32(civil.month)
            default: return Int32(civil.day)
            }
        }
        return makeColumn(.integer, values, c.validity)
    }

    func round(_ a: BoundExpr, _ digits: Int, _ type: DataType) throws -> Column {
        let c = try column(a)
        let b = ColumnBuilder(type: type)
        for i in 0 ..< c.count { try b.append(ExprRound.round(c.value(at: i), c.type, digits, to: type)) }
        return b.finish()
    }
}

enum ExprRound {
    /// round(v, digits) HALF_UP; `to` is the bound result type.
    static func round(_ v: Value, _ type: DataType, _ digits: Int, to: DataType) -> Value {
        switch (v, type) {
        case let (.int(i), _):
            guard digits < 0 else { return v }
            let r = roundUnscaled(Int128(i), scale: 0, digits) ?? 0
            return .int(ExprCast.wrap(Int64(truncatingIfNeeded: r), type))
        case let (.double(d), _): return .double(roundDouble(d, "\(d)", digits))
        case let (.float(f), _): return .float(Float(roundDouble(Double(f), "\(f)", digits)))
        case let (.decimal(u), .decimal(_, s)):
            guard case let .decimal(p, newScale) = to, let r = roundUnscaled(u, scale: s, digits),
                  let out = ExprDecimal.rescale(r, from: max(digits, 0) < s ? max(digits, 0) : s, to: newScale),
                  Decimal128.fits(out, precision: p) else { return .null }
            return .decimal(out)
        default: return .null
        }
    }

    /// `u` (at `scale`) rounded HALF_UP to `digits` places, as an unscaled value at scale
    /// max(digits, 0) when digits < scale, else unchanged.
    static func roundUnscaled(_ u: Int128, scale: Int, _ digits: Int) -> Int128? {
        if digits >= scale { return u }
        if digits >= 0 { return ExprDecimal.rescale(u, from: scale, to: digits) }
        let k = min(-digits, 38)
        guard scale + k <= 38, let q = ExprDecimal.rescale(u, from: scale + k, to: 0) else { return 0 }
        return q.multipliedReportingOverflow(by: Decimal128.powersOfTen[k]).partialValue
    }

    static func roundDouble(_ d: Double, _ shortest: String, _ digits: Int) -> Double {
        guard d.isFinite, let (u, s) = ExprDecimal.parse(shortest) else { return d.isFinite && Swift.abs(d) < 1 ? 0 * d : d }
        guard digits < s, let r = roundUnscaled(u, scale: s, digits) else { return d }
        return Double(Decimal128.format(r, scale: max(digits, 0))) ?? d
    }
}
