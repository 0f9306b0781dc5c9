// Literal forms of the expression language (spec/expressions.md "Literals"): numbers with their
// inferred type (integer, long, decimal with the written scale, double, suffixes L S Y D F BD),
// typed literals DATE / TIMESTAMP / TIMESTAMP_NTZ '…', and X'…' binary.

enum ExprLiterals {
    static let typedLiteralWords: Set<String> = ["date", "timestamp", "timestamp_ntz", "timestamp_ltz"]

    /// The literal for number text (with an optional leading '-' and a type suffix).
    static func number(_ text: String, at: Int, _ p: ExprSyntax) throws -> Expr {
        let lower = text.lowercased()
        var suffix = ""
        if lower.hasSuffix("bd") { suffix = "bd" } else if let last = lower.last, "lsydf".contains(last) { suffix = String(last) }
        let body = String(lower.dropLast(suffix.count))
        let hasExponent = body.contains("e"), hasPoint = body.contains(".")
        guard TextValues.isNumberText(body.utf8) else {
            throw p.error("invalid number '\(text)' (suffixes: L, S, Y, D, F, BD)", at: at)
        }
        func fail(_ why: String) -> TarnError { p.error("number \(text) \(why)", at: at) }
        switch suffix {
        case "l", "s", "y":
            guard !hasExponent, !hasPoint, let v = Int64(body) else { throw fail("is not a valid integer") }
            let type: DataType = suffix == "l" ? .long : suffix == "s" ? .short : .byte
            guard TextValues.fitsInteger(v, type) else { throw fail("is out of range for \(type)") }
            return .literal(.int(v), type)
        case "d":
            guard let v = Double(body), v.isFinite else { throw fail("is out of range for double") }
            return .literal(.double(v), .double)
        case "f":
            guard let v = Float(body), v.isFinite else { throw fail("is out of range for float") }
            return .literal(.float(v), .float)
        case "bd": return try decimal(body) ?? { throw fail("does not fit decimal(38)") }()
        default: break
        }
        if hasExponent {
            guard let v = Double(body), v.isFinite else { throw fail("is out of range for double") }
            return .literal(.double(v), .double)
        }
        if !hasPoint, let v = Int64(body) {
            return .literal(.int(v), Int32(exactly: v) != nil ? .integer : .long)
        }
        return try decimal(body) ?? { throw fail("has more than 38 digits") }()
    }

    /// A decimal literal with the written scale: 1.50 → decimal(3,2); precision = max(digits, scale).
    static func decimal(_ body: String) -> Expr? {
        var scale = 0
        if let dot = body.firstIndex(of: ".") {
            scale = body[body.index(after: dot)...].prefix { $0.isNumber }.count
        }
        if let e = body.firstIndex(of: "e"), let exp = Int(body[body.index(after: e)...]) {
            scale = max(0, scale - exp)
        }
        guard scale <= DataType.maxDecimalPrecision, let v = Decimal128.parse(body, scale: scale) else { return nil }
        let digits = String(v.magnitude).count
        let precision = max(digits, scale, 1)
        guard precision <= DataType.maxDecimalPrecision else { return nil }
        return .literal(.decimal(v), .decimal(precision: precision, scale: scale))
    }

    /// DATE '…', TIMESTAMP '…' (UTC unless the text has a zone), TIMESTAMP_NTZ '…' (no zone allowed).
    static func typed(_ word: String, _ text: String, at: Int, _ p: ExprSyntax) throws -> Expr {
        switch word {
        case "date":
            guard let d = Temporal.parseDate(text.trimmedWhitespace) else {
                throw p.error("invalid DATE literal '\(text)' (expected YYYY-MM-DD)", at: at)
            }
            return .literal(.date(d), .date)
        default:
            guard let t = ExprCast.parseTimestamp(text.trimmedWhitespace) else {
                throw p.error("invalid \(word.uppercased()) literal '\(text)' (expected YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][zone])", at: at)
            }
            if word == "timestamp_ntz" {
                guard !t.hasZone else { throw p.error("TIMESTAMP_NTZ literal '\(text)' cannot have a time zone", at: at) }
                return .literal(.timestamp(t.micros), .timestampNtz)
            }
            return .literal(.timestamp(t.micros), .timestamp)
        }
    }

    static func hexBytes(_ h: String) -> [UInt8]? {
        let digits = Array(h.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let hi = hexValue(digits[i]), let lo = hexValue(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48 ... 57: return c - 48
        case 97 ... 102: return c - 87
        case 65 ... 70: return c - 55
        default: return nil
        }
    }
}
