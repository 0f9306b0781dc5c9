// DeltaStats: per-file statistics in the log (PROTOCOL.md "Per-file Statistics"): numRecords,
// minValues, maxValues, nullCount, as a JSON string in `add.stats`. Written from the Parquet
// footer of the file (FileStatistics); read back as ColumnStatistics for data skipping.
// Timestamps are written in milliseconds (floored); readers widen a max by 1 ms.
import TarnColumnar
import TarnParquet

public struct DeltaStats: Sendable {
    public var numRecords: Int64
    /// Leaf path → bound, as JSON values.
    public var minValues: [[String]: JSONValue] = [:]
    public var maxValues: [[String]: JSONValue] = [:]
    public var nullCount: [[String]: Int64] = [:]
    public var tightBounds: Bool = true

    public init(numRecords: Int64) { self.numRecords = numRecords }

    /// Stats of a written file from its leaves; `columns` limits which leaf paths get stats.
    public init(numRecords: Int64, leaves: [LeafStatistics], include: ([String]) -> Bool) {
        self.numRecords = numRecords
        for leaf in leaves where include(leaf.path) {
            if let n = leaf.nullCount { nullCount[leaf.path] = n }
            guard !leaf.hasNaN, let lo = leaf.min, let hi = leaf.max,
                  let l = DeltaStats.json(lo, leaf.type, upper: false), let h = DeltaStats.json(hi, leaf.type, upper: true) else { continue }
            minValues[leaf.path] = l
            maxValues[leaf.path] = h
        }
    }

    /// A bound as Delta writes it, or nil for types without min/max stats.
    static func json(_ v: Value, _ type: DataType, upper: Bool) -> JSONValue? {
        switch (v, type) {
        case let (.int(i), _): return .int(i)
        case let (.float(f), _): return f.isFinite ? .number(String(f)) : nil
        case let (.double(d), _): return d.isFinite ? .number(String(d)) : nil
        case let (.decimal(d), .decimal(_, s)): return .number(Decimal128.format(d, scale: s))
        case let (.string(s), _): return .string(s)
        case let (.date(d), _): return .string(Temporal.formatDate(d))
        case let (.timestamp(t), .timestamp):
            return .string(DeltaStats.millisText(t, utc: true))
        case let (.timestamp(t), .timestampNtz):
            return .string(DeltaStats.millisText(t, utc: false))
        default: return nil
        }
    }

    /// "2024-01-01T01:02:03.456Z" (ms floor) or "2024-01-01 01:02:03.456" for timestamp_ntz.
    static func millisText(_ micros: Int64, utc: Bool) -> String {
        let ms = Temporal.floorDivMod(micros, 1000).0 * 1000
        var s = Temporal.formatTimestamp(ms, utc: utc)      // …:SS.ffffffZ
        let dot = s.firstIndex(of: ".") ?? s.endIndex
        let frac = s[s.index(after: dot)...].prefix(3)
        s = String(s[..<dot]) + "." + frac + (utc ? "Z" : "")
        return utc ? s : String(s.map { $0 == "T" ? " " : $0 })
    }

    /// The JSON string for `add.stats`.
    public var jsonString: String {
        var m: [(String, JSONValue)] = [("numRecords", .int(numRecords))]
        m.append(("minValues", DeltaStats.nest(minValues)))
        m.append(("maxValues", DeltaStats.nest(maxValues)))
        m.append(("nullCount", DeltaStats.nest(nullCount.mapValues { .int($0) })))
        if !tightBounds { m.append(("tightBounds", .bool(false))) }
        return JSONValue.object(m).serialized()
    }

    /// Leaf paths to nested objects, keeping first-seen order of keys.
    static func nest(_ flat: [[String]: JSONValue]) -> JSONValue {
        var root: [(String, JSONValue)] = []
        for (path, v) in flat.sorted(by: { $0.key.joined(separator: "\u{1}") < $1.key.joined(separator: "\u{1}") }) {
            insert(&root, path[...], v)
        }
        return .object(root)
    }

    private static func insert(_ members: inout [(String, JSONValue)], _ path: ArraySlice<String>, _ v: JSONValue) {
        guard let head = path.first else { return }
        if path.count == 1 { members.append((head, v)); return }
        if let i = members.firstIndex(where: { $0.0 == head }), case var .object(inner) = members[i].1 {
            insert(&inner, path.dropFirst(), v)
            members[i].1 = .object(inner)
        } else {
            var inner: [(String, JSONValue)] = []
            insert(&inner, path.dropFirst(), v)
            members.append((head, .object(inner)))
        }
    }

    /// Parses `add.stats`; nil when absent or unreadable (stats are optional: never an error).
    public static func parse(_ text: String?) -> DeltaStats? {
        guard let text, let json = try? JSONParser.parse(text), let n = json["numRecords"]?.int64Value else { return nil }
        var s = DeltaStats(numRecords: n)
        flatten(json["minValues"], [], into: &s.minValues)
        flatten(json["maxValues"], [], into: &s.maxValues)
        var counts: [[String]: JSONValue] = [:]
        flatten(json["nullCount"], [], into: &counts)
        for (k, v) in counts { if let c = v.int64Value { s.nullCount[k] = c } }
        s.tightBounds = json["tightBounds"]?.boolValue ?? true
        return s
    }

    private static func flatten(_ v: JSONValue?, _ prefix: [String], into out: inout [[String]: JSONValue]) {
        guard let v else { return }
        if case let .object(m) = v {
            for (k, x) in m { flatten(x, prefix + [k], into: &out) }
        } else if !prefix.isEmpty, !v.isNull {
            out[prefix] = v
        }
    }

    /// Statistics of the leaf at `path` with Delta type `type`, for data skipping.
    public func columnStatistics(_ path: [String], _ type: DataType) -> ColumnStatistics {
        let lo = minValues[path].flatMap { DeltaStats.value($0, type, upper: false) }
        let hi = maxValues[path].flatMap { DeltaStats.value($0, type, upper: true) }
        var nulls = nullCount[path]
        if !tightBounds, let n = nulls, n != 0 && n != numRecords { nulls = nil }
        let usable = lo != nil && hi != nil
        return ColumnStatistics(min: usable ? lo : nil, max: usable ? hi : nil, nullCount: nulls, rowCount: numRecords)
    }

    /// A decimal bound. Some writers (delta-rs) format decimal statistics through a float64, which
    /// can move a bound past the data; text that may have come from a float (an exponent, or 16+
    /// significant digits) is widened outward by its possible rounding error (< |v| × 10^-15).
    static func decimalBound(_ text: String, scale: Int, upper: Bool) -> Value? {
        let digits = text.filter(\.isNumber).drop { $0 == "0" }.count
        let maybeFloat = text.contains { $0 == "e" || $0 == "E" } || digits >= 16
        if !maybeFloat { return Decimal128.parse(text, scale: scale).map { .decimal($0) } }
        guard let v = Decimal128.parse(text, scale: scale) else { return nil }
        let margin = v.magnitude / 1_000_000_000_000_000 + 1
        let (bound, overflow) = upper ? v.addingReportingOverflow(Int128(margin)) : v.subtractingReportingOverflow(Int128(margin))
        return overflow ? nil : .decimal(bound)
    }

    /// A JSON bound as a Value of `type`; timestamps' maxima are widened by 1 ms (ms-floored stats).
    static func value(_ j: JSONValue, _ type: DataType, upper: Bool) -> Value? {
        switch type {
        case .byte, .short, .integer, .long: return j.int64Value.map { .int($0) }
        case .float, .double:
            guard case let .number(n) = j, let d = Double(n) else { return nil }
            return type == .float ? .float(Float(d)) : .double(d)
        case let .decimal(_, s):
            guard let text = j.stringValue ?? { if case let .number(n) = j { return n }; return nil }() else { return nil }
            return decimalBound(text, scale: s, upper: upper)
        case .string: return j.stringValue.map { .string($0) }
        case .date: return j.stringValue.flatMap { Temporal.parseDate($0) }.map { .date($0) }
        case .timestamp, .timestampNtz:
            guard let t = j.stringValue.flatMap({ Temporal.parseTimestamp($0) })?.micros else { return nil }
            return .timestamp(upper ? t + 1000 : t)
        default: return nil
        }
    }
}
