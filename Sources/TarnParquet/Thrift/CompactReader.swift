// CompactReader: a bounds-checked Thrift Compact protocol decoder over a byte range.
// Owns primitives (zigzag ints, i8, double, binary/string), field headers with the
// per-struct last-field-id stack, and list/set/map headers. Every failure is
// TarnError.corruption with an absolute file offset.
// See apache/thrift doc/specs/thrift-compact-protocol.md.

import TarnCodecs

public struct CompactReader {
    /// Maximum nesting of structs and skipped containers (arrow-rs uses the same bound).
    public static let maxDepth = 64

    var input: ByteReader
    /// Last field id of each enclosing struct; the innermost one is `lastFieldId`.
    private var idStack: [Int16] = []
    private var lastFieldId: Int16 = 0
    /// Current nesting depth (structs entered plus containers being skipped).
    var depth = 0

    /// Reads `bytes[start..<end]`; `baseOffset` is the file offset of `bytes[0]`.
    /// Out-of-range `start`/`end` are clamped to the buffer (reads then fail as truncation).
    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil, baseOffset: Int = 0) {
        let e = max(0, min(end ?? bytes.count, bytes.count))
        input = ByteReader(bytes, start: min(max(0, start), e), end: e, baseOffset: baseOffset)
    }

    /// Position inside `bytes`.
    public var position: Int { input.position }
    public var remaining: Int { input.remaining }
    /// Absolute file offset of the next byte.
    public var absoluteOffset: Int { input.absoluteOffset }

    /// A corruption error at `offset` (default: the current position).
    public func corruption(_ message: String, at offset: Int? = nil) -> TarnError {
        TarnError.corruption(message, offset: offset ?? input.absoluteOffset)
    }

    // MARK: Primitives

    public mutating func readByte() throws -> UInt8 { try input.readByte() }

    /// i8 is one raw byte (two's complement), not a varint.
    public mutating func readI8() throws -> Int8 { Int8(bitPattern: try input.readByte()) }

    public mutating func readI16() throws -> Int16 {
        let at = absoluteOffset
        let v = try input.readZigzagVarint()
        guard let r = Int16(exactly: v) else { throw corruption("i16 value \(v) out of range", at: at) }
        return r
    }

    public mutating func readI32() throws -> Int32 {
        let at = absoluteOffset
        let v = try input.readZigzagVarint()
        guard let r = Int32(exactly: v) else { throw corruption("i32 value \(v) out of range", at: at) }
        return r
    }

    public mutating func readI64() throws -> Int64 { try input.readZigzagVarint() }

    /// Doubles are 8 bytes little-endian IEEE-754.
    public mutating func readDouble() throws -> Double {
        Double(bitPattern: try input.readLE(UInt64.self))
    }

    /// Reads a varint length and checks it against the bytes left.
    mutating func readLength(_ what: String) throws -> Int {
        let at = absoluteOffset
        let n = try input.readUVarint()
        guard n <= UInt64(input.remaining) else {
            throw corruption("\(what) length \(n) exceeds the \(input.remaining) bytes left", at: at)
        }
        return Int(n)
    }

    public mutating func readBinary() throws -> [UInt8] {
        let n = try readLength("binary")
        return Array(try input.readBytes(n))
    }

    /// Reads a binary value that must be valid UTF-8.
    public mutating func readString() throws -> String {
        let at = absoluteOffset
        let n = try readLength("string")
        let raw = try input.readBytes(n)
        guard let s = String(validating: raw, as: UTF8.self) else {
            throw corruption("string is not valid UTF-8", at: at)
        }
        return s
    }

    /// Reads one boolean list/set/map element: 0x01 true; 0x00 or 0x02 false.
    public mutating func readBoolElement() throws -> Bool {
        let at = absoluteOffset
        switch try input.readByte() {
        case 1: return true
        case 0, 2: return false
        case let b: throw corruption("invalid bool element byte \(b)", at: at)
        }
    }

    mutating func readType(_ nibble: UInt8, at offset: Int) throws -> CompactType {
        guard let t = CompactType(rawValue: nibble) else {
            throw corruption("unknown compact type \(nibble)", at: offset)
        }
        return t
    }

    // MARK: Structs

    /// Enters a struct: its field ids restart at 0.
    public mutating func beginStruct() throws {
        depth += 1
        if depth > Self.maxDepth {
            throw corruption("nesting deeper than \(Self.maxDepth) levels")
        }
        idStack.append(lastFieldId)
        lastFieldId = 0
    }

    /// Leaves a struct after its stop byte, restoring the enclosing field-id counter.
    public mutating func endStruct() {
        depth -= 1
        lastFieldId = idStack.popLast() ?? 0
    }

    /// Reads the next field header; nil at the stop byte.
    public mutating func readFieldHeader() throws -> FieldHeader? {
        let at = absoluteOffset
        let b = try input.readByte()
        if b == 0 { return nil }
        let type = try readType(b & 0x0F, at: at)
        guard type != .stop else { throw corruption("field header with type 0", at: at) }
        let delta = Int(b >> 4)
        let id: Int16
        if delta == 0 {
            id = try readI16()
        } else {
            guard let next = Int16(exactly: Int(lastFieldId) + delta) else {
                throw corruption("field id overflows i16", at: at)
            }
            id = next
        }
        lastFieldId = id
        return FieldHeader(id: id, type: type, offset: at)
    }

    /// Reads a whole struct: `body` returns false for fields it does not know, which are skipped.
    public mutating func readStruct(
        _ body: (inout CompactReader, FieldHeader) throws -> Bool
    ) throws {
        try beginStruct()
        while let f = try readFieldHeader() {
            if try !body(&self, f) { try skip(f.type) }
        }
        endStruct()
    }

    // MARK: Containers

    /// Reads a list or set header. Each element takes at least one byte, so the size is
    /// bounded by the bytes left. A lone 0x00 is accepted as an empty list.
    /// Boolean element types 1 and 2 are both returned as `.boolTrue`.
    public mutating func readListHeader() throws -> (elementType: CompactType, count: Int) {
        let at = absoluteOffset
        let b = try input.readByte()
        var size = UInt64(b >> 4)
        if size == 15 { size = try input.readUVarint() }
        guard size <= UInt64(input.remaining) else {
            throw corruption("list size \(size) exceeds the \(input.remaining) bytes left", at: at)
        }
        let count = Int(size)
        let type = try readType(b & 0x0F, at: at)
        if count == 0 { return (type.isBool ? .boolTrue : type, 0) }
        guard type != .stop else { throw corruption("list element type 0", at: at) }
        return (type.isBool ? .boolTrue : type, count)
    }

    /// Reads a map header; each entry takes at least two bytes. An empty map (a lone 0x00)
    /// returns count 0 with both types `.stop`.
    public mutating func readMapHeader() throws -> (keyType: CompactType, valueType: CompactType, count: Int) {
        let at = absoluteOffset
        let n = try input.readUVarint()
        if n == 0 { return (.stop, .stop, 0) }
        guard n <= UInt64(input.remaining / 2) else {
            throw corruption("map size \(n) exceeds the \(input.remaining) bytes left", at: at)
        }
        let kv = try input.readByte()
        let key = try readType(kv >> 4, at: at)
        let value = try readType(kv & 0x0F, at: at)
        guard key != .stop, value != .stop else { throw corruption("map with type 0", at: at) }
        return (key.isBool ? .boolTrue : key, value.isBool ? .boolTrue : value, Int(n))
    }
}
