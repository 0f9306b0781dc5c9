// JSONLinesIngest: one JSON-lines file → typed rows. A single pass parses each line, types it by
// the current schema and records every key's kinds (the file's source schema); the drift
// decision then keeps the output, re-reads with evolved columns, or quarantines the file.
import TarnColumnar

enum JSONLinesIngest {
    static func ingest(_ file: SourceFile, _ state: IngestState) throws {
        let fields = state.fields
        let (out, source) = try typePass(file, fields: fields, contract: state.contract)
        switch try state.decide(file, source: source) {
        case let .accept(now) where now.count == fields.count:
            state.accept(file, out)
        case let .accept(now):
            state.accept(file, try typePass(file, fields: now, contract: state.contract).0)
        case .quarantine:
            state.quarantine(file, try quarantinePass(file))
        }
    }

    /// Types every line by `fields`; returns the output and the file's source schema.
    static func typePass(_ file: SourceFile, fields: [StructField], contract: Contract?) throws -> (FileOutput, StructType) {
        let typer = JSONTyper(file, fields)
        try LineReader(path: file.path).forEachLine { bytes, start, end, line in
            typer.out.rowsRead += 1
            let done = try bytes.withUnsafeBufferPointer { b in try typer.fast(b, start, end, line) }
            if !done { try typer.general(bytes, start, end, line) }
        }
        typer.sink.flush()
        typer.out.chunks = typer.sink.chunks
        return (typer.out, typer.keys.schema(contract))
    }

    static func quarantinePass(_ file: SourceFile) throws -> FileOutput {
        var out = FileOutput()
        try LineReader(path: file.path).forEachLine { bytes, start, end, line in
            out.rowsRead += 1
            out.rejected.append(.quarantined(file, line: line, raw: String(decoding: bytes[start ..< end], as: UTF8.self)))
        }
        return out
    }

    static func reject(_ file: SourceFile, _ line: Int, _ bytes: [UInt8], _ start: Int, _ end: Int,
                               _ code: RejectCode, _ message: String, _ column: String? = nil) -> Rejected {
        Rejected(sourceFile: file.path, line: line, raw: String(decoding: bytes[start ..< end], as: UTF8.self),
                 code: code, message: "\(file.name) \(message)", column: column)
    }
}

/// Record keys → slots (typed fields first, then other keys in order of first appearance),
/// matched case-insensitively with a per-position cache, and each slot's observed JSON kinds.
struct KeySlots {
    private(set) var names: [String]
    private var kinds: [UInt8]
    private var exact: [String: Int] = [:]
    private var lower: [String: Int] = [:]
    private var cache: [(String, Int)] = []
    private var utf8: [[UInt8]] = []
    private var byteCache: [Int] = []
    private static let null: UInt8 = 1, bool: UInt8 = 2, int: UInt8 = 4, frac: UInt8 = 8, string: UInt8 = 16,
                       object: UInt8 = 32, array: UInt8 = 64

    init(_ typed: [String]) {
        names = []
        kinds = []
        for n in typed { _ = add(n) }
    }

    private mutating func add(_ name: String) -> Int {
        let slot = names.count
        names.append(name)
        utf8.append(Array(name.utf8))
        kinds.append(0)
        exact[name] = slot
        if lower[name.lowercased()] == nil { lower[name.lowercased()] = slot }
        return slot
    }

    mutating func slot(_ key: String, position: Int) -> Int {
        if position < cache.count, cache[position].0 == key { return cache[position].1 }
        let slot = exact[key] ?? lower[key.lowercased()] ?? add(key)
        if position < cache.count { cache[position] = (key, slot) } else if position == cache.count { cache.append((key, slot)) }
        return slot
    }

    /// The slot of the key in `b[start..<end]` (the fast path: no String unless the key is new here).
    mutating func slot(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, position: Int) -> Int {
        if position < byteCache.count {
            let s = byteCache[position]
            let name = utf8[s]
            if name.count == end - start, name.withUnsafeBufferPointer({ n in (0 ..< n.count).allSatisfy { n[$0] == b[start + $0] } }) {
                return s
            }
        }
        let s = slot(String(decoding: UnsafeBufferPointer(rebasing: b[start ..< end]), as: UTF8.self), position: position)
        if position < byteCache.count { byteCache[position] = s } else if position == byteCache.count { byteCache.append(s) }
        return s
    }

    mutating func observe(_ slot: Int, _ token: FlatToken, _ b: UnsafeBufferPointer<UInt8>) {
        switch token.kind {
        case FlatToken.null: kinds[slot] |= Self.null
        case FlatToken.string: kinds[slot] |= Self.string
        case FlatToken.number:
            kinds[slot] |= JSONTyper.int64(b, token.start, token.end) != nil ? Self.int : Self.frac
        default: kinds[slot] |= Self.bool
        }
    }

    mutating func observe(_ slot: Int, _ value: JSONValue) {
        switch value {
        case .null: kinds[slot] |= Self.null
        case .bool: kinds[slot] |= Self.bool
        case let .number(n): kinds[slot] |= TextConversion.int64(n.utf8) != nil ? Self.int : Self.frac
        case .string: kinds[slot] |= Self.string
        case .object: kinds[slot] |= Self.object
        case .array: kinds[slot] |= Self.array
        }
    }

    /// The keys seen, with inferred types: only booleans → boolean, integers → long, numbers →
    /// double, objects / arrays → the contract's type when it is nested (else string: kept as
    /// JSON text), anything else or mixed → string. Keys never seen are left out.
    func schema(_ contract: Contract?) -> StructType {
        var out: [StructField] = []
        for (slot, name) in names.enumerated() where kinds[slot] != 0 {
            let declared = contract?.fields.first { $0.name.lowercased() == name.lowercased() }?.type
            out.append(StructField(name, type(kinds[slot] & ~Self.null, declared)))
        }
        return StructType(out)
    }

    private func type(_ k: UInt8, _ declared: DataType?) -> DataType {
        switch k {
        case Self.bool: return .boolean
        case Self.int: return .long
        case Self.frac, Self.int | Self.frac: return .double
        case Self.object, Self.array:
            if let declared, !declared.isPrimitive { return declared }
            // Marked so that the drift check sees a nested type, and evolve keeps JSON text.
            return declared == nil ? .string : .struct(StructType([]))
        default: return .string
        }
    }
}
