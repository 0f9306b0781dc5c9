// FileLayout: how a table's rows become data files: rows split by partition values, partition
// columns dropped from the files (their values live in the log), column-mapping physical names,
// which leaf columns get statistics, and the writer options (codec, target file size).
import TarnDelta

struct FileLayout {
    let schema: StructType
    let partitionColumns: [String]
    let mapping: ColumnMapping
    let fileSchema: StructType
    let dataIndices: [Int]
    let partitionIndices: [Int]
    let statsPaths: Set<[String]>
    let writerOptions: WriterOptions
    let targetFileSizeBytes: Int

    init(schema: StructType, partitionColumns: [String], mapping: ColumnMapping, properties: TableProperties, options: WriteOptions) throws {
        self.schema = schema
        self.partitionColumns = partitionColumns
        self.mapping = mapping
        let lowered = Set(partitionColumns.map { $0.lowercased() })
        partitionIndices = partitionColumns.compactMap { p in schema.fields.firstIndex { $0.name.lowercased() == p.lowercased() } }
        dataIndices = schema.fields.indices.filter { !lowered.contains(schema.fields[$0].name.lowercased()) }
        fileSchema = StructType(dataIndices.map { i in
            let f = schema.fields[i]
            return StructField(mapping.physicalName(f), FileLayout.physicalType(f.type, mapping), nullable: f.nullable, metadata: f.metadata)
        })
        statsPaths = FileLayout.statsPaths(fileSchema, properties, mapping: mapping, logical: StructType(dataIndices.map { schema.fields[$0] }))
        var w = WriterOptions(codec: options.codec)
        targetFileSizeBytes = options.targetFileSizeBytes ?? properties.targetFileSizeBytes
        // Row groups (sized by their in-memory bytes) no bigger than the file target, so files
        // close near the target.
        w.rowGroupSizeBytes = min(w.rowGroupSizeBytes, max(64 << 10, targetFileSizeBytes))
        writerOptions = w
    }

    /// Struct children renamed to their physical names (column mapping).
    static func physicalType(_ t: DataType, _ m: ColumnMapping) -> DataType {
        switch t {
        case let .struct(s):
            return .struct(StructType(s.fields.map { StructField(m.physicalName($0), physicalType($0.type, m), nullable: $0.nullable, metadata: $0.metadata) }))
        case let .array(e, n): return .array(element: physicalType(e, m), containsNull: n)
        case let .map(k, v, n): return .map(key: physicalType(k, m), value: physicalType(v, m), valueContainsNull: n)
        default: return t
        }
    }

    /// Leaf paths (physical) that get statistics: `delta.dataSkippingStatsColumns`, else the first
    /// `delta.dataSkippingNumIndexedCols` leaves (-1 = all).
    static func statsPaths(_ file: StructType, _ p: TableProperties, mapping: ColumnMapping, logical: StructType) -> Set<[String]> {
        var leaves: [([String], [String])] = []   // (physical path, logical path)
        func walk(_ f: StructField, _ phys: [String], _ log: [String]) {
            let ph = phys + [mapping.physicalName(f)], lg = log + [f.name]
            if case let .struct(s) = f.type { for c in s.fields { walk(c, ph, lg) } } else { leaves.append((ph, lg)) }
        }
        for f in logical.fields { walk(f, [], []) }
        if let names = p.dataSkippingStatsColumns {
            let wanted = names.map { $0.lowercased() }
            return Set(leaves.filter { leaf in wanted.contains { w in
                let l = leaf.1.joined(separator: ".").lowercased()
                return l == w || l.hasPrefix(w + ".")
            } }.map(\.0))
        }
        let n = p.dataSkippingNumIndexedCols
        return Set((n < 0 ? leaves : Array(leaves.prefix(n))).map(\.0))
    }

    /// Rows of `batch` grouped by their serialized partition values: the row indices of each
    /// group (nil = every row), without copying the rows.
    func split(_ batch: RecordBatch) throws -> [(key: [String?], rows: [Int32]?)] {
        guard !partitionIndices.isEmpty else { return [([], nil)] }
        let groups = PartitionSplit.groups(partitionIndices.map { batch.columns[$0] }, count: batch.count)
        if groups.count == 1 { return [(groups[0].key, nil)] }
        return groups.map { ($0.key, $0.rows) }
    }

    /// The data columns of a partition's rows, as stored in files.
    func dataBatch(_ batch: RecordBatch) throws -> RecordBatch {
        let columns = zip(dataIndices, fileSchema.fields).map { i, f in ColumnRetype.retype(batch.columns[i], to: f.type) }
        return RecordBatch(schema: fileSchema, columns: columns, count: batch.count)
    }

    /// A writer of one partition's files; `under` is a directory before the partition directories
    /// (`_change_data` for change data files). `parallel: false` encodes on the calling thread
    /// only (for callers that run several writers side by side).
    func writer(store: any ObjectStore, partition key: [String?], under: String? = nil, parallel: Bool = true) -> DataFileWriter {
        var values: [String: String?] = [:]
        var dirs: [String] = under.map { [$0] } ?? []
        for (n, i) in partitionIndices.enumerated() {
            let physical = mapping.physicalName(schema.fields[i])
            values[physical] = .some(key[n])
            dirs.append(PartitionValues.directory(physical, key[n]))
        }
        let paths = statsPaths
        var options = writerOptions
        options.parallel = parallel
        return DataFileWriter(store: store, fileSchema: fileSchema, options: options, targetFileSizeBytes: targetFileSizeBytes,
                              statsColumns: { paths.contains($0) }, directory: dirs.joined(separator: "/"), partitionValues: values)
    }
}

enum ColumnRetype {
    /// The same column data under a type that differs only in struct field names.
    static func retype(_ c: Column, to type: DataType) -> Column {
        if c.type == type { return c }
        switch (c.storage, type) {
        case let (.structure(children), .struct(s)):
            return Column(type: type, count: c.count, validity: c.validity,
                          storage: .structure(zip(children, s.fields).map { retype($0, to: $1.type) }))
        case let (.list(o, child), .array(e, _)):
            return Column(type: type, count: c.count, validity: c.validity, storage: .list(offsets: o, child: retype(child, to: e)))
        case let (.map(o, k, v), .map(kt, vt, _)):
            return Column(type: type, count: c.count, validity: c.validity, storage: .map(offsets: o, keys: retype(k, to: kt), values: retype(v, to: vt)))
        default: return c
        }
    }
}
