// Decimal128: helpers for decimal(p,s) values stored as unscaled Int128: precision checks,
// exact text formatting with exactly `scale` fractional digits, and exact parsing from text.
import TarnCodecs

public enum Decimal128 {
    /// 10^0 ... 10^38.
    public static let powersOfTen: [Int128] = {
        var p: [Int128] = [1]
        for _ in 1 ... 38 { p.append(p[p.count - 1] * 10) }
        return p
    }()

    /// True when |v| < 10^precision.
    public static func fits(_ v: Int128, precision: Int) -> Bool {
        let limit = powersOfTen[min(max(precision, 0), 38)]
        return v > -limit && v < limit
    }

    /// "-1.50" for (-150, scale 2); scale 0 gives an integer string.
    public static func format(_ v: Int128, scale: Int) -> String {
        let negative = v < 0
        let magnitude = v.magnitude
        var digits = String(magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }

    /// Parses decimal text ("12", "-1.5", "1.50e2", "+3.") into an unscaled value of `scale`.
    /// Fails (nil) when the text is not a number or has more fractional digits than `scale` allows
    /// without rounding, or exceeds 38 digits.
    public static func parse(_ text: String, scale: Int) -> Int128? {
        var s = Substring(text.trimmedWhitespace)
        var negative = false
        if s.first == "-" || s.first == "+" { negative = s.first == "-"; s = s.dropFirst() }
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(s[s.index(after: e)...]), abs(x) < 100 else { return nil }
            exponent = x
            s = s[..<e]
        }
        var intPart = s
        var frac: Substring = ""
        if let dot = s.firstIndex(of: ".") {
            intPart = s[..<dot]
            frac = s[s.index(after: dot)...]
        }
        guard !(intPart.isEmpty && frac.isEmpty),
              intPart.allSatisfy(\.isASCIIDigit), frac.allSatisfy(\.isASCIIDigit) else { return nil }
        var digits = Array((intPart + frac).utf8)
        var shift = scale - frac.count + exponent      // power of ten still to apply
        while shift < 0 {                                  // drop trailing zeros only
            guard let last = digits.last, last == UInt8(ascii: "0") else { return nil }
            digits.removeLast()
            shift += 1
        }
        while digits.count > 1, digits.first == UInt8(ascii: "0") { digits.removeFirst() }
        guard digits.count + shift <= 38 else { return nil }
        var v: Int128 = 0
        for d in digits { v = v * 10 + Int128(d - 48) }
        v *= powersOfTen[shift]
        return negative ? -v : v
    }

    /// Big-endian two's complement bytes of `v`, `width` bytes long (Parquet FLBA/BYTE_ARRAY decimals).
    public static func bigEndianBytes(_ v: Int128, width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width)
        var x = v
        for i in stride(from: width - 1, through: 0, by: -1) {
            out[i] = UInt8(truncatingIfNeeded: x)
            x >>= 8
        }
        return out
    }

    /// Reads a big-endian two's complement integer of 1...16 bytes (sign-extended); nil if wider.
    public static func fromBigEndian<C: Collection>(_ bytes: C) -> Int128? where C.Element == UInt8 {
        guard !bytes.isEmpty else { return 0 }
        var v: Int128 = (bytes.first ?? 0) & 0x80 != 0 ? -1 : 0
        var significant = 0
        for b in bytes {
            if significant == 0 && (b == 0 && v == 0 || b == 0xFF && v == -1) { continue }
            significant += 1
            if significant > 16 { return nil }
            v = (v << 8) | Int128(b)
        }
        return v
    }

    /// Minimal bytes for a FIXED_LEN_BYTE_ARRAY holding any value of `precision` digits.
    public static func byteWidth(precision: Int) -> Int {
        var n = 1
        while n < 16 {
            // largest value representable in n bytes: 2^(8n-1) - 1
            let maxValue = (Int128(1) << (8 * n - 1)) - 1
            if maxValue >= powersOfTen[precision] - 1 { return n }
            n += 1
        }
        return 16
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}
