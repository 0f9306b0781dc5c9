// ExprFormat: CAST(x AS string) text, as Spark prints values: Java's Double.toString layout for
// floating point (1.0E10, 1.0E-5, plain between 1e-3 and 1e7), "YYYY-MM-DD HH:MM:SS[.ffffff]" for
// timestamps (UTC, trailing fraction zeros dropped), decimals with exactly their scale.

enum ExprFormat {
    static func string(_ v: Value, _ type: DataType) -> String {
        switch v {
        case .null: return ""
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .float(f): return javaStyle(f.isFinite ? "\(f)" : "", Double(f))
        case let .double(d): return javaStyle(d.isFinite ? "\(d)" : "", d)
        case let .decimal(u):
            if case let .decimal(_, s) = type { return Decimal128.format(u, scale: s) }
            return String(u)
        case let .string(s): return s
        case let .binary(b): return String(decoding: b, as: UTF8.self)
        case let .date(d): return Temporal.formatDate(d)
        case let .timestamp(m): return timestamp(m)
        default: return v.description
        }
    }

    static func timestamp(_ micros: Int64) -> String {
        let full = Temporal.formatTimestamp(micros, utc: false)        // YYYY-MM-DDTHH:MM:SS.ffffff
        guard let t = full.firstIndex(of: "T"), let dot = full.lastIndex(of: ".") else { return full }
        var fraction = full[full.index(after: dot)...]
        while fraction.last == "0" { fraction = fraction.dropLast() }
        let base = full[..<t] + " " + full[full.index(after: t) ..< dot]
        return fraction.isEmpty ? String(base) : base + "." + fraction
    }

    /// Re-lays out Swift's shortest round-trip digits (`shortest`) the way Java prints doubles.
    static func javaStyle(_ shortest: String, _ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        var text = Substring(shortest)
        let negative = text.first == "-"
        if negative { text = text.dropFirst() }
        var exp = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exp = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        // value = 0.DIGITS × 10^point
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = parts.first.map(String.init) ?? ""
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = intPart + fracPart
        var point = intPart.count + exp
        while digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { return negative ? "-0.0" : "0.0" }
        let sign = negative ? "-" : ""
        let magnitude = abs(d)
        if magnitude >= 1e-3 && magnitude < 1e7 {
            if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
            if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) + ".0" }
            let i = digits.index(digits.startIndex, offsetBy: point)
            return sign + digits[..<i] + "." + digits[i...]
        }
        let first = digits.prefix(1), rest = digits.dropFirst()
        return sign + first + "." + (rest.isEmpty ? "0" : rest) + "E" + String(point - 1)
    }
}
