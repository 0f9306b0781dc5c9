// CSVIngest: one CSV file → typed rows. The header (line 1) is the source schema (all string),
// so drift is decided before any record is read. A malformed record is CSV_PARSE_ERROR and the
// tokenizer resumes at the next line. Without a contract, column types are inferred first.
import TarnColumnar

enum CSVIngest {
    static func ingest(_ file: SourceFile, _ state: IngestState) throws {
        let bytes = try LineReader.readAll(file.path)
        var scanner = CSVScanner(bytes)
        guard let first = scanner.next() else { return }   // an empty file has no records
        guard case let .fields(headerFields, _, _) = first else {
            var out = FileOutput()
            out.rowsRead = 1
            out.rejected.append(Rejected(sourceFile: file.path, line: 1, raw: scanner.text(first.range), code: .csvParseError,
                                         message: "\(file.name) line 1: the header row is not valid CSV"))
            state.accept(file, out)
            return
        }
        let header = headerFields.map { scanner.text($0) }
        let source = state.contract == nil ? inferred(header, bytes) : StructType(header.map { StructField($0, .string) })
        switch try state.decide(file, source: source) {
        case let .accept(fields): state.accept(file, typePass(file, bytes, header, fields))
        case .quarantine: state.quarantine(file, quarantinePass(file, bytes))
        }
    }

    static func typePass(_ file: SourceFile, _ bytes: [UInt8], _ header: [String], _ fields: [StructField]) -> FileOutput {
        var scanner = CSVScanner(bytes)
        _ = scanner.next()
        let index = fields.map { f in header.firstIndex { $0.lowercased() == f.name.lowercased() } }
        let sink = TypedSink(fields: fields)
        var out = FileOutput()
        var row = [Value](repeating: .null, count: fields.count)
        while let record = scanner.next() {
            if scanner.isBlank(record, columns: header.count) { continue }
            out.rowsRead += 1
            if let r = typeRecord(file, record, &scanner, header.count, fields, index, &row) {
                out.rejected.append(r)
            } else {
                do { try sink.append(row) } catch {
                    out.rejected.append(Rejected(sourceFile: file.path, line: record.line, raw: scanner.text(record.range),
                                                 code: .typeCastError, message: "\(file.name) line \(record.line): \(error)"))
                }
            }
        }
        sink.flush()
        out.chunks = sink.chunks
        return out
    }

    /// Fills `row` from `record`, or returns why the record is rejected.
    private static func typeRecord(_ file: SourceFile, _ record: CSVScanner.Record, _ scanner: inout CSVScanner, _ columns: Int,
                                   _ fields: [StructField], _ index: [Int?], _ row: inout [Value]) -> Rejected? {
        func reject(_ code: RejectCode, _ message: String, _ column: String? = nil) -> Rejected {
            Rejected(sourceFile: file.path, line: record.line, raw: scanner.text(record.range), code: code,
                     message: "\(file.name) line \(record.line): \(message)", column: column)
        }
        guard case let .fields(values, _, _) = record else {
            if case let .malformed(message, _, _) = record { return reject(.csvParseError, "invalid CSV: \(message)") }
            return nil
        }
        guard values.count == columns else {
            return reject(.csvParseError, "\(values.count) field\(values.count == 1 ? "" : "s"), but the header has \(columns)")
        }
        for (k, f) in fields.enumerated() {
            guard let i = index[k], !(values[i].start == values[i].end && !values[i].quoted) else {
                if !f.nullable { return reject(.missingRequiredField, "'\(f.name)' is missing or empty but the contract requires it", f.name) }
                row[k] = .null
                continue
            }
            let text = scanner.text(values[i])
            if text.isEmpty, f.type != .string {
                if !f.nullable { return reject(.missingRequiredField, "'\(f.name)' is empty but the contract requires it", f.name) }
                row[k] = .null
            } else if let v = IngestValues.fromText(text, f.type) {
                row[k] = v
            } else {
                return reject(.typeCastError, "column '\(f.name)': \(IngestValues.quote(text)) cannot be cast to \(f.type)", f.name)
            }
        }
        return nil
    }

    static func quarantinePass(_ file: SourceFile, _ bytes: [UInt8]) -> FileOutput {
        var scanner = CSVScanner(bytes)
        guard let header = scanner.next() else { return FileOutput() }
        let columns = if case let .fields(f, _, _) = header { f.count } else { 0 }
        var out = FileOutput()
        while let record = scanner.next() {
            if scanner.isBlank(record, columns: columns) { continue }
            out.rowsRead += 1
            out.rejected.append(.quarantined(file, line: record.line, raw: scanner.text(record.range)))
        }
        return out
    }

    /// Header names with types inferred over all well-formed records: long, double, boolean,
    /// date, timestamp, else string (the first that fits every non-empty value).
    private static func inferred(_ header: [String], _ bytes: [UInt8]) -> StructType {
        let candidates: [DataType] = [.long, .double, .boolean, .date, .timestamp]
        var possible = [[DataType]](repeating: candidates, count: header.count)
        var scanner = CSVScanner(bytes)
        _ = scanner.next()
        while let record = scanner.next() {
            guard case let .fields(values, _, _) = record, values.count == header.count else { continue }
            for (k, v) in values.enumerated() where v.end > v.start && !possible[k].isEmpty {
                let text = scanner.text(v)
                possible[k].removeAll { TextConversion.primitive(text, as: $0) == nil }
            }
        }
        return StructType(zip(header, possible).map { StructField($0, $1.first ?? .string) })
    }
}
