// MergeJoin: how MERGE sees its rows. The joined schema has a `target` and a `source` struct
// column plus the unqualified names that belong to one side only; the ON condition splits into
// equality keys (target expression = source expression) and a residual over joined rows.
import TarnDelta

struct MergeJoin {
    enum Side { case target, source }

    let table: StructType
    let source: StructType
    let joined: StructType
    let targetOnly: StructType
    let sourceOnly: StructType
    private let targetAliases: [Int]
    private let sourceAliases: [Int]
    /// Equality keys, bound to `targetOnly` and `sourceOnly`, the source side cast to the target's type.
    let targetKeys: [BoundExpr]
    let sourceKeys: [BoundExpr]
    /// For each key, the top-level table column it is, when it is a plain column (for pruning).
    let keyColumns: [String?]
    let residual: BoundExpr?
    let tableName: String

    init(table: StructType, source: StructType, on: String, tableName: String) throws {
        self.table = table
        self.source = source
        self.tableName = tableName
        let tableNames = Set(table.fields.map { $0.name.lowercased() })
        let sourceNames = Set(source.fields.map { $0.name.lowercased() })
        targetAliases = table.fields.indices.filter { !sourceNames.contains(table.fields[$0].name.lowercased()) }
        sourceAliases = source.fields.indices.filter { !tableNames.contains(source.fields[$0].name.lowercased()) }
        let targetStruct = StructField("target", .struct(table)), sourceStruct = StructField("source", .struct(source))
        targetOnly = StructType([targetStruct] + targetAliases.map { table.fields[$0] })
        sourceOnly = StructType([sourceStruct] + sourceAliases.map { source.fields[$0] })
        joined = StructType([targetStruct, sourceStruct] + targetAliases.map { table.fields[$0] } + sourceAliases.map { source.fields[$0] })

        let condition = try ExprParser.parse(on)
        var tKeys: [BoundExpr] = [], sKeys: [BoundExpr] = [], columns: [String?] = [], rest: [Expr] = []
        for c in condition.conjuncts {
            if case let .compare(.eq, a, b) = c {
                let sa = try MergeJoin.sides(a, tableNames, sourceNames, tableName), sb = try MergeJoin.sides(b, tableNames, sourceNames, tableName)
                let pair: (Expr, Expr)? = sa == [.target] && sb == [.source] ? (a, b) : sa == [.source] && sb == [.target] ? (b, a) : nil
                if let (t, s) = pair {
                    let tk = try t.bind(to: targetOnly)
                    var sk = try s.bind(to: sourceOnly)
                    if sk.type != tk.type { sk = try Expr.cast(s, tk.type).bind(to: sourceOnly) }
                    tKeys.append(tk)
                    sKeys.append(sk)
                    columns.append(MergeJoin.plainColumn(t, table))
                    continue
                }
            }
            rest.append(c)
        }
        guard !tKeys.isEmpty else {
            throw TarnError(.invalidArgument, "the MERGE condition '\(on)' needs at least one equality between a target column and a source column (e.g. target.id = source.id)",
                            table: tableName)
        }
        targetKeys = tKeys
        sourceKeys = sKeys
        keyColumns = columns
        residual = try rest.dropFirst().reduce(rest.first) { acc, e in acc.map { Expr.and($0, e) } }?.bindPredicate(to: joined)
    }

    /// Which sides an expression reads; an unqualified name on both sides is ambiguous.
    static func sides(_ e: Expr, _ tableNames: Set<String>, _ sourceNames: Set<String>, _ tableName: String) throws -> Set<Side> {
        var out = Set<Side>()
        for path in e.referencedColumns {
            let head = path[0].lowercased()
            if head == "target" && path.count > 1 { out.insert(.target); continue }
            if head == "source" && path.count > 1 { out.insert(.source); continue }
            switch (tableNames.contains(head), sourceNames.contains(head)) {
            case (true, true):
                throw TarnError(.invalidArgument, "column '\(path[0])' is in both the target and the source: write target.\(path[0]) or source.\(path[0])",
                                table: tableName, column: path[0])
            case (true, false): out.insert(.target)
            case (false, true): out.insert(.source)
            default: continue   // the binder reports the unknown name
            }
        }
        return out
    }

    /// The top-level table column an expression names, if it is a plain reference.
    static func plainColumn(_ e: Expr, _ table: StructType) -> String? {
        guard case let .column(path) = e else { return nil }
        let name = path.count == 2 && path[0].lowercased() == "target" ? path[1] : path.count == 1 ? path[0] : nil
        return name.flatMap { n in table.fields.first { $0.name.lowercased() == n.lowercased() }?.name }
    }

    // MARK: Batches

    private static func structColumn(_ b: RecordBatch) -> Column {
        Column(type: .struct(b.schema), count: b.count, validity: nil, storage: .structure(b.columns))
    }

    /// Target rows (table schema) as a `targetOnly` batch.
    func targetSide(_ t: RecordBatch) -> RecordBatch {
        RecordBatch(schema: targetOnly, columns: [MergeJoin.structColumn(t)] + targetAliases.map { t.columns[$0] }, count: t.count)
    }

    /// Source rows as a `sourceOnly` batch.
    func sourceSide(_ s: RecordBatch) -> RecordBatch {
        RecordBatch(schema: sourceOnly, columns: [MergeJoin.structColumn(s)] + sourceAliases.map { s.columns[$0] }, count: s.count)
    }

    /// Joined rows: row i pairs target row i with source row i; a nil side is all null.
    func joined(target t: RecordBatch?, source s: RecordBatch?, count: Int) -> RecordBatch {
        let tc = t.map(MergeJoin.structColumn) ?? Column.allNull(.struct(table), count: count)
        let sc = s.map(MergeJoin.structColumn) ?? Column.allNull(.struct(source), count: count)
        let ta = targetAliases.map { i in t?.columns[i] ?? Column.allNull(table.fields[i].type, count: count) }
        let sa = sourceAliases.map { i in s?.columns[i] ?? Column.allNull(source.fields[i].type, count: count) }
        return RecordBatch(schema: joined, columns: [tc, sc] + ta + sa, count: count)
    }
}
