// CSVRecords: the RFC 4180 tokenizer under CSVReader. Splits a chunked byte stream into records
// of fields: quoted fields with "" escapes and embedded newlines, CRLF / LF / CR line ends, a
// record split across chunks is re-tokenized after a refill. Fields point into the buffer.

struct CSVField {
    /// Content range in the buffer (inside the quotes for a quoted field).
    var start: Int
    var end: Int
    var quoted: Bool
    /// A quoted field containing "" (needs unescaping).
    var escaped: Bool
}

struct CSVRecords {
    private(set) var buffer: ChunkBuffer
    let delimiter: UInt8
    let name: String
    /// 1-based line where the last returned record starts.
    private(set) var line = 0
    private var nextLine = 1

    init(_ input: TextInput, delimiter: UInt8 = UInt8(ascii: ",")) throws {
        buffer = try ChunkBuffer(input)
        self.delimiter = delimiter
        name = input.name
    }

    /// Reads the next record into `fields`; false at the end of the input.
    mutating func next(into fields: inout [CSVField]) throws -> Bool {
        while true {
            if buffer.isEmpty, !(try buffer.refill()) { return false }
            fields.removeAll(keepingCapacity: true)
            switch try tokenize(&fields) {
            case let .record(end, newlines):
                buffer.pos = end
                line = nextLine
                nextLine += newlines
                return true
            case .needMore:
                _ = try buffer.refill()     // at the end, the retry sees atEOF and finishes the record
            }
        }
    }

    /// The content of `f` as bytes (quotes unescaped).
    func bytes(_ f: CSVField) -> ArraySlice<UInt8> {
        let raw = buffer.bytes[f.start ..< f.end]
        guard f.escaped else { return raw }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var skip = false
        for b in raw {
            if skip { skip = false; continue }
            out.append(b)
            if b == UInt8(ascii: "\"") { skip = true }
        }
        return out[...]
    }

    func text(_ f: CSVField) -> String { String(decoding: bytes(f), as: UTF8.self) }

    private enum Outcome { case record(end: Int, newlines: Int), needMore }

    private func tokenize(_ fields: inout [CSVField]) throws -> Outcome {
        try buffer.bytes.withUnsafeBufferPointer { b in
            let n = b.count
            let eof = buffer.atEOF
            let quote = UInt8(ascii: "\""), cr: UInt8 = 13, lf: UInt8 = 10
            var p = buffer.pos
            var newlines = 0
            while true {
                var field = CSVField(start: p, end: p, quoted: false, escaped: false)
                if p < n, b[p] == quote {
                    field.quoted = true
                    p += 1
                    field.start = p
                    while true {
                        while p < n, b[p] != quote {
                            if b[p] == lf { newlines += 1 }
                            p += 1
                        }
                        if p >= n {
                            if eof { throw syntax("unterminated quoted field", line: nextLine) }
                            return .needMore
                        }
                        if p + 1 < n, b[p + 1] == quote { field.escaped = true; p += 2; continue }
                        if p + 1 >= n, !eof { return .needMore }
                        field.end = p
                        p += 1
                        break
                    }
                    if p < n, b[p] != delimiter, b[p] != cr, b[p] != lf {
                        throw syntax("unexpected character after a closing quote (a quote inside a field must be doubled)",
                                     line: nextLine + newlines)
                    }
                } else {
                    while p < n, b[p] != delimiter, b[p] != cr, b[p] != lf { p += 1 }
                    field.end = p
                }
                fields.append(field)
                if p >= n {
                    return eof ? .record(end: p, newlines: newlines) : .needMore
                }
                if b[p] == delimiter { p += 1; continue }
                if b[p] == lf { return .record(end: p + 1, newlines: newlines + 1) }
                // CR: alone or CRLF.
                if p + 1 >= n, !eof { return .needMore }
                return .record(end: p + 1 < n && b[p + 1] == lf ? p + 2 : p + 1, newlines: newlines + 1)
            }
        }
    }

    private func syntax(_ message: String, line: Int) -> TarnError {
        TarnError(.corruption, "line \(line): invalid CSV: \(message)", file: name)
    }
}
