// Vectorized evaluation of a BoundExpr over a RecordBatch: each node yields a column (or a
// scalar for literals) computed by buffer loops (ExprEval+*.swift). SQL three-valued logic;
// Spark's non-ANSI semantics: integer overflow wraps, division by zero and decimal overflow give
// NULL, failed casts give NULL (spec/expressions.md "Evaluation").

extension BoundExpr {
    /// The value of the expression for every row of `batch`, a column of `type`.
    public func evaluate(_ batch: RecordBatch) throws -> Column {
        try ExprEvaluator(batch: batch).column(self)
    }

    /// The rows where this (boolean) expression is TRUE; NULL and FALSE rows are not selected.
    public func filter(_ batch: RecordBatch) throws -> Bitmap {
        guard type == .boolean else {
            throw TarnError(.invalidArgument, "filter needs a boolean expression, this one is \(type)")
        }
        let c = try evaluate(batch)
        guard case let .bool(values) = c.storage else { return Bitmap(count: batch.count, value: false) }
        var out = Bitmap(count: batch.count, value: false)
        if let v = c.validity {
            v.forEachSet { if values[$0] { out[$0] = true } }
        } else {
            for (i, b) in values.enumerated() where b { out[i] = true }
        }
        return out
    }

    /// The indices of the selected rows (a selection vector).
    public func selection(_ batch: RecordBatch) throws -> [Int32] {
        try filter(batch).setIndices
    }
}

extension RecordBatch {
    /// The rows where `predicate` is TRUE.
    public func filter(_ predicate: BoundExpr) throws -> RecordBatch {
        filter(try predicate.filter(self))
    }
}

struct ExprEvaluator {
    let batch: RecordBatch
    var count: Int { batch.count }

    func column(_ e: BoundExpr) throws -> Column {
        try materialize(try eval(e), e.type)
    }

    func materialize(_ d: Datum, _ type: DataType) throws -> Column {
        switch d {
        case let .column(c): return c
        case let .scalar(v): return try Column.repeating(v, type: type, count: count)
        }
    }

    func eval(_ e: BoundExpr) throws -> Datum {
        switch e.node {
        case let .column(path, name): return .column(try columnAt(path, name, e.type))
        case let .literal(v): return .scalar(v)
        case let .cast(a): return try castDatum(eval(a), from: a.type, to: e.type)
        case let .compare(op, a, b): return .column(try compare(op, a, b))
        case let .and(a, b): return .column(try logic(a, b, isAnd: true))
        case let .or(a, b): return .column(try logic(a, b, isAnd: false))
        case let .not(a): return .column(try not(a))
        case let .isNull(a, negated): return .column(try isNull(a, negated: negated))
        case let .inList(a, items, negated): return .column(try inList(a, items, negated: negated))
        case let .like(a, p, negated): return .column(try like(a, p, negated: negated))
        case let .arithmetic(op, a, b): return .column(try arithmetic(op, a, b, result: e.type))
        case let .negate(a): return .column(try negate(a))
        case let .concat(parts): return .column(try concat(parts))
        case let .caseWhen(whens, otherwise): return .column(try caseWhen(whens, otherwise, type: e.type))
        case let .function(f, args): return .column(try function(f, args, type: e.type))
        }
    }

    /// The column at an index path; a struct's nulls make its fields null.
    func columnAt(_ path: [Int], _ name: String, _ type: DataType) throws -> Column {
        guard let first = path.first, first < batch.columns.count else { throw mismatch(name) }
        var c = batch.columns[first]
        for i in path.dropFirst() {
            guard case let .structure(children) = c.storage, i < children.count else { throw mismatch(name) }
            var child = children[i]
            if c.validity != nil { child = child.withNulls(c.validity) }
            c = child
        }
        guard c.type == type else { throw mismatch(name) }
        return c
    }

    func mismatch(_ name: String) -> TarnError {
        TarnError(.schemaMismatch, "column \(name) is not in the batch as the expression was bound (bind again to this schema)", column: name)
    }

    /// Boolean values and validity of a boolean operand (scalars repeated).
    func bools(_ e: BoundExpr) throws -> (values: [Bool], validity: Bitmap?) {
        let c = try column(e)
        guard case let .bool(v) = c.storage else { throw mismatch("(boolean operand)") }
        return (v, c.validity)
    }
}

extension Column {
    /// This column with extra nulls (validity intersected with `mask`), null slots zeroed for
    /// primitives; nested children keep their values (they are hidden by this validity).
    func withNulls(_ mask: Bitmap?) -> Column {
        guard let mask else { return self }
        let v = Bitmap.intersect(validity, mask)?.nilIfAllSet
        if v == validity { return self }
        var s = storage
        switch storage {
        case var .bool(a): zeroingNulls(&a, v); s = .bool(a)
        case var .int8(a): zeroingNulls(&a, v); s = .int8(a)
        case var .int16(a): zeroingNulls(&a, v); s = .int16(a)
        case var .int32(a): zeroingNulls(&a, v); s = .int32(a)
        case var .int64(a): zeroingNulls(&a, v); s = .int64(a)
        case var .float(a): zeroingNulls(&a, v); s = .float(a)
        case var .double(a): zeroingNulls(&a, v); s = .double(a)
        case var .int128(a): zeroingNulls(&a, v); s = .int128(a)
        default: break
        }
        return Column(type: type, count: count, validity: v, storage: s)
    }
}
