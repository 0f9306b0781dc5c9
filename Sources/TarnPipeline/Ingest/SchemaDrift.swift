// SchemaDrift: how a source file's schema differs from a stage's contract (additive columns,
// removals, type changes, suspected renames), the castability rule ingest applies, and the
// readable one-line-per-change diff used in errors and run reports.
import TarnColumnar

/// One difference between a source schema and a contract.
public enum SchemaChange: Sendable, Equatable {
    /// A column in the source that the contract does not have (with its source type).
    case additive(column: String, type: DataType)
    /// A contract column missing from the source while a source column of a compatible type is
    /// not in the contract: probably the same column under a new name.
    case suspectedRename(from: String, to: String)
    /// A column whose source type cannot be cast to the contract type.
    case typeChange(column: String, from: DataType, to: DataType)
    /// A contract column missing from the source.
    case removal(column: String)
}

public enum SchemaDrift {
    /// Differences between a source's schema and the contract (names compared case-insensitively).
    ///
    /// A column present in both is a type change only when ingest cannot cast the source type to
    /// the contract type (see `castable`): text sources (CSV, JSON strings) never change type, a
    /// JSON object against a `long` does. Each removal is paired with the first remaining additive
    /// column of the same type (or a string one, for a primitive column: text sources), as a
    /// suspected rename.
    public static func compare(source: StructType, contract: Contract) -> [SchemaChange] {
        let contractNames = Set(contract.fields.map { $0.name.lowercased() })
        let sourceByName = Dictionary(source.fields.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        var additive = source.fields.filter { !contractNames.contains($0.name.lowercased()) }
        var changes: [SchemaChange] = []
        var removals: [ContractField] = []
        for field in contract.fields {
            guard let s = sourceByName[field.name.lowercased()] else {
                removals.append(field)
                continue
            }
            if !castable(from: s.type, to: field.type) {
                changes.append(.typeChange(column: field.name, from: field.type, to: s.type))
            }
        }
        for removed in removals {
            if let k = additive.firstIndex(where: { renameCandidate($0.type, for: removed.type) }) {
                changes.append(.suspectedRename(from: removed.name, to: additive[k].name))
                additive.remove(at: k)
            } else {
                changes.append(.removal(column: removed.name))
            }
        }
        return additive.map { .additive(column: $0.name, type: $0.type) } + changes
    }

    /// Whether ingest converts values of `source` type to `target` type (value by value; a single
    /// value may still fail, e.g. "abc" as a long): identical types; anything primitive or nested
    /// to string (as text); string to any primitive (parsed); integers to wider integers, floats,
    /// doubles and decimals; float to double. Nested types only to the identical type.
    public static func castable(from source: DataType, to target: DataType) -> Bool {
        if source == target || target == .string { return true }
        switch (source, target) {
        case (.string, _): return target.isPrimitive
        case (.byte, .short), (.byte, .integer), (.byte, .long), (.short, .integer), (.short, .long), (.integer, .long):
            return true
        case (.byte, _), (.short, _), (.integer, _), (.long, _):
            return target == .float || target == .double || isDecimal(target)
        case (.float, .double), (.float, .decimal), (.double, .decimal): return true
        case (.timestampNtz, .timestamp), (.timestamp, .timestampNtz): return true
        default: return false
        }
    }

    /// Same type, or text (CSV columns, JSON strings) for a primitive contract column.
    private static func renameCandidate(_ source: DataType, for target: DataType) -> Bool {
        source == target || (source == .string && target.isPrimitive)
    }

    private static func isDecimal(_ t: DataType) -> Bool {
        if case .decimal = t { return true }
        return false
    }

    /// A readable diff, one line per change, e.g. "+ coupon string (additive)", "~ amount: long -> string (type change)", "- email (removal)", "? user_id -> customer_id (suspected rename)".
    public static func describe(_ changes: [SchemaChange]) -> String {
        changes.map { change in
            switch change {
            case let .additive(column, type): return "+ \(column) \(type) (additive)"
            case let .typeChange(column, from, to): return "~ \(column): \(from) -> \(to) (type change)"
            case let .removal(column): return "- \(column) (removal)"
            case let .suspectedRename(from, to): return "? \(from) -> \(to) (suspected rename)"
            }
        }.joined(separator: "\n")
    }
}
