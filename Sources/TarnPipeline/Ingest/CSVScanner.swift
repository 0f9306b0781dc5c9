// CSVScanner: an error-tolerant RFC 4180 tokenizer over a whole file's bytes. Quoted fields
// with "" escapes and embedded newlines; LF / CRLF / CR line ends. A malformed record
// (unterminated quote, text after a closing quote) is reported and scanning resumes at the
// line after the one the record started on.

struct CSVScanner {
    struct Field {
        var start: Int
        var end: Int
        var quoted: Bool
        var escaped: Bool
    }

    enum Record {
        /// A record's fields, its first line and its byte range (without the line end).
        case fields([Field], line: Int, range: Range<Int>)
        case malformed(String, line: Int, range: Range<Int>)

        var line: Int {
            switch self {
            case let .fields(_, line, _), let .malformed(_, line, _): return line
            }
        }

        var range: Range<Int> {
            switch self {
            case let .fields(_, _, range), let .malformed(_, _, range): return range
            }
        }
    }

    private let bytes: [UInt8]
    private var pos = 0
    private var line = 1
    private let delimiter = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\""), cr: UInt8 = 13, lf: UInt8 = 10

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { pos = 3 }
    }

    /// A blank line: a single empty unquoted field where the header has several columns.
    func isBlank(_ r: Record, columns: Int) -> Bool {
        guard case let .fields(f, _, _) = r else { return false }
        return columns > 1 && f.count == 1 && !f[0].quoted && f[0].start == f[0].end
    }

    /// A field's text (quotes removed, "" unescaped).
    func text(_ f: Field) -> String {
        let raw = bytes[f.start ..< f.end]
        guard f.escaped else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        var skip = false
        for b in raw {
            if skip { skip = false; continue }
            out.append(b)
            if b == Self.quote { skip = true }
        }
        return String(decoding: out, as: UTF8.self)
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    mutating func next() -> Record? {
        guard pos < bytes.count else { return nil }
        let start = pos, startLine = line
        var fields: [Field] = []
        var p = pos, newlines = 0
        let n = bytes.count
        while true {
            var field = Field(start: p, end: p, quoted: false, escaped: false)
            if p < n, bytes[p] == Self.quote {
                field.quoted = true
                p += 1
                field.start = p
                while true {
                    while p < n, bytes[p] != Self.quote {
                        if bytes[p] == Self.lf { newlines += 1 }
                        p += 1
                    }
                    if p >= n { return malformed("unterminated quoted field", start, startLine) }
                    if p + 1 < n, bytes[p + 1] == Self.quote { field.escaped = true; p += 2; continue }
                    field.end = p
                    p += 1
                    break
                }
                if p < n, bytes[p] != delimiter, bytes[p] != Self.cr, bytes[p] != Self.lf {
                    return malformed("unexpected character after a closing quote", start, startLine)
                }
            } else {
                while p < n, bytes[p] != delimiter, bytes[p] != Self.cr, bytes[p] != Self.lf { p += 1 }
                field.end = p
            }
            fields.append(field)
            if p < n, bytes[p] == delimiter { p += 1; continue }
            let end = p
            if p < n {
                p += bytes[p] == Self.cr && p + 1 < n && bytes[p + 1] == Self.lf ? 2 : 1
                newlines += 1
            }
            pos = p
            line = startLine + newlines
            return .fields(fields, line: startLine, range: start ..< end)
        }
    }

    /// Reports the record starting at `start` and resumes after its first line.
    private mutating func malformed(_ message: String, _ start: Int, _ startLine: Int) -> Record {
        var p = start
        while p < bytes.count, bytes[p] != Self.lf, bytes[p] != Self.cr { p += 1 }
        let end = p
        if p < bytes.count { p += bytes[p] == Self.cr && p + 1 < bytes.count && bytes[p + 1] == Self.lf ? 2 : 1 }
        pos = p
        line = startLine + 1
        return .malformed(message, line: startLine, range: start ..< end)
    }
}
