// Peer: runs the Python peers (pyarrow, deltalake) through Tests/InteropTests/py/peer.py and
// locates the repository and the shared conformance corpus. A missing peer is a test failure,
// never a skip: run() throws with the peer's stderr.
import Foundation

public enum Peer {
    /// The repository root (found from this source file's path).
    public static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// ../shared beside the repository (TARN_SHARED overrides).
    public static var sharedRoot: URL {
        if let s = ProcessInfo.processInfo.environment["TARN_SHARED"] { return URL(fileURLWithPath: s) }
        return repoRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    public static var conformanceRoot: URL { sharedRoot.appendingPathComponent("conformance/delta-golden") }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `python3 peer.py args…`; returns stdout. Throws when the exit status is not 0.
    @discardableResult
    public static func run(_ args: [String]) throws -> String {
        let script = repoRoot.appendingPathComponent("Tests/InteropTests/py/peer.py").path
        return try python([script] + args)
    }

    @discardableResult
    public static func python(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        let stderr = errBox.data
        let text = String(decoding: stdout, as: UTF8.self)
        guard p.terminationStatus == 0 else {
            throw Failure(description: "python3 \(args.joined(separator: " ")) exited \(p.terminationStatus): "
                + String(decoding: stderr, as: UTF8.self) + text.suffix(2000))
        }
        return text
    }

    /// A new empty temporary directory.
    public static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
