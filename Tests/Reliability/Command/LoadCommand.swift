// LoadCommand: `tarn-reliability load` (placeholder until the load harness lands).
import ArgumentParser
import TarnReliability

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "load", abstract: "The load harness.")
    func run() throws { throw ValidationError("the load harness is not built yet") }
}
