// CrashCommand: `tarn-reliability crash` (placeholder until the crash harness lands).
import ArgumentParser
import TarnReliability

struct CrashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "crash", abstract: "The crash harness.")
    func run() throws { throw ValidationError("the crash harness is not built yet") }
}
