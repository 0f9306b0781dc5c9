// CSVWriter: the canonical CSV form of record batches (spec/cli.md "CSV"): a header row, RFC 4180
// quoting, CRLF-free "\n" line ends, values in their canonical JSON-row text without JSON quotes,
// null as an empty field, the empty string as "", and nested values as their JSON text.

public enum CSVWriter {
    /// Appends the header row.
    public static func writeHeader(_ schema: StructType, into out: inout [UInt8]) {
        for (i, f) in schema.fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendField(Array(f.name.utf8)[...], into: &out)
        }
        out.append(10)
    }

    /// Appends rows `rows` (all by default) of `batch`, one line each.
    public static func writeRows(_ batch: RecordBatch, _ rows: Range<Int>? = nil, into out: inout [UInt8]) {
        var cell: [UInt8] = []
        for r in rows ?? 0 ..< batch.count {
            for (i, c) in batch.columns.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                cell.removeAll(keepingCapacity: true)
                guard cellText(c, r, into: &cell) else { continue }
                if cell.isEmpty { out.append(contentsOf: [34, 34]) } else { appendField(cell[...], into: &out) }
            }
            out.append(10)
        }
    }

    /// Appends the canonical text of row `i` of `c` (see above); false (nothing appended) for null.
    @discardableResult
    public static func cellText(_ c: Column, _ i: Int, into out: inout [UInt8]) -> Bool {
        if c.isNull(i) { return false }
        if c.type == .string, case let .bytes(o, d) = c.storage {
            out.append(contentsOf: d[Int(o[i]) ..< Int(o[i + 1])])
            return true
        }
        let start = out.count
        RowJSON.writeValue(c, i, into: &out)
        // Primitive values that JSON quotes (dates, timestamps, decimals, base64, NaN) never
        // contain escapes: drop the quotes.
        if c.type.isPrimitive, out.count - start >= 2, out[start] == 34 {
            out.removeLast()
            out.remove(at: start)
        }
        return true
    }

    /// Appends `field`, quoted when it holds a comma, quote, CR or LF (or starts/ends with a space).
    static func appendField(_ field: ArraySlice<UInt8>, into out: inout [UInt8]) {
        let needsQuotes = field.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
            || field.first == 32 || field.last == 32
        guard needsQuotes else {
            out.append(contentsOf: field)
            return
        }
        out.append(34)
        for b in field {
            if b == 34 { out.append(34) }
            out.append(b)
        }
        out.append(34)
    }
}
