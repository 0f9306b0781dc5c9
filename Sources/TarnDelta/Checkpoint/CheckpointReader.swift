// CheckpointReader: the actions held in checkpoint files (PROTOCOL.md "Checkpoints"): classic and
// multi-part Parquet checkpoints, v2 checkpoints with a JSON or Parquet top-level file, and the
// Parquet sidecars a v2 checkpoint names. Each Parquet row holds one non-null action column;
// rows are converted to the action's JSON form and decoded by ActionCodec, so checkpoint and
// commit actions go through the same validation.
import TarnColumnar
import TarnParquet

public enum CheckpointReader {
    static let actionColumns = ["add", "remove", "metaData", "protocol", "txn", "domainMetadata", "checkpointMetadata", "sidecar"]
    /// The required field whose presence marks a row as holding that action (as delta-kernel does:
    /// writers may leave a struct non-null with all-null fields).
    static let keyField = ["add": "path", "remove": "path", "metaData": "id", "protocol": "minReaderVersion", "txn": "appId",
                           "domainMetadata": "domain", "checkpointMetadata": "version", "sidecar": "path"]

    /// Actions of a Parquet checkpoint part or sidecar.
    public static func actions(parquet file: ParquetFile) throws -> [Action] {
        let present = actionColumns.filter { file.schema.index(of: $0) != nil }
        guard !present.isEmpty else {
            throw TarnError(.corruption, "checkpoint has none of the action columns \(actionColumns)", file: file.source.name)
        }
        var actions: [Action] = []
        for g in 0 ..< file.rowGroupCount {
            let batch = try file.readRowGroup(g, columnIndices: try file.columnIndices(present))
            for (c, column) in batch.columns.enumerated() {
                let name = batch.schema.fields[c].name
                let marker = keyColumn(column, name)
                for row in 0 ..< batch.count where !column.isNull(row) && !(marker?.isNull(row) ?? false) {
                    let body = json(column.value(at: row), column.type)
                    do {
                        if let a = try ActionCodec.action(from: .object([(name, body)])) { actions.append(a) }
                    } catch let e as TarnError {
                        throw TarnError(.corruption, "checkpoint row \(row) of row group \(g): \(e.message)", file: file.source.name)
                    }
                }
            }
        }
        return actions
    }

    /// The child column that marks presence of the action in `column`.
    static func keyColumn(_ column: Column, _ name: String) -> Column? {
        guard case let .struct(s) = column.type, case let .structure(children) = column.storage,
              let key = keyField[name], let i = s.index(of: key) else { return nil }
        return children[i]
    }

    /// Actions of a v2 checkpoint's JSON top-level file (one action per line, like a commit).
    public static func actions(json bytes: [UInt8], file: String) throws -> [Action] {
        try ActionCodec.parseCommit(bytes, file: file)
    }

    /// A checkpoint value as the JSON its action would have in a commit.
    static func json(_ v: Value, _ type: DataType) -> JSONValue {
        switch (v, type) {
        case (.null, _): return .null
        case let (.structure(values), .struct(s)):
            return .object(zip(s.fields, values).map { ($0.name, json($1, $0.type)) })
        case let (.array(items), .array(e, _)): return .array(items.map { json($0, e) })
        case let (.map(entries), .map(k, vt, _)):
            return .object(entries.map { (keyText($0.key, k), json($0.value, vt)) })
        case let (.bool(b), _): return .bool(b)
        case let (.int(i), _): return .int(i)
        case let (.float(f), _): return .number(String(f))
        case let (.double(d), _): return d.isFinite ? .number(String(d)) : .string(String(d))
        case let (.string(s), _): return .string(s)
        case let (.binary(b), _): return .string(Base64.encode(b))
        case let (.date(d), _): return .string(Temporal.formatDate(d))
        case let (.timestamp(t), _): return .string(Temporal.formatTimestamp(t, utc: type == .timestamp))
        case let (.decimal(d), .decimal(_, s)): return .number(Decimal128.format(d, scale: s))
        default: return .null
        }
    }

    private static func keyText(_ v: Value, _ type: DataType) -> String {
        if case let .string(s) = v { return s }
        if case let .string(s) = json(v, type) { return s }
        return json(v, type).serialized()
    }
}
