// SCD2: type 2 history (spec/pipeline.md "SCD type 2"). Each record is a version of its key that
// starts at its sequence value; a key's versions ordered by valid_from each end (valid_to) where
// the next begins, and only the newest is current. plan() computes the rows to upsert; SCD2Apply
// writes them with one MERGE. A record whose (key, sequence) is already a version changes nothing,
// even when its other columns differ (history is append-only per sequence value). Two incoming
// records with one key and sequence: the one whose remaining columns are smallest by value wins.
import TarnColumnar

public enum SCD2 {
    public static let validFrom = "valid_from", validTo = "valid_to", isCurrent = "is_current"

    /// The target schema: the incoming columns, then valid_from (the sequence column's type), valid_to (same type, nullable), is_current (boolean).
    public static func targetSchema(incoming: StructType, sequence: String) throws -> StructType {
        let seq = try RowOrder.index(sequence, in: incoming, "scd2 sequence")
        for name in [validFrom, validTo, isCurrent] where incoming.index(of: name) != nil {
            throw TarnError(.invalidArgument, "scd2: the incoming rows already have a column '\(name)'", column: name)
        }
        let type = incoming.fields[seq].type
        return StructType(incoming.fields + [StructField(validFrom, type, nullable: false), StructField(validTo, type, nullable: true),
                                             StructField(isCurrent, .boolean, nullable: false)])
    }

    /// The rows to upsert (keyed by keys + valid_from) so the history is right after `incoming` arrives.
    /// `current`: the target's existing rows for the keys in `incoming` (any order).
    public static func plan(current: [RecordBatch], incoming: [RecordBatch], keys: [String], sequence: String) throws -> [RecordBatch] {
        guard let input = try RowOrder.single(incoming), input.count > 0 else { return [] }
        let schema = try targetSchema(incoming: input.schema, sequence: sequence)
        let keyIdx = try keys.map { try RowOrder.index($0, in: input.schema, "scd2 key") }
        let seqIdx = try RowOrder.index(sequence, in: input.schema, "scd2 sequence")
        guard !keyIdx.isEmpty else { throw TarnError(.invalidArgument, "scd2 needs at least one key column") }
        var histories = try existing(current, schema: schema, keyIdx: keyIdx)
        try add(input, keyIdx: keyIdx, seqIdx: seqIdx, to: &histories)
        let rows = histories.keys.sorted { RowOrder.compare($0, $1) < 0 }.flatMap { histories[$0]?.changedRows() ?? [] }
        return rows.isEmpty ? [] : [try RecordBatch(schema: schema, rows: rows)]
    }

    /// Existing versions by key, read from `current` (columns matched by name to `schema`).
    static func existing(_ current: [RecordBatch], schema: StructType, keyIdx: [Int]) throws -> [[Value]: History] {
        var out: [[Value]: History] = [:]
        let attrCount = schema.fields.count - 3
        for b in current {
            let map = try schema.fields.map { try RowOrder.index($0.name, in: b.schema, "scd2 target") }
            for row in b.rows {
                let r = map.map { row[$0] }
                let v = Version(attributes: Array(r[..<attrCount]), from: r[attrCount], storedTo: r[attrCount + 1],
                                storedCurrent: r[attrCount + 2], isNew: false)
                out[keyIdx.map { r[$0] }, default: History()].insert(v)
            }
        }
        return out
    }

    /// Adds the incoming records in (sequence, remaining columns) order; existing sequences are kept.
    static func add(_ input: RecordBatch, keyIdx: [Int], seqIdx: Int, to histories: inout [[Value]: History]) throws {
        let rows = input.rows
        for (r, row) in rows.enumerated() {
            if let k = keyIdx.first(where: { row[$0].isNull }) {
                throw TarnError(.invalidArgument, "scd2: row \(r + 1) has a null key '\(input.schema.fields[k].name)'", row: r + 1)
            }
            if row[seqIdx].isNull {
                throw TarnError(.invalidArgument, "scd2: row \(r + 1) has a null sequence '\(input.schema.fields[seqIdx].name)'", row: r + 1)
            }
        }
        let ordered = rows.sorted { a, b in
            let s = RowOrder.compare(a[seqIdx], b[seqIdx])
            return s != 0 ? s < 0 : RowOrder.compare(a, b) < 0
        }
        for row in ordered {
            let v = Version(attributes: row, from: row[seqIdx], storedTo: .null, storedCurrent: .null, isNew: true)
            histories[keyIdx.map { row[$0] }, default: History()].insert(v)
        }
    }
}

/// One version of a key: its attribute columns, where it starts, and what the table holds for it.
struct Version {
    var attributes: [Value]
    var from: Value
    var storedTo: Value
    var storedCurrent: Value
    var isNew: Bool
}

/// A key's versions sorted by valid_from, one per valid_from (the first inserted wins).
struct History {
    var versions: [Version] = []

    mutating func insert(_ v: Version) {
        let i = versions.firstIndex { RowOrder.compare($0.from, v.from) >= 0 } ?? versions.count
        if i < versions.count && RowOrder.compare(versions[i].from, v.from) == 0 { return }
        versions.insert(v, at: i)
    }

    /// Target rows for versions that are new or whose valid_to / is_current must change.
    func changedRows() -> [[Value]] {
        versions.indices.compactMap { i in
            let v = versions[i]
            let to = i + 1 < versions.count ? versions[i + 1].from : .null
            let current = Value.bool(i + 1 == versions.count)
            guard v.isNew || v.storedTo != to || v.storedCurrent != current else { return nil }
            return v.attributes + [v.from, to, current]
        }
    }
}
