// ColumnMapping: how table columns are found in data files (PROTOCOL.md "Column Mapping"): by
// logical name (mode none), by `delta.columnMapping.physicalName` (mode name), or by Parquet
// field id = `delta.columnMapping.id` (mode id, falling back to the physical name).
import TarnDelta

public struct ColumnMapping: Sendable {
    public enum Mode: String, Sendable { case none, name, id }
    public let mode: Mode

    public init(configuration: [String: String]) {
        mode = Mode(rawValue: configuration["delta.columnMapping.mode"]?.lowercased() ?? "none") ?? .none
    }

    /// The name a field has in data files, partition values and statistics.
    public func physicalName(_ f: StructField) -> String {
        guard mode != .none, let p = f.metadata["delta.columnMapping.physicalName"]?.stringValue else { return f.name }
        return p
    }

    public func fieldId(_ f: StructField) -> Int64? {
        mode == .id ? f.metadata["delta.columnMapping.id"]?.int64Value : nil
    }

    /// Index of the file field holding table field `f`, or nil when the file lacks it.
    public func index(of f: StructField, in file: StructType) -> Int? {
        if let id = fieldId(f), let i = file.fields.firstIndex(where: { $0.metadata["parquet.field.id"]?.int64Value == id }) {
            return i
        }
        let name = physicalName(f)
        return file.fields.firstIndex { $0.name == name } ?? file.fields.firstIndex { $0.name.lowercased() == name.lowercased() }
    }
}
