// Maps a Parquet leaf (physical type + LogicalType or legacy ConvertedType) to a Delta type and
// the conversion its values need: INT96 and milli/nano timestamps to microseconds, decimals from
// INT32/INT64/FLBA/BYTE_ARRAY, narrow and unsigned integers (spec/parquet.md "Reading types").
import TarnColumnar

extension ReadSchema {
    static func leaf(_ e: SchemaElement, path: [String], maxDef: Int, maxRep: Int) throws -> ReadLeaf {
        guard let physical = e.type else { throw TarnError.corruption("leaf '\(e.name)' has no physical type") }
        let column = path.joined(separator: ".")
        let width = Int(e.typeLength ?? 0)
        if physical == .fixedLenByteArray && (width <= 0 || width > 1 << 20) {
            throw TarnError(.corruption, "FIXED_LEN_BYTE_ARRAY with type_length \(width)", column: column)
        }
        let (type, conversion) = try deltaType(e, physical, column)
        return ReadLeaf(path: path, physical: physical, typeLength: width, deltaType: type, conversion: conversion,
                        maxDef: maxDef, maxRep: maxRep)
    }

    private static func deltaType(_ e: SchemaElement, _ physical: PhysicalType, _ column: String) throws -> (DataType, LeafConversion) {
        if let d = try decimalType(e, column) {
            guard physical != .boolean, physical != .float, physical != .double, physical != .int96 else {
                throw TarnError(.corruption, "DECIMAL annotation on \(physical)", column: column)
            }
            return (d, .decimal)
        }
        switch physical {
        case .boolean: return (.boolean, .none)
        case .int32: return int32Type(e)
        case .int64: return try int64Type(e, column)
        case .int96: return (.timestamp, .int96Timestamp)
        case .float: return (.float, .none)
        case .double: return (.double, .none)
        case .byteArray, .fixedLenByteArray:
            switch e.logicalType {
            case .string?, .enumType?, .json?: return (.string, .none)
            default: break
            }
            if e.convertedType == .utf8 || e.convertedType == .enumType || e.convertedType == .json { return (.string, .none) }
            return (.binary, .none)
        }
    }

    private static func decimalType(_ e: SchemaElement, _ column: String) throws -> DataType? {
        var p: Int32?, s: Int32?
        if case let .decimal(scale, precision)? = e.logicalType {
            (p, s) = (precision, scale)
        } else if e.convertedType == .decimal {
            (p, s) = (e.precision, e.scale ?? 0)
        }
        guard let precision = p, let scale = s else { return nil }
        guard precision >= 1, precision <= 38, scale >= 0, scale <= precision else {
            throw TarnError(.unsupportedFeature, "decimal(\(precision),\(scale)) is outside Delta's decimal range", column: column)
        }
        return .decimal(precision: Int(precision), scale: Int(scale))
    }

    private static func int32Type(_ e: SchemaElement) -> (DataType, LeafConversion) {
        switch e.logicalType {
        case let .integer(bits, signed)?:
            if signed { return (bits == 8 ? .byte : bits == 16 ? .short : .integer, .none) }
            return (bits == 8 ? .short : bits == 16 ? .integer : .long, .unsigned)
        case .date?: return (.date, .none)
        default: break
        }
        switch e.convertedType {
        case .int8?: return (.byte, .none)
        case .int16?: return (.short, .none)
        case .uint8?: return (.short, .unsigned)
        case .uint16?: return (.integer, .unsigned)
        case .uint32?: return (.long, .unsigned)
        case .date?: return (.date, .none)
        default: return (.integer, .none)
        }
    }

    private static func int64Type(_ e: SchemaElement, _ column: String) throws -> (DataType, LeafConversion) {
        switch e.logicalType {
        case let .timestamp(utc, unit)?:
            let type: DataType = utc ? .timestamp : .timestampNtz
            switch unit {
            case .millis: return (type, .timestampMillis)
            case .micros: return (type, .none)
            case .nanos: return (type, .timestampNanos)
            default: throw TarnError(.unsupportedFeature, "timestamp with an unknown unit", column: column)
            }
        case let .integer(64, signed)?:
            if !signed { return (.decimal(precision: 20, scale: 0), .unsigned) }
        default: break
        }
        switch e.convertedType {
        case .timestampMillis?: return (.timestamp, .timestampMillis)
        case .timestampMicros?: return (.timestamp, .none)
        case .uint64?: return (.decimal(precision: 20, scale: 0), .unsigned)
        default: return (.long, .none)
        }
    }
}
