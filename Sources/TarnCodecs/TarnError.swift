// TarnError: the one structured error every Tarn module throws at its boundary.
// A code (what kind of failure), a message written for the user, and the context it concerns:
// file, byte offset, table, version, column, row. Data from disk or users throws; it never traps.

/// The error type of every Tarn API.
public struct TarnError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure this is. Extensible: new codes are added as static members.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let notFound = Code(rawValue: "notFound")
        public static let corruption = Code(rawValue: "corruption")
        public static let unsupportedFeature = Code(rawValue: "unsupportedFeature")
        public static let invalidArgument = Code(rawValue: "invalidArgument")
        public static let schemaMismatch = Code(rawValue: "schemaMismatch")
        public static let concurrentModification = Code(rawValue: "concurrentModification")
        public static let versionNotFound = Code(rawValue: "versionNotFound")
        public static let constraintViolation = Code(rawValue: "constraintViolation")
        public static let io = Code(rawValue: "io")
    }

    public var code: Code
    public var message: String
    /// The file the error concerns (a path or an object-store key).
    public var file: String?
    /// A byte offset within `file`.
    public var offset: Int?
    public var table: String?
    public var version: Int64?
    public var column: String?
    public var row: Int?
    /// A description of the underlying cause, when there is one.
    public var cause: String?

    public init(_ code: Code, _ message: String, file: String? = nil, offset: Int? = nil,
                table: String? = nil, version: Int64? = nil, column: String? = nil,
                row: Int? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.offset = offset
        self.table = table
        self.version = version
        self.column = column
        self.row = row
        self.cause = cause
    }

    public static func corruption(_ message: String, offset: Int? = nil) -> TarnError {
        TarnError(.corruption, message, offset: offset)
    }

    public static func unsupported(_ message: String) -> TarnError {
        TarnError(.unsupportedFeature, message)
    }

    public static func invalidArgument(_ message: String) -> TarnError {
        TarnError(.invalidArgument, message)
    }

    /// Returns a copy with the file filled in (if not already set) and `offset` shifted by `base`.
    public func located(file: String?, base: Int = 0) -> TarnError {
        var copy = self
        if copy.file == nil { copy.file = file }
        if let o = copy.offset { copy.offset = o + base }
        return copy
    }

    public var description: String {
        var parts: [String] = []
        if let table { parts.append("table \(table)") }
        if let version { parts.append("version \(version)") }
        if let file { parts.append(file) }
        if let offset { parts.append("offset \(offset)") }
        if let column { parts.append("column '\(column)'") }
        if let row { parts.append("row \(row)") }
        let context = parts.isEmpty ? "" : " [" + parts.joined(separator: ", ") + "]"
        let causeText = cause.map { " (cause: \($0))" } ?? ""
        return "\(code): \(message)\(context)\(causeText)"
    }
}

extension TarnError {
    /// Wraps any error into a TarnError, keeping TarnErrors as they are.
    public static func wrap(_ error: any Error, code: Code = .io, _ message: String) -> TarnError {
        if let t = error as? TarnError { return t }
        return TarnError(code, message, cause: String(describing: error))
    }
}
