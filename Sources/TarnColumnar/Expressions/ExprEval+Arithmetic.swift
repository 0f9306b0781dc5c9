// Arithmetic kernels (Spark non-ANSI): integers wrap on overflow, `/` and `%` by zero give NULL
// (floating point too), decimals are exact at the bound result scale with NULL on overflow,
// date ± integer adds days. Unary minus and abs wrap at the integer minimum.

extension ExprEvaluator {
    func arithmetic(_ op: Expr.Arithmetic, _ a: BoundExpr, _ b: BoundExpr, result: DataType) throws -> Column {
        let x = try eval(a), y = try eval(b)
        if x.isNullScalar || y.isNullScalar { return Column.allNull(result, count: count) }
        let validity = Bitmap.intersect(x.validity, y.validity)
        let n = count
        func integers<T: PhysicalValue & FixedWidthInteger>(_: T.Type, _ type: DataType) throws -> Column {
            guard let p = Operand<T>(x), let q = Operand<T>(y) else { throw mismatch("(arithmetic operand)") }
            let (values, nulls) = map2Nullable(n, p, q) { (u: T, v: T) -> T? in integerOp(op, u, v) }
            return makeColumn(type, values, clearing(validity, nulls, count: n))
        }
        func floats<T: PhysicalValue & BinaryFloatingPoint>(_: T.Type) throws -> Column {
            guard let p = Operand<T>(x), let q = Operand<T>(y) else { throw mismatch("(arithmetic operand)") }
            let (values, nulls) = map2Nullable(n, p, q) { (u: T, v: T) -> T? in floatOp(op, u, v) }
            return makeColumn(result, values, clearing(validity, nulls, count: n))
        }
        switch (a.type, result) {
        case (.date, .date): return try integers(Int32.self, .date)
        case (.byte, _): return try integers(Int8.self, result)
        case (.short, _): return try integers(Int16.self, result)
        case (.integer, _): return try integers(Int32.self, result)
        case (.long, _): return try integers(Int64.self, result)
        case (.float, _): return try floats(Float.self)
        case (.double, _): return try floats(Double.self)
        case let (.decimal(_, sa), .decimal(p, s)):
            guard case let .decimal(_, sb) = b.type, let u = Operand<Int128>(x), let v = Operand<Int128>(y) else {
                throw mismatch("(arithmetic operand)")
            }
            let (values, nulls) = map2Nullable(n, u, v) { (l: Int128, r: Int128) -> Int128? in
                decimalOp(op, l, sa, r, sb, scale: s).flatMap { Decimal128.fits($0, precision: p) ? $0 : nil }
            }
            return makeColumn(result, values, clearing(validity, nulls, count: n))
        default: throw TarnError(.invalidArgument, "cannot apply \(op.rawValue) to \(a.type)")
        }
    }

    func negate(_ a: BoundExpr) throws -> Column {
        try unaryNumeric(a, int: { 0 &- $0 }, float: { -$0 }, decimal: { -$0 })
    }

    func absolute(_ a: BoundExpr) throws -> Column {
        try unaryNumeric(a, int: { $0 < 0 ? 0 &- $0 : $0 }, float: { Swift.abs($0) }, decimal: { $0 < 0 ? -$0 : $0 })
    }

    /// One numeric operand mapped per physical type (integers with wrapping closures).
    func unaryNumeric(_ a: BoundExpr, int: (Int64) -> Int64, float: (Double) -> Double, decimal: (Int128) -> Int128) throws -> Column {
        let c = try column(a)
        let n = c.count
        switch c.storage {
        case let .int8(v): return makeColumn(a.type, map1(n, .array(v)) { Int8(truncatingIfNeeded: int(Int64($0))) }, c.validity)
        case let .int16(v): return makeColumn(a.type, map1(n, .array(v)) { Int16(truncatingIfNeeded: int(Int64($0))) }, c.validity)
        case let .int32(v): return makeColumn(a.type, map1(n, .array(v)) { Int32(truncatingIfNeeded: int(Int64($0))) }, c.validity)
        case let .int64(v): return makeColumn(a.type, map1(n, .array(v)) { int($0) }, c.validity)
        case let .float(v): return makeColumn(a.type, map1(n, .array(v)) { Float(float(Double($0))) }, c.validity)
        case let .double(v): return makeColumn(a.type, map1(n, .array(v)) { float($0) }, c.validity)
        case let .int128(v): return makeColumn(a.type, map1(n, .array(v)) { decimal($0) }, c.validity)
        default: throw TarnError(.invalidArgument, "expected a number, found \(a.type)")
        }
    }
}

/// Wrapping integer arithmetic; nil (NULL) for division or remainder by zero.
@inline(__always)
func integerOp<T: FixedWidthInteger>(_ op: Expr.Arithmetic, _ a: T, _ b: T) -> T? {
    switch op {
    case .add: return a &+ b
    case .subtract: return a &- b
    case .multiply: return a &* b
    case .divide:
        if b == 0 { return nil }
        return a.dividedReportingOverflow(by: b).partialValue
    case .remainder:
        if b == 0 { return nil }
        let r = a.remainderReportingOverflow(dividingBy: b)
        return r.overflow ? 0 : r.partialValue
    }
}

/// IEEE arithmetic; nil (NULL) for division or remainder by zero (Spark non-ANSI).
@inline(__always)
func floatOp<T: BinaryFloatingPoint>(_ op: Expr.Arithmetic, _ a: T, _ b: T) -> T? {
    switch op {
    case .add: return a + b
    case .subtract: return a - b
    case .multiply: return a * b
    case .divide: return b == 0 ? nil : a / b
    case .remainder: return b == 0 ? nil : a.truncatingRemainder(dividingBy: b)
    }
}

@inline(__always)
func decimalOp(_ op: Expr.Arithmetic, _ a: Int128, _ sa: Int, _ b: Int128, _ sb: Int, scale s: Int) -> Int128? {
    switch op {
    case .add: return ExprDecimal.add(a, sa, b, sb, scale: s)
    case .subtract: return ExprDecimal.add(a, sa, -b, sb, scale: s)
    case .multiply: return ExprDecimal.multiply(a, sa, b, sb, scale: s)
    case .divide: return ExprDecimal.divide(a, sa, b, sb, scale: s)
    case .remainder: return ExprDecimal.remainder(a, sa, b, sb, scale: s)
    }
}
