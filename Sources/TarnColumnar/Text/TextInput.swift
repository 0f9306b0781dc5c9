// TextInput: where the CSV and JSON-lines readers get their bytes. A reader asks for a fresh
// front-to-back pass (a reader that infers its schema makes two: one to infer, one to convert)
// and pulls chunks from it, so a file of any size is read with memory for one chunk plus one
// batch. ChunkBuffer is the shared cursor over those chunks.

/// A restartable byte input: `open()` starts a pass; the returned closure yields the next chunk,
/// or nil at the end.
public struct TextInput: Sendable {
    public let name: String
    private let opener: @Sendable () throws -> () throws -> [UInt8]?

    public init(name: String, open: @escaping @Sendable () throws -> () throws -> [UInt8]?) {
        self.name = name
        opener = open
    }

    public func open() throws -> () throws -> [UInt8]? { try opener() }

    /// Bytes held in memory, served in chunks of `chunkBytes` (tests use small chunks to cross
    /// chunk boundaries everywhere).
    public static func bytes(_ bytes: [UInt8], name: String = "<memory>", chunkBytes: Int = 1 << 22) -> TextInput {
        let step = max(1, chunkBytes)
        return TextInput(name: name) {
            var offset = 0
            return {
                guard offset < bytes.count else { return nil }
                let end = min(bytes.count, offset + step)
                defer { offset = end }
                return Array(bytes[offset ..< end])
            }
        }
    }

    public static func text(_ text: String, name: String = "<memory>", chunkBytes: Int = 1 << 22) -> TextInput {
        bytes(Array(text.utf8), name: name, chunkBytes: chunkBytes)
    }
}

/// The bytes of a pass not yet consumed: `bytes[pos...]`, refilled on demand.
struct ChunkBuffer {
    var bytes: [UInt8] = []
    var pos = 0
    private(set) var atEOF = false
    private let next: () throws -> [UInt8]?

    init(_ input: TextInput) throws {
        next = try input.open()
        _ = try refill()
        // Skip a UTF-8 byte-order mark.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { pos = 3 }
    }

    /// Drops the consumed prefix and appends the next non-empty chunk; false at the end.
    mutating func refill() throws -> Bool {
        while !atEOF {
            guard let chunk = try next() else {
                atEOF = true
                return false
            }
            if chunk.isEmpty { continue }
            if pos > 0 {
                bytes.removeFirst(pos)
                pos = 0
            }
            bytes.append(contentsOf: chunk)
            return true
        }
        return false
    }

    var isEmpty: Bool { pos >= bytes.count }
}
