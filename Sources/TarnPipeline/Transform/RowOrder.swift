// RowOrder: the row-level helpers the transforms, expectations and SCD2 share: a total order on
// values (nulls lowest, NaN above every number, otherwise Value.compare), row comparison,
// a row rendered as canonical JSON (for dead-letter `raw`), and batches joined into one.
import TarnColumnar

enum RowOrder {
    /// -1, 0 or 1: a total order on values of one column type. Nulls sort lowest; NaN sorts above
    /// every other number; values Value.compare cannot order fall back to their text.
    static func compare(_ a: Value, _ b: Value) -> Int {
        switch (a.isNull, b.isNull) {
        case (true, true): return 0
        case (true, false): return -1
        case (false, true): return 1
        default: break
        }
        if let c = Value.compare(a, b) { return c }
        let aNaN = a.doubleValue?.isNaN == true, bNaN = b.doubleValue?.isNaN == true
        if aNaN || bNaN { return aNaN == bNaN ? 0 : (aNaN ? 1 : -1) }
        let x = a.description, y = b.description
        return x < y ? -1 : x > y ? 1 : 0
    }

    /// Lexicographic comparison of two rows (or keys) with `compare`.
    static func compare(_ a: [Value], _ b: [Value]) -> Int {
        for (x, y) in zip(a, b) {
            let c = compare(x, y)
            if c != 0 { return c }
        }
        return a.count < b.count ? -1 : a.count > b.count ? 1 : 0
    }

    /// Row `row` of `batch` as one canonical JSON object (spec/rows.md).
    static func json(_ batch: RecordBatch, _ row: Int) -> String {
        RowJSON.lines(batch.slice(row ..< row + 1)).first ?? "{}"
    }

    /// The batches as one (nil when there are none); their schemas must agree.
    static func single(_ batches: [RecordBatch]) throws -> RecordBatch? {
        guard let first = batches.first else { return nil }
        if batches.count == 1 { return first }
        return try RecordBatch.concatenate(batches, schema: first.schema)
    }

    /// The index of `name` in `schema`, or an error naming the columns there are.
    static func index(_ name: String, in schema: StructType, _ context: String) throws -> Int {
        if let i = schema.index(of: name) { return i }
        throw TarnError(.invalidArgument, "\(context): unknown column '\(name)' (columns: \(schema.fieldNames.joined(separator: ", ")))",
                        column: name)
    }
}
