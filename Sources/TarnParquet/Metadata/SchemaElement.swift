// SchemaElement: one node of the depth-first flattened Parquet schema, with Compact
// decode/encode. Field 11 (vector_length) and any newer fields are skipped on read.
// See apache/parquet-format parquet.thrift, struct SchemaElement.

public struct SchemaElement: CompactCodable {
    /// Physical type; set on leaves only.
    public var type: PhysicalType?
    /// FIXED_LEN_BYTE_ARRAY width in bytes.
    public var typeLength: Int32?
    /// Absent on the root (some writers set REQUIRED there).
    public var repetitionType: Repetition?
    public var name: String
    /// Number of children; set on groups (including the root) only.
    public var numChildren: Int32?
    public var convertedType: ConvertedType?
    public var scale: Int32?
    public var precision: Int32?
    public var fieldId: Int32?
    public var logicalType: LogicalTypeAnnotation?

    public init(type: PhysicalType? = nil, typeLength: Int32? = nil, repetitionType: Repetition? = nil,
                name: String, numChildren: Int32? = nil, convertedType: ConvertedType? = nil,
                scale: Int32? = nil, precision: Int32? = nil, fieldId: Int32? = nil,
                logicalType: LogicalTypeAnnotation? = nil) {
        self.type = type
        self.typeLength = typeLength
        self.repetitionType = repetitionType
        self.name = name
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.scale = scale
        self.precision = precision
        self.fieldId = fieldId
        self.logicalType = logicalType
    }

    /// True for leaves (nodes with a physical type and no children).
    public var isLeaf: Bool { numChildren == nil && type != nil }

    public static func decode(_ r: inout CompactReader) throws -> SchemaElement {
        let start = r.absoluteOffset
        var e = SchemaElement(name: "")
        var name: String?
        try r.readStruct { r, f in
            switch f.id {
            case 1: e.type = try r.enumValue(f, "SchemaElement.type")
            case 2: e.typeLength = try r.count32(f, "SchemaElement.type_length")
            case 3: e.repetitionType = try r.enumValue(f, "SchemaElement.repetition_type")
            case 4: name = try r.string(f, "SchemaElement.name")
            case 5: e.numChildren = try r.count32(f, "SchemaElement.num_children")
            case 6: e.convertedType = try r.enumValue(f, "SchemaElement.converted_type")
            case 7: e.scale = try r.i32(f, "SchemaElement.scale")
            case 8: e.precision = try r.i32(f, "SchemaElement.precision")
            case 9: e.fieldId = try r.i32(f, "SchemaElement.field_id")
            case 10: e.logicalType = try r.structValue(f, "SchemaElement.logicalType")
            default: return false
            }
            return true
        }
        e.name = try r.required(name, "SchemaElement.name", structAt: start)
        return e
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            w.field(1, enum: type)
            w.field(2, i32: typeLength)
            w.field(3, enum: repetitionType)
            w.field(4, string: name)
            w.field(5, i32: numChildren)
            w.field(6, enum: convertedType)
            w.field(7, i32: scale)
            w.field(8, i32: precision)
            w.field(9, i32: fieldId)
            w.field(10, struct: logicalType)
        }
    }
}
