// FaultsCommand: `tarn-reliability faults` (placeholder until the faults harness lands).
import ArgumentParser
import TarnReliability

struct FaultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "faults", abstract: "The faults harness.")
    func run() throws { throw ValidationError("the faults harness is not built yet") }
}
