// Assembler: rebuilds (nested) columns from the definition/repetition levels and values of their
// leaves (spec/parquet.md "Levels"). Each node finds its slots in the levels of one leaf below
// it: entries with rep <= node.repLevel and def >= the def level of its nearest repeated
// ancestor; a slot is non-null when def >= node.defLevel. Counts are cross-checked between
// siblings, so inconsistent levels are reported as corruption, never trusted.
import TarnColumnar

struct Assembler {
    let schema: ReadSchema
    let chunks: [Int: DecodedChunk]
    let file: String

    func column(_ node: ReadNode) throws -> Column {
        switch node.kind {
        case let .primitive(leaf): return try primitive(node, leaf)
        case let .group(children): return try group(node, children)
        case let .list(element, elementDef, elementRep):
            let (offsets, validity) = try listStructure(node, elementDef: elementDef, elementRep: elementRep)
            let child = try column(element)
            try expect(child.count, Int(offsets.last ?? 0), node)
            return Column(type: node.type, count: offsets.count - 1, validity: validity, storage: .list(offsets: offsets, child: child))
        case let .map(keyNode, valueNode, entryDef, entryRep):
            let (offsets, validity) = try listStructure(node, elementDef: entryDef, elementRep: entryRep)
            let keys = try column(keyNode), values = try column(valueNode)
            try expect(keys.count, Int(offsets.last ?? 0), node)
            try expect(values.count, keys.count, node)
            return Column(type: node.type, count: offsets.count - 1, validity: validity,
                          storage: .map(offsets: offsets, keys: keys, values: values))
        }
    }

    private func expect(_ got: Int, _ want: Int, _ node: ReadNode) throws {
        guard got == want else {
            throw TarnError(.corruption, "levels of column '\(node.name)' are inconsistent: \(got) values where \(want) were expected",
                            file: file, column: node.name)
        }
    }

    private func chunk(_ node: ReadNode) throws -> DecodedChunk {
        guard let c = chunks[node.firstLeaf] else {
            throw TarnError(.corruption, "missing column chunk for '\(node.name)'", file: file, column: node.name)
        }
        return c
    }

    /// Level indices of the node's slots, or nil when every entry is a slot.
    private func slots(_ node: ReadNode, _ c: DecodedChunk) -> [Int32]? {
        guard !c.rep.isEmpty || node.repeatedAncestorDef > 0 else { return nil }
        var out: [Int32] = []
        out.reserveCapacity(c.entries)
        let r = UInt8(node.repLevel), d = UInt8(node.repeatedAncestorDef)
        for k in 0 ..< c.entries where (c.rep.isEmpty || c.rep[k] <= r) && (c.def.isEmpty || c.def[k] >= d) {
            out.append(Int32(k))
        }
        return out
    }

    /// Validity over slots (nil when all are valid).
    private func validity(_ node: ReadNode, _ c: DecodedChunk, _ slots: [Int32]?) -> Bitmap? {
        guard !c.def.isEmpty, node.defLevel > 0 else { return nil }
        // Without repetition every entry is a slot; if every entry holds a value, nothing is null.
        if slots == nil && c.values.count == c.entries { return nil }
        let d = UInt8(node.defLevel)
        var bits: Bitmap
        if let slots {
            bits = Bitmap(count: 0, value: false)
            bits.reserveCapacity(slots.count)
            for k in slots { bits.append(c.def[Int(k)] >= d) }
        } else {
            bits = Bitmap(count: c.entries, value: true)
            for k in 0 ..< c.entries where c.def[k] < d { bits[k] = false }
        }
        return bits.allSet ? nil : bits
    }

    private func primitive(_ node: ReadNode, _ leafIndex: Int) throws -> Column {
        let c = try chunk(node)
        let s = slots(node, c)
        let count = s?.count ?? c.entries
        let valid = validity(node, c, s)
        let present = valid.map { $0.popcount } ?? count
        guard present == c.values.count else {
            throw TarnError(.corruption, "column '\(node.name)' has \(c.values.count) values for \(present) non-null slots",
                            file: file, column: node.name)
        }
        let storage = try LeafConverter.storage(schema.leaves[leafIndex], c.values, validity: valid, count: count)
        return Column(type: node.type, count: count, validity: valid, storage: storage)
    }

    private func group(_ node: ReadNode, _ children: [ReadNode]) throws -> Column {
        let c = try chunk(node)
        let s = slots(node, c)
        let count = s?.count ?? c.entries
        var columns: [Column] = []
        for child in children {
            let col = try column(child)
            try expect(col.count, count, child)
            columns.append(col)
        }
        return Column(type: node.type, count: count, validity: validity(node, c, s), storage: .structure(columns))
    }

    /// Offsets and validity of a list or map node.
    private func listStructure(_ node: ReadNode, elementDef: Int, elementRep: Int) throws -> ([Int32], Bitmap?) {
        let c = try chunk(node)
        guard c.rep.count == c.entries, c.def.count == c.entries else {
            throw TarnError(.corruption, "repeated column '\(node.name)' has no levels", file: file, column: node.name)
        }
        var offsets: [Int32] = []
        var bits = Bitmap(count: 0, value: false)
        var total: Int32 = 0
        let ancestor = UInt8(node.repeatedAncestorDef), rep = UInt8(node.repLevel)
        let eRep = UInt8(elementRep), eDef = UInt8(elementDef), present = UInt8(node.defLevel)
        for k in 0 ..< c.entries {
            let r = c.rep[k], d = c.def[k]
            if r > eRep || d < ancestor { continue }
            if r <= rep {
                offsets.append(total)
                bits.append(d >= present)
                if d >= eDef { total += 1 }
            } else {
                total += 1
            }
        }
        offsets.append(total)
        return (offsets, bits.allSet ? nil : bits)
    }
}
