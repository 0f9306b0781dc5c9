// tarn-reliability: the long runs of Tarn's reliability harnesses (issue 7, spec/reliability.md).
// `crash` kills writers with SIGKILL and checks every survivor, `faults` injects store faults into
// every operation, `load` runs concurrent writers against a log of acknowledged writes. The
// CI-sized runs of the same harnesses are Tests/ReliabilityTests.
import ArgumentParser

@main
struct ReliabilityTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tarn-reliability",
        abstract: "Crash, fault-injection and load harnesses for Tarn (spec/reliability.md).",
        subcommands: [CrashCommand.self, FaultsCommand.self, LoadCommand.self])
}
