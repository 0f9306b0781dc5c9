// TableFormatter: record batches as an aligned, human-readable text table: a header, a separator
// line, one line per row; numeric columns right-aligned, null shown as "null", control characters
// escaped, cells wider than `maxCellWidth` cut with "…". Column widths come from the first batch
// (streaming); later cells wider than their column are cut to fit.

public struct TableFormatter {
    public let schema: StructType
    public let maxCellWidth: Int
    private var widths: [Int]?
    public private(set) var rowsWritten = 0

    public init(schema: StructType, maxCellWidth: Int = 40) {
        precondition(maxCellWidth >= 2, "maxCellWidth must be at least 2, got \(maxCellWidth)")
        self.schema = schema
        self.maxCellWidth = maxCellWidth
    }

    /// Appends rows `rows` (all by default) of `batch`; the first call also writes the header.
    public mutating func write(_ batch: RecordBatch, _ rows: Range<Int>? = nil, into out: inout [UInt8]) {
        let range = rows ?? 0 ..< batch.count
        let cells = range.map { r in batch.columns.map { TableFormatter.text($0, r) } }
        if widths == nil {
            var w = schema.fields.map { min(maxCellWidth, max(1, $0.name.count)) }
            for row in cells { for (k, c) in row.enumerated() { w[k] = min(maxCellWidth, max(w[k], c.count)) } }
            widths = w
            writeHeader(w, into: &out)
        }
        let w = widths ?? []
        let rightAligned = schema.fields.map { $0.type.isNumeric }
        for row in cells {
            var line = ""
            for (k, c) in row.enumerated() {
                if k > 0 { line += " | " }
                line += TableFormatter.pad(c, w[k], right: rightAligned[k])
            }
            out.append(contentsOf: TableFormatter.trimTrailingSpaces(line).utf8)
            out.append(10)
        }
        rowsWritten += cells.count
    }

    /// Ends the table: the header if no row was written, then "(N rows)".
    public mutating func finish(into out: inout [UInt8]) {
        if widths == nil {
            let w = schema.fields.map { min(maxCellWidth, max(1, $0.name.count)) }
            widths = w
            writeHeader(w, into: &out)
        }
        out.append(contentsOf: "(\(rowsWritten) row\(rowsWritten == 1 ? "" : "s"))\n".utf8)
    }

    private func writeHeader(_ w: [Int], into out: inout [UInt8]) {
        let names = schema.fields.enumerated().map { TableFormatter.pad(TableFormatter.escape($1.name), w[$0], right: $1.type.isNumeric) }
        out.append(contentsOf: TableFormatter.trimTrailingSpaces(names.joined(separator: " | ")).utf8)
        out.append(10)
        out.append(contentsOf: w.map { String(repeating: "-", count: $0) }.joined(separator: "-+-").utf8)
        out.append(10)
    }

    static func text(_ c: Column, _ r: Int) -> String {
        var bytes: [UInt8] = []
        guard CSVWriter.cellText(c, r, into: &bytes) else { return "null" }
        return escape(String(decoding: bytes, as: UTF8.self))
    }

    /// Control characters as \n, \t, \r or \u{XX}, so every row stays on one line.
    static func escape(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: if u.value < 0x20 || u.value == 0x7F { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    /// `s` cut to `width` characters (ending in "…" when cut) and padded with spaces.
    static func pad(_ s: String, _ width: Int, right: Bool) -> String {
        let n = s.count
        if n > width { return String(s.prefix(width - 1)) + "…" }
        let fill = String(repeating: " ", count: width - n)
        return right ? fill + s : s + fill
    }

    static func trimTrailingSpaces(_ s: String) -> String {
        var t = Substring(s)
        while t.last == " " { t = t.dropLast() }
        return String(t)
    }
}
