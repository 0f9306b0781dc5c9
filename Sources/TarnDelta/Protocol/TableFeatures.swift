// TableFeatures: which protocol versions and table features Tarn can read and write
// (PROTOCOL.md "Table Features"), the checks before reading and writing, and the smallest
// protocol a new table needs (1,2 unless a feature requires more).
import TarnColumnar

public enum TableFeatures {
    public static let readerFeatures: Set<String> = ["deletionVectors", "columnMapping", "timestampNtz", "v2Checkpoint", "vacuumProtocolCheck"]
    /// Writer features Tarn honours when writing (others make the table read-only to Tarn).
    public static let writerFeatures: Set<String> = [
        "appendOnly", "invariants", "changeDataFeed", "columnMapping", "timestampNtz", "deletionVectors", "domainMetadata",
        "v2Checkpoint", "vacuumProtocolCheck", "inCommitTimestamp", "checkConstraints",
    ]

    /// Throws unsupportedFeature when a reader needs something Tarn does not implement.
    public static func checkRead(_ p: ProtocolAction, table: String) throws {
        guard p.minReaderVersion <= 3 else {
            throw TarnError(.unsupportedFeature, "the table needs reader version \(p.minReaderVersion); Tarn reads versions 1 to 3", table: table)
        }
        if p.minReaderVersion == 3 {
            let unknown = (p.readerFeatures ?? []).filter { !readerFeatures.contains($0) }
            guard unknown.isEmpty else {
                throw TarnError(.unsupportedFeature, "the table needs reader feature(s) \(unknown.sorted().joined(separator: ", ")), which Tarn does not support", table: table)
            }
        }
    }

    /// Throws unsupportedFeature when writing could break a guarantee Tarn does not enforce.
    public static func checkWrite(_ p: ProtocolAction, _ m: MetadataAction, table: String) throws {
        try checkRead(p, table: table)
        guard p.minWriterVersion <= 7 else {
            throw TarnError(.unsupportedFeature, "the table needs writer version \(p.minWriterVersion); Tarn writes versions 1 to 7", table: table)
        }
        if p.minWriterVersion == 7 {
            let unknown = (p.writerFeatures ?? []).filter { !writerFeatures.contains($0) }
            guard unknown.isEmpty else {
                throw TarnError(.unsupportedFeature, "the table needs writer feature(s) \(unknown.sorted().joined(separator: ", ")); Tarn will not write to it", table: table)
            }
        } else if p.minWriterVersion == 6 {
            throw TarnError(.unsupportedFeature, "writer version 6 implies identity columns, which Tarn does not write", table: table)
        }
        let schema = try m.schema()
        if let c = firstColumn(schema, withMetadata: "delta.generationExpression") {
            throw TarnError(.unsupportedFeature, "column '\(c)' is a generated column; Tarn does not write generated columns yet", table: table)
        }
        if let c = firstColumn(schema, withMetadata: "delta.identity.start") {
            throw TarnError(.unsupportedFeature, "column '\(c)' is an identity column; Tarn does not write identity columns", table: table)
        }
    }

    static func firstColumn(_ s: StructType, withMetadata key: String, prefix: String = "") -> String? {
        for f in s.fields {
            if f.metadata[key] != nil { return prefix + f.name }
            if case let .struct(inner) = f.type, let c = firstColumn(inner, withMetadata: key, prefix: prefix + f.name + ".") { return c }
        }
        return nil
    }

    /// The protocol a new table with this schema and configuration needs: (1,2), or table
    /// features (3,7) listing only what is used when timestamp_ntz, deletion vectors or column
    /// mapping are involved; legacy writer 3/4 for constraints and change data feed.
    public static func minimalProtocol(schema: StructType, configuration: [String: String]) -> ProtocolAction {
        var reader: [String] = [], writer: [String] = []
        if containsNtz(.struct(schema)) { reader.append("timestampNtz"); writer.append("timestampNtz") }
        if configuration["delta.enableDeletionVectors"]?.lowercased() == "true" { reader.append("deletionVectors"); writer.append("deletionVectors") }
        if let mode = configuration["delta.columnMapping.mode"], mode != "none" { reader.append("columnMapping"); writer.append("columnMapping") }
        let cdf = configuration["delta.enableChangeDataFeed"]?.lowercased() == "true"
        let constraints = configuration.keys.contains { $0.hasPrefix("delta.constraints.") }
        let appendOnly = configuration["delta.appendOnly"]?.lowercased() == "true"
        if configuration["delta.enableInCommitTimestamps"]?.lowercased() == "true" { writer.append("inCommitTimestamp") }
        if !reader.isEmpty || writer.contains("inCommitTimestamp") {
            if cdf { writer.append("changeDataFeed") }
            if constraints { writer.append("checkConstraints") }
            if appendOnly { writer.append("appendOnly") }
            writer.append("invariants")
            return ProtocolAction(minReaderVersion: reader.isEmpty ? 1 : 3, minWriterVersion: 7,
                                  readerFeatures: reader.isEmpty ? nil : reader.sorted(), writerFeatures: Array(Set(writer)).sorted())
        }
        let writerVersion = cdf ? 4 : constraints ? 3 : 2
        return ProtocolAction(minReaderVersion: 1, minWriterVersion: writerVersion)
    }

    /// `p` raised to what `configuration` needs on an existing table: CHECK constraints need legacy
    /// writer version 3, or writer feature checkConstraints on a table-features protocol. `p`
    /// itself when nothing is missing (protocols are never lowered).
    public static func upgraded(_ p: ProtocolAction, forConfiguration configuration: [String: String]) -> ProtocolAction {
        guard configuration.keys.contains(where: { $0.lowercased().hasPrefix("delta.constraints.") }) else { return p }
        var out = p
        if p.minWriterVersion >= 7 {
            if !(p.writerFeatures ?? []).contains("checkConstraints") { out.writerFeatures = ((p.writerFeatures ?? []) + ["checkConstraints"]).sorted() }
        } else if p.minWriterVersion < 3 {
            out.minWriterVersion = 3
        }
        return out
    }

    static func containsNtz(_ t: DataType) -> Bool {
        switch t {
        case .timestampNtz: return true
        case let .struct(s): return s.fields.contains { containsNtz($0.type) }
        case let .array(e, _): return containsNtz(e)
        case let .map(k, v, _): return containsNtz(k) || containsNtz(v)
        default: return false
        }
    }
}
