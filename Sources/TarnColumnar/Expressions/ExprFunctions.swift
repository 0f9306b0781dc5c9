// ExprFunctions: the function set of the expression language (spec/expressions.md "Functions"):
// names, aliases and argument counts. Typing is in ExprBinder+Functions.swift, evaluation in
// ExprEval+Functions.swift. Deliberately deterministic: no current_date / rand.

public enum ExprFunctions {
    public struct Signature: Sendable {
        public let name: String
        public let arguments: ClosedRange<Int>
        public let summary: String
    }

    public static let signatures: [Signature] = [
        Signature(name: "abs", arguments: 1 ... 1, summary: "absolute value (integers wrap at the minimum)"),
        Signature(name: "coalesce", arguments: 1 ... 64, summary: "first non-null argument"),
        Signature(name: "concat", arguments: 1 ... 64, summary: "strings joined; null if any is null"),
        Signature(name: "date", arguments: 1 ... 1, summary: "string or timestamp to date (null if unparsable)"),
        Signature(name: "day", arguments: 1 ... 1, summary: "day of month of a date or timestamp"),
        Signature(name: "length", arguments: 1 ... 1, summary: "characters of a string, bytes of a binary"),
        Signature(name: "lower", arguments: 1 ... 1, summary: "lower-case string"),
        Signature(name: "ltrim", arguments: 1 ... 1, summary: "string without leading spaces"),
        Signature(name: "month", arguments: 1 ... 1, summary: "month (1-12) of a date or timestamp"),
        Signature(name: "round", arguments: 1 ... 2, summary: "round half up to d decimal places (default 0)"),
        Signature(name: "rtrim", arguments: 1 ... 1, summary: "string without trailing spaces"),
        Signature(name: "substring", arguments: 2 ... 3, summary: "substring(s, pos[, len]), 1-based, negative pos from the end"),
        Signature(name: "trim", arguments: 1 ... 1, summary: "string without leading and trailing spaces"),
        Signature(name: "upper", arguments: 1 ... 1, summary: "upper-case string"),
        Signature(name: "year", arguments: 1 ... 1, summary: "year of a date or timestamp"),
    ]

    /// Other accepted names (Spark's), mapped to the canonical name.
    public static let aliases: [String: String] = [
        "lcase": "lower", "ucase": "upper", "char_length": "length", "character_length": "length",
        "substr": "substring", "to_date": "date", "dayofmonth": "day", "ifnull": "coalesce", "nvl": "coalesce",
    ]

    static let byName: [String: Signature] = Dictionary(uniqueKeysWithValues: signatures.map { ($0.name, $0) })

    /// The canonical signature for `name` (any case, aliases included), or nil.
    public static func signature(_ name: String) -> Signature? {
        let lower = name.lowercased()
        return byName[aliases[lower] ?? lower]
    }

    static var knownNames: String { signatures.map(\.name).joined(separator: ", ") }
}
