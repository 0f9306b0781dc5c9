// FuzzEntry: libFuzzer's entry point. The target is chosen by TARN_FUZZ_TARGET (a FuzzTarget raw
// value, e.g. `thrift`, `pages`, `deletionVector`). Compiled with -parse-as-library: SwiftPM links
// executables with main aliased to `tarn_fuzz_main`, which hands over to libFuzzer's driver.
import Foundation
import TarnFuzz

/// The target this process fuzzes, read once from the environment.
let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["TARN_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget.named(name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("TARN_FUZZ_TARGET='\(name)' is not one of: \(names)\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let buffer = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    selectedTarget.run(buffer)
    return 0
}

/// Seed derivation mode, used by ./run: with TARN_FUZZ_DERIVE_FROM (a directory of Parquet files)
/// and TARN_FUZZ_DERIVE_TO set, writes the `thrift` or `pages` seeds (per TARN_FUZZ_TARGET) derived
/// from those files and exits before any fuzzing.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    let env = ProcessInfo.processInfo.environment
    guard let from = env["TARN_FUZZ_DERIVE_FROM"], let to = env["TARN_FUZZ_DERIVE_TO"] else {
        _ = selectedTarget
        return 0
    }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: from)) ?? []
    var written = 0
    for name in names.sorted() {
        guard let data = FileManager.default.contents(atPath: from + "/" + name) else { continue }
        let seeds = selectedTarget == .thrift ? FuzzSeeds.thrift(fromParquet: [UInt8](data)) : FuzzSeeds.pages(fromParquet: [UInt8](data))
        for (k, seed) in seeds.enumerated() where FileManager.default.createFile(atPath: "\(to)/\(name)-\(k)", contents: Data(seed)) {
            written += 1
        }
    }
    FileHandle.standardError.write(Data("derived \(written) \(selectedTarget) seeds from \(names.count) files\n".utf8))
    exit(0)
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The executable's entry point (SwiftPM's `main` alias for module tarn_fuzz): runs libFuzzer.
@_cdecl("tarn_fuzz_main")
public func tarnFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzTestOneInput(data, size) }
}
