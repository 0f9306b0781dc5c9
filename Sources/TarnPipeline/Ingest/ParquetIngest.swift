// ParquetIngest: one Parquet file → typed rows. The footer's schema is the source schema, so
// drift is decided before rows are read; an unreadable file is one PARQUET_READ_ERROR. Rows are
// cast by the contract; a rejected row's raw form is its canonical JSON.
import TarnColumnar
import TarnParquet
import TarnStorage

enum ParquetIngest {
    static func ingest(_ file: SourceFile, _ state: IngestState) throws {
        let batches: [RecordBatch]
        let schema: StructType
        do {
            let parquet = try ParquetFile(source: try LocalFileSource(path: file.path))
            schema = parquet.schema
            batches = try parquet.readAll()
        } catch {
            var out = FileOutput()
            out.rowsRead = 1
            out.rejected.append(Rejected(sourceFile: file.path, line: nil, raw: "", code: .parquetReadError,
                                         message: "\(file.name): cannot read the Parquet file: \(error)"))
            state.accept(file, out)
            return
        }
        switch try state.decide(file, source: schema) {
        case let .accept(fields): state.accept(file, try typePass(file, batches, fields))
        case .quarantine: state.quarantine(file, quarantinePass(file, batches))
        }
    }

    static func typePass(_ file: SourceFile, _ batches: [RecordBatch], _ fields: [StructField]) throws -> FileOutput {
        let sink = TypedSink(fields: fields)
        var out = FileOutput()
        var row = [Value](repeating: .null, count: fields.count)
        var rowIndex = 0
        for batch in batches {
            let index = fields.map { f in batch.schema.fields.firstIndex { $0.name.lowercased() == f.name.lowercased() } }
            for i in 0 ..< batch.count {
                rowIndex += 1
                out.rowsRead += 1
                if let r = typeRow(file, batch, i, rowIndex, fields, index, &row) {
                    out.rejected.append(r)
                } else {
                    try sink.append(row)
                }
            }
        }
        sink.flush()
        out.chunks = sink.chunks
        return out
    }

    private static func typeRow(_ file: SourceFile, _ batch: RecordBatch, _ i: Int, _ line: Int, _ fields: [StructField],
                                _ index: [Int?], _ row: inout [Value]) -> Rejected? {
        func reject(_ code: RejectCode, _ message: String, _ column: String) -> Rejected {
            Rejected(sourceFile: file.path, line: line, raw: json(batch, i), code: code,
                     message: "\(file.name) row \(line): \(message)", column: column)
        }
        for (k, f) in fields.enumerated() {
            let value = index[k].map { batch.columns[$0].value(at: i) } ?? .null
            if value.isNull {
                if !f.nullable { return reject(.missingRequiredField, "'\(f.name)' is missing or null but the contract requires it", f.name) }
                row[k] = .null
            } else if let j = index[k], let v = IngestValues.fromValue(value, batch.schema.fields[j].type, f.type) {
                row[k] = v
            } else {
                return reject(.typeCastError, "column '\(f.name)': \(value) cannot be cast to \(f.type)", f.name)
            }
        }
        return nil
    }

    static func quarantinePass(_ file: SourceFile, _ batches: [RecordBatch]) -> FileOutput {
        var out = FileOutput()
        for batch in batches {
            for i in 0 ..< batch.count {
                out.rowsRead += 1
                out.rejected.append(.quarantined(file, line: out.rowsRead, raw: json(batch, i)))
            }
        }
        return out
    }

    /// Row `i` of `batch` as a JSON object.
    static func json(_ batch: RecordBatch, _ i: Int) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (k, f) in batch.schema.fields.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(JSONValue.string(f.name).serialized().utf8)
            out.append(UInt8(ascii: ":"))
            RowJSON.writeValue(batch.columns[k], i, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
