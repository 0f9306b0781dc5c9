// TextConversion: the public, non-throwing face of the text readers' value conversions, for
// callers that type records themselves and keep going on a bad value (the pipeline's
// error-tolerant ingest). Same rules as CSVReader (text) and JSONLinesReader (JSON values).

public enum TextConversion {
    /// `text` as a primitive Value of `type` (the CSV reader's rules: exact integers in range,
    /// numbers, true/false/1/0, YYYY-MM-DD dates, ISO 8601 timestamps, decimals, base64); nil when
    /// it does not parse exactly or `type` is nested.
    public static func primitive(_ text: String, as type: DataType) -> Value? {
        TextValues.primitive(text, type)
    }

    /// An exact Int64 from ASCII digits with an optional sign; nil on anything else or overflow.
    public static func int64<C: Collection>(_ bytes: C) -> Int64? where C.Element == UInt8 {
        TextValues.int64(bytes)
    }

    /// `json` as a Value of `type` (the JSON-lines reader's rules). Returns the value, or a
    /// message naming the nested path of the part that does not fit.
    public static func json(_ json: JSONValue, as type: DataType) -> Result<Value, TarnError> {
        do {
            return .success(try JSONConversion.value(json, type))
        } catch {
            let at = error.path.isEmpty ? "" : "at \(error.path): "
            return .failure(TarnError(.schemaMismatch, at + error.message))
        }
    }
}
