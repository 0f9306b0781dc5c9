// ReadSchema: resolves a file's flattened Parquet schema into a tree of ReadNodes with Delta
// types and Dremel level information, applying the LIST and MAP backward-compatibility rules of
// apache/parquet-format LogicalTypes.md ("Lists", "Maps"): 2- and 3-level lists, any child names.
import TarnColumnar

/// How a leaf's physical values become Delta values.
enum LeafConversion: Equatable, Sendable {
    case none
    case int96Timestamp
    case timestampMillis
    case timestampNanos
    /// Unsigned integers widened into a larger signed Delta type.
    case unsigned
    /// Decimal stored as INT32, INT64, FLBA or BYTE_ARRAY.
    case decimal
}

struct ReadLeaf: Sendable {
    var path: [String]
    var physical: PhysicalType
    var typeLength: Int
    var deltaType: DataType
    var conversion: LeafConversion
    var maxDef: Int
    var maxRep: Int
}

final class ReadNode: @unchecked Sendable {   // fieldId is set once while building
    enum Kind: Sendable {
        case primitive(leaf: Int)
        case group([ReadNode])
        /// `elementDef`/`elementRep`: levels of the repeated node (an element exists).
        case list(element: ReadNode, elementDef: Int, elementRep: Int)
        case map(key: ReadNode, value: ReadNode, entryDef: Int, entryRep: Int)
    }

    let name: String
    let type: DataType
    let nullable: Bool
    let kind: Kind
    /// Definition level at which this node is present (not null).
    let defLevel: Int
    /// Repetition level of this node's slots.
    let repLevel: Int
    /// Definition level of the nearest repeated ancestor (0 at the top).
    let repeatedAncestorDef: Int
    /// A leaf below this node, whose levels give this node's structure.
    let firstLeaf: Int
    /// The Parquet field id (column mapping id mode), if the file has one.
    var fieldId: Int32?

    /// The node as a struct field; a Parquet field id is kept as metadata "parquet.field.id".
    var field: StructField {
        StructField(name, type, nullable: nullable, metadata: fieldId.map { ["parquet.field.id": .int($0)] } ?? [:])
    }

    init(name: String, type: DataType, nullable: Bool, kind: Kind, defLevel: Int, repLevel: Int,
         repeatedAncestorDef: Int, firstLeaf: Int) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.kind = kind
        self.defLevel = defLevel
        self.repLevel = repLevel
        self.repeatedAncestorDef = repeatedAncestorDef
        self.firstLeaf = firstLeaf
    }
}

/// The schema elements as a tree.
struct RawNode: Sendable {
    var element: SchemaElement
    var children: [RawNode]
    var isGroup: Bool { element.numChildren != nil || element.type == nil }
}

struct ReadSchema: Sendable {
    var leaves: [ReadLeaf] = []
    var roots: [ReadNode] = []
    var schema: StructType

    static let maxDepth = 64

    init(elements: [SchemaElement]) throws {
        guard let first = elements.first else { throw TarnError.corruption("the schema is empty") }
        var pos = 1
        var rootChildren: [RawNode] = []
        for _ in 0 ..< Int(first.numChildren ?? 0) {
            rootChildren.append(try ReadSchema.parseRaw(elements, &pos, depth: 1))
        }
        guard pos == elements.count else {
            throw TarnError.corruption("the schema has \(elements.count) elements but the tree uses \(pos)")
        }
        schema = StructType([])
        var builder = Builder()
        for raw in rootChildren {
            let node = try builder.convert(raw, parentDef: 0, parentRep: 0, repeatedAncestorDef: 0, path: [])
            roots.append(node)
        }
        leaves = builder.leaves
        schema = StructType(roots.map(\.field))
    }

    private static func parseRaw(_ elements: [SchemaElement], _ pos: inout Int, depth: Int) throws -> RawNode {
        guard depth <= maxDepth else { throw TarnError.corruption("schema nesting deeper than \(maxDepth)") }
        guard pos < elements.count else { throw TarnError.corruption("schema ends inside a group") }
        let e = elements[pos]
        pos += 1
        var children: [RawNode] = []
        if let n = e.numChildren, e.type == nil || n > 0 {
            guard n >= 0, Int(n) <= elements.count - pos else {
                throw TarnError.corruption("schema element '\(e.name)' claims \(n) children")
            }
            for _ in 0 ..< Int(n) { children.append(try parseRaw(elements, &pos, depth: depth + 1)) }
        } else if e.type == nil {
            throw TarnError.corruption("schema element '\(e.name)' has neither a type nor children")
        }
        return RawNode(element: e, children: children)
    }
}
