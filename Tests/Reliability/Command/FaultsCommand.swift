// FaultsCommand: `tarn-reliability faults`, the long run of the fault-injection sweep (FaultSweep):
// every operation × fault kind × position for N seeds, with the figures printed as text or JSON.
// Exits non-zero with the failure (naming operation, fault, position and seed) when the rule breaks.
import ArgumentParser
import Foundation
import TarnReliability

struct FaultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faults",
        abstract: "Inject store faults at every position of every operation and check each fails cleanly or retries.")

    @Option(help: "Number of seeds (starting tables and operation parameters).")
    var seeds = 3

    @Option(help: "First seed; the seeds are first, first+1, …")
    var firstSeed: UInt64 = 1

    @Option(help: "At most this many positions per operation and fault (default: every position).")
    var maxPositions: Int?

    @Option(help: "Only these operations (comma-separated, e.g. append,merge).")
    var operations: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard seeds > 0 else { throw ValidationError("--seeds must be positive") }
        if let m = maxPositions, m < 1 { throw ValidationError("--max-positions must be positive") }
    }

    func run() throws {
        var options = FaultSweepOptions(seeds: (0 ..< UInt64(seeds)).map { firstSeed + $0 }, maxPositions: maxPositions)
        if let operations {
            options.operations = try operations.split(separator: ",").map { name in
                guard let op = FaultOperation(rawValue: String(name)) else {
                    throw ValidationError("unknown operation '\(name)'; known: \(FaultOperation.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return op
            }
        }
        let quiet = json
        let report = try FaultSweep(options).run { line in
            if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        print(json ? report.json().serialized() : report.text())
    }
}
