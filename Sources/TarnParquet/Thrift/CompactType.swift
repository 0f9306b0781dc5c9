// Thrift Compact protocol vocabulary: the wire type nibbles, field headers and the
// CompactCodable protocol every Parquet metadata struct conforms to.
// See apache/thrift doc/specs/thrift-compact-protocol.md ("Struct encoding", "List and set").

/// A Thrift Compact wire type (the low nibble of a field header, or a list element type).
public enum CompactType: UInt8, Sendable, CustomStringConvertible {
    case stop = 0
    case boolTrue = 1
    case boolFalse = 2
    case i8 = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case `struct` = 12
    case uuid = 13

    /// True for both boolean nibbles (1 and 2).
    public var isBool: Bool { self == .boolTrue || self == .boolFalse }

    public var description: String {
        switch self {
        case .stop: "stop"
        case .boolTrue, .boolFalse: "bool"
        case .i8: "i8"
        case .i16: "i16"
        case .i32: "i32"
        case .i64: "i64"
        case .double: "double"
        case .binary: "binary"
        case .list: "list"
        case .set: "set"
        case .map: "map"
        case .struct: "struct"
        case .uuid: "uuid"
        }
    }
}

/// One decoded field header: the field id and its wire type.
/// For booleans the value itself is carried by `type` (`.boolTrue` / `.boolFalse`).
public struct FieldHeader: Sendable, Equatable {
    public var id: Int16
    public var type: CompactType
    /// Absolute file offset of the header's first byte, for error messages.
    public var offset: Int

    public init(id: Int16, type: CompactType, offset: Int) {
        self.id = id
        self.type = type
        self.offset = offset
    }
}

/// A Thrift struct (or union) that can be read from and written to the Compact protocol.
/// `decode` consumes the whole struct including its stop byte; `encode` writes it likewise.
public protocol CompactCodable: Sendable, Equatable {
    static func decode(_ r: inout CompactReader) throws -> Self
    func encode(_ w: inout CompactWriter)
}
