// UpstreamRows: the rows a table will hold once an upstream stage of the same run commits, for a
// downstream stage that reads the whole table (`read: full`) before anything is committed:
// committed rows plus the upstream's pending rows, applied as its write mode would.
import TarnTable

enum UpstreamRows {
    static func after(_ upstream: StagePlan, committed: [RecordBatch]) throws -> [RecordBatch] {
        let pending = upstream.batches.filter { $0.count > 0 }
        switch upstream.stage.target.mode {
        case .append: return committed + pending
        case .overwrite: return pending
        case let .replaceWhere(condition):
            guard let schema = committed.first?.schema else { return pending }
            let c = try RowCondition.parse(condition, schema: schema)
            return try committed.map { b in b.filter(try c.evaluate(b).inverted) } + pending
        case let .merge(keys):
            return try upsert(committed, pending, keys: keys)
        case .scd2:
            throw TarnError(.unsupportedFeature, "stage '\(upstream.stage.name)' writes SCD2 history; a stage reading all of its table must run separately (--stage)")
        }
    }

    /// Committed rows whose key has a pending row are replaced by it; new keys are added.
    static func upsert(_ committed: [RecordBatch], _ pending: [RecordBatch], keys: [String]) throws -> [RecordBatch] {
        guard !pending.isEmpty else { return committed }
        func keyOf(_ b: RecordBatch, _ i: Int, _ cols: [Column]) -> [Value] { cols.map { $0.value(at: i) } }
        func columns(_ b: RecordBatch) throws -> [Column] {
            try keys.map { k in
                guard let c = b.column(named: k) else { throw TarnError(.schemaMismatch, "merge key '\(k)' is not in the rows", column: k) }
                return c
            }
        }
        var replaced = Set<[Value]>()
        for b in pending {
            let cols = try columns(b)
            for i in 0 ..< b.count { replaced.insert(keyOf(b, i, cols)) }
        }
        let kept = try committed.map { b -> RecordBatch in
            let cols = try columns(b)
            return b.filter(Bitmap(flags: (0 ..< b.count).map { !replaced.contains(keyOf(b, $0, cols)) }))
        }
        // Pending rows take the committed schema's column order when they have the same columns.
        guard let schema = committed.first?.schema else { return pending }
        let aligned = try pending.map { try $0.project(names: schema.fields.map(\.name)) }
        return kept + aligned
    }
}
