// ReadSchema.Builder: converts raw schema nodes into ReadNodes: groups become structs, LIST and
// MAP annotated groups (and bare repeated fields) become arrays and maps by the
// backward-compatibility rules, and leaves get their Delta type (ReadSchema+Types.swift).
import TarnColumnar

extension ReadSchema {
    struct Builder {
        var leaves: [ReadLeaf] = []

        mutating func convert(_ raw: RawNode, parentDef: Int, parentRep: Int, repeatedAncestorDef: Int,
                              path: [String]) throws -> ReadNode {
            let node = try convertNode(raw, parentDef: parentDef, parentRep: parentRep, repeatedAncestorDef: repeatedAncestorDef, path: path)
            node.fieldId = raw.element.fieldId
            return node
        }

        private mutating func convertNode(_ raw: RawNode, parentDef: Int, parentRep: Int, repeatedAncestorDef: Int,
                                          path: [String]) throws -> ReadNode {
            let e = raw.element
            let p = path + [e.name]
            if e.repetitionType == .repeated {
                // A bare repeated field outside a LIST: a required list of required elements.
                let elementDef = parentDef + 1, elementRep = parentRep + 1
                let element = try convertPlain(raw, optional: false, def: elementDef, rep: elementRep,
                                               repeatedAncestorDef: elementDef, path: p)
                return ReadNode(name: e.name, type: .array(element: element.type, containsNull: false), nullable: false,
                                kind: .list(element: element, elementDef: elementDef, elementRep: elementRep),
                                defLevel: parentDef, repLevel: parentRep, repeatedAncestorDef: repeatedAncestorDef,
                                firstLeaf: element.firstLeaf)
            }
            let optional = e.repetitionType != .required
            let def = parentDef + (optional ? 1 : 0)
            if raw.isGroup && isList(e) {
                return try convertList(raw, optional: optional, def: def, rep: parentRep, repeatedAncestorDef: repeatedAncestorDef, path: p)
            }
            if raw.isGroup && isMap(e) {
                return try convertMap(raw, optional: optional, def: def, rep: parentRep, repeatedAncestorDef: repeatedAncestorDef, path: p)
            }
            return try convertPlain(raw, optional: optional, def: def, rep: parentRep, repeatedAncestorDef: repeatedAncestorDef, path: p)
        }

        private func isList(_ e: SchemaElement) -> Bool {
            if case .list = e.logicalType { return true }
            return e.convertedType == .list
        }

        private func isMap(_ e: SchemaElement) -> Bool {
            if case .map = e.logicalType { return true }
            return e.convertedType == .map || e.convertedType == .mapKeyValue
        }

        /// A struct or a primitive, at the given levels (no LIST/MAP interpretation of the node itself).
        private mutating func convertPlain(_ raw: RawNode, optional: Bool, def: Int, rep: Int, repeatedAncestorDef: Int,
                                           path: [String]) throws -> ReadNode {
            let e = raw.element
            guard raw.isGroup else {
                let leaf = try ReadSchema.leaf(e, path: path, maxDef: def, maxRep: rep)
                leaves.append(leaf)
                return ReadNode(name: e.name, type: leaf.deltaType, nullable: optional, kind: .primitive(leaf: leaves.count - 1),
                                defLevel: def, repLevel: rep, repeatedAncestorDef: repeatedAncestorDef, firstLeaf: leaves.count - 1)
            }
            guard !raw.children.isEmpty else {
                throw TarnError(.unsupportedFeature, "empty group '\(e.name)'", column: path.joined(separator: "."))
            }
            var children: [ReadNode] = []
            for c in raw.children {
                children.append(try convert(c, parentDef: def, parentRep: rep, repeatedAncestorDef: repeatedAncestorDef, path: path))
            }
            let type = DataType.struct(StructType(children.map(\.field)))
            return ReadNode(name: e.name, type: type, nullable: optional, kind: .group(children), defLevel: def, repLevel: rep,
                            repeatedAncestorDef: repeatedAncestorDef, firstLeaf: children[0].firstLeaf)
        }

        private mutating func convertList(_ raw: RawNode, optional: Bool, def: Int, rep: Int, repeatedAncestorDef: Int,
                                          path: [String]) throws -> ReadNode {
            let name = raw.element.name
            guard raw.children.count == 1, let repeated = raw.children.first, repeated.element.repetitionType == .repeated else {
                throw TarnError(.unsupportedFeature, "LIST group '\(name)' must have exactly one repeated child",
                                column: path.joined(separator: "."))
            }
            let elementDef = def + 1, elementRep = rep + 1
            let element: ReadNode
            if ReadSchema.repeatedIsElement(repeated, listName: name) {
                element = try convertPlain(repeated, optional: false, def: elementDef, rep: elementRep,
                                           repeatedAncestorDef: elementDef, path: path + [repeated.element.name])
            } else {
                element = try convert(repeated.children[0], parentDef: elementDef, parentRep: elementRep,
                                      repeatedAncestorDef: elementDef, path: path + [repeated.element.name])
            }
            return ReadNode(name: name, type: .array(element: element.type, containsNull: element.nullable), nullable: optional,
                            kind: .list(element: element, elementDef: elementDef, elementRep: elementRep),
                            defLevel: def, repLevel: rep, repeatedAncestorDef: repeatedAncestorDef, firstLeaf: element.firstLeaf)
        }

        private mutating func convertMap(_ raw: RawNode, optional: Bool, def: Int, rep: Int, repeatedAncestorDef: Int,
                                         path: [String]) throws -> ReadNode {
            let name = raw.element.name
            guard raw.children.count == 1, let kv = raw.children.first, kv.element.repetitionType == .repeated,
                  kv.isGroup, (1 ... 2).contains(kv.children.count) else {
                throw TarnError(.unsupportedFeature, "MAP group '\(name)' must have one repeated key/value group",
                                column: path.joined(separator: "."))
            }
            let entryDef = def + 1, entryRep = rep + 1
            let kvPath = path + [kv.element.name]
            let key = try convertPlain(kv.children[0], optional: false, def: entryDef, rep: entryRep,
                                       repeatedAncestorDef: entryDef, path: kvPath + [kv.children[0].element.name])
            guard kv.children.count == 2 else {
                throw TarnError(.unsupportedFeature, "MAP group '\(name)' has no value column", column: path.joined(separator: "."))
            }
            let value = try convert(kv.children[1], parentDef: entryDef, parentRep: entryRep,
                                    repeatedAncestorDef: entryDef, path: kvPath)
            return ReadNode(name: name, type: .map(key: key.type, value: value.type, valueContainsNull: value.nullable),
                            nullable: optional, kind: .map(key: key, value: value, entryDef: entryDef, entryRep: entryRep),
                            defLevel: def, repLevel: rep, repeatedAncestorDef: repeatedAncestorDef, firstLeaf: key.firstLeaf)
        }
    }

    /// LogicalTypes.md list rules: is the repeated child itself the element (2-level list)?
    static func repeatedIsElement(_ repeated: RawNode, listName: String) -> Bool {
        if !repeated.isGroup { return true }
        if repeated.children.count > 1 { return true }
        if repeated.children.first?.element.repetitionType == .repeated { return true }
        let n = repeated.element.name
        return n == "array" || n == listName + "_tuple"
    }
}
