// LoadCommand: `tarn-reliability load`: W concurrent writers for a duration against one table,
// checked against the log of acknowledged writes (LoadHarness). The long run is
// `swift run -c release tarn-reliability load --writers 16 --minutes 10`.
import ArgumentParser
import Foundation
import TarnReliability

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Concurrent writers mixing appends, deletes, updates, merges and compaction; no row lost or duplicated.")

    @Option(help: "Concurrent writer threads.") var writers = 16
    @Option(help: "How long the writers run, in seconds.") var seconds: Double?
    @Option(help: "How long the writers run, in minutes.") var minutes: Double?
    @Option(help: "Seed of the writers' choices.") var seed: UInt64 = 1
    @Option(help: "Work directory (the table and acked.jsonl); kept after the run. A temporary one when omitted.") var work: String?
    @Flag(help: "Create the table with deletion vectors enabled.") var deletionVectors = false
    @Option(help: "The table's delta.checkpointInterval.") var checkpointInterval = 10
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        if seconds != nil && minutes != nil { throw ValidationError("give --seconds or --minutes, not both") }
        if writers < 1 { throw ValidationError("--writers must be at least 1") }
        if checkpointInterval < 1 { throw ValidationError("--checkpoint-interval must be at least 1") }
        if let d = duration, d <= 0 { throw ValidationError("the duration must be positive") }
    }

    private var duration: Double? { seconds ?? minutes.map { $0 * 60 } }

    func run() throws {
        var options = LoadOptions()
        options.writers = writers
        options.seconds = duration ?? 60
        options.seed = seed
        options.workDirectory = work
        options.deletionVectors = deletionVectors
        options.checkpointInterval = checkpointInterval
        let report = try LoadHarness(options).run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.description)
        }
    }
}
