// TarnBinary: where the tests that run the `tarn` executable find it: $TARN_BIN, else beside the
// test bundle / runner, else in this package's scratch directories (newest first). Shared by the
// CLI tests and the crash harness tests.
import Foundation

public enum TarnBinary {
    /// The built `tarn`, or nil when none is found.
    public static let path: String? = {
        let fm = FileManager.default
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["TARN_BIN"] { candidates.append(env) }
        var dirs: [URL] = []
        if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") { dirs.append(URL(fileURLWithPath: exe).deletingLastPathComponent()) }
        dirs.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for b in Bundle.allBundles { dirs.append(b.bundleURL.deletingLastPathComponent()) }
        // .../Contents/MacOS inside an .xctest on macOS: the products directory is three levels up.
        dirs += dirs.map { $0.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
        candidates += dirs.map { $0.appendingPathComponent("tarn").path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        if let scratch = try? fm.contentsOfDirectory(atPath: root.path) {
            let built = scratch.filter { $0.hasPrefix(".build") }.map { root.appendingPathComponent($0).appendingPathComponent("debug/tarn").path }
            candidates += built.sorted { modified($0) > modified($1) }
        }
        return candidates.first { fm.isExecutableFile(atPath: $0) }
    }()

    static func modified(_ path: String) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
    }

    /// The built `tarn`, or an error telling how to build it.
    public static func require() throws -> String {
        guard let path else { throw MissingBinary() }
        return path
    }
}

/// The error a test throws when the `tarn` binary is missing (the suite fails; it never skips).
public struct MissingBinary: Error, CustomStringConvertible {
    public init() {}
    public var description: String {
        "the tarn binary was not found beside the test bundle or under .build*/debug: run `swift build` (or set TARN_BIN)"
    }
}
