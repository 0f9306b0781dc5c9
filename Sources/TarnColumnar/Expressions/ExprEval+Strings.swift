// String kernels over offsets + bytes: LIKE (compiled once for a literal pattern), ||, lower,
// upper, trim / ltrim / rtrim (spaces only, as Spark), length in characters (bytes for binary)
// and substring with Spark's 1-based / negative positions, counted in characters.

extension ExprEvaluator {
    func like(_ a: BoundExpr, _ p: BoundExpr, negated: Bool) throws -> Column {
        let x = try eval(a), y = try eval(p)
        if x.isNullScalar || y.isNullScalar { return Column.allNull(.boolean, count: count) }
        guard let text = BytesOperand(x), let pattern = BytesOperand(y) else { throw mismatch("(LIKE operand)") }
        let n = count
        var values = [Bool](repeating: false, count: n)
        if case let .scalar(pb) = pattern {
            let compiled = LikePattern(pb)
            text.withRows { row in for i in 0 ..< n { values[i] = compiled.matches(row(i)) != negated } }
        } else {
            var cache: (bytes: [UInt8], pattern: LikePattern)?
            text.withRows { row in
                pattern.withRows { prow in
                    for i in 0 ..< n {
                        let pb = Array(prow(i))
                        if cache?.bytes != pb { cache = (pb, LikePattern(pb)) }
                        values[i] = (cache?.pattern.matches(row(i)) ?? false) != negated
                    }
                }
            }
        }
        return makeColumn(.boolean, values, Bitmap.intersect(x.validity, y.validity))
    }

    func concat(_ parts: [BoundExpr]) throws -> Column {
        let datums = try parts.map { try eval($0) }
        if datums.contains(where: \.isNullScalar) { return Column.allNull(.string, count: count) }
        let operands = try datums.map { try BytesOperand($0) ?? { throw mismatch("(|| operand)") }() }
        let validity = datums.reduce(nil as Bitmap?) { Bitmap.intersect($0, $1.validity) }
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(count + 1)
        var data: [UInt8] = []
        for i in 0 ..< count {
            if validity?[i] != false {
                for op in operands { op.withRows { row in data.append(contentsOf: row(i)) } }
            }
            offsets.append(Int32(truncatingIfNeeded: data.count))
        }
        return Column(type: .string, count: count, validity: validity?.nilIfAllSet, storage: .bytes(offsets: offsets, data: data))
    }

    /// A string column rebuilt row by row from each row's bytes.
    func mapBytes(_ a: BoundExpr, _ type: DataType = .string, _ f: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void) throws -> Column {
        let c = try column(a)
        guard case let .bytes(o, d) = c.storage else { throw mismatch("(string operand)") }
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(c.count + 1)
        var data: [UInt8] = []
        data.reserveCapacity(d.count)
        d.withUnsafeBufferPointer { buf in
            for i in 0 ..< c.count {
                if !c.isNull(i) { f(UnsafeBufferPointer(rebasing: buf[Int(o[i]) ..< Int(o[i + 1])]), &data) }
                offsets.append(Int32(truncatingIfNeeded: data.count))
            }
        }
        return Column(type: type, count: c.count, validity: c.validity, storage: .bytes(offsets: offsets, data: data))
    }

    func changeCase(_ a: BoundExpr, upper: Bool) throws -> Column {
        try mapBytes(a) { row, out in
            if row.allSatisfy({ $0 < 0x80 }) {
                for b in row {
                    let isLower = b >= 97 && b <= 122, isUpper = b >= 65 && b <= 90
                    out.append(upper && isLower ? b - 32 : !upper && isUpper ? b + 32 : b)
                }
            } else {
                let s = String(decoding: row, as: UTF8.self)
                out.append(contentsOf: (upper ? s.uppercased() : s.lowercased()).utf8)
            }
        }
    }

    func trim(_ a: BoundExpr, leading: Bool, trailing: Bool) throws -> Column {
        try mapBytes(a) { row, out in
            var lo = 0, hi = row.count
            if leading { while lo < hi, row[lo] == 32 { lo += 1 } }
            if trailing { while hi > lo, row[hi - 1] == 32 { hi -= 1 } }
            out.append(contentsOf: row[lo ..< hi])
        }
    }

    func length(_ a: BoundExpr) throws -> Column {
        let c = try column(a)
        guard case let .bytes(o, d) = c.storage else { throw mismatch("(length operand)") }
        let characters = c.type == .string
        let values = d.withUnsafeBufferPointer { buf in
            (0 ..< c.count).map { i -> Int32 in
                let row = buf[Int(o[i]) ..< Int(o[i + 1])]
                return Int32(truncatingIfNeeded: characters ? row.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } : row.count)
            }
        }
        return makeColumn(.integer, values, c.validity)
    }

    func substring(_ args: [BoundExpr]) throws -> Column {
        let s = try column(args[0]), pos = try column(args[1])
        let len = try args.count > 2 ? column(args[2]) : nil
        let b = ColumnBuilder(type: .string)
        for i in 0 ..< count {
            guard case let .string(text) = s.value(at: i), case let .int(p) = pos.value(at: i) else { b.appendNull(); continue }
            var l = Int64(Int32.max)
            if let len {
                guard case let .int(x) = len.value(at: i) else { b.appendNull(); continue }
                l = x
            }
            try b.append(.string(ExprEvaluator.substringSQL(text, Int(p), Int(l))))
        }
        return b.finish()
    }

    /// Spark's UTF8String.substringSQL: 1-based, 0 is the first character, negative counts from the end.
    static func substringSQL(_ text: String, _ pos: Int, _ length: Int) -> String {
        let chars = Array(text.unicodeScalars)
        var start = pos > 0 ? pos - 1 : pos < 0 ? chars.count + pos : 0
        let end = min(start + length, chars.count)
        start = max(start, 0)
        guard start < end else { return "" }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: chars[start ..< end])
        return String(out)
    }
}
