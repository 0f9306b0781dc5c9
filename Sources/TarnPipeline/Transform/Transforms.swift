// Transforms: a stage's transform list applied in order to its batches (spec/pipeline.md
// "Transforms"): select, rename, cast, derive, filter here; dedup, aggregate and join in their
// own files. A value a cast cannot represent rejects its row (TYPE_CAST_ERROR), never a silent null.
import TarnColumnar

/// The rows after a stage's transforms, with what they dropped on the way.
public struct TransformOutput: Sendable {
    public var batches: [RecordBatch]
    /// Rows removed by dedup as duplicates of the row kept for their key.
    public var duplicatesDropped: Int
    /// Rows a transform could not process (a cast that cannot represent a value).
    public var rejected: [Rejected]

    public init(batches: [RecordBatch], duplicatesDropped: Int = 0, rejected: [Rejected] = []) {
        self.batches = batches
        self.duplicatesDropped = duplicatesDropped
        self.rejected = rejected
    }
}

public enum Transforms {
    /// Applies the transforms in order. `table` resolves a table path (join dimension) to its rows.
    /// Row-wise transforms run batch by batch and dedup across the batches; aggregate and join
    /// combine the batches into one first. No batches give no output.
    public static func apply(_ transforms: [TransformSpec], to input: [RecordBatch], sourceName: String,
                             table: (String) throws -> [RecordBatch]) throws -> TransformOutput {
        guard !input.isEmpty else { return TransformOutput(batches: []) }
        var batches = input
        var out = TransformOutput(batches: [])
        for t in transforms {
            switch t {
            case let .dedup(keys, orderBy, tieBreaker):
                // A part index is 16 bits: very many small batches are combined first.
                if batches.count > Int(UInt16.max), let one = try RowOrder.single(batches) { batches = [one] }
                let r = try Dedup.apply(batches, keys: keys, orderBy: orderBy, tieBreaker: tieBreaker)
                out.duplicatesDropped += r.dropped
                batches = r.batches
            case .aggregate, .join:
                guard let one = try RowOrder.single(batches) else { continue }
                batches = [try apply(t, to: one, sourceName: sourceName, table: table, into: &out)]
            default:
                batches = try batches.map { try apply(t, to: $0, sourceName: sourceName, table: table, into: &out) }
            }
        }
        out.batches = batches
        return out
    }

    static func apply(_ t: TransformSpec, to batch: RecordBatch, sourceName: String,
                      table: (String) throws -> [RecordBatch], into out: inout TransformOutput) throws -> RecordBatch {
        switch t {
        case let .select(names): return try batch.project(names: names)
        case let .rename(map): return try rename(batch, map)
        case let .cast(column, type):
            let r = try cast(batch, column: column, to: type, sourceName: sourceName)
            out.rejected += r.rejected
            return r.batch
        case let .derive(column, expression): return try derive(batch, column: column, expression: expression)
        case let .filter(text): return try filter(batch, text)
        case let .dedup(keys, orderBy, tieBreaker):
            let r = try Dedup.apply([batch], keys: keys, orderBy: orderBy, tieBreaker: tieBreaker)
            out.duplicatesDropped += r.dropped
            return try RowOrder.single(r.batches) ?? batch
        case let .aggregate(groupBy, aggregates): return try Aggregate.apply(batch, groupBy: groupBy, aggregates: aggregates)
        case let .join(path, on, columns): return try Join.apply(batch, dimension: try table(path), path: path, on: on, columns: columns)
        }
    }

    /// The batch with columns renamed (`old: new`); a missing old name or a clash is an error.
    static func rename(_ batch: RecordBatch, _ map: [String: String]) throws -> RecordBatch {
        for old in map.keys.sorted() { _ = try RowOrder.index(old, in: batch.schema, "rename") }
        let fields = batch.schema.fields.map { f -> StructField in
            var g = f
            if let new = map[f.name] { g.name = new }
            return g
        }
        var seen = Set<String>()
        for f in fields where !seen.insert(f.name.lowercased()).inserted {
            throw TarnError(.invalidArgument, "rename: two columns would be named '\(f.name)'", column: f.name)
        }
        return RecordBatch(schema: StructType(fields), columns: batch.columns, count: batch.count)
    }

    /// The batch with `column` cast to `type` (CAST semantics); rows whose non-null value casts
    /// to null are removed and returned as TYPE_CAST_ERROR rejections.
    static func cast(_ batch: RecordBatch, column: String, to type: DataType,
                     sourceName: String) throws -> (batch: RecordBatch, rejected: [Rejected]) {
        let i = try RowOrder.index(column, in: batch.schema, "cast")
        let from = batch.schema.fields[i].type
        guard ExprCast.canCast(from, type) else {
            throw TarnError(.invalidArgument, "cast: column '\(column)' of type \(from) cannot be cast to \(type)", column: column)
        }
        let source = batch.columns[i]
        var values: [Value] = []
        var keep: [Int32] = []
        var rejected: [Rejected] = []
        for r in 0 ..< batch.count {
            let v = source.value(at: r)
            let c = ExprCast.cast(v, from: from, to: type)
            if !v.isNull && c.isNull {
                rejected.append(Rejected(sourceFile: sourceName, line: nil, raw: RowOrder.json(batch, r), code: .typeCastError,
                                         message: "cannot cast \(v) in column '\(column)' to \(type)", column: column))
            } else {
                values.append(c)
                keep.append(Int32(r))
            }
        }
        let kept = batch.take(keep)
        var fields = kept.schema.fields
        fields[i].type = type
        var columns = kept.columns
        columns[i] = try Column(type: type, values: values)
        return (RecordBatch(schema: StructType(fields), columns: columns, count: kept.count), rejected)
    }

    /// The batch with `column` set to the expression's value (replaced in place, or appended).
    static func derive(_ batch: RecordBatch, column: String, expression: String) throws -> RecordBatch {
        let bound = try ExprParser.parse(expression).bind(to: batch.schema)
        let values = try bound.evaluate(batch)
        var fields = batch.schema.fields
        var columns = batch.columns
        let field = StructField(column, bound.type, nullable: true)
        if let i = batch.schema.index(of: column) {
            fields[i] = field
            columns[i] = values
        } else {
            fields.append(field)
            columns.append(values)
        }
        return RecordBatch(schema: StructType(fields), columns: columns, count: batch.count)
    }

    /// The rows where the predicate is TRUE.
    static func filter(_ batch: RecordBatch, _ text: String) throws -> RecordBatch {
        try batch.filter(try ExprParser.parse(text).bindPredicate(to: batch.schema))
    }
}
