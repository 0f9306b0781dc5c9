// Shredder: turns rows of a (possibly nested) column into Dremel definition and repetition
// levels per leaf, plus the positions of the non-null leaf values (spec/parquet.md "Levels").
// Flat columns take a fast path in ColumnChunkWriter and never come here.
import TarnColumnar

/// Levels and value positions of one leaf for a range of rows.
struct LeafLevels {
    var def: [UInt8] = []
    var rep: [UInt8] = []
    /// Positions in the leaf column of the values that are present (def == maxDef).
    var indices: [Int32] = []
}

struct Shredder {
    /// Output, indexed by leaf index (only the leaves under the shredded root are touched).
    var out: [LeafLevels]

    init(leafCount: Int) { out = [LeafLevels](repeating: LeafLevels(), count: leafCount) }

    /// The leaf columns of `node` for `column`, by leaf index.
    static func leafColumns(_ node: ShredNode, _ column: Column, into result: inout [Int: Column]) {
        switch (node, column.storage) {
        case let (.leaf(i, _), _): result[i] = column
        case let (.group(_, children, _), .structure(cols)):
            for (n, c) in zip(children, cols) { leafColumns(n, c, into: &result) }
        case let (.list(_, e, _), .list(_, child)): leafColumns(e, child, into: &result)
        case let (.map(_, k, v, _), .map(_, keys, values)):
            leafColumns(k, keys, into: &result)
            leafColumns(v, values, into: &result)
        default: break
        }
    }

    mutating func shred(_ node: ShredNode, _ column: Column, rows: Range<Int>) {
        for i in rows { visit(node, column, i, def: 0, rep: 0, depth: 0) }
    }

    private mutating func emitEmpty(_ leaves: [Int], def: Int, rep: Int) {
        for l in leaves {
            out[l].def.append(UInt8(def))
            out[l].rep.append(UInt8(rep))
        }
    }

    private mutating func visit(_ node: ShredNode, _ col: Column, _ i: Int, def: Int, rep: Int, depth: Int) {
        switch node {
        case let .leaf(l, optional):
            if optional && col.isNull(i) {
                emitEmpty([l], def: def, rep: rep)
            } else {
                out[l].def.append(UInt8(def + (optional ? 1 : 0)))
                out[l].rep.append(UInt8(rep))
                out[l].indices.append(Int32(i))
            }
        case let .group(optional, children, leaves):
            if optional && col.isNull(i) { return emitEmpty(leaves, def: def, rep: rep) }
            guard case let .structure(cols) = col.storage else { return }
            let d = def + (optional ? 1 : 0)
            for (n, c) in zip(children, cols) { visit(n, c, i, def: d, rep: rep, depth: depth) }
        case let .list(optional, element, leaves):
            if optional && col.isNull(i) { return emitEmpty(leaves, def: def, rep: rep) }
            guard case let .list(offsets, child) = col.storage else { return }
            let d = def + (optional ? 1 : 0)
            let start = Int(offsets[i]), end = Int(offsets[i + 1])
            if start == end { return emitEmpty(leaves, def: d, rep: rep) }
            for j in start ..< end {
                visit(element, child, j, def: d + 1, rep: j == start ? rep : depth + 1, depth: depth + 1)
            }
        case let .map(optional, keyNode, valueNode, leaves):
            if optional && col.isNull(i) { return emitEmpty(leaves, def: def, rep: rep) }
            guard case let .map(offsets, keys, values) = col.storage else { return }
            let d = def + (optional ? 1 : 0)
            let start = Int(offsets[i]), end = Int(offsets[i + 1])
            if start == end { return emitEmpty(leaves, def: d, rep: rep) }
            for j in start ..< end {
                let r = j == start ? rep : depth + 1
                visit(keyNode, keys, j, def: d + 1, rep: r, depth: depth + 1)
                visit(valueNode, values, j, def: d + 1, rep: r, depth: depth + 1)
            }
        }
    }
}
