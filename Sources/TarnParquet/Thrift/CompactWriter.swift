// CompactWriter: appends Thrift Compact protocol values to a byte buffer.
// Field headers use the short form when the id delta is 1...15, else the long form;
// bools in struct fields live in the type nibble. Bool list elements are written with
// element type 1 (as Java and Arrow C++ do) and bytes 0x01 true / 0x02 false.
// See apache/thrift doc/specs/thrift-compact-protocol.md.

import TarnCodecs

public struct CompactWriter {
    public private(set) var bytes: [UInt8]
    private var idStack: [Int16] = []
    private var lastFieldId: Int16 = 0

    /// Appends to `bytes` (empty by default).
    public init(bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    /// Runs `body` with a writer appending directly to `buffer` (no copy of the buffer).
    public static func appending(to buffer: inout [UInt8], _ body: (inout CompactWriter) -> Void) {
        var w = CompactWriter()
        swap(&w.bytes, &buffer)
        body(&w)
        swap(&w.bytes, &buffer)
    }

    // MARK: Primitives

    public mutating func writeI8(_ v: Int8) { bytes.append(UInt8(bitPattern: v)) }
    public mutating func writeI16(_ v: Int16) { bytes.appendZigzagVarint(Int64(v)) }
    public mutating func writeI32(_ v: Int32) { bytes.appendZigzagVarint(Int64(v)) }
    public mutating func writeI64(_ v: Int64) { bytes.appendZigzagVarint(v) }
    public mutating func writeDouble(_ v: Double) { bytes.appendLE(v.bitPattern) }

    public mutating func writeBinary(_ v: [UInt8]) {
        bytes.appendUVarint(UInt64(v.count))
        bytes.append(contentsOf: v)
    }

    public mutating func writeString(_ v: String) {
        bytes.appendUVarint(UInt64(v.utf8.count))
        bytes.append(contentsOf: v.utf8)
    }

    /// A bool list/set element: 0x01 true, 0x02 false.
    public mutating func writeBoolElement(_ v: Bool) { bytes.append(v ? 1 : 2) }

    // MARK: Structs

    /// Writes a struct: its fields (written by `body`) and the stop byte.
    public mutating func writeStruct(_ body: (inout CompactWriter) -> Void) {
        idStack.append(lastFieldId)
        lastFieldId = 0
        body(&self)
        bytes.append(0)
        lastFieldId = idStack.popLast() ?? 0
    }

    /// Writes a field header. Ids should ascend within a struct.
    public mutating func writeFieldHeader(_ id: Int16, _ type: CompactType) {
        let delta = Int(id) - Int(lastFieldId)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeI16(id)
        }
        lastFieldId = id
    }

    // MARK: Containers

    /// Writes a list (or set) header; bool elements use element type 1.
    public mutating func writeListHeader(_ elementType: CompactType, count: Int) {
        let t = elementType.isBool ? CompactType.boolTrue.rawValue : elementType.rawValue
        if count < 15 {
            bytes.append(UInt8(count) << 4 | t)
        } else {
            bytes.append(0xF0 | t)
            bytes.appendUVarint(UInt64(count))
        }
    }

    /// Writes a map header (a single 0x00 when empty).
    public mutating func writeMapHeader(key: CompactType, value: CompactType, count: Int) {
        bytes.appendUVarint(UInt64(count))
        if count > 0 { bytes.append(key.rawValue << 4 | value.rawValue) }
    }
}

// MARK: - Optional-field conveniences: a nil value writes nothing.

extension CompactWriter {
    public mutating func field(_ id: Int16, bool v: Bool?) {
        guard let v else { return }
        writeFieldHeader(id, v ? .boolTrue : .boolFalse)
    }

    public mutating func field(_ id: Int16, i8 v: Int8?) {
        guard let v else { return }
        writeFieldHeader(id, .i8)
        writeI8(v)
    }

    public mutating func field(_ id: Int16, i16 v: Int16?) {
        guard let v else { return }
        writeFieldHeader(id, .i16)
        writeI16(v)
    }

    public mutating func field(_ id: Int16, i32 v: Int32?) {
        guard let v else { return }
        writeFieldHeader(id, .i32)
        writeI32(v)
    }

    public mutating func field(_ id: Int16, i64 v: Int64?) {
        guard let v else { return }
        writeFieldHeader(id, .i64)
        writeI64(v)
    }

    public mutating func field(_ id: Int16, double v: Double?) {
        guard let v else { return }
        writeFieldHeader(id, .double)
        writeDouble(v)
    }

    public mutating func field(_ id: Int16, binary v: [UInt8]?) {
        guard let v else { return }
        writeFieldHeader(id, .binary)
        writeBinary(v)
    }

    public mutating func field(_ id: Int16, string v: String?) {
        guard let v else { return }
        writeFieldHeader(id, .binary)
        writeString(v)
    }

    public mutating func field<E: RawRepresentable>(_ id: Int16, enum v: E?) where E.RawValue == Int32 {
        field(id, i32: v?.rawValue)
    }

    public mutating func field<T: CompactCodable>(_ id: Int16, struct v: T?) {
        guard let v else { return }
        writeFieldHeader(id, .struct)
        v.encode(&self)
    }

    /// An empty struct (`0x00` payload), used for union members without data.
    public mutating func emptyStructField(_ id: Int16) {
        writeFieldHeader(id, .struct)
        writeStruct { _ in }
    }

    public mutating func field<T: CompactCodable>(_ id: Int16, list v: [T]?) {
        listField(id, v, .struct) { w, e in e.encode(&w) }
    }

    public mutating func field(_ id: Int16, strings v: [String]?) {
        listField(id, v, .binary) { w, e in w.writeString(e) }
    }

    public mutating func field(_ id: Int16, i64s v: [Int64]?) {
        listField(id, v, .i64) { w, e in w.writeI64(e) }
    }

    public mutating func field(_ id: Int16, bools v: [Bool]?) {
        listField(id, v, .boolTrue) { w, e in w.writeBoolElement(e) }
    }

    public mutating func field<E: RawRepresentable>(_ id: Int16, enums v: [E]?) where E.RawValue == Int32 {
        listField(id, v, .i32) { w, e in w.writeI32(e.rawValue) }
    }

    /// Writes a list field with elements written by `element`.
    public mutating func listField<T>(
        _ id: Int16, _ v: [T]?, _ elementType: CompactType, _ element: (inout CompactWriter, T) -> Void
    ) {
        guard let v else { return }
        writeFieldHeader(id, .list)
        writeListHeader(elementType, count: v.count)
        for e in v { element(&self, e) }
    }
}
