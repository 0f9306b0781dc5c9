// ByteSink and ByteSource: the only way the Parquet code reaches bytes. Files, object stores and
// memory implement them elsewhere (TarnStorage); the format code never touches the file system.
import TarnCodecs

/// Sequential output.
public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// Random-access input of known size.
public protocol ByteSource: Sendable {
    /// Total size in bytes.
    var size: Int { get }
    /// A name for error messages (path or key).
    var name: String { get }
    /// Reads exactly `count` bytes at `offset` (throws if the range is outside the source).
    func read(offset: Int, count: Int) throws -> [UInt8]
}

/// An in-memory sink.
public final class MemorySink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ b: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: b) }
}

/// An in-memory source.
public struct MemorySource: ByteSource {
    public let bytes: [UInt8]
    public let name: String
    public init(_ bytes: [UInt8], name: String = "<memory>") {
        self.bytes = bytes
        self.name = name
    }

    public var size: Int { bytes.count }

    public func read(offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= bytes.count - count else {
            throw TarnError(.corruption, "read of \(count) bytes at offset \(offset) is outside the \(bytes.count)-byte file",
                            file: name, offset: offset)
        }
        return Array(bytes[offset ..< offset + count])
    }
}
