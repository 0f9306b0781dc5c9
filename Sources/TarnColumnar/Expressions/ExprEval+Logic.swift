// Boolean kernels with SQL three-valued logic (AND: FALSE wins over NULL; OR: TRUE wins over
// NULL), NOT, IS [NOT] NULL, [NOT] IN (hashed for literal lists of primitives), CASE and
// coalesce (per-row branch choice, then one interleaving gather).

extension ExprEvaluator {
    func logic(_ a: BoundExpr, _ b: BoundExpr, isAnd: Bool) throws -> Column {
        let (x, vx) = try bools(a), (y, vy) = try bools(b)
        return ExprEvaluator.combine(x, vx, y, vy, isAnd: isAnd)
    }

    static func combine(_ x: [Bool], _ vx: Bitmap?, _ y: [Bool], _ vy: Bitmap?, isAnd: Bool) -> Column {
        let n = x.count
        if vx == nil && vy == nil {
            let values = isAnd ? map2(n, .array(x), .array(y)) { $0 && $1 } : map2(n, .array(x), .array(y)) { $0 || $1 }
            return Column(type: .boolean, count: n, validity: nil, storage: .bool(values))
        }
        var values = [Bool](repeating: false, count: n)
        var validity = Bitmap(count: n, value: true)
        for i in 0 ..< n {
            let xv = vx?[i] ?? true, yv = vy?[i] ?? true
            let decisive = isAnd ? (xv && !x[i]) || (yv && !y[i]) : (xv && x[i]) || (yv && y[i])
            if decisive {
                values[i] = !isAnd
            } else if xv && yv {
                values[i] = isAnd
            } else {
                validity[i] = false
            }
        }
        return Column(type: .boolean, count: n, validity: validity.nilIfAllSet, storage: .bool(values))
    }

    func not(_ a: BoundExpr) throws -> Column {
        let (x, v) = try bools(a)
        return makeColumn(.boolean, map1(x.count, .array(x)) { !$0 }, v)
    }

    func notColumn(_ c: Column) -> Column {
        guard case let .bool(x) = c.storage else { return c }
        return makeColumn(.boolean, map1(x.count, .array(x)) { !$0 }, c.validity)
    }

    func isNull(_ a: BoundExpr, negated: Bool) throws -> Column {
        isNullColumn(try eval(a), negated: negated)
    }

    func isNullColumn(_ d: Datum, negated: Bool) -> Column {
        var values = [Bool](repeating: negated, count: count)
        switch d {
        case let .scalar(v): if v.isNull { values = [Bool](repeating: !negated, count: count) }
        case let .column(c): c.validity?.forEachUnset { values[$0] = !negated }
        }
        return Column(type: .boolean, count: count, validity: nil, storage: .bool(values))
    }

    // MARK: IN

    func inList(_ a: BoundExpr, _ items: [BoundExpr], negated: Bool) throws -> Column {
        let x = try eval(a)
        let literals = items.compactMap(\.literalValue)
        var result: Column
        if literals.count == items.count, items.allSatisfy({ $0.type == a.type }), let r = try inSet(x, a.type, literals) {
            result = r
        } else {
            result = Column.allNull(.boolean, count: count)
            for (k, item) in items.enumerated() {
                let eq = try compareDatums(.eq, x, a.type, eval(item), item.type)
                result = k == 0 ? eq : try orColumns(result, eq)
            }
        }
        return negated ? notColumn(result) : result
    }

    func orColumns(_ a: Column, _ b: Column) throws -> Column {
        guard case let .bool(x) = a.storage, case let .bool(y) = b.storage else { throw mismatch("(boolean operand)") }
        return ExprEvaluator.combine(x, a.validity, y, b.validity, isAnd: false)
    }

    /// Membership in a literal list by hashing (nil: no fast path for this type and size).
    func inSet(_ x: Datum, _ type: DataType, _ literals: [Value]) throws -> Column? {
        let items = literals.filter { !$0.isNull }
        let c = try materialize(x, type)
        var found: [Bool]
        switch c.storage {
        case let .bool(a): found = member(a, items.compactMap(Bool.scalar))
        case let .int8(a): found = member(a, items.compactMap(Int8.scalar))
        case let .int16(a): found = member(a, items.compactMap(Int16.scalar))
        case let .int32(a): found = member(a, items.compactMap(Int32.scalar))
        case let .int64(a): found = member(a, items.compactMap(Int64.scalar))
        case let .int128(a): found = member(a, items.compactMap(Int128.scalar))
        case let .float(a): found = floatMember(a, items.compactMap(Float.scalar))
        case let .double(a): found = floatMember(a, items.compactMap(Double.scalar))
        case let .bytes(o, d) where items.count > 8:
            let set = Set(items.compactMap { v -> [UInt8]? in
                switch v {
                case let .string(s): return Array(s.utf8)
                case let .binary(b): return b
                default: return nil
                }
            })
            found = (0 ..< c.count).map { set.contains(Array(d[Int(o[$0]) ..< Int(o[$0 + 1])])) }
        default: return nil
        }
        var validity = c.validity
        if items.count < literals.count {        // a NULL in the list: no match is NULL, not FALSE
            var v = validity ?? Bitmap(count: c.count, value: true)
            for (i, f) in found.enumerated() where !f { v[i] = false }
            validity = v
        }
        return makeColumn(.boolean, found, validity)
    }

    func member<T: PhysicalValue & Hashable>(_ a: [T], _ items: [T]) -> [Bool] {
        if items.count <= 4 { return map1(a.count, .array(a)) { v in items.contains(v) } }
        let set = Set(items)
        return map1(a.count, .array(a)) { set.contains($0) }
    }

    /// Spark equality for floating point: NaN matches NaN, -0.0 matches 0.0.
    func floatMember<F: PhysicalValue & BinaryFloatingPoint & Hashable>(_ a: [F], _ items: [F]) -> [Bool] {
        let nan = items.contains { $0.isNaN }
        let set = Set(items.filter { !$0.isNaN })
        return map1(a.count, .array(a)) { v in v.isNaN ? nan : set.contains(v) }
    }

    // MARK: CASE and coalesce

    func caseWhen(_ whens: [(condition: BoundExpr, result: BoundExpr)], _ otherwise: BoundExpr?, type: DataType) throws -> Column {
        var choice = [Int32](repeating: Int32(whens.count), count: count)
        var decided = [Bool](repeating: false, count: count)
        for (k, w) in whens.enumerated() {
            let (c, v) = try bools(w.condition)
            for i in 0 ..< count where !decided[i] && c[i] && (v?[i] ?? true) {
                choice[i] = Int32(k)
                decided[i] = true
            }
        }
        var branches = try whens.map { try column($0.result) }
        branches.append(try otherwise.map { try column($0) } ?? Column.allNull(type, count: count))
        return try Column.interleave(branches, choice: choice)
    }

    func coalesce(_ args: [BoundExpr], type: DataType) throws -> Column {
        let columns = try args.map { try column($0) }
        var choice = [Int32](repeating: Int32(columns.count - 1), count: count)
        var decided = [Bool](repeating: false, count: count)
        for (k, c) in columns.enumerated() {
            for i in 0 ..< count where !decided[i] && !c.isNull(i) {
                choice[i] = Int32(k)
                decided[i] = true
            }
        }
        return try Column.interleave(columns, choice: choice)
    }
}
