// FuzzCorpus: the inputs FuzzTests replay: committed seeds (Tests/Fuzz/Seeds/<target>, plus the
// thrift and pages seeds derived from the Parquet seeds) and every kept failure
// (Tests/FuzzTests/Regressions/<target>, where Tests/Fuzz/run puts libFuzzer's crash inputs).
import Foundation
import TarnFuzz

enum FuzzCorpus {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let seedsDirectory = testsDirectory.deletingLastPathComponent().appendingPathComponent("Fuzz/Seeds")
    static let regressionsDirectory = testsDirectory.appendingPathComponent("Regressions")

    /// (file name, bytes) of the regular files directly in `directory`, sorted by name.
    static func files(in directory: URL) -> [(String, [UInt8])] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { return nil }
            return (name, [UInt8](data))
        }
    }

    static func regressions(_ target: FuzzTarget) -> [(String, [UInt8])] {
        files(in: regressionsDirectory.appendingPathComponent(target.rawValue))
    }

    /// The committed seeds of `target`; thrift and pages seeds come from the Parquet seeds.
    static func seeds(_ target: FuzzTarget) -> [(String, [UInt8])] {
        switch target {
        case .thrift, .pages:
            return files(in: seedsDirectory.appendingPathComponent("parquet")).flatMap { name, bytes in
                let derived = target == .thrift ? FuzzSeeds.thrift(fromParquet: bytes) : FuzzSeeds.pages(fromParquet: bytes)
                return derived.enumerated().map { ("\(name)#\($0.offset)", $0.element) }
            }
        default:
            return files(in: seedsDirectory.appendingPathComponent(target.rawValue))
        }
    }
}
