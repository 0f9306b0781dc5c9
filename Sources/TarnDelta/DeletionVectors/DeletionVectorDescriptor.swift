// DeletionVectorDescriptor: the `deletionVector` struct of add/remove actions (PROTOCOL.md,
// "Deletion Vector Descriptor Schema"): where a DV's bytes are (relative UUID file, absolute
// path, or inline Z85), its size and cardinality; the derived uniqueId and DV file paths; and
// the JSON form written to the log, with Delta's field names.

import TarnCodecs

public struct DeletionVectorDescriptor: Sendable, Hashable {
    /// How the DV is stored: the `storageType` field.
    public struct StorageType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// `u`: a file under the table root named from a UUID, after an optional random prefix.
        public static let relativePath = StorageType(rawValue: "u")
        /// `i`: the Z85-encoded bitmap inline in the log.
        public static let inline = StorageType(rawValue: "i")
        /// `p`: a file at an absolute path (URI).
        public static let absolutePath = StorageType(rawValue: "p")
    }

    public var storageType: StorageType
    /// The prefix and Z85 UUID (`u`), the Z85 bitmap (`i`) or the absolute path (`p`).
    public var pathOrInlineDv: String
    /// Where the DV starts in its file (absent for inline DVs).
    public var offset: Int32?
    /// Size of the serialized bitmap in bytes (before Z85 encoding when inline).
    public var sizeInBytes: Int32
    /// Number of rows the DV deletes.
    public var cardinality: Int64

    public init(storageType: StorageType, pathOrInlineDv: String, offset: Int32?, sizeInBytes: Int32, cardinality: Int64) {
        self.storageType = storageType
        self.pathOrInlineDv = pathOrInlineDv
        self.offset = offset
        self.sizeInBytes = sizeInBytes
        self.cardinality = cardinality
    }

    /// A descriptor for a DV at `offset` in the file `deletion_vector_<uuid>.bin` under
    /// `<table root>/<prefix>`.
    public static func relative(uuid: [UInt8], prefix: String = "", offset: Int32, sizeInBytes: Int32,
                                cardinality: Int64) throws -> DeletionVectorDescriptor {
        DeletionVectorDescriptor(storageType: .relativePath, pathOrInlineDv: prefix + (try Z85.encodeUUID(uuid)),
                                 offset: offset, sizeInBytes: sizeInBytes, cardinality: cardinality)
    }

    /// Identifies the DV for log replay: `<storageType><pathOrInlineDv>[@<offset>]`.
    public var uniqueId: String {
        let base = storageType.rawValue + pathOrInlineDv
        if let offset { return base + "@" + String(offset) }
        return base
    }

    public var isInline: Bool { storageType == .inline }

    /// The random prefix and the UUID bytes of a `u` DV.
    public func relativeLocation() throws -> (prefix: String, uuid: [UInt8]) {
        guard storageType == .relativePath else {
            throw TarnError.invalidArgument("deletion vector \(uniqueId) is not stored at a relative path")
        }
        let chars = Array(pathOrInlineDv.utf8)
        guard chars.count >= 20 else {
            throw TarnError.corruption("relative deletion vector path '\(pathOrInlineDv)' is shorter than a 20-character Z85 UUID")
        }
        let prefix = String(decoding: chars[..<(chars.count - 20)], as: UTF8.self)
        let uuid = try Z85.decodeUUID(String(decoding: chars[(chars.count - 20)...], as: UTF8.self))
        return (prefix, uuid)
    }

    /// The DV file name for `uuid`: `deletion_vector_<uuid>.bin`.
    public static func fileName(uuid: [UInt8]) -> String {
        "deletion_vector_" + Z85.uuidString(uuid) + ".bin"
    }

    /// The path of a `u` DV file relative to the table root: `<prefix>/deletion_vector_<uuid>.bin`
    /// (no directory when the prefix is empty). Nil for other storage types.
    public func relativePath() throws -> String? {
        guard storageType == .relativePath else { return nil }
        let (prefix, uuid) = try relativeLocation()
        let name = DeletionVectorDescriptor.fileName(uuid: uuid)
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// The DV file path under `tableRoot` (a directory path or URI, with or without a trailing
    /// slash) for `u`; the recorded absolute path for `p`; nil for inline DVs.
    public func absolutePath(tableRoot: String) throws -> String? {
        switch storageType {
        case .relativePath:
            guard let rel = try relativePath() else { return nil }
            return tableRoot.hasSuffix("/") ? tableRoot + rel : tableRoot + "/" + rel
        case .absolutePath:
            return pathOrInlineDv
        case .inline:
            return nil
        default:
            throw TarnError.unsupported("deletion vector storage type '\(storageType)'")
        }
    }

    // MARK: JSON

    /// The log form: `{"storageType","pathOrInlineDv","offset"?,"sizeInBytes","cardinality"}`.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("storageType", .string(storageType.rawValue)),
            ("pathOrInlineDv", .string(pathOrInlineDv)),
        ]
        if let offset { members.append(("offset", .int(offset))) }
        members.append(("sizeInBytes", .int(sizeInBytes)))
        members.append(("cardinality", .int(cardinality)))
        return .object(members)
    }

    /// Parses the log form. A null or absent `offset` is nil; unknown members are ignored.
    public init(json: JSONValue) throws {
        guard case .object = json else { throw TarnError.corruption("deletionVector is not a JSON object") }
        guard let type = json["storageType"]?.stringValue, !type.isEmpty else {
            throw TarnError.corruption("deletionVector.storageType is missing or not a string")
        }
        guard let path = json["pathOrInlineDv"]?.stringValue else {
            throw TarnError.corruption("deletionVector.pathOrInlineDv is missing or not a string")
        }
        func int(_ name: String) throws -> Int64 {
            guard let v = json[name]?.int64Value else {
                throw TarnError.corruption("deletionVector.\(name) is missing or not an integer")
            }
            return v
        }
        var offset: Int32?
        if let o = json["offset"], !o.isNull {
            guard let v = o.int64Value, let v32 = Int32(exactly: v), v32 >= 0 else {
                throw TarnError.corruption("deletionVector.offset is not a non-negative 32-bit integer")
            }
            offset = v32
        }
        guard let size = Int32(exactly: try int("sizeInBytes")), size >= 0 else {
            throw TarnError.corruption("deletionVector.sizeInBytes is not a non-negative 32-bit integer")
        }
        let card = try int("cardinality")
        guard card >= 0 else { throw TarnError.corruption("deletionVector.cardinality is negative") }
        self.init(storageType: StorageType(rawValue: type), pathOrInlineDv: path, offset: offset,
                  sizeInBytes: size, cardinality: card)
    }
}
