// Batch-level kernels: filter by a selection bitmap, take, slice, concatenate batches of one
// schema, and project columns by name (exact match first, then case-insensitive).

extension RecordBatch {
    /// The rows whose bit is set in `selection`.
    public func filter(_ selection: Bitmap) -> RecordBatch {
        precondition(selection.count == count, "selection has \(selection.count) bits for \(count) rows")
        if selection.allSet { return self }
        return take(selection.setIndices)
    }

    public func take(_ indices: [Int32]) -> RecordBatch {
        RecordBatch(schema: schema, columns: columns.map { $0.take(indices) }, count: indices.count)
    }

    public func slice(_ range: Range<Int>) -> RecordBatch {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice \(range) of \(count) rows")
        return RecordBatch(schema: schema, columns: columns.map { $0.slice(range) }, count: range.count)
    }

    /// The rows of `batches` end to end. Their schemas must have the same names and types;
    /// `schema` is required when `batches` is empty.
    public static func concatenate(_ batches: [RecordBatch], schema: StructType? = nil) throws -> RecordBatch {
        guard let target = schema ?? batches.first?.schema else {
            throw TarnError(.invalidArgument, "concatenating no batches needs a schema")
        }
        for b in batches where b.schema.fields.map(\.name) != target.fields.map(\.name) || b.schema.fields.map(\.type) != target.fields.map(\.type) {
            throw TarnError(.schemaMismatch, "cannot concatenate batches with schemas \(SchemaParser.format(target)) and \(SchemaParser.format(b.schema))")
        }
        let count = batches.reduce(0) { $0 + $1.count }
        if batches.isEmpty {
            return RecordBatch(schema: target, columns: target.fields.map { Column.allNull($0.type, count: 0) }, count: 0)
        }
        let columns = try target.fields.indices.map { i in try Column.concatenate(batches.map { $0.columns[i] }) }
        return RecordBatch(schema: target, columns: columns, count: count)
    }

    /// The named columns, in the order given (names resolve like Delta: exact, then case-insensitive).
    public func project(names: [String]) throws -> RecordBatch {
        let indices = try names.map { name in
            if let i = schema.index(of: name) { return i }
            let matches = schema.fields.indices.filter { schema.fields[$0].name.lowercased() == name.lowercased() }
            guard matches.count == 1 else {
                let why = matches.isEmpty ? "unknown column" : "ambiguous column"
                throw TarnError(.invalidArgument, "\(why) '\(name)' (columns: \(schema.fieldNames.joined(separator: ", ")))", column: name)
            }
            return matches[0]
        }
        return project(indices: indices)
    }

    public func project(indices: [Int]) -> RecordBatch {
        RecordBatch(schema: StructType(indices.map { schema.fields[$0] }), columns: indices.map { columns[$0] }, count: count)
    }
}
