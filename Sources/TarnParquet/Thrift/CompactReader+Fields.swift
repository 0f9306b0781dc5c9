// Typed struct-field accessors for CompactReader: each checks the field's wire type
// before reading, so a field id carrying the wrong type is reported as corruption.
// Also required-field, non-negative and enum checks used by the Parquet metadata decoders.
// See apache/thrift doc/specs/thrift-compact-protocol.md.

extension CompactReader {
    /// Throws unless field `f` (named `name`, e.g. "PageHeader.crc") has wire type `type`.
    public func expect(_ f: FieldHeader, _ type: CompactType, _ name: String) throws {
        let ok = type.isBool ? f.type.isBool : (f.type == type || (type == .list && f.type == .set))
        if !ok {
            throw corruption("\(name) (field \(f.id)) has wire type \(f.type), expected \(type)", at: f.offset)
        }
    }

    public mutating func bool(_ f: FieldHeader, _ name: String) throws -> Bool {
        try expect(f, .boolTrue, name)
        return f.type == .boolTrue
    }

    public mutating func i8(_ f: FieldHeader, _ name: String) throws -> Int8 {
        try expect(f, .i8, name)
        return try readI8()
    }

    public mutating func i16(_ f: FieldHeader, _ name: String) throws -> Int16 {
        try expect(f, .i16, name)
        return try readI16()
    }

    public mutating func i32(_ f: FieldHeader, _ name: String) throws -> Int32 {
        try expect(f, .i32, name)
        return try readI32()
    }

    public mutating func i64(_ f: FieldHeader, _ name: String) throws -> Int64 {
        try expect(f, .i64, name)
        return try readI64()
    }

    public mutating func double(_ f: FieldHeader, _ name: String) throws -> Double {
        try expect(f, .double, name)
        return try readDouble()
    }

    public mutating func binary(_ f: FieldHeader, _ name: String) throws -> [UInt8] {
        try expect(f, .binary, name)
        return try readBinary()
    }

    public mutating func string(_ f: FieldHeader, _ name: String) throws -> String {
        try expect(f, .binary, name)
        return try readString()
    }

    /// An i32 size or count that must not be negative.
    public mutating func count32(_ f: FieldHeader, _ name: String) throws -> Int32 {
        let v = try i32(f, name)
        if v < 0 { throw corruption("\(name) is negative (\(v))", at: f.offset) }
        return v
    }

    /// An i64 size or count that must not be negative.
    public mutating func count64(_ f: FieldHeader, _ name: String) throws -> Int64 {
        let v = try i64(f, name)
        if v < 0 { throw corruption("\(name) is negative (\(v))", at: f.offset) }
        return v
    }

    /// An i32 enum; values the type does not accept are corruption.
    public mutating func enumValue<E: RawRepresentable>(
        _ f: FieldHeader, _ name: String, as _: E.Type = E.self
    ) throws -> E where E.RawValue == Int32 {
        let raw = try i32(f, name)
        guard let v = E(rawValue: raw) else {
            throw corruption("\(name) has unknown \(E.self) value \(raw)", at: f.offset)
        }
        return v
    }

    public mutating func structValue<T: CompactCodable>(
        _ f: FieldHeader, _ name: String, as _: T.Type = T.self
    ) throws -> T {
        try expect(f, .struct, name)
        return try T.decode(&self)
    }

    /// Reads a list field whose elements have wire type `elementType`.
    public mutating func list<T>(
        _ f: FieldHeader, _ name: String, of elementType: CompactType,
        _ element: (inout CompactReader) throws -> T
    ) throws -> [T] {
        try expect(f, .list, name)
        let at = absoluteOffset
        let (type, count) = try readListHeader()
        if count > 0 && type != elementType {
            throw corruption("\(name) has elements of type \(type), expected \(elementType)", at: at)
        }
        var out: [T] = []
        out.reserveCapacity(Swift.min(count, 4096))  // count is only bounded by bytes left
        for _ in 0 ..< count { out.append(try element(&self)) }
        return out
    }

    public mutating func structList<T: CompactCodable>(
        _ f: FieldHeader, _ name: String, as _: T.Type = T.self
    ) throws -> [T] {
        try list(f, name, of: .struct) { try T.decode(&$0) }
    }

    public mutating func stringList(_ f: FieldHeader, _ name: String) throws -> [String] {
        try list(f, name, of: .binary) { try $0.readString() }
    }

    public mutating func i64List(_ f: FieldHeader, _ name: String) throws -> [Int64] {
        try list(f, name, of: .i64) { try $0.readI64() }
    }

    public mutating func boolList(_ f: FieldHeader, _ name: String) throws -> [Bool] {
        try list(f, name, of: .boolTrue) { try $0.readBoolElement() }
    }

    /// A list of i32 enums (e.g. encodings); unknown values are corruption.
    public mutating func enumList<E: RawRepresentable>(
        _ f: FieldHeader, _ name: String, as _: E.Type = E.self
    ) throws -> [E] where E.RawValue == Int32 {
        try list(f, name, of: .i32) { r in
            let at = r.absoluteOffset
            let raw = try r.readI32()
            guard let v = E(rawValue: raw) else {
                throw r.corruption("\(name) has unknown \(E.self) value \(raw)", at: at)
            }
            return v
        }
    }

    /// Unwraps a required field, or throws naming the struct field that is missing.
    public func required<T>(_ value: T?, _ name: String, structAt offset: Int) throws -> T {
        guard let value else { throw corruption("missing required field \(name)", at: offset) }
        return value
    }
}
