// Parquet logical type annotations: the TimeUnit union and the LogicalType union
// (as LogicalTypeAnnotation), with Compact decode/encode. Members this code does not
// know decode as `.other(fieldId:)` (payload skipped) and encode as an empty struct.
// See apache/parquet-format parquet.thrift, unions TimeUnit and LogicalType.

/// `union TimeUnit`. `unknown` stands for a member this code does not know (or none);
/// it is written as an empty union.
public enum TimeUnit: CompactCodable {
    case millis, micros, nanos, unknown

    public static func decode(_ r: inout CompactReader) throws -> TimeUnit {
        var unit: TimeUnit?
        try r.readStruct { r, f in
            guard unit == nil, (1 ... 3).contains(f.id) else { return false }
            try r.emptyStruct(f, "TimeUnit member")
            unit = f.id == 1 ? .millis : f.id == 2 ? .micros : .nanos
            return true
        }
        return unit ?? .unknown
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in
            switch self {
            case .millis: w.emptyStructField(1)
            case .micros: w.emptyStructField(2)
            case .nanos: w.emptyStructField(3)
            case .unknown: break
            }
        }
    }
}

/// `union LogicalType` of a SchemaElement.
public enum LogicalTypeAnnotation: CompactCodable {
    case string, map, list, enumType
    case decimal(scale: Int32, precision: Int32)
    case date
    case time(isAdjustedToUTC: Bool, unit: TimeUnit)
    case timestamp(isAdjustedToUTC: Bool, unit: TimeUnit)
    case integer(bitWidth: Int8, isSigned: Bool)
    case unknown, json, bson, uuid, float16, variant
    /// A union member this code does not know (e.g. GEOMETRY 17); its payload was skipped.
    case other(fieldId: Int16)

    /// Union members whose payload is an empty struct (VARIANT's optional version is skipped).
    private static let emptyMembers: [Int16: LogicalTypeAnnotation] = [
        1: .string, 2: .map, 3: .list, 4: .enumType, 6: .date, 11: .unknown,
        12: .json, 13: .bson, 14: .uuid, 15: .float16, 16: .variant,
    ]

    public static func decode(_ r: inout CompactReader) throws -> LogicalTypeAnnotation {
        let start = r.absoluteOffset
        var value: LogicalTypeAnnotation?
        try r.readStruct { r, f in
            guard value == nil else { return false }
            value = try decodeMember(&r, f)
            return true
        }
        return try r.required(value, "LogicalType (union member)", structAt: start)
    }

    private static func decodeMember(_ r: inout CompactReader, _ f: FieldHeader) throws -> LogicalTypeAnnotation {
        if let simple = emptyMembers[f.id] {
            try r.emptyStruct(f, "LogicalType member \(f.id)")
            return simple
        }
        switch f.id {
        case 5:
            try r.expect(f, .struct, "LogicalType.DECIMAL")
            return try decodeDecimal(&r)
        case 7, 8:
            let name = f.id == 7 ? "TimeType" : "TimestampType"
            try r.expect(f, .struct, "LogicalType.\(name)")
            let (utc, unit) = try decodeTemporal(&r, name)
            return f.id == 7 ? .time(isAdjustedToUTC: utc, unit: unit) : .timestamp(isAdjustedToUTC: utc, unit: unit)
        case 10:
            try r.expect(f, .struct, "LogicalType.INTEGER")
            return try decodeInteger(&r)
        default:
            try r.skip(f.type)
            return .other(fieldId: f.id)
        }
    }

    private static func decodeDecimal(_ r: inout CompactReader) throws -> LogicalTypeAnnotation {
        let start = r.absoluteOffset
        var scale: Int32?, precision: Int32?
        try r.readStruct { r, f in
            switch f.id {
            case 1: scale = try r.i32(f, "DecimalType.scale")
            case 2: precision = try r.i32(f, "DecimalType.precision")
            default: return false
            }
            return true
        }
        return .decimal(scale: try r.required(scale, "DecimalType.scale", structAt: start),
                        precision: try r.required(precision, "DecimalType.precision", structAt: start))
    }

    private static func decodeTemporal(_ r: inout CompactReader, _ name: String) throws -> (Bool, TimeUnit) {
        let start = r.absoluteOffset
        var utc: Bool?, unit: TimeUnit?
        try r.readStruct { r, f in
            switch f.id {
            case 1: utc = try r.bool(f, "\(name).isAdjustedToUTC")
            case 2: unit = try r.structValue(f, "\(name).unit")
            default: return false
            }
            return true
        }
        return (try r.required(utc, "\(name).isAdjustedToUTC", structAt: start),
                try r.required(unit, "\(name).unit", structAt: start))
    }

    private static func decodeInteger(_ r: inout CompactReader) throws -> LogicalTypeAnnotation {
        let start = r.absoluteOffset
        var width: Int8?, signed: Bool?
        try r.readStruct { r, f in
            switch f.id {
            case 1: width = try r.i8(f, "IntType.bitWidth")
            case 2: signed = try r.bool(f, "IntType.isSigned")
            default: return false
            }
            return true
        }
        return .integer(bitWidth: try r.required(width, "IntType.bitWidth", structAt: start),
                        isSigned: try r.required(signed, "IntType.isSigned", structAt: start))
    }

    public func encode(_ w: inout CompactWriter) {
        w.writeStruct { w in encodeMember(&w) }
    }

    private func encodeMember(_ w: inout CompactWriter) {
        switch self {
        case .string: w.emptyStructField(1)
        case .map: w.emptyStructField(2)
        case .list: w.emptyStructField(3)
        case .enumType: w.emptyStructField(4)
        case let .decimal(scale, precision):
            w.writeFieldHeader(5, .struct)
            w.writeStruct { w in
                w.field(1, i32: scale)
                w.field(2, i32: precision)
            }
        case .date: w.emptyStructField(6)
        case let .time(utc, unit): Self.encodeTemporal(&w, 7, utc, unit)
        case let .timestamp(utc, unit): Self.encodeTemporal(&w, 8, utc, unit)
        case let .integer(width, signed):
            w.writeFieldHeader(10, .struct)
            w.writeStruct { w in
                w.field(1, i8: width)
                w.field(2, bool: signed)
            }
        case .unknown: w.emptyStructField(11)
        case .json: w.emptyStructField(12)
        case .bson: w.emptyStructField(13)
        case .uuid: w.emptyStructField(14)
        case .float16: w.emptyStructField(15)
        case .variant: w.emptyStructField(16)
        case let .other(id): w.emptyStructField(id)
        }
    }

    private static func encodeTemporal(_ w: inout CompactWriter, _ id: Int16, _ utc: Bool, _ unit: TimeUnit) {
        w.writeFieldHeader(id, .struct)
        w.writeStruct { w in
            w.field(1, bool: utc)
            w.field(2, struct: unit)
        }
    }
}

extension CompactReader {
    /// Reads a struct-typed field whose content is ignored (empty union members).
    public mutating func emptyStruct(_ f: FieldHeader, _ name: String) throws {
        try expect(f, .struct, name)
        try skip(.struct)
    }
}
