// JSONLinesReader: one JSON object per line → RecordBatches of up to `batchRows` rows, streaming
// over a TextInput. With a schema, fields are matched by name (missing = null, extra ignored) and
// converted by JSONConversion, the inverse of RowJSON; without one, a first pass infers the schema
// from all lines. Blank lines are skipped; errors name the file and line.

public final class JSONLinesReader {
    public let schema: StructType
    public let batchRows: Int
    private var lines: LineCursor
    private let lenientStrings: Bool
    private var done = false

    public init(_ input: TextInput, schema: StructType? = nil, batchRows: Int = 65_536) throws {
        precondition(batchRows > 0, "batchRows must be positive, got \(batchRows)")
        self.batchRows = batchRows
        if let schema {
            self.schema = schema
            lenientStrings = false
        } else {
            var cursor = try LineCursor(input)
            var type = InferredJSONType.object([], [])
            while let json = try cursor.nextObject() { type = type.unify(InferredJSONType.of(json)) }
            guard case let .object(names, types) = type, !names.isEmpty else {
                throw TarnError(.invalidArgument, "\(input.name) has no fields to infer a schema from (no non-empty JSON objects)",
                                file: input.name)
            }
            self.schema = StructType(zip(names, types).map { StructField($0, $1.dataType) })
            lenientStrings = true
        }
        lines = try LineCursor(input)
    }

    /// Reads everything (small inputs and tests).
    public static func readAll(_ input: TextInput, schema: StructType? = nil, batchRows: Int = 65_536) throws -> (StructType, [RecordBatch]) {
        let r = try JSONLinesReader(input, schema: schema, batchRows: batchRows)
        var out: [RecordBatch] = []
        while let b = try r.next() { out.append(b) }
        return (r.schema, out)
    }

    /// The next batch, or nil when the input is exhausted.
    public func next() throws -> RecordBatch? {
        if done { return nil }
        let builders = schema.fields.map { ColumnBuilder(type: $0.type) }
        var n = 0
        while n < batchRows {
            guard let json = try lines.nextObject(), case let .object(members) = json else {
                done = true
                break
            }
            for (k, f) in schema.fields.enumerated() {
                let item = JSONConversion.member(members, f.name, hint: k) ?? .null
                let v: Value
                do { v = try JSONConversion.value(item, f.type, lenientStrings: lenientStrings) } catch {
                    throw failure(f.name + error.path, error.message)
                }
                if v.isNull && !f.nullable { throw failure(f.name, "null (or missing) in a NOT NULL column") }
                do { try builders[k].append(v) } catch let e as TarnError { throw failure(f.name, e.message) }
            }
            n += 1
        }
        if n == 0 { return nil }
        return RecordBatch(schema: schema, columns: builders.map { $0.finish() }, count: n)
    }

    private func failure(_ path: String, _ message: String) -> TarnError {
        TarnError(.schemaMismatch, "line \(lines.line), field '\(path)': \(message)", file: lines.name,
                  column: String(path.prefix { $0 != "." && $0 != "[" }))
    }
}

/// Lines of a TextInput parsed as JSON objects.
struct LineCursor {
    private var buffer: ChunkBuffer
    let name: String
    /// 1-based number of the last line returned.
    private(set) var line = 0
    private var scanned = 0   // bytes after buffer.pos already known to hold no '\n'

    init(_ input: TextInput) throws {
        buffer = try ChunkBuffer(input)
        name = input.name
    }

    /// The next non-blank line as a JSON object; nil at the end.
    mutating func nextObject() throws -> JSONValue? {
        while let (start, end) = try nextLine() {
            var s = start, e = end
            while s < e, isSpace(buffer.bytes[s]) { s += 1 }
            while e > s, isSpace(buffer.bytes[e - 1]) { e -= 1 }
            if s == e { continue }
            let json: JSONValue
            do { json = try JSONParser.parse(buffer.bytes, start: s, end: e) } catch let err as TarnError {
                let at = err.offset.map { " at character \($0 - start + 1)" } ?? ""
                throw TarnError(.corruption, "line \(line): \(err.message)\(at)", file: name)
            }
            guard case .object = json else {
                throw TarnError(.corruption, "line \(line): expected a JSON object, got \(JSONConversion.describe(json))", file: name)
            }
            return json
        }
        return nil
    }

    private func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 10 }

    /// The byte range of the next line (without its '\n'); the range stays valid until the next call.
    private mutating func nextLine() throws -> (Int, Int)? {
        while true {
            let from = buffer.pos + scanned
            if let nl = buffer.bytes[from...].firstIndex(of: 10) {
                let start = buffer.pos
                buffer.pos = nl + 1
                scanned = 0
                line += 1
                return (start, nl)
            }
            scanned = buffer.bytes.count - buffer.pos
            if try buffer.refill() { continue }
            guard !buffer.isEmpty else { return nil }
            let start = buffer.pos
            buffer.pos = buffer.bytes.count
            scanned = 0
            line += 1
            return (start, buffer.bytes.count)
        }
    }
}
