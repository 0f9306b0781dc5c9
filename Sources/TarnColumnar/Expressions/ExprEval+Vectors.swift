// Vector plumbing for the evaluator: a Datum is a column or a scalar; PhysicalValue maps column
// storage and scalars to typed Swift arrays; map1 / map2 run a closure over typed buffers (column
// × column, column × scalar, scalar × column) without boxing, so the kernels stay tight loops.

enum Datum {
    case column(Column)
    case scalar(Value)

    var isNullScalar: Bool {
        if case let .scalar(v) = self { return v.isNull }
        return false
    }

    var validity: Bitmap? {
        if case let .column(c) = self { return c.validity }
        return nil
    }
}

protocol PhysicalValue {
    static func array(_ s: ColumnStorage) -> [Self]?
    static func scalar(_ v: Value) -> Self?
    static func storage(_ a: [Self]) -> ColumnStorage
    static var zero: Self { get }
}

extension Bool: PhysicalValue {
    static func array(_ s: ColumnStorage) -> [Bool]? { if case let .bool(a) = s { return a }; return nil }
    static func scalar(_ v: Value) -> Bool? { if case let .bool(b) = v { return b }; return nil }
    static func storage(_ a: [Bool]) -> ColumnStorage { .bool(a) }
    static var zero: Bool { false }
}

extension Int8: PhysicalValue {
    static func array(_ s: ColumnStorage) -> [Int8]? { if case let .int8(a) = s { return a }; return nil }
    static func scalar(_ v: Value) -> Int8? { if case let .int(i) = v { return Int8(truncatingIfNeeded: i) }; return nil }
    static func storage(_ a: [Int8]) -> ColumnStorage { .int8(a) }
}

extension Int16: PhysicalValue {
    static func array(_ s: ColumnStorage) -> [Int16]? { if case let .int16(a) = s { return a }; return nil }
    static func scalar(_ v: Value) -> Int16? { if case let .int(i) = v { return Int16(truncatingIfNeeded: i) }; return nil }
    static func storage(_ a: [Int16]) -> ColumnStorage { .int16(a) }
}

extension Int32: PhysicalValue {
    static func array(_ s: ColumnStorage) -> [Int32]? { if case let .int32(a) = s { return a }; return nil }
    static func scalar(_ v: Value) -> Int32? {
        switch v {
        case let .int(i): return Int32(truncatingIfNeeded: i)
        case let .date(d): return d
        default: return nil
        }
    }
    static func storage(_ a: [Int32]) -> ColumnStorage { .int32(a) }
}

extension Int64: PhysicalValue {
    static func array(_ s: ColumnStorage) -> [Int64]? { if case let .int64(a) = s { return a }; return nil }
    static func scalar(_ v: Value) -> Int64? {
        switch v {
        case let .int(i), let .timestamp(i): return i
        default: return nil
        }
    }
    static func storage(_ a: [Int64]) -> ColumnStorage { .int64(a) }
}

extension Float: PhysicalValue {
    static func array(_ s: ColumnStorage) -> [Float]? { if case let .float(a) = s { return a }; return nil }
    static func scalar(_ v: Value) -> Float? { if case let .float(f) = v { return f }; return nil }
    static func storage(_ a: [Float]) -> ColumnStorage { .float(a) }
}

extension Double: PhysicalValue {
    static func array(_ s: ColumnStorage) -> [Double]? { if case let .double(a) = s { return a }; return nil }
    static func scalar(_ v: Value) -> Double? { if case let .double(d) = v { return d }; return nil }
    static func storage(_ a: [Double]) -> ColumnStorage { .double(a) }
}

extension Int128: PhysicalValue {
    static func array(_ s: ColumnStorage) -> [Int128]? { if case let .int128(a) = s { return a }; return nil }
    static func scalar(_ v: Value) -> Int128? { if case let .decimal(u) = v { return u }; return nil }
    static func storage(_ a: [Int128]) -> ColumnStorage { .int128(a) }
}

enum Operand<T: PhysicalValue> {
    case array([T])
    case scalar(T)

    /// nil for a null scalar or a storage of another kind.
    init?(_ d: Datum) {
        switch d {
        case let .column(c):
            guard let a = T.array(c.storage) else { return nil }
            self = .array(a)
        case let .scalar(v):
            guard let s = T.scalar(v) else { return nil }
            self = .scalar(s)
        }
    }
}

/// f over every row of one operand.
@inline(__always)
func map1<A, R>(_ n: Int, _ a: Operand<A>, _ f: (A) -> R) -> [R] {
    [R](unsafeUninitializedCapacity: n) { out, done in
        switch a {
        case let .array(x): x.withUnsafeBufferPointer { xp in for i in 0 ..< n { out[i] = f(xp[i]) } }
        case let .scalar(x):
            let r = f(x)
            for i in 0 ..< n { out[i] = r }
        }
        done = n
    }
}

/// f over every row of two operands.
@inline(__always)
func map2<A, B, R>(_ n: Int, _ a: Operand<A>, _ b: Operand<B>, _ f: (A, B) -> R) -> [R] {
    [R](unsafeUninitializedCapacity: n) { out, done in
        switch (a, b) {
        case let (.array(x), .array(y)):
            x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in for i in 0 ..< n { out[i] = f(xp[i], yp[i]) } } }
        case let (.array(x), .scalar(y)): x.withUnsafeBufferPointer { xp in for i in 0 ..< n { out[i] = f(xp[i], y) } }
        case let (.scalar(x), .array(y)): y.withUnsafeBufferPointer { yp in for i in 0 ..< n { out[i] = f(x, yp[i]) } }
        case let (.scalar(x), .scalar(y)):
            let r = f(x, y)
            for i in 0 ..< n { out[i] = r }
        }
        done = n
    }
}

/// f over two operands where f may give NULL (nil): values (zero where nil) and the null rows.
@inline(__always)
func map2Nullable<A, B, R: PhysicalValue>(_ n: Int, _ a: Operand<A>, _ b: Operand<B>, _ f: (A, B) -> R?) -> ([R], [Int]) {
    if case let .scalar(x) = a, case let .scalar(y) = b {
        guard let r = f(x, y) else { return ([R](repeating: R.zero, count: n), Array(0 ..< n)) }
        return ([R](repeating: r, count: n), [])
    }
    var nulls: [Int] = []
    var i = 0
    let values = map2(n, a, b) { (x: A, y: B) -> R in
        defer { i += 1 }
        if let r = f(x, y) { return r }
        nulls.append(i)
        return R.zero
    }
    return (values, nulls)
}

extension PhysicalValue where Self: Numeric {
    static var zero: Self { 0 }
}

/// Validity with the given rows also cleared; nil when nothing is null.
func clearing(_ validity: Bitmap?, _ rows: [Int], count: Int) -> Bitmap? {
    if rows.isEmpty { return validity }
    var v = validity ?? Bitmap(count: count, value: true)
    for r in rows { v[r] = false }
    return v.nilIfAllSet
}

/// Sets the null slots of `values` to zero, as Column's layout asks.
func zeroingNulls<T: PhysicalValue>(_ values: inout [T], _ validity: Bitmap?) {
    validity?.forEachUnset { values[$0] = T.zero }
}

/// A typed column with null slots zeroed.
func makeColumn<T: PhysicalValue>(_ type: DataType, _ values: [T], _ validity: Bitmap?) -> Column {
    var v = values
    zeroingNulls(&v, validity)
    return Column(type: type, count: v.count, validity: validity?.nilIfAllSet, storage: T.storage(v))
}
