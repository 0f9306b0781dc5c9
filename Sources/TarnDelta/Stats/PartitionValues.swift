// PartitionValues: the string form of partition values in `add.partitionValues` (PROTOCOL.md
// "Partition Value Serialization") and Hive-style directory names. null (and "") means NULL;
// timestamps are written as ISO-8601 UTC with microseconds and read in either protocol form
// (a value without a zone is taken as UTC).
import TarnColumnar

public enum PartitionValues {
    public static let hiveDefault = "__HIVE_DEFAULT_PARTITION__"

    /// The serialized value of row `i` of `column`, nil for null.
    public static func serialize(_ v: Value, _ type: DataType) -> String? {
        switch (v, type) {
        case (.null, _): return nil
        case let (.bool(b), _): return b ? "true" : "false"
        case let (.int(i), _): return String(i)
        case let (.float(f), _): return f == 0 && f.sign == .minus ? "-0" : String(f)
        case let (.double(d), _): return d == 0 && d.sign == .minus ? "-0" : String(d)
        case let (.decimal(d), .decimal(_, s)): return Decimal128.format(d, scale: s)
        case let (.string(s), _): return s
        case let (.binary(b), _): return String(decoding: b, as: UTF8.self)
        case let (.date(d), _): return Temporal.formatDate(d)
        case let (.timestamp(t), .timestamp): return Temporal.formatTimestamp(t, utc: true)
        case let (.timestamp(t), _): return String(Temporal.formatTimestamp(t, utc: false).map { $0 == "T" ? " " : $0 })
        default: return nil
        }
    }

    /// Parses a serialized partition value; nil/"" is null. Throws when the text is not of the type.
    public static func parse(_ text: String?, _ type: DataType, column: String) throws -> Value {
        guard let text, !text.isEmpty else { return .null }
        let bad = TarnError(.corruption, "partition value '\(text)' is not a valid \(type)", column: column)
        switch type {
        case .boolean:
            guard text == "true" || text == "false" else { throw bad }
            return .bool(text == "true")
        case .byte, .short, .integer, .long:
            guard let i = Int64(text) else { throw bad }
            return .int(i)
        case .float: guard let f = Float(text) else { throw bad }; return .float(f)
        case .double: guard let d = Double(text) else { throw bad }; return .double(d)
        case let .decimal(_, s): guard let d = Decimal128.parse(text, scale: s) else { throw bad }; return .decimal(d)
        case .string: return .string(text)
        case .binary: return .binary(Array(text.utf8))
        case .date: guard let d = Temporal.parseDate(text) else { throw bad }; return .date(d)
        case .timestamp, .timestampNtz:
            guard let t = Temporal.parseTimestamp(text) else { throw bad }
            return .timestamp(t.micros)
        case .struct, .array, .map: throw TarnError(.unsupportedFeature, "partition column of type \(type)", column: column)
        }
    }

    /// `col=value` directory segment with Hive escaping (delta-rs's set: %-encoding of control
    /// characters, '/', ':', '=', '%', '#', '?', space and non-ASCII), NULL as __HIVE_DEFAULT_PARTITION__.
    public static func directory(_ column: String, _ value: String?) -> String {
        guard let value, !value.isEmpty else { return "\(escape(column))=\(hiveDefault)" }
        return "\(escape(column))=\(escape(value))"
    }

    static func escape(_ s: String) -> String {
        let special = Set("\"#%'*/:=?\\\u{7F}{[]^ ".utf8)
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for c in s.utf8 {
            if c < 0x20 || c >= 0x7F || special.contains(c) {
                out += [UInt8(ascii: "%"), digits[Int(c >> 4)], digits[Int(c & 15)]]
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
