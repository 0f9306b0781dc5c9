// CSVReader: RFC 4180 CSV with a header row → RecordBatches of up to `batchRows` rows, streaming
// over a TextInput. With a schema, fields are cast per type (spec/cli.md "CSV"); without one, a
// first pass infers each column's type (long → double → boolean → date → timestamp → string)
// over all rows and a second pass converts. Errors name the file, line and column.

public final class CSVReader {
    /// The schema of the batches produced: the given one, or the inferred one.
    public let schema: StructType
    /// Column names of the header row, in file order.
    public let header: [String]
    public let batchRows: Int
    private var records: CSVRecords
    /// For each schema field, its index in the header.
    private let sourceIndex: [Int]
    private var fields: [CSVField] = []
    private var done = false
    private let name: String

    public init(_ input: TextInput, schema: StructType? = nil, batchRows: Int = 65_536,
                delimiter: UInt8 = UInt8(ascii: ",")) throws {
        precondition(batchRows > 0, "batchRows must be positive, got \(batchRows)")
        self.batchRows = batchRows
        name = input.name
        var recs = try CSVRecords(input, delimiter: delimiter)
        var fields: [CSVField] = []
        guard try recs.next(into: &fields) else {
            throw TarnError(.invalidArgument, "\(input.name) is empty: a CSV file needs a header row", file: input.name)
        }
        let header = try CSVReader.headerNames(recs, fields)
        self.header = header
        if let schema {
            sourceIndex = try schema.fields.map { f in
                if let i = header.firstIndex(of: f.name) ?? header.firstIndex(where: { $0.lowercased() == f.name.lowercased() }) {
                    return i
                }
                throw TarnError(.schemaMismatch, "the schema's column '\(f.name)' is not in the CSV header (\(header.joined(separator: ", ")))",
                                file: input.name, column: f.name)
            }
            self.schema = schema
        } else {
            var inferred = [InferredColumn](repeating: InferredColumn(), count: header.count)
            while try recs.next(into: &fields) {
                if CSVReader.isBlank(fields, header.count) { continue }
                try CSVReader.checkCount(fields, header.count, recs.line, input.name)
                for (k, f) in fields.enumerated() where f.end > f.start { inferred[k].add(recs.bytes(f)) }
            }
            self.schema = StructType(zip(header, inferred).map { StructField($0, $1.type) })
            sourceIndex = Array(header.indices)
            recs = try CSVRecords(input, delimiter: delimiter)
            _ = try recs.next(into: &fields)
        }
        records = recs
    }

    /// Reads everything (small inputs and tests).
    public static func readAll(_ input: TextInput, schema: StructType? = nil, batchRows: Int = 65_536) throws -> (StructType, [RecordBatch]) {
        let r = try CSVReader(input, schema: schema, batchRows: batchRows)
        var out: [RecordBatch] = []
        while let b = try r.next() { out.append(b) }
        return (r.schema, out)
    }

    private static func headerNames(_ recs: CSVRecords, _ fields: [CSVField]) throws -> [String] {
        var seen: [String: Int] = [:]
        return try fields.enumerated().map { k, f in
            let bytes = recs.bytes(f)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw TarnError(.corruption, "line 1: the header of column \(k + 1) is not valid UTF-8", file: recs.name)
            }
            let n = text.isEmpty ? "column\(k + 1)" : text
            if let prev = seen[n.lowercased()] {
                throw TarnError(.invalidArgument, "line 1: duplicate column name '\(n)' (columns \(prev + 1) and \(k + 1); names are case-insensitive)",
                                file: recs.name, column: n)
            }
            seen[n.lowercased()] = k
            return n
        }
    }

    /// A line with nothing on it (skipped unless the file has a single column, where it is a null).
    private static func isBlank(_ fields: [CSVField], _ columns: Int) -> Bool {
        columns > 1 && fields.count == 1 && !fields[0].quoted && fields[0].start == fields[0].end
    }

    private static func checkCount(_ fields: [CSVField], _ columns: Int, _ line: Int, _ name: String) throws {
        guard fields.count == columns else {
            throw TarnError(.corruption, "line \(line): \(fields.count) field\(fields.count == 1 ? "" : "s"), but the header has \(columns)",
                            file: name)
        }
    }

    /// The next batch, or nil when the input is exhausted.
    public func next() throws -> RecordBatch? {
        if done { return nil }
        let builders = schema.fields.map { ColumnBuilder(type: $0.type) }
        var n = 0
        while n < batchRows {
            guard try records.next(into: &fields) else {
                done = true
                break
            }
            if CSVReader.isBlank(fields, header.count) { continue }
            try CSVReader.checkCount(fields, header.count, records.line, name)
            for (k, f) in schema.fields.enumerated() {
                let v = try value(fields[sourceIndex[k]], f)
                do { try builders[k].append(v) } catch let e as TarnError {
                    throw TarnError(.schemaMismatch, "line \(records.line), column '\(f.name)': \(e.message)", file: name, column: f.name)
                }
            }
            n += 1
        }
        if n == 0 { return nil }
        return RecordBatch(schema: schema, columns: builders.map { $0.finish() }, count: n)
    }

    private func value(_ field: CSVField, _ f: StructField) throws -> Value {
        let v = try convert(field, f.type, f.name)
        if v.isNull && !f.nullable {
            throw TarnError(.schemaMismatch, "line \(records.line), column '\(f.name)': empty value (null) in a NOT NULL column",
                            file: name, column: f.name)
        }
        return v
    }

    private func convert(_ field: CSVField, _ type: DataType, _ column: String) throws -> Value {
        if field.end == field.start {
            guard field.quoted else { return .null }
            return type == .string ? .string("") : type == .binary ? .binary([]) : .null
        }
        let bytes = records.bytes(field)
        switch type {
        case .long:
            if let v = TextValues.int64(bytes) { return .int(v) }
        case .string:
            if let s = String(validating: bytes, as: UTF8.self) { return .string(s) }
            throw failure(column, "the value is not valid UTF-8")
        case .struct, .array, .map:
            let json: JSONValue
            do { json = try JSONParser.parse(Array(bytes)) } catch let e as TarnError {
                throw failure(column, "a \(type.description.prefix(40)) value must be JSON text: \(e.message)")
            }
            do { return try JSONConversion.value(json, type) } catch {
                throw failure(column, error.path.isEmpty ? error.message : "at \(error.path): \(error.message)")
            }
        default:
            if let v = TextValues.primitive(String(decoding: bytes, as: UTF8.self), type) { return v }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        throw failure(column, "\(TextValues.quote(text)) is not a valid \(type)\(hint(type))")
    }

    private func hint(_ type: DataType) -> String {
        switch type {
        case .boolean: return " (use true/false or 1/0)"
        case .date: return " (use YYYY-MM-DD)"
        case .timestamp, .timestampNtz: return " (use YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z|±HH:MM])"
        case .binary: return " (use base64)"
        case let .decimal(p, s): return " (at most \(p - s) integer and \(s) fractional digits)"
        case .byte: return " (an integer from \(Int8.min) to \(Int8.max))"
        case .short: return " (an integer from \(Int16.min) to \(Int16.max))"
        case .integer: return " (an integer from \(Int32.min) to \(Int32.max))"
        default: return ""
        }
    }

    private func failure(_ column: String, _ message: String) -> TarnError {
        TarnError(.schemaMismatch, "line \(records.line), column '\(column)': \(message)", file: name, column: column)
    }
}
