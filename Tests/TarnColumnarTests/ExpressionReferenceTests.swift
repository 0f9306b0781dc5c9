// The reference the property tests check the vectorized evaluator against: a row-at-a-time,
// Value-based interpreter of BoundExpr with SQL three-valued logic, written independently of the
// kernels (its own comparisons, LIKE matcher, wrapping arithmetic and arbitrary-precision decimal
// arithmetic on RefBigInt). Casts use the public scalar ExprCast semantics.
import Testing
import TarnColumnar

enum RefEval {
    static func eval(_ e: BoundExpr, _ row: [Value]) -> Value {
        switch e.node {
        case let .column(path, _):
            var v = row[path[0]]
            for i in path.dropFirst() {
                guard case let .structure(fields) = v else { return .null }
                v = fields[i]
            }
            return v
        case let .literal(v): return v
        case let .cast(a): return ExprCast.cast(eval(a, row), from: a.type, to: e.type)
        case let .compare(op, a, b): return compare(op, eval(a, row), a.type, eval(b, row), b.type)
        case let .and(a, b): return kleene(truth(eval(a, row)), truth(eval(b, row)), isAnd: true)
        case let .or(a, b): return kleene(truth(eval(a, row)), truth(eval(b, row)), isAnd: false)
        case let .not(a): return truth(eval(a, row)).map { .bool(!$0) } ?? .null
        case let .isNull(a, n): return .bool(eval(a, row).isNull != n)
        case let .inList(a, items, n):
            let r = inList(eval(a, row), a.type, items.map { (eval($0, row), $0.type) })
            return n ? (truth(r).map { .bool(!$0) } ?? .null) : r
        case let .like(a, p, n):
            guard case let .string(s) = eval(a, row), case let .string(pat) = eval(p, row) else { return .null }
            return .bool(like(Array(s.unicodeScalars)[...], pattern(pat)[...]) != n)
        case let .arithmetic(op, a, b): return RefArith.arithmetic(op, eval(a, row), a.type, eval(b, row), b.type, e.type)
        case let .negate(a): return RefArith.negate(eval(a, row), a.type)
        case let .concat(parts):
            var out = ""
            for p in parts {
                guard case let .string(s) = eval(p, row) else { return .null }
                out += s
            }
            return .string(out)
        case let .caseWhen(whens, otherwise):
            for w in whens where truth(eval(w.condition, row)) == true { return eval(w.result, row) }
            return otherwise.map { eval($0, row) } ?? .null
        case let .function(f, args): return function(f, args.map { eval($0, row) }, args.map(\.type), e.type)
        }
    }

    static func truth(_ v: Value) -> Bool? {
        if case let .bool(b) = v { return b }
        return nil
    }

    static func kleene(_ x: Bool?, _ y: Bool?, isAnd: Bool) -> Value {
        if isAnd {
            if x == false || y == false { return .bool(false) }
            return x == true && y == true ? .bool(true) : .null
        }
        if x == true || y == true { return .bool(true) }
        return x == false && y == false ? .bool(false) : .null
    }

    /// Spark ordering: NaN above everything and equal to itself, -0.0 = 0.0; bytes unsigned.
    static func order(_ x: Value, _ tx: DataType, _ y: Value, _ ty: DataType) -> Int {
        func cmp<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : a > b ? 1 : 0 }
        func floating(_ a: Double, _ b: Double) -> Int {
            if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : a.isNaN ? 1 : -1 }
            return cmp(a, b)
        }
        switch (x, y) {
        case let (.bool(a), .bool(b)): return cmp(a ? 1 : 0, b ? 1 : 0)
        case let (.int(a), .int(b)), let (.timestamp(a), .timestamp(b)): return cmp(a, b)
        case let (.date(a), .date(b)): return cmp(a, b)
        case let (.float(a), .float(b)): return floating(Double(a), Double(b))
        case let (.double(a), .double(b)): return floating(a, b)
        case let (.decimal(a), .decimal(b)):
            guard case let .decimal(_, sa) = tx, case let .decimal(_, sb) = ty else { return 99 }
            let c = max(sa, sb)
            return RefBigInt(a).scaled(c - sa).compare(RefBigInt(b).scaled(c - sb))
        case let (.string(a), .string(b)): return bytes(Array(a.utf8), Array(b.utf8))
        case let (.binary(a), .binary(b)): return bytes(a, b)
        default: return 99
        }
    }

    static func bytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for (p, q) in zip(a, b) where p != q { return p < q ? -1 : 1 }
        return a.count < b.count ? -1 : a.count > b.count ? 1 : 0
    }

    static func compare(_ op: Expr.Comparison, _ x: Value, _ tx: DataType, _ y: Value, _ ty: DataType) -> Value {
        if op == .nullSafeEq, x.isNull || y.isNull { return .bool(x.isNull && y.isNull) }
        if x.isNull || y.isNull { return .null }
        let c = order(x, tx, y, ty)
        switch op {
        case .eq, .nullSafeEq: return .bool(c == 0)
        case .ne: return .bool(c != 0)
        case .lt: return .bool(c < 0)
        case .le: return .bool(c <= 0)
        case .gt: return .bool(c > 0)
        case .ge: return .bool(c >= 0)
        }
    }

    static func inList(_ x: Value, _ tx: DataType, _ items: [(Value, DataType)]) -> Value {
        if x.isNull { return .null }
        if items.contains(where: { !$0.0.isNull && order(x, tx, $0.0, $0.1) == 0 }) { return .bool(true) }
        return items.contains(where: { $0.0.isNull }) ? .null : .bool(false)
    }

    enum PatternItem: Equatable { case char(Unicode.Scalar), one, any }

    static func pattern(_ p: String) -> [PatternItem] {
        var out: [PatternItem] = []
        var escaped = false
        for c in p.unicodeScalars {
            if escaped { out.append(.char(c)); escaped = false; continue }
            switch c {
            case "\\": escaped = true
            case "%": out.append(.any)
            case "_": out.append(.one)
            default: out.append(.char(c))
            }
        }
        if escaped { out.append(.char("\\")) }
        return out
    }

    /// Plain recursive matching (exponential in the worst case; patterns here are short).
    static func like(_ s: ArraySlice<Unicode.Scalar>, _ p: ArraySlice<PatternItem>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        switch first {
        case .any: return (0 ... s.count).contains { like(s.dropFirst($0), p.dropFirst()) }
        case .one: return !s.isEmpty && like(s.dropFirst(), p.dropFirst())
        case let .char(c): return s.first == c && like(s.dropFirst(), p.dropFirst())
        }
    }

    static func function(_ f: BoundExpr.Function, _ args: [Value], _ types: [DataType], _ type: DataType) -> Value {
        if f == .coalesce { return args.first { !$0.isNull } ?? .null }
        if args.contains(where: \.isNull) { return .null }
        switch (f, args[0]) {
        case let (.lower, .string(s)): return .string(s.lowercased())
        case let (.upper, .string(s)): return .string(s.uppercased())
        case let (.trim, .string(s)): return .string(strip(strip(s, leading: true), leading: false))
        case let (.ltrim, .string(s)): return .string(strip(s, leading: true))
        case let (.rtrim, .string(s)): return .string(strip(s, leading: false))
        case let (.length, .string(s)): return .int(Int64(s.unicodeScalars.count))
        case let (.length, .binary(b)): return .int(Int64(b.count))
        case let (.substring, .string(s)):
            guard case let .int(pos) = args[1] else { return .null }
            var len = Int64(Int32.max)
            if args.count > 2, case let .int(l) = args[2] { len = l }
            let chars = Array(s.unicodeScalars)
            var start = pos > 0 ? pos - 1 : pos < 0 ? Int64(chars.count) + pos : 0
            let end = min(start + len, Int64(chars.count))
            start = max(start, 0)
            guard start < end else { return .string("") }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: chars[Int(start) ..< Int(end)])
            return .string(String(view))
        case (.abs, _): return RefArith.absolute(args[0], types[0])
        case (.date, _): return ExprCast.cast(args[0], from: types[0], to: .date)
        case let (.year, .date(d)): return .int(Temporal.civil(fromDays: Int64(d)).year)
        case let (.month, .date(d)): return .int(Int64(Temporal.civil(fromDays: Int64(d)).month))
        case let (.day, .date(d)): return .int(Int64(Temporal.civil(fromDays: Int64(d)).day))
        default: return .string("unsupported in the reference: \(f)")
        }
    }

    static func strip(_ s: String, leading: Bool) -> String {
        var scalars = Array(s.unicodeScalars)
        if leading { while scalars.first == " " { scalars.removeFirst() } } else { while scalars.last == " " { scalars.removeLast() } }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}

enum RefArith {
    static func wrap(_ i: Int64, _ t: DataType) -> Int64 {
        switch t {
        case .byte: return Int64(Int8(truncatingIfNeeded: i))
        case .short: return Int64(Int16(truncatingIfNeeded: i))
        case .integer, .date: return Int64(Int32(truncatingIfNeeded: i))
        default: return i
        }
    }

    static func arithmetic(_ op: Expr.Arithmetic, _ x: Value, _ tx: DataType, _ y: Value, _ ty: DataType, _ t: DataType) -> Value {
        switch (x, y) {
        case let (.date(d), .int(n)):
            let r = op == .add ? Int64(d) + n : Int64(d) - n
            return .date(Int32(truncatingIfNeeded: r))
        case let (.int(a), .int(b)):
            switch op {
            case .add: return .int(wrap(a &+ b, t))
            case .subtract: return .int(wrap(a &- b, t))
            case .multiply: return .int(wrap(a &* b, t))
            case .divide, .remainder:
                if b == 0 { return .null }
                let r = op == .divide ? a.dividedReportingOverflow(by: b) : a.remainderReportingOverflow(dividingBy: b)
                return .int(wrap(r.overflow ? (op == .divide ? a : 0) : r.partialValue, t))
            }
        case let (.double(a), .double(b)): return floating(op, a, b).map { .double($0) } ?? .null
        case let (.float(a), .float(b)): return floating(op, a, b).map { .float($0) } ?? .null
        case let (.decimal(a), .decimal(b)):
            guard case let .decimal(_, sa) = tx, case let .decimal(_, sb) = ty, case let .decimal(p, s) = t else { return .null }
            return decimal(op, RefBigInt(a), sa, RefBigInt(b), sb, p, s)
        default: return .null
        }
    }

    static func floating<F: BinaryFloatingPoint>(_ op: Expr.Arithmetic, _ a: F, _ b: F) -> F? {
        switch op {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return b == 0 ? nil : a / b
        case .remainder: return b == 0 ? nil : a.truncatingRemainder(dividingBy: b)
        }
    }

    /// Exact rational result num/den at scale s, rounded HALF_UP, NULL beyond precision p.
    static func decimal(_ op: Expr.Arithmetic, _ a: RefBigInt, _ sa: Int, _ b: RefBigInt, _ sb: Int, _ p: Int, _ s: Int) -> Value {
        let c = max(sa, sb)
        var num: RefBigInt, den: RefBigInt
        switch op {
        case .add: (num, den) = (a.scaled(c - sa) + b.scaled(c - sb), RefBigInt(1).scaled(c))
        case .subtract: (num, den) = (a.scaled(c - sa) - b.scaled(c - sb), RefBigInt(1).scaled(c))
        case .multiply: (num, den) = (a * b, RefBigInt(1).scaled(sa + sb))
        case .divide:
            if b.isZero { return .null }
            (num, den) = (a.scaled(sb), b.scaled(sa))
        case .remainder:
            if b.isZero { return .null }
            let r = a.scaled(c - sa).quotientAndRemainder(b.scaled(c - sb)).remainder
            (num, den) = (r, RefBigInt(1).scaled(c))
        }
        let r = num.scaled(s).dividedRoundingHalfUp(den)
        guard let v = r.int128, Decimal128.fits(v, precision: p) else { return .null }
        return .decimal(v)
    }

    static func negate(_ x: Value, _ t: DataType) -> Value {
        switch x {
        case let .int(i): return .int(wrap(0 &- i, t))
        case let .float(f): return .float(-f)
        case let .double(d): return .double(-d)
        case let .decimal(u): return .decimal(-u)
        default: return .null
        }
    }

    static func absolute(_ x: Value, _ t: DataType) -> Value {
        switch x {
        case let .int(i): return .int(wrap(i < 0 ? 0 &- i : i, t))
        case let .float(f): return .float(abs(f))
        case let .double(d): return .double(abs(d))
        case let .decimal(u): return .decimal(u < 0 ? -u : u)
        default: return .null
        }
    }
}

/// A small arbitrary-precision signed integer (sign + 32-bit limbs) for exact decimal results.
struct RefBigInt {
    var negative: Bool
    var limbs: [UInt32]        // little-endian magnitude, no trailing zero limbs

    init(_ v: Int128) {
        negative = v < 0
        var m = v.magnitude
        limbs = []
        while m != 0 { limbs.append(UInt32(truncatingIfNeeded: m)); m >>= 32 }
    }

    init(negative: Bool, limbs: [UInt32]) {
        var l = limbs
        while l.last == 0 { l.removeLast() }
        self.limbs = l
        self.negative = l.isEmpty ? false : negative
    }

    var isZero: Bool { limbs.isEmpty }

    var int128: Int128? {
        guard limbs.count <= 4 else { return nil }
        var m: UInt128 = 0
        for l in limbs.reversed() { m = m << 32 | UInt128(l) }
        guard m <= UInt128(Int128.max) else { return nil }
        return negative ? -Int128(m) : Int128(m)
    }

    func scaled(_ k: Int) -> RefBigInt {
        var r = self
        for _ in 0 ..< k { r = r * RefBigInt(10) }
        return r
    }

    static func cmpMag(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for (x, y) in zip(a.reversed(), b.reversed()) where x != y { return x < y ? -1 : 1 }
        return 0
    }

    static func addMag(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        var carry: UInt64 = 0
        for i in 0 ..< max(a.count, b.count) {
            let s = UInt64(i < a.count ? a[i] : 0) + UInt64(i < b.count ? b[i] : 0) + carry
            out.append(UInt32(truncatingIfNeeded: s))
            carry = s >> 32
        }
        if carry != 0 { out.append(UInt32(carry)) }
        return out
    }

    /// a - b for |a| >= |b|.
    static func subMag(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        var borrow: Int64 = 0
        for i in 0 ..< a.count {
            var d = Int64(a[i]) - Int64(i < b.count ? b[i] : 0) - borrow
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += 1 << 32 }
            out.append(UInt32(d))
        }
        return out
    }

    static func + (x: RefBigInt, y: RefBigInt) -> RefBigInt {
        if x.negative == y.negative { return RefBigInt(negative: x.negative, limbs: addMag(x.limbs, y.limbs)) }
        return cmpMag(x.limbs, y.limbs) >= 0 ? RefBigInt(negative: x.negative, limbs: subMag(x.limbs, y.limbs))
            : RefBigInt(negative: y.negative, limbs: subMag(y.limbs, x.limbs))
    }

    static func - (x: RefBigInt, y: RefBigInt) -> RefBigInt { x + RefBigInt(negative: !y.negative, limbs: y.limbs) }

    static func * (x: RefBigInt, y: RefBigInt) -> RefBigInt {
        var out = [UInt32](repeating: 0, count: x.limbs.count + y.limbs.count + 1)
        for (i, a) in x.limbs.enumerated() {
            var carry: UInt64 = 0
            for (j, b) in y.limbs.enumerated() {
                let t = UInt64(a) * UInt64(b) + UInt64(out[i + j]) + carry
                out[i + j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            out[i + y.limbs.count] = UInt32(carry)
        }
        return RefBigInt(negative: x.negative != y.negative, limbs: out)
    }

    /// Truncating division (remainder has the dividend's sign), by binary long division.
    func quotientAndRemainder(_ d: RefBigInt) -> (quotient: RefBigInt, remainder: RefBigInt) {
        var q = [UInt32](repeating: 0, count: limbs.count)
        var r: [UInt32] = []
        for bit in stride(from: limbs.count * 32 - 1, through: 0, by: -1) {
            r = RefBigInt.addMag(r, r)
            if (limbs[bit / 32] >> UInt32(bit % 32)) & 1 == 1 { r = RefBigInt.addMag(r, [1]) }
            while r.last == 0 { r.removeLast() }
            if RefBigInt.cmpMag(r, d.limbs) >= 0 {
                r = RefBigInt.subMag(r, d.limbs)
                while r.last == 0 { r.removeLast() }
                q[bit / 32] |= 1 << UInt32(bit % 32)
            }
        }
        return (RefBigInt(negative: negative != d.negative, limbs: q), RefBigInt(negative: negative, limbs: r))
    }

    /// self / d rounded HALF_UP (away from zero at exactly one half).
    func dividedRoundingHalfUp(_ d: RefBigInt) -> RefBigInt {
        let (q, r) = quotientAndRemainder(d)
        let twice = RefBigInt.addMag(r.limbs, r.limbs)
        guard RefBigInt.cmpMag(twice, d.limbs) >= 0 else { return q }
        return q + RefBigInt(negative: negative != d.negative, limbs: [1])
    }

    func compare(_ o: RefBigInt) -> Int {
        if negative != o.negative { return negative ? -1 : 1 }
        let m = RefBigInt.cmpMag(limbs, o.limbs)
        return negative ? -m : m
    }
}

extension ExpressionTests {
    @Suite struct Reference {
        @Test func bigIntArithmetic() {
            let a = RefBigInt(Int128.max), b = RefBigInt(-12345)
            #expect(((a * b).quotientAndRemainder(b)).quotient.int128 == Int128.max)
            #expect((RefBigInt(7) - RefBigInt(10)).int128 == -3)
            #expect(RefBigInt(-7).quotientAndRemainder(RefBigInt(2)).remainder.int128 == -1)
            #expect(RefBigInt(-5).dividedRoundingHalfUp(RefBigInt(2)).int128 == -3)
            #expect(RefBigInt(1).scaled(39).int128 == nil)
            #expect(RefBigInt(1).scaled(38).int128 == Decimal128.powersOfTen[38])
        }
    }
}
