// Skipping unknown Thrift Compact values by wire type, recursing into struct, list, set
// and map with a nesting bound of CompactReader.maxDepth (deeper input is corruption).
// See apache/thrift doc/specs/thrift-compact-protocol.md.

extension CompactReader {
    /// Skips the value of a struct field of wire type `type` (booleans have no payload).
    public mutating func skip(_ type: CompactType) throws {
        if type.isBool { return }
        try skipElement(type)
    }

    /// Skips one list/set/map element of wire type `type` (booleans take one byte).
    public mutating func skipElement(_ type: CompactType) throws {
        switch type {
        case .stop:
            throw corruption("cannot skip a value of type 0")
        case .boolTrue, .boolFalse:
            _ = try readBoolElement()
        case .i8:
            _ = try input.readByte()
        case .i16, .i32, .i64:
            _ = try input.readUVarint()
        case .double:
            try input.skip(8)
        case .uuid:
            try input.skip(16)
        case .binary:
            try input.skip(try readLength("binary"))
        case .struct:
            try readStruct { _, _ in false }
        case .list, .set:
            try skipList()
        case .map:
            try skipMap()
        }
    }

    private mutating func enterContainer() throws {
        depth += 1
        if depth > Self.maxDepth {
            throw corruption("nesting deeper than \(Self.maxDepth) levels")
        }
    }

    private mutating func skipList() throws {
        try enterContainer()
        let (type, count) = try readListHeader()
        for _ in 0 ..< count { try skipElement(type) }
        depth -= 1
    }

    private mutating func skipMap() throws {
        try enterContainer()
        let (key, value, count) = try readMapHeader()
        for _ in 0 ..< count {
            try skipElement(key)
            try skipElement(value)
        }
        depth -= 1
    }
}
