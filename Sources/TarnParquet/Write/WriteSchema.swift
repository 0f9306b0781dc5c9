// WriteSchema: maps a Delta schema to the Parquet schema Tarn writes (spec/parquet.md "Types"):
// 3-level LIST (`list`/`element`) and MAP (`key_value`/`key`/`value`), LogicalType and
// ConvertedType annotations, and the leaf descriptors (physical type, max levels) the writer uses.
import TarnColumnar

/// How one leaf column is stored.
struct LeafDescriptor {
    var path: [String]
    var deltaType: DataType
    var physical: PhysicalType
    var typeLength: Int32?
    var maxDef: Int
    var maxRep: Int
}

/// The shape of a top-level column, for shredding rows into levels.
indirect enum ShredNode {
    case leaf(index: Int, optional: Bool)
    case group(optional: Bool, children: [ShredNode], leaves: [Int])
    case list(optional: Bool, element: ShredNode, leaves: [Int])
    case map(optional: Bool, key: ShredNode, value: ShredNode, leaves: [Int])

    var leaves: [Int] {
        switch self {
        case let .leaf(i, _): return [i]
        case let .group(_, _, l), let .list(_, _, l), let .map(_, _, _, l): return l
        }
    }
}

struct WriteSchema {
    var elements: [SchemaElement] = []
    var leaves: [LeafDescriptor] = []
    /// One node per top-level field.
    var roots: [ShredNode] = []

    static let maxNestingDepth = 64

    init(_ schema: StructType) throws {
        elements.append(SchemaElement(name: "schema", numChildren: Int32(schema.fields.count)))
        for f in schema.fields {
            roots.append(try add(f.name, f.type, optional: f.nullable, path: [], def: 0, rep: 0, fieldId: f.fieldId))
        }
    }

    private mutating func add(_ name: String, _ type: DataType, optional: Bool, path: [String],
                              def: Int, rep: Int, fieldId: Int32?) throws -> ShredNode {
        guard path.count < WriteSchema.maxNestingDepth else {
            throw TarnError(.unsupportedFeature, "nesting deeper than \(WriteSchema.maxNestingDepth) levels", column: path.joined(separator: "."))
        }
        let repetition: Repetition = optional ? .optional : .required
        let d = def + (optional ? 1 : 0)
        let p = path + [name]
        switch type {
        case let .struct(s):
            elements.append(SchemaElement(repetitionType: repetition, name: name, numChildren: Int32(s.fields.count), fieldId: fieldId))
            var children: [ShredNode] = []
            for f in s.fields {
                children.append(try add(f.name, f.type, optional: f.nullable, path: p, def: d, rep: rep, fieldId: f.fieldId))
            }
            return .group(optional: optional, children: children, leaves: children.flatMap(\.leaves))
        case let .array(element, containsNull):
            elements.append(SchemaElement(repetitionType: repetition, name: name, numChildren: 1, convertedType: .list,
                                          fieldId: fieldId, logicalType: .list))
            elements.append(SchemaElement(repetitionType: .repeated, name: "list", numChildren: 1))
            let e = try add("element", element, optional: containsNull, path: p + ["list"], def: d + 1, rep: rep + 1, fieldId: nil)
            return .list(optional: optional, element: e, leaves: e.leaves)
        case let .map(key, value, valueContainsNull):
            elements.append(SchemaElement(repetitionType: repetition, name: name, numChildren: 1, convertedType: .map,
                                          fieldId: fieldId, logicalType: .map))
            elements.append(SchemaElement(repetitionType: .repeated, name: "key_value", numChildren: 2))
            let k = try add("key", key, optional: false, path: p + ["key_value"], def: d + 1, rep: rep + 1, fieldId: nil)
            let v = try add("value", value, optional: valueContainsNull, path: p + ["key_value"], def: d + 1, rep: rep + 1, fieldId: nil)
            return .map(optional: optional, key: k, value: v, leaves: k.leaves + v.leaves)
        default:
            var e = WriteSchema.primitiveElement(type)
            e.name = name
            e.repetitionType = repetition
            e.fieldId = fieldId
            elements.append(e)
            guard let physical = e.type else { throw TarnError.unsupported("type \(type)") }
            leaves.append(LeafDescriptor(path: p, deltaType: type, physical: physical, typeLength: e.typeLength,
                                         maxDef: d, maxRep: rep))
            return .leaf(index: leaves.count - 1, optional: optional)
        }
    }

    /// The physical type and annotations of a primitive Delta type (protocol.md A6).
    static func primitiveElement(_ type: DataType) -> SchemaElement {
        var e = SchemaElement(name: "")
        switch type {
        case .boolean: e.type = .boolean
        case .byte: e.type = .int32; e.convertedType = .int8; e.logicalType = .integer(bitWidth: 8, isSigned: true)
        case .short: e.type = .int32; e.convertedType = .int16; e.logicalType = .integer(bitWidth: 16, isSigned: true)
        case .integer: e.type = .int32
        case .long: e.type = .int64
        case .float: e.type = .float
        case .double: e.type = .double
        case .string: e.type = .byteArray; e.convertedType = .utf8; e.logicalType = .string
        case .binary: e.type = .byteArray
        case .date: e.type = .int32; e.convertedType = .date; e.logicalType = .date
        case .timestamp:
            e.type = .int64; e.convertedType = .timestampMicros
            e.logicalType = .timestamp(isAdjustedToUTC: true, unit: .micros)
        case .timestampNtz:
            e.type = .int64; e.convertedType = .timestampMicros
            e.logicalType = .timestamp(isAdjustedToUTC: false, unit: .micros)
        case let .decimal(p, s):
            e.type = p <= 9 ? .int32 : p <= 18 ? .int64 : .fixedLenByteArray
            if p > 18 { e.typeLength = Int32(Decimal128.byteWidth(precision: p)) }
            e.convertedType = .decimal
            e.scale = Int32(s)
            e.precision = Int32(p)
            e.logicalType = .decimal(scale: Int32(s), precision: Int32(p))
        case .struct, .array, .map: break
        }
        return e
    }
}

extension StructField {
    /// The Parquet field id from Delta column mapping metadata (`delta.columnMapping.id`), if any.
    var fieldId: Int32? {
        metadata["delta.columnMapping.id"]?.int64Value.flatMap { Int32(exactly: $0) }
    }
}
