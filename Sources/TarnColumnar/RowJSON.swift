// RowJSON: the canonical JSON-lines row form of spec/rows.md. Every command that prints rows
// uses it, and the interop tests compare it against pyarrow's reading of the same files.
import TarnCodecs

public enum RowJSON {
    /// Appends one JSON object per row of `batch`, each followed by "\n".
    public static func write(_ batch: RecordBatch, into out: inout [UInt8]) {
        let names = batch.schema.fields.map { f -> [UInt8] in
            var b: [UInt8] = []
            JSONValue.writeString(f.name, into: &b)
            b.append(UInt8(ascii: ":"))
            return b
        }
        for r in 0 ..< batch.count {
            out.append(UInt8(ascii: "{"))
            for (i, c) in batch.columns.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: names[i])
                writeValue(c, r, into: &out)
            }
            out.append(contentsOf: [UInt8(ascii: "}"), 10])
        }
    }

    public static func lines(_ batch: RecordBatch) -> [String] {
        var out: [UInt8] = []
        write(batch, into: &out)
        return String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Appends the canonical JSON of row `i` of `c`.
    public static func writeValue(_ c: Column, _ i: Int, into out: inout [UInt8]) {
        if c.isNull(i) {
            out.append(contentsOf: "null".utf8)
            return
        }
        switch c.storage {
        case let .bool(a): out.append(contentsOf: (a[i] ? "true" : "false").utf8)
        case let .int8(a): out.append(contentsOf: String(a[i]).utf8)
        case let .int16(a): out.append(contentsOf: String(a[i]).utf8)
        case let .int32(a):
            if c.type == .date { quoted(Temporal.formatDate(a[i]), &out) } else { out.append(contentsOf: String(a[i]).utf8) }
        case let .int64(a):
            switch c.type {
            case .timestamp: quoted(Temporal.formatTimestamp(a[i], utc: true), &out)
            case .timestampNtz: quoted(Temporal.formatTimestamp(a[i], utc: false), &out)
            default: out.append(contentsOf: String(a[i]).utf8)
            }
        case let .float(a): writeFloating(Double(a[i]), text: "\(a[i])", &out)
        case let .double(a): writeFloating(a[i], text: "\(a[i])", &out)
        case let .int128(a):
            if case let .decimal(_, s) = c.type { quoted(Decimal128.format(a[i], scale: s), &out) }
        case let .bytes(o, d):
            let slice = d[Int(o[i]) ..< Int(o[i + 1])]
            if c.type == .string {
                JSONValue.writeString(String(decoding: slice, as: UTF8.self), into: &out)
            } else {
                quoted(Base64.encode(slice), &out)
            }
        case let .structure(children):
            guard case let .struct(st) = c.type else { return }
            out.append(UInt8(ascii: "{"))
            for (k, child) in children.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.writeString(st.fields[k].name, into: &out)
                out.append(UInt8(ascii: ":"))
                writeValue(child, i, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let .list(o, child):
            out.append(UInt8(ascii: "["))
            for (n, j) in (Int(o[i]) ..< Int(o[i + 1])).enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                writeValue(child, j, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .map(o, keys, values):
            writeMap(keys, values, Int(o[i]) ..< Int(o[i + 1]), &out)
        }
    }

    private static func writeMap(_ keys: Column, _ values: Column, _ range: Range<Int>, _ out: inout [UInt8]) {
        let stringKeys = keys.type == .string
        out.append(UInt8(ascii: stringKeys ? "{" : "["))
        for (n, j) in range.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            if stringKeys {
                writeValue(keys, j, into: &out)
                out.append(UInt8(ascii: ":"))
                writeValue(values, j, into: &out)
            } else {
                out.append(contentsOf: "{\"key\":".utf8)
                writeValue(keys, j, into: &out)
                out.append(contentsOf: ",\"value\":".utf8)
                writeValue(values, j, into: &out)
                out.append(UInt8(ascii: "}"))
            }
        }
        out.append(UInt8(ascii: stringKeys ? "}" : "]"))
    }

    private static func quoted(_ s: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: s.utf8)
        out.append(UInt8(ascii: "\""))
    }

    /// Finite values print as Swift's shortest round-trip text (a JSON number); NaN and the
    /// infinities as the strings "NaN", "Infinity", "-Infinity".
    private static func writeFloating(_ d: Double, text: String, _ out: inout [UInt8]) {
        if d.isNaN { quoted("NaN", &out) } else if d.isInfinite { quoted(d < 0 ? "-Infinity" : "Infinity", &out) } else {
            out.append(contentsOf: text.utf8)
        }
    }
}

/// Standard base64 (RFC 4648, padded).
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let b = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((b.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= b.count {
            let n = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
            for s in [18, 12, 6, 0] { out.append(alphabet[Int(n >> UInt32(s) & 63)]) }
            i += 3
        }
        let rest = b.count - i
        if rest > 0 {
            let n = UInt32(b[i]) << 16 | (rest == 2 ? UInt32(b[i + 1]) << 8 : 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var lookup = [Int](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { lookup[Int(c)] = i }
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        for c in text.utf8 where c != UInt8(ascii: "=") {
            let v = lookup[Int(c)]
            guard v >= 0 else { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        return out
    }
}
