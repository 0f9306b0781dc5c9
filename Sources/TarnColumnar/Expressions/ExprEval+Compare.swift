// Comparison kernels: = <> < <= > >= and <=> over typed buffers, per physical type. Floating
// point follows Spark: NaN = NaN and NaN sorts above every other value; -0.0 = 0.0. Strings and
// binary compare byte-wise unsigned; decimals of different scales compare exactly.

extension ExprEvaluator {
    func compare(_ op: Expr.Comparison, _ a: BoundExpr, _ b: BoundExpr) throws -> Column {
        try compareDatums(op, eval(a), a.type, eval(b), b.type)
    }

    func compareDatums(_ op: Expr.Comparison, _ x: Datum, _ tx: DataType, _ y: Datum, _ ty: DataType) throws -> Column {
        if op == .nullSafeEq, x.isNullScalar || y.isNullScalar {
            if x.isNullScalar && y.isNullScalar { return try Column.repeating(.bool(true), type: .boolean, count: count) }
            return isNullColumn(x.isNullScalar ? y : x, negated: false)
        }
        if x.isNullScalar || y.isNullScalar { return Column.allNull(.boolean, count: count) }
        var values = try compareValues(op, x, tx, y, ty)
        var validity = Bitmap.intersect(x.validity, y.validity)
        if op == .nullSafeEq, validity != nil {
            let xv = x.validity, yv = y.validity
            validity?.forEachUnset { i in values[i] = (xv?[i] == false) && (yv?[i] == false) }
            validity = nil
        }
        return makeColumn(.boolean, values, validity)
    }

    /// Comparison results ignoring nulls (null rows are masked by the caller).
    func compareValues(_ op: Expr.Comparison, _ x: Datum, _ tx: DataType, _ y: Datum, _ ty: DataType) throws -> [Bool] {
        let n = count
        func typed<T: PhysicalValue & Comparable>(_: T.Type) throws -> [Bool] {
            guard let a = Operand<T>(x), let b = Operand<T>(y) else { throw mismatch("(comparison operand)") }
            return compareLoop(n, op, a, b, less: { $0 < $1 }, equal: { $0 == $1 })
        }
        switch tx {
        case .boolean:
            guard let a = Operand<Bool>(x), let b = Operand<Bool>(y) else { throw mismatch("(comparison operand)") }
            return compareLoop(n, op, a, b, less: { !$0 && $1 }, equal: { $0 == $1 })
        case .byte: return try typed(Int8.self)
        case .short: return try typed(Int16.self)
        case .integer, .date: return try typed(Int32.self)
        case .long, .timestamp, .timestampNtz: return try typed(Int64.self)
        case .float:
            guard let a = Operand<Float>(x), let b = Operand<Float>(y) else { throw mismatch("(comparison operand)") }
            return compareLoop(n, op, a, b, less: sparkLess, equal: sparkEqual)
        case .double:
            guard let a = Operand<Double>(x), let b = Operand<Double>(y) else { throw mismatch("(comparison operand)") }
            return compareLoop(n, op, a, b, less: sparkLess, equal: sparkEqual)
        case let .decimal(_, sx):
            guard case let .decimal(_, sy) = ty, let a = Operand<Int128>(x), let b = Operand<Int128>(y) else {
                throw mismatch("(comparison operand)")
            }
            let s = max(sx, sy)
            return compareLoop(n, op, rescaled(a, by: s - sx), rescaled(b, by: s - sy), less: { $0 < $1 }, equal: { $0 == $1 })
        case .string, .binary:
            guard let a = BytesOperand(x), let b = BytesOperand(y) else { throw mismatch("(comparison operand)") }
            return compareBytes(n, op, a, b)
        default: throw TarnError(.invalidArgument, "cannot compare values of type \(tx)")
        }
    }

    func rescaled(_ a: Operand<Int128>, by k: Int) -> Operand<Int128> {
        if k == 0 { return a }
        switch a {
        case let .scalar(v): return .scalar(ExprDecimal.saturatingScale(v, by: k))
        case let .array(v): return .array(map1(v.count, a) { ExprDecimal.saturatingScale($0, by: k) })
        }
    }

    func compareBytes(_ n: Int, _ op: Expr.Comparison, _ a: BytesOperand, _ b: BytesOperand) -> [Bool] {
        [Bool](unsafeUninitializedCapacity: n) { out, done in
            a.withRows { ra in
                b.withRows { rb in
                    for i in 0 ..< n {
                        let (p, q) = (ra(i), rb(i))
                        if op == .eq || op == .ne || op == .nullSafeEq, p.count != q.count {
                            out[i] = op == .ne
                            continue
                        }
                        out[i] = holds(op, lexCompare(p, q))
                    }
                }
            }
            done = n
        }
    }
}

@inline(__always)
func sparkLess<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> Bool {
    if a.isNaN { return false }
    if b.isNaN { return true }
    return a < b
}

@inline(__always)
func sparkEqual<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> Bool { a == b || (a.isNaN && b.isNaN) }

/// Whether a three-way comparison result satisfies `op`.
@inline(__always)
func holds(_ op: Expr.Comparison, _ c: Int) -> Bool {
    switch op {
    case .eq, .nullSafeEq: return c == 0
    case .ne: return c != 0
    case .lt: return c < 0
    case .le: return c <= 0
    case .gt: return c > 0
    case .ge: return c >= 0
    }
}

@inline(__always)
func compareLoop<T>(_ n: Int, _ op: Expr.Comparison, _ a: Operand<T>, _ b: Operand<T>,
                    less: (T, T) -> Bool, equal: (T, T) -> Bool) -> [Bool] {
    switch op {
    case .eq, .nullSafeEq: return map2(n, a, b) { equal($0, $1) }
    case .ne: return map2(n, a, b) { !equal($0, $1) }
    case .lt: return map2(n, a, b) { less($0, $1) }
    case .le: return map2(n, a, b) { !less($1, $0) }
    case .gt: return map2(n, a, b) { less($1, $0) }
    case .ge: return map2(n, a, b) { !less($0, $1) }
    }
}

@inline(__always)
func lexCompare(_ p: UnsafeBufferPointer<UInt8>, _ q: UnsafeBufferPointer<UInt8>) -> Int {
    let k = Swift.min(p.count, q.count)
    var i = 0
    while i < k {
        let (x, y) = (p[i], q[i])
        if x != y { return x < y ? -1 : 1 }
        i += 1
    }
    return p.count < q.count ? -1 : p.count > q.count ? 1 : 0
}

/// A string / binary operand: offsets + data, or one scalar's bytes.
enum BytesOperand {
    case array(offsets: [Int32], data: [UInt8])
    case scalar([UInt8])

    init?(_ d: Datum) {
        switch d {
        case let .column(c):
            guard case let .bytes(o, data) = c.storage else { return nil }
            self = .array(offsets: o, data: data)
        case let .scalar(.string(s)): self = .scalar(Array(s.utf8))
        case let .scalar(.binary(b)): self = .scalar(b)
        default: return nil
        }
    }

    /// Calls `body` with a function from row index to that row's bytes.
    @inline(__always)
    func withRows<R>(_ body: ((Int) -> UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch self {
        case let .array(offsets, data):
            return data.withUnsafeBufferPointer { d in
                offsets.withUnsafeBufferPointer { o in
                    body { i in UnsafeBufferPointer(rebasing: d[Int(o[i]) ..< Int(o[i + 1])]) }
                }
            }
        case let .scalar(bytes):
            return bytes.withUnsafeBufferPointer { b in body { _ in b } }
        }
    }
}
