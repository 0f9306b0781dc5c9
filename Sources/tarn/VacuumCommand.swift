// `tarn vacuum PATH [--retention-hours H] [--dry-run] [--full] [--force] [--json]`: VACUUM
// (spec/maintenance.md "Vacuum"). A dry run prints the files it would delete (key, bytes) and a
// summary; warnings (forced short retention, paths the log names that were skipped) go to stderr;
// a progress bar on a terminal. Exit 1 when a deletion failed (after printing what happened).
import ArgumentParser
import Foundation
import TarnTable

struct VacuumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vacuum", abstract: "Delete files no version within the retention references.",
        discussion: """
        Lite mode (default) deletes files the log removed; --full also deletes unreferenced files found by \
        listing the table (never in _delta_log or hidden directories, never newer than the retention). \
        VACUUM START and VACUUM END commits are recorded; a dry run commits and deletes nothing.
        """)
    @Argument(help: "The table directory.") var path: String
    @Option(name: .customLong("retention-hours"), help: "Keep versions of the last H hours (default: delta.deletedFileRetentionDuration, 7 days).")
    var retentionHours: Double?
    @Flag(name: .customLong("dry-run"), help: "List the files and bytes that would be deleted; delete and commit nothing.") var dryRun = false
    @Flag(help: "Also delete unreferenced files found by listing the table directory.") var full = false
    @Flag(help: "Accept a retention shorter than the table's delta.deletedFileRetentionDuration.") var force = false
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            let table = try Table.open(path: path)
            var options = VacuumOptions(retentionHours: retentionHours, dryRun: dryRun, mode: full ? .full : .lite, force: force)
            let progress = Progress(label: "vacuum")
            if !dryRun { options.progress = { progress.update($0) } }
            let r = try table.vacuum(options)
            progress.finish()
            for w in r.warnings { writeStderr("warning: \(w)\n") }
            for s in r.skipped { writeStderr("warning: skipped '\(s.path)': \(s.reason)\n") }
            for f in r.failed { writeStderr("error: could not delete '\(f.path)': \(f.reason)\n") }
            FileHandle.standardOutput.write(Data((json ? VacuumOutput.json(r) : VacuumOutput.text(r)).utf8))
            if !r.failed.isEmpty { throw ExitCode(1) }
        }
    }
}

enum VacuumOutput {
    static func text(_ r: VacuumResult) -> String {
        var out = ""
        if r.dryRun { for f in r.files { out += "\(f.key)\t\(f.sizeBytes)\n" } }
        let n = r.files.count
        let files = "\(n) file\(n == 1 ? "" : "s"), \(r.totalBytes) bytes (\(kinds(r)))"
        let retained = "versions \(r.oldestRetainedVersion) and later are retained (retention \(hours(r.retentionMillis)), cutoff \(time(r.cutoffMillis)))"
        if r.dryRun {
            out += "dry run: would delete \(files); \(retained); nothing committed\n"
        } else {
            let commits = "VACUUM START version \(r.startVersion.map(String.init) ?? "-"), VACUUM END version \(r.endVersion.map(String.init) ?? "-")"
            out += "deleted \(files); \(retained); \(commits)\n"
        }
        return out
    }

    static func kinds(_ r: VacuumResult) -> String {
        let c = r.counts
        return "data \(c[.data] ?? 0), deletion vectors \(c[.deletionVector] ?? 0), change data \(c[.changeData] ?? 0), untracked \(c[.untracked] ?? 0)"
    }

    static func hours(_ millis: Int64) -> String {
        let h = Double(millis) / 3_600_000
        return h == h.rounded() ? "\(Int64(h)) hours" : "\(h) hours"
    }

    static func time(_ millis: Int64) -> String {
        let (micros, overflow) = millis.multipliedReportingOverflow(by: 1000)
        return overflow ? "\(millis) ms" : Temporal.formatTimestamp(micros, utc: true)
    }

    static func json(_ r: VacuumResult) -> String {
        func skips(_ list: [VacuumSkip]) -> JSONValue {
            .array(list.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) })
        }
        let files = JSONValue.array(r.files.map { f in
            .object([("path", .string(f.key)), ("size", .int(f.sizeBytes)), ("kind", .string(f.kind.rawValue))])
        })
        let counts = JSONValue.object(VacuumFile.Kind.allCases.map { ($0.rawValue, .int(r.counts[$0] ?? 0)) })
        let members: [(String, JSONValue)] = [
            ("dryRun", .bool(r.dryRun)), ("mode", .string(r.mode.rawValue)), ("numFiles", .int(r.files.count)),
            ("totalBytes", .int(r.totalBytes)), ("counts", counts), ("files", files),
            ("retentionMillis", .int(r.retentionMillis)), ("configuredRetentionMillis", .int(r.configuredRetentionMillis)),
            ("cutoff", .string(time(r.cutoffMillis))), ("oldestRetainedVersion", .int(r.oldestRetainedVersion)),
            ("readVersion", .int(r.readVersion)), ("startVersion", r.startVersion.map { .int($0) } ?? .null),
            ("endVersion", r.endVersion.map { .int($0) } ?? .null), ("filesNewerThanCutoff", .int(r.filesNewerThanCutoff)),
            ("vacuumedDirectories", .int(r.vacuumedDirectories)), ("skipped", skips(r.skipped)), ("failed", skips(r.failed)),
            ("warnings", .array(r.warnings.map { .string($0) })),
        ]
        return JSONValue.object(members).serialized() + "\n"
    }
}
