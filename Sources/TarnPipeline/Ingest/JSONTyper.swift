// JSONTyper: types the lines of one JSON-lines file by the current fields. Flat lines take the
// FlatJSON fast path (tokens → cells → FastColumns); others are parsed to a JSONValue. Both
// record every key's kinds for the file's source schema and reject with the same codes.
import TarnColumnar
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A field's type as the fast path dispatches on it (comparing DataType per cell is slow).
enum CellKind {
    case string, long, double, date, timestamp, other

    init(_ type: DataType) {
        switch type {
        case .string: self = .string
        case .long: self = .long
        case .double: self = .double
        case .date: self = .date
        case .timestamp, .timestampNtz: self = .timestamp
        default: self = .other
        }
    }
}

final class JSONTyper {
    let file: SourceFile
    let fields: [StructField]
    let sink: TypedSink
    @exclusivity(unchecked) var out = FileOutput()
    @exclusivity(unchecked) var keys: KeySlots
    @exclusivity(unchecked) private var tokens: [FlatToken]
    @exclusivity(unchecked) private var present: [Bool]
    @exclusivity(unchecked) private var cells: [Pending]
    @exclusivity(unchecked) private var found: [JSONValue?]
    @exclusivity(unchecked) private var row: [Value]
    private let kinds: [CellKind]
    private let nullable: [Bool]

    init(_ file: SourceFile, _ fields: [StructField]) {
        self.file = file
        self.fields = fields
        sink = TypedSink(fields: fields)
        keys = KeySlots(fields.map(\.name))
        tokens = Array(repeating: FlatToken(kind: FlatToken.null, start: 0, end: 0), count: fields.count)
        present = Array(repeating: false, count: fields.count)
        cells = Array(repeating: .null, count: fields.count)
        found = Array(repeating: nil, count: fields.count)
        row = Array(repeating: .null, count: fields.count)
        kinds = fields.map { CellKind($0.type) }
        nullable = fields.map(\.nullable)
    }

    /// Types a flat line; false when the line is not flat (nothing recorded then).
    func fast(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ line: Int) throws -> Bool {
        for k in present.indices { present[k] = false }
        var position = 0
        let flat = FlatJSON.scan(b, start, end) { ks, ke, token in
            let slot = keys.slot(b, ks, ke, position: position)
            position += 1
            keys.observe(slot, token, b)
            if slot < tokens.count {
                tokens[slot] = token
                present[slot] = true
            }
        }
        guard flat else { return false }
        for k in 0 ..< kinds.count {
            let token = present[k] ? tokens[k] : FlatToken(kind: FlatToken.null, start: 0, end: 0)
            if token.kind == FlatToken.null {
                if !nullable[k] { return rejectMissing(b, start, end, line, fields[k]) }
                cells[k] = .null
            } else if let cell = Self.cell(token, kinds[k], fields[k].type, b) {
                cells[k] = cell
            } else {
                let f = fields[k]
                let text = String(decoding: UnsafeBufferPointer(rebasing: b[token.start ..< token.end]), as: UTF8.self)
                out.rejected.append(JSONLinesIngest.reject(file, line, Array(b[start ..< end]), 0, end - start, .typeCastError,
                                                           "line \(line): column '\(f.name)': \(IngestValues.quote(text)) cannot be cast to \(f.type)", f.name))
                return true
            }
        }
        try sink.append(cells, b)
        return true
    }

    private func rejectMissing(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ line: Int, _ f: StructField) -> Bool {
        out.rejected.append(JSONLinesIngest.reject(file, line, Array(b[start ..< end]), 0, end - start, .missingRequiredField,
                                                   "line \(line): '\(f.name)' is missing or null but the contract requires it", f.name))
        return true
    }

    /// A token as a cell of `type` (the rules of IngestValues.fromJSON); nil when it cannot be cast.
    static func cell(_ t: FlatToken, _ kind: CellKind, _ type: DataType, _ b: UnsafeBufferPointer<UInt8>) -> Pending? {
        switch (kind, t.kind) {
        case (.string, _): return .bytes(t.start, t.end)
        case (.long, FlatToken.number), (.long, FlatToken.string): return int64(b, t.start, t.end).map(Pending.int)
        case (.double, FlatToken.number):
            if let v = double(b, t.start, t.end) { return v.isFinite ? .double(v) : nil }
        default: break
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[t.start ..< t.end]), as: UTF8.self)
        switch (kind, t.kind) {
        case (.double, FlatToken.number): return Double(text).flatMap { $0.isFinite ? Pending.double($0) : nil }
        case (.date, FlatToken.string): return Temporal.parseDate(text).map(Pending.int32)
        case (.timestamp, FlatToken.string): return Temporal.parseTimestamp(text).map { Pending.int($0.micros) }
        default: break
        }
        let json: JSONValue
        switch t.kind {
        case FlatToken.string: json = .string(text)
        case FlatToken.number: json = .number(text)
        default: json = .bool(t.kind == FlatToken.trueValue)
        }
        return IngestValues.fromJSON(json, type).map(Pending.value)
    }

    /// A JSON number token as a Double, parsed in place (strtod on a NUL-terminated stack copy);
    /// nil when the token is not wholly a number or is longer than 63 bytes (callers fall back).
    static func double(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        let n = end - start
        guard n > 0, n < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf -> Double? in
            guard let base = buf.baseAddress else { return nil }
            for i in 0 ..< n { base[i] = CChar(bitPattern: b[start + i]) }
            base[n] = 0
            var stop: UnsafeMutablePointer<CChar>?
            let v = strtod(base, &stop)
            return stop == base + n ? v : nil
        }
    }

    /// An exact Int64 from ASCII digits with an optional sign; nil otherwise or on overflow.
    static func int64(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var p = start
        guard p < end else { return nil }
        let negative = b[p] == UInt8(ascii: "-")
        if negative || b[p] == UInt8(ascii: "+") { p += 1 }
        guard p < end else { return nil }
        var v: Int64 = 0
        while p < end {
            let c = b[p]
            guard c >= 48, c <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(c - 48))
            if o1 || o2 { return nil }
            v = s
            p += 1
        }
        if negative { return v }
        return v == .min ? nil : -v
    }

    /// Parses and types a line that is not flat.
    func general(_ bytes: [UInt8], _ start: Int, _ end: Int, _ line: Int) throws {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes, start: start, end: end) } catch {
            let message = (error as? TarnError)?.message ?? "\(error)"
            out.rejected.append(JSONLinesIngest.reject(file, line, bytes, start, end, .jsonParseError, "line \(line): \(message)"))
            return
        }
        guard case let .object(members) = json else {
            out.rejected.append(JSONLinesIngest.reject(file, line, bytes, start, end, .jsonParseError, "line \(line): expected a JSON object"))
            return
        }
        for k in found.indices { found[k] = nil }
        for (position, (key, value)) in members.enumerated() {
            let slot = keys.slot(key, position: position)
            keys.observe(slot, value)
            if slot < found.count { found[slot] = value }
        }
        for (k, f) in fields.enumerated() {
            let value = found[k] ?? .null
            if case .null = value {
                if !f.nullable {
                    out.rejected.append(JSONLinesIngest.reject(file, line, bytes, start, end, .missingRequiredField,
                                                               "line \(line): '\(f.name)' is missing or null but the contract requires it", f.name))
                    return
                }
                row[k] = .null
            } else if let v = IngestValues.fromJSON(value, f.type) {
                row[k] = v
            } else {
                out.rejected.append(JSONLinesIngest.reject(file, line, bytes, start, end, .typeCastError,
                                                           "line \(line): column '\(f.name)': \(IngestValues.quote(value.serialized())) cannot be cast to \(f.type)", f.name))
                return
            }
        }
        try sink.append(row)
    }
}
