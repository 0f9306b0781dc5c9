// EncodingCursor: a bounds-checked read cursor over an UnsafeRawBufferPointer, used by the
// value decoders in this directory (DELTA_* encodings). Every failure throws
// TarnError.corruption with the absolute offset `baseOffset + position`.
// See apache/parquet-format Encodings.md (ULEB128 and zigzag integers in the delta encodings).

import TarnCodecs

struct EncodingCursor {
    let buffer: UnsafeRawBufferPointer
    let baseOffset: Int
    /// Prefixed to every error message, e.g. "DELTA_BINARY_PACKED".
    let context: String
    var position: Int

    init(_ buffer: UnsafeRawBufferPointer, baseOffset: Int, context: String, position: Int = 0) {
        self.buffer = buffer
        self.baseOffset = baseOffset
        self.context = context
        self.position = position
    }

    var remaining: Int { buffer.count - position }

    func error(_ message: String, at pos: Int? = nil) -> TarnError {
        TarnError.corruption("\(context): \(message)", offset: baseOffset + (pos ?? position))
    }

    /// Throws unless `count` more bytes are available.
    @inline(__always)
    func require(_ count: Int, _ what: @autoclosure () -> String) throws {
        if count < 0 || count > buffer.count - position {
            throw error("truncated \(what()): need \(count) bytes, \(buffer.count - position) left")
        }
    }

    /// The address of the current position (nil only for an empty buffer).
    @inline(__always)
    var pointer: UnsafeRawPointer? {
        buffer.baseAddress.map { $0 + position }
    }

    @inline(__always)
    func byte(at index: Int) -> UInt8 {
        buffer.load(fromByteOffset: index, as: UInt8.self)
    }

    /// Reads an unsigned LEB128 integer of at most 10 bytes.
    mutating func readUVarint(_ what: @autoclosure () -> String) throws -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < buffer.count else { throw error("truncated \(what())", at: start) }
            let b = byte(at: position)
            position += 1
            if shift == 63 && b > 1 { throw error("\(what()) overflows 64 bits", at: start) }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw error("\(what()) is longer than 10 bytes", at: start) }
        }
    }

    /// Reads a zigzag LEB128 integer.
    mutating func readZigzag(_ what: @autoclosure () -> String) throws -> Int64 {
        Zigzag.decode(try readUVarint(what()))
    }

    /// Reads an unsigned varint that must fit `0...limit`.
    mutating func readCount(_ what: @autoclosure () -> String, limit: Int) throws -> Int {
        let start = position
        let v = try readUVarint(what())
        guard v <= UInt64(limit) else { throw error("\(what()) \(v) exceeds \(limit)", at: start) }
        return Int(v)
    }
}
