// CrashCommand: `tarn-reliability crash [--kills N] [--seed S] [--tarn PATH] [--work DIR] [--json] [--trace]`,
// the long run of the crash harness (Tests/Reliability/Harness/CrashHarness.swift): progress lines
// on stderr, the final figures (or one JSON object with --json) on stdout.
import ArgumentParser
import Foundation
import TarnReliability

struct CrashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash",
        abstract: "Kill `tarn` writers with SIGKILL at random points and check the table after every kill.")

    @Option(help: "Kills to make.") var kills: Int = 1000
    @Option(help: "The seed (default: from the clock; printed so the run can be repeated).") var seed: UInt64?
    @Option(help: "The tarn binary (default: the tarn beside this executable).") var tarn: String?
    @Option(help: "An empty work directory to keep the table in (default: a temporary one, removed).") var work: String?
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "Print a line per step (kind, kill delay, outcome).") var trace = false

    func validate() throws {
        if kills < 1 { throw ValidationError("--kills must be at least 1") }
    }

    func run() throws {
        let binary = tarn ?? Self.besideSelf()
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no tarn binary at \(binary): build it (swift build) or pass --tarn PATH")
        }
        let seed = self.seed ?? UInt64(Date().timeIntervalSince1970 * 1000)
        FileHandle.standardError.write(Data("crash: seed \(seed), \(kills) kills, tarn \(binary)\n".utf8))
        var options = CrashOptions(tarn: binary, work: work, seed: seed, kills: kills)
        options.traceSteps = trace
        options.progress = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        let report: CrashReport
        do {
            report = try CrashHarness(options).run()
        } catch let failure as HarnessFailure {
            FileHandle.standardError.write(Data("FAILED: \(failure.description)\n".utf8))
            throw ExitCode(1)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.description)
        }
    }

    /// The `tarn` in the directory of this executable.
    static func besideSelf() -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("tarn").path
    }
}
