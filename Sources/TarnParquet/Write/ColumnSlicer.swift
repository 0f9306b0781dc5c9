// ColumnSlicer: feeds a slice of rows of one top-level column to its leaf chunk writers: the
// flat fast path (validity bits are the definition levels) or the Shredder for nested columns.
import TarnColumnar

enum ColumnSlicer {
    static func append(_ root: ShredNode, _ column: Column, _ rows: Range<Int>, layout: WriteSchema,
                       writers: [ColumnChunkWriter], codes: DictionaryCodes? = nil) throws {
        if case let .leaf(index, optional) = root {
            try appendFlat(column, rows, leaf: layout.leaves[index], optional: optional, writer: writers[0], codes: codes)
            return
        }
        var shredder = Shredder(leafCount: layout.leaves.count)
        shredder.shred(root, column, rows: rows)
        var leafColumns: [Int: Column] = [:]
        Shredder.leafColumns(root, column, into: &leafColumns)
        for (k, leafIndex) in root.leaves.enumerated() {
            let levels = shredder.out[leafIndex]
            let leaf = layout.leaves[leafIndex]
            guard let leafColumn = leafColumns[leafIndex] else { continue }
            let values = ValueBatch.gather(leafColumn, leaf, range: 0 ..< 0, indices: levels.indices)
            try writers[k].append(def: leaf.maxDef > 0 ? levels.def[...] : nil,
                                  rep: leaf.maxRep > 0 ? levels.rep[...] : nil,
                                  entries: levels.def.count, values: values)
        }
    }

    /// The rows of `column` at `indices` (in order).
    static func append(_ root: ShredNode, _ column: Column, indices: [Int32], layout: WriteSchema,
                       writers: [ColumnChunkWriter]) throws {
        guard case let .leaf(index, optional) = root else {
            let taken = column.take(indices)
            try append(root, taken, 0 ..< taken.count, layout: layout, writers: writers)
            return
        }
        let leaf = layout.leaves[index]
        guard optional, let validity = column.validity else {
            let values = ValueBatch.gather(column, leaf, range: 0 ..< 0, indices: indices)
            try writers[0].append(def: optional ? [UInt8](repeating: 1, count: indices.count)[...] : nil, rep: nil,
                                  entries: indices.count, values: values)
            return
        }
        var def = [UInt8](repeating: 1, count: indices.count)
        var present: [Int32] = []
        present.reserveCapacity(indices.count)
        for (k, r) in indices.enumerated() {
            if validity[Int(r)] { present.append(r) } else { def[k] = 0 }
        }
        let values = ValueBatch.gather(column, leaf, range: 0 ..< 0, indices: present)
        try writers[0].append(def: def[...], rep: nil, entries: indices.count, values: values)
    }

    /// `codes`: the column's dictionary codes (a row each), passed on for the present rows.
    private static func appendFlat(_ column: Column, _ rows: Range<Int>, leaf: LeafDescriptor, optional: Bool,
                                   writer: ColumnChunkWriter, codes: DictionaryCodes? = nil) throws {
        func present(_ indices: [Int32]?) -> (codes: [UInt16], dictionary: DictionaryValues)? {
            guard let codes else { return nil }
            guard let indices else { return (Array(codes.codes[rows]), codes.dictionary) }
            return (indices.map { codes.codes[Int($0)] }, codes.dictionary)
        }
        guard optional else {
            let values = ValueBatch.gather(column, leaf, range: rows, indices: nil)
            try writer.append(def: nil, rep: nil, entries: rows.count, values: values, coded: present(nil))
            return
        }
        var def = [UInt8](repeating: 1, count: rows.count)
        var indices: [Int32]?
        if let validity = column.validity {
            var idx: [Int32] = []
            idx.reserveCapacity(rows.count)
            for (k, r) in rows.enumerated() {
                if validity[r] { idx.append(Int32(r)) } else { def[k] = 0 }
            }
            if idx.count < rows.count { indices = idx }
        }
        let values = ValueBatch.gather(column, leaf, range: rows, indices: indices)
        try writer.append(def: def[...], rep: nil, entries: rows.count, values: values, coded: present(indices))
    }
}
