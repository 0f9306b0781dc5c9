// Tests for the Thrift Compact protocol reader and writer (Sources/TarnParquet/Thrift):
// primitives, short/long field headers, list/set/map headers, bool lists, skipping
// unknown values of every type, nesting and size bounds, and absolute error offsets.
// See apache/thrift doc/specs/thrift-compact-protocol.md.

import Testing
import TarnCodecs
import TarnParquet

/// Runs `body` and returns the TarnError it throws (nil if it succeeds or throws another error).
private func thrown(_ body: () throws -> Void) -> TarnError? {
    do {
        try body()
        return nil
    } catch let e as TarnError {
        return e
    } catch {
        return nil
    }
}

private func written(_ body: (inout CompactWriter) -> Void) -> [UInt8] {
    var w = CompactWriter()
    body(&w)
    return w.bytes
}

@Suite struct ThriftTests {
    // MARK: Primitives

    @Test func integerRoundTripAndRange() throws {
        let i16s: [Int16] = [0, 1, -1, 63, -64, 64, .max, .min]
        let i32s: [Int32] = [0, 1, -1, 1 << 20, .max, .min]
        let i64s: [Int64] = [0, -1, 1 << 40, .max, .min]
        let bytes = written { w in
            i16s.forEach { w.writeI16($0) }
            i32s.forEach { w.writeI32($0) }
            i64s.forEach { w.writeI64($0) }
            w.writeI8(-1)
            w.writeI8(127)
        }
        var r = CompactReader(bytes)
        #expect(try i16s.map { _ in try r.readI16() } == i16s)
        #expect(try i32s.map { _ in try r.readI32() } == i32s)
        #expect(try i64s.map { _ in try r.readI64() } == i64s)
        #expect(try r.readI8() == -1)
        #expect(try r.readI8() == 127)
        #expect(r.remaining == 0)
        // zigzag(-1) = 1, zigzag(1) = 2, i8 is one raw byte.
        #expect(written { $0.writeI32(-1); $0.writeI32(1); $0.writeI8(-2) } == [0x01, 0x02, 0xFE])
    }

    @Test func outOfRangeIntegersAreCorruption() throws {
        var big: [UInt8] = []
        big.appendZigzagVarint(40000)
        var r = CompactReader(big)
        #expect(thrown { _ = try r.readI16() }?.code == .corruption)
        big = []
        big.appendZigzagVarint(1 << 31)
        r = CompactReader(big)
        #expect(thrown { _ = try r.readI32() }?.code == .corruption)
        r = CompactReader([0x80, 0x80])
        #expect(thrown { _ = try r.readI64() }?.code == .corruption)
    }

    @Test func doubleIsLittleEndian() throws {
        let bytes = written { $0.writeDouble(1.0) }
        #expect(bytes == [0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        var r = CompactReader(bytes + written { $0.writeDouble(-2.5e300) })
        #expect(try r.readDouble() == 1.0)
        #expect(try r.readDouble() == -2.5e300)
    }

    @Test func binaryAndStrings() throws {
        let bytes = written { w in
            w.writeBinary([1, 2, 3])
            w.writeString("héllo ✓")
            w.writeString("")
        }
        var r = CompactReader(bytes)
        #expect(try r.readBinary() == [1, 2, 3])
        #expect(try r.readString() == "héllo ✓")
        #expect(try r.readString() == "")
        #expect(r.remaining == 0)
    }

    @Test func invalidUTF8IsCorruption() throws {
        var r = CompactReader([0x02, 0xC3, 0x28], baseOffset: 500)
        let e = try #require(thrown { _ = try r.readString() })
        #expect(e.code == .corruption)
        #expect(e.message.contains("UTF-8"))
        #expect(e.offset == 500)
    }

    @Test func binaryLengthBeyondEndIsCorruptionWithAbsoluteOffset() throws {
        var r = CompactReader([0xAA, 0x05, 0x61, 0x62], start: 1, baseOffset: 1000)
        let e = try #require(thrown { _ = try r.readBinary() })
        #expect(e.code == .corruption)
        #expect(e.offset == 1001)
        // The range end bounds reads even when the buffer has more bytes.
        var bounded = CompactReader([0x02, 0x61, 0x62], end: 2)
        #expect(thrown { _ = try bounded.readBinary() }?.code == .corruption)
    }

    // MARK: Field headers

    @Test func fieldHeadersShortAndLongForm() throws {
        let bytes = written { w in
            w.writeStruct { w in
                w.field(1, i32: 0)
                w.field(16, i32: 0)
                w.field(32, i32: 0)
                w.field(5, i32: 0)
            }
        }
        #expect(bytes == [0x15, 0x00, 0xF5, 0x00, 0x05, 0x40, 0x00, 0x05, 0x0A, 0x00, 0x00])
        var r = CompactReader(bytes)
        var ids: [Int16] = []
        try r.readStruct { r, f in
            ids.append(f.id)
            _ = try r.i32(f, "x")
            return true
        }
        #expect(ids == [1, 16, 32, 5])
        #expect(r.remaining == 0)
    }

    @Test func nestedStructsRestartFieldIds() throws {
        let bytes = written { w in
            w.writeStruct { w in
                w.field(3, i32: 1)
                w.writeFieldHeader(4, .struct)
                w.writeStruct { $0.field(1, i32: 2) }
                w.field(5, i32: 3)
            }
        }
        #expect(bytes == [0x35, 0x02, 0x1C, 0x15, 0x04, 0x00, 0x15, 0x06, 0x00])
        var r = CompactReader(bytes)
        var seen: [String] = []
        try r.readStruct { r, f in
            if f.type == .struct {
                try r.readStruct { r, g in
                    seen.append("4.\(g.id)=\(try r.i32(g, "inner"))")
                    return true
                }
            } else {
                seen.append("\(f.id)=\(try r.i32(f, "outer"))")
            }
            return true
        }
        #expect(seen == ["3=1", "4.1=2", "5=3"])
    }

    @Test func boolFieldsLiveInTheTypeNibble() throws {
        let bytes = written { w in
            w.writeStruct { w in
                w.field(1, bool: true)
                w.field(2, bool: false)
                w.field(3, bool: nil)
            }
        }
        #expect(bytes == [0x11, 0x12, 0x00])
        var r = CompactReader(bytes)
        var values: [Bool] = []
        try r.readStruct { r, f in
            values.append(try r.bool(f, "b"))
            return true
        }
        #expect(values == [true, false])
    }

    @Test func badFieldHeadersAreCorruption() throws {
        // Type nibble 14 does not exist.
        var r = CompactReader([0x1E, 0x00])
        #expect(thrown { try r.readStruct { _, _ in false } }?.code == .corruption)
        // Delta 1 with type 0.
        r = CompactReader([0x10, 0x00])
        #expect(thrown { try r.readStruct { _, _ in false } }?.code == .corruption)
        // Long-form id 32767 followed by a short-form delta overflows i16.
        r = CompactReader([0x05, 0xFE, 0xFF, 0x03, 0x00, 0x15, 0x00, 0x00])
        #expect(thrown { try r.readStruct { _, _ in false } }?.code == .corruption)
        // Missing stop byte.
        r = CompactReader([0x15, 0x00])
        #expect(thrown { try r.readStruct { _, _ in false } }?.code == .corruption)
    }

    @Test func wrongWireTypeForKnownFieldIsCorruption() throws {
        var r = CompactReader([0x18, 0x01, 0x61, 0x00], baseOffset: 10)
        let e = try #require(thrown {
            try r.readStruct { r, f in
                _ = try r.i32(f, "Thing.count")
                return true
            }
        })
        #expect(e.code == .corruption)
        #expect(e.message.contains("Thing.count"))
        #expect(e.offset == 10)
    }

    // MARK: Lists, sets, maps

    @Test func listHeadersShortAndLongForm() throws {
        #expect(written { $0.writeListHeader(.i32, count: 14) } == [0xE5])
        #expect(written { $0.writeListHeader(.i32, count: 15) } == [0xF5, 0x0F])
        #expect(written { $0.writeListHeader(.struct, count: 300) } == [0xFC, 0xAC, 0x02])
        let values = (0 ..< 40).map { Int64($0 * 1000 - 7) }
        let bytes = written { w in w.writeStruct { $0.field(1, i64s: values) } }
        var r = CompactReader(bytes)
        var got: [Int64] = []
        try r.readStruct { r, f in
            got = try r.i64List(f, "values")
            return true
        }
        #expect(got == values)
    }

    @Test func boolListsAcceptElementType1And2() throws {
        for elementType: UInt8 in [1, 2] {
            let bytes: [UInt8] = [0x19, 0x40 | elementType, 0x01, 0x02, 0x00, 0x01, 0x00]
            var r = CompactReader(bytes)
            var got: [Bool] = []
            try r.readStruct { r, f in
                got = try r.boolList(f, "flags")
                return true
            }
            #expect(got == [true, false, false, true], "element type \(elementType)")
            // Skipping works for both element types too.
            var s = CompactReader(bytes)
            try s.readStruct { _, _ in false }
            #expect(s.remaining == 0)
        }
        // The writer uses element type 1 and bytes 0x01 / 0x02.
        let bytes = written { w in w.writeStruct { $0.field(1, bools: [true, false]) } }
        #expect(bytes == [0x19, 0x21, 0x01, 0x02, 0x00])
    }

    @Test func invalidBoolElementIsCorruption() throws {
        var r = CompactReader([0x19, 0x11, 0x03, 0x00])
        let e = thrown {
            try r.readStruct { r, f in
                _ = try r.boolList(f, "flags")
                return true
            }
        }
        #expect(e?.code == .corruption)
    }

    @Test func emptyListAsSingleZeroByte() throws {
        var r = CompactReader([0x19, 0x00, 0x29, 0x00, 0x00])
        var lists: [[Int64]] = []
        try r.readStruct { r, f in
            if f.id == 1 {
                lists.append(try r.i64List(f, "a"))
                return true
            }
            return false  // field 2 (also `00`) is skipped
        }
        #expect(lists == [[]])
        #expect(r.remaining == 0)
    }

    @Test func listElementTypeMismatchIsCorruption() throws {
        let bytes = written { w in w.writeStruct { $0.field(1, strings: ["a"]) } }
        var r = CompactReader(bytes)
        let e = thrown {
            try r.readStruct { r, f in
                _ = try r.i64List(f, "nums")
                return true
            }
        }
        #expect(e?.code == .corruption)
    }

    @Test func absurdContainerSizesThrowWithoutAllocating() throws {
        let lists: [[UInt8]] = [
            [0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],
            [0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
            [0x35, 0x00],  // 3 elements, 1 byte left
        ]
        for bytes in lists {
            var r = CompactReader(bytes + [0x00])
            let e = thrown { _ = try r.readListHeader() }
            #expect(e?.code == .corruption, "\(bytes)")
        }
        var m = CompactReader([0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x55, 0x00, 0x00])
        #expect(thrown { _ = try m.readMapHeader() }?.code == .corruption)
        // Through a typed field: a list<struct> claiming 2^31 elements.
        var f = CompactReader([0x19, 0xFC, 0x80, 0x80, 0x80, 0x80, 0x08, 0x00, 0x00])
        let e = thrown {
            try f.readStruct { r, h in
                _ = try r.list(h, "items", of: .struct) { try $0.readStruct { _, _ in false } }
                return true
            }
        }
        #expect(e?.code == .corruption)
    }

    @Test func mapsRoundTripThroughSkip() throws {
        var bytes = written { $0.writeMapHeader(key: .binary, value: .i32, count: 0) }
        #expect(bytes == [0x00])
        bytes = written { w in
            w.writeMapHeader(key: .binary, value: .i32, count: 2)
            w.writeString("a")
            w.writeI32(1)
            w.writeString("b")
            w.writeI32(-1)
        }
        #expect(bytes == [0x02, 0x85, 0x01, 0x61, 0x02, 0x01, 0x62, 0x01])
        var r = CompactReader(bytes)
        let (k, v, n) = try r.readMapHeader()
        #expect(k == .binary && v == .i32 && n == 2)
        var s = CompactReader(bytes)
        try s.skipElement(.map)
        #expect(s.remaining == 0)
    }

    // MARK: Skipping

    /// A struct holding one field of every wire type (ids 1...15 and 300), then field 301.
    private func everyTypeStruct() -> [UInt8] {
        written { w in
            w.writeStruct { w in
                w.field(1, bool: true)
                w.field(2, bool: false)
                w.field(3, i8: -5)
                w.field(4, i16: -300)
                w.field(5, i32: 1 << 20)
                w.field(6, i64: .min)
                w.writeFieldHeader(7, .double)
                w.writeDouble(3.5)
                w.field(8, binary: [1, 2, 3])
                w.field(9, i64s: [1, 2, 3])
                w.writeFieldHeader(10, .set)
                w.writeListHeader(.binary, count: 2)
                w.writeString("x")
                w.writeString("yz")
                writeMapOfStructs(&w, id: 11)
                writeNestedStruct(&w, id: 12)
                w.writeFieldHeader(13, .uuid)
                for i in 0 ..< 16 { w.writeI8(Int8(i)) }
                w.writeFieldHeader(14, .map)
                w.writeMapHeader(key: .i32, value: .i32, count: 0)
                w.listField(15, Array(repeating: [Int32(7), -7], count: 20), .list) { w, inner in
                    w.writeListHeader(.i32, count: inner.count)
                    inner.forEach { w.writeI32($0) }
                }
                w.field(300, bools: [true, false, true])
                w.field(301, string: "known")
            }
        }
    }

    private func writeMapOfStructs(_ w: inout CompactWriter, id: Int16) {
        w.writeFieldHeader(id, .map)
        w.writeMapHeader(key: .boolTrue, value: .struct, count: 2)
        for flag in [true, false] {
            w.writeBoolElement(flag)
            w.writeStruct { w in
                w.field(1, bools: [flag])
                w.field(2, string: "v")
            }
        }
    }

    private func writeNestedStruct(_ w: inout CompactWriter, id: Int16) {
        w.writeFieldHeader(id, .struct)
        w.writeStruct { w in
            w.writeFieldHeader(1, .list)
            w.writeListHeader(.struct, count: 2)
            for i in 0 ..< 2 {
                w.writeStruct { w in
                    w.field(1, i32: Int32(i))
                    w.field(40, double: nil)
                    w.writeFieldHeader(41, .double)
                    w.writeDouble(-0.0)
                }
            }
            w.writeFieldHeader(3, .map)
            w.writeMapHeader(key: .binary, value: .list, count: 1)
            w.writeString("k")
            w.writeListHeader(.i8, count: 2)
            w.writeI8(1)
            w.writeI8(2)
            w.field(20, bool: false)
        }
    }

    @Test func unknownFieldsOfEveryTypeAreSkipped() throws {
        let bytes = everyTypeStruct()
        var r = CompactReader(bytes)
        var known: String?
        var skipped: [Int16] = []
        try r.readStruct { r, f in
            guard f.id == 301 else {
                skipped.append(f.id)
                return false
            }
            known = try r.string(f, "known")
            return true
        }
        #expect(known == "known")
        #expect(skipped == Array(1 ... 15) + [300])
        #expect(r.remaining == 0)
    }

    @Test func everyTypeStructReadsBackExactly() throws {
        var r = CompactReader(everyTypeStruct())
        var log: [String] = []
        try r.readStruct { r, f in
            switch f.id {
            case 1, 2: log.append("\(try r.bool(f, "b"))")
            case 3: log.append("\(try r.i8(f, "i8"))")
            case 4: log.append("\(try r.i16(f, "i16"))")
            case 5: log.append("\(try r.i32(f, "i32"))")
            case 6: log.append("\(try r.i64(f, "i64"))")
            case 7: log.append("\(try r.double(f, "d"))")
            case 8: log.append("\(try r.binary(f, "bin"))")
            case 10: log.append("\(try r.stringList(f, "set"))")
            case 300: log.append("\(try r.boolList(f, "bools"))")
            default: return false
            }
            return true
        }
        #expect(log == ["true", "false", "-5", "-300", "1048576", "\(Int64.min)", "3.5",
                        "[1, 2, 3]", "[\"x\", \"yz\"]", "[true, false, true]"])
    }

    @Test func truncationOfEveryTypeStructThrows() throws {
        let bytes = everyTypeStruct()
        for cut in 0 ..< bytes.count {
            var r = CompactReader(bytes, end: cut, baseOffset: 100)
            let e = thrown { try r.readStruct { _, _ in false } }
            #expect(e?.code == .corruption, "cut at \(cut)")
            if let offset = e?.offset { #expect(offset >= 100 && offset <= 100 + cut) }
        }
    }

    // MARK: Depth bound

    /// A struct whose field 1 is a struct, `levels` deep.
    private func nestedStructs(_ levels: Int) -> [UInt8] {
        Array(repeating: 0x1C, count: levels) + Array(repeating: 0x00, count: levels + 1)
    }

    /// A struct whose field 1 is a list of lists, `levels` lists deep, holding one i32.
    private func nestedLists(_ levels: Int) -> [UInt8] {
        [0x19] + Array(repeating: 0x19, count: levels - 1) + [0x15, 0x00, 0x00]
    }

    @Test func nestingUpTo64LevelsIsSkipped() throws {
        for bytes in [nestedStructs(63), nestedLists(63)] {
            var r = CompactReader(bytes)
            try r.readStruct { _, _ in false }
            #expect(r.remaining == 0)
        }
    }

    @Test func nestingDeeperThan64Throws() throws {
        for bytes in [nestedStructs(64), nestedLists(64), nestedStructs(100_000), nestedLists(100_000)] {
            var r = CompactReader(bytes)
            let e = thrown { try r.readStruct { _, _ in false } }
            #expect(e?.code == .corruption)
            #expect(e?.message.contains("nesting") == true)
        }
    }

    @Test func skippingTypeZeroIsCorruption() throws {
        var r = CompactReader([0x00])
        #expect(thrown { try r.skipElement(.stop) }?.code == .corruption)
    }

    @Test func appendingWriterExtendsBuffer() throws {
        var buffer: [UInt8] = [0xAB]
        CompactWriter.appending(to: &buffer) { w in w.writeStruct { $0.field(1, i32: 1) } }
        #expect(buffer == [0xAB, 0x15, 0x02, 0x00])
    }
}
