// `tarn inspect PATH [--json]`: what a table holds and what maintenance it needs
// (spec/maintenance.md "Inspect"): an aligned text report (sizes in KiB / MiB / GiB) with a table
// of partitions and the recommendations with their commands, or one JSON object. Reads only;
// the engine work is `Table.inspect`.
import ArgumentParser
import Foundation
import TarnTable

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show a table's files, layout and history, and what maintenance it needs.",
        discussion: "Reads the log and listings only (no data file); commits nothing. Recommendations name the command to run.")
    @Argument(help: "The table directory.") var path: String
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            let r = try Table.open(path: path).inspect()
            let text = json ? InspectJSON.document(r).serialized() + "\n" : InspectText.report(r)
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

enum InspectText {
    static func size(_ b: Int64) -> String { TableInspection.formatBytes(b) }

    static func time(_ millis: Int64) -> String {
        let (micros, overflow) = millis.multipliedReportingOverflow(by: 1000)
        return overflow ? "\(millis) ms" : Temporal.formatTimestamp(micros, utc: true)
    }

    static func hours(_ millis: Int64) -> String { VacuumOutput.hours(millis) }

    static func report(_ r: TableInspection) -> String {
        var lines = ["table \(r.table) at version \(r.version) (target file size \(size(r.targetFileSizeBytes)))"]
        lines += aligned(overview(r).map { ["  " + $0.0, $0.1] }, rightAligned: [])
        if !r.partitionColumns.isEmpty {
            lines += ["", "partitions (\(r.partitions.count))"]
            lines += aligned(partitionTable(r), rightAligned: Set(1 ..< 16)).map { "  " + $0 }
        }
        lines += ["", "recommendations"]
        for rec in r.recommendations {
            lines.append("  \(rec.code.rawValue): \(rec.message)")
            if let c = rec.command { lines.append("    \(c)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func overview(_ r: TableInspection) -> [(String, String)] {
        let t = r.totals
        var rows = t.rows.map { "\($0) rows" } ?? "rows unknown (files without statistics)"
        if t.deletionVectorFiles > 0 {
            rows += "; \(t.deletedRows) deleted by deletion vectors in \(t.deletionVectorFiles) files"
            if let f = t.deletedFractionOfDeletionVectorFiles { rows += " (\(percent(f)) of their rows)" }
        }
        let buckets = zip(bucketLabels(t.histogram.upperBoundsBytes, spaced: true), t.histogram.counts).map { "\($0): \($1)" }.joined(separator: ", ")
        var out: [(String, String)] = [
            ("files", "\(t.files) (\(size(t.bytes))), \(rows)"),
            ("small files", "\(t.smallFiles) below \(size(r.targetFileSizeBytes)) (\(size(t.smallFileBytes)))"),
            ("file sizes", buckets),
            ("clustering", clustering(t)),
            ("optimize", r.optimizeFiles == 0 ? "nothing to rewrite"
                : "would rewrite \(r.optimizeFiles) files (\(size(r.optimizeBytes))) in \(r.optimizePartitions) partition\(r.optimizePartitions == 1 ? "" : "s")"),
        ]
        if let v = r.vacuum {
            out.append(("vacuum", "would delete \(v.files) files (\(size(v.bytes))) removed before \(time(v.cutoffMillis)) (retention \(hours(v.retentionMillis))); "
                    + "with --full \(v.fullModeFiles) files (\(size(v.fullModeBytes)))"))
        } else {
            out.append(("vacuum", "cannot plan: \(r.vacuumError ?? "unknown error")"))
        }
        let v = r.retention
        out.append(("versions", "\(v.earliestVersion) to \(r.version) in the log; from \(v.oldestVersionAfterLogCleanup) after log cleanup (\(hours(v.logRetentionMillis))), "
                + "from \(v.oldestVersionAfterVacuum) after vacuum (\(hours(v.deletedFileRetentionMillis)))"))
        let c = r.checkpoint
        out.append(("checkpoint", (c.lastCheckpointVersion.map { "version \($0)" } ?? "none") + ", \(c.commitsSinceCheckpoint) commits since (interval \(c.checkpointInterval))"))
        out.append(("last optimize", r.lastOptimize.map { e in "version \(e.version) at \(time(e.timestampMillis))" + (e.auto ? " (auto-compaction)" : "") } ?? "never"))
        out.append(("last vacuum", r.lastVacuum.map { e in
            "version \(e.version) at \(time(e.timestampMillis)) (\(e.parameters["status"] ?? "?"), \(e.metrics["numDeletedFiles"] ?? "?") files deleted)"
        } ?? "never"))
        return out
    }

    static func clustering(_ s: FileSummary) -> String {
        let parts = s.clusterings.map { "\($0.files) file\($0.files == 1 ? "" : "s") Z-ordered by \($0.columns.joined(separator: ", ")) (\($0.curve))" }
        return (parts + ["\(s.unclusteredFiles) not clustered"]).joined(separator: "; ")
    }

    static func partitionTable(_ r: TableInspection) -> [[String]] {
        var header = ["partition", "files", "size", "rows", "small"]
        header += bucketLabels(r.totals.histogram.upperBoundsBytes, spaced: false)
        header += ["DV files", "deleted", "clustered", "optimize"]
        return [header] + r.partitions.map { p in
            let s = p.summary
            let clustered = s.files - s.unclusteredFiles
            return [p.label, "\(s.files)", size(s.bytes), s.rows.map(String.init) ?? "?", "\(s.smallFiles)"]
                + s.histogram.counts.map(String.init)
                + ["\(s.deletionVectorFiles)", s.deletedFraction.map(percent) ?? (s.deletedRows > 0 ? "?" : "0%"), "\(clustered)",
                   p.optimizeFiles == 0 ? "-" : "\(p.optimizeFiles) (\(size(p.optimizeBytes)))"]
        }
    }

    /// "< 1 MiB", "1–8 MiB" … "≥ 128 MiB" for the histogram's bucket bounds.
    static func bucketLabels(_ bounds: [Int64], spaced: Bool) -> [String] {
        let sp = spaced ? " " : ""
        var out = ["<" + sp + size(bounds[0])]
        for i in 1 ..< bounds.count {
            let (lo, hi) = (size(bounds[i - 1]), size(bounds[i]))
            let (loParts, hiParts) = (lo.split(separator: " "), hi.split(separator: " "))
            // "1–8 MiB" when both ends have the same unit, else "512 KiB–1 MiB".
            out.append(loParts.last == hiParts.last ? "\(loParts.first ?? "")–\(hi)" : "\(lo)–\(hi)")
        }
        out.append("≥" + sp + size(bounds[bounds.count - 1]))
        return out.map { spaced ? $0 : $0.replacingOccurrences(of: " ", with: "") }
    }

    static func percent(_ f: Double) -> String {
        let p = f * 100
        return p >= 10 || p == p.rounded() ? "\(Int(p.rounded()))%" : String(format: "%.1f%%", p)
    }

    /// Rows padded to common column widths (by characters); columns in `rightAligned` pad on the left.
    static func aligned(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        var widths: [Int] = []
        for row in rows { for (i, cell) in row.enumerated() { if i < widths.count { widths[i] = max(widths[i], cell.count) } else { widths.append(cell.count) } } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                if i == row.count - 1 && !rightAligned.contains(i) { return cell }
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
    }
}

enum InspectJSON {
    static func document(_ r: TableInspection) -> JSONValue {
        let optimize = JSONValue.object([("files", .int(r.optimizeFiles)), ("bytes", .int(r.optimizeBytes)), ("partitions", .int(r.optimizePartitions))])
        let members: [(String, JSONValue)] = [
            ("table", .string(r.table)), ("version", .int(r.version)), ("inspectedAt", .string(InspectText.time(r.nowMillis))),
            ("partitionColumns", .array(r.partitionColumns.map { .string($0) })), ("targetFileSizeBytes", .int(r.targetFileSizeBytes)),
            ("histogramUpperBoundsBytes", .array(r.totals.histogram.upperBoundsBytes.map { .int($0) })),
            ("totals", .object(summary(r.totals))), ("partitions", .array(r.partitions.map(partition))), ("optimize", optimize),
            ("vacuum", r.vacuum.map(vacuum) ?? .null), ("vacuumError", r.vacuumError.map { .string($0) } ?? .null),
            ("retention", retention(r.retention)), ("checkpoint", checkpoint(r.checkpoint)),
            ("lastOptimize", r.lastOptimize.map(event) ?? .null), ("lastVacuum", r.lastVacuum.map(event) ?? .null),
            ("recommendations", .array(r.recommendations.map(recommendation))),
        ]
        return .object(members)
    }

    static func number(_ d: Double?) -> JSONValue { d.flatMap { $0.isFinite ? JSONValue.number(String($0)) : nil } ?? .null }
    static func int(_ v: Int64?) -> JSONValue { v.map { .int($0) } ?? .null }

    static func summary(_ s: FileSummary) -> [(String, JSONValue)] {
        let clusterings = s.clusterings.map { c in
            JSONValue.object([("curve", .string(c.curve)), ("columns", .array(c.columns.map { .string($0) })), ("files", .int(c.files)), ("bytes", .int(c.bytes))])
        }
        return [("files", .int(s.files)), ("bytes", .int(s.bytes)), ("rows", int(s.rows)), ("storedRows", int(s.storedRows)),
                ("histogram", .array(s.histogram.counts.map { .int($0) })), ("smallFiles", .int(s.smallFiles)), ("smallFileBytes", .int(s.smallFileBytes)),
                ("deletionVectorFiles", .int(s.deletionVectorFiles)), ("deletedRows", .int(s.deletedRows)),
                ("deletedFraction", number(s.deletedFraction)), ("deletedFractionOfDeletionVectorFiles", number(s.deletedFractionOfDeletionVectorFiles)),
                ("clusterings", .array(clusterings)), ("unclusteredFiles", .int(s.unclusteredFiles)), ("unclusteredBytes", .int(s.unclusteredBytes))]
    }

    static func partition(_ p: PartitionInspection) -> JSONValue {
        let values = JSONValue.object(p.values.map { ($0.column, $0.value.map { .string($0) } ?? .null) })
        return .object([("partition", .string(p.label)), ("values", values)] + summary(p.summary)
            + [("optimize", .object([("files", .int(p.optimizeFiles)), ("bytes", .int(p.optimizeBytes))]))])
    }

    static func vacuum(_ v: VacuumOutlook) -> JSONValue {
        let counts = JSONValue.object(VacuumFile.Kind.allCases.map { ($0.rawValue, .int(v.counts[$0] ?? 0)) })
        return .object([("retentionMillis", .int(v.retentionMillis)), ("cutoff", .string(InspectText.time(v.cutoffMillis))),
                        ("files", .int(v.files)), ("bytes", .int(v.bytes)), ("counts", counts),
                        ("fullModeFiles", .int(v.fullModeFiles)), ("fullModeBytes", .int(v.fullModeBytes))])
    }

    static func retention(_ v: RetentionInfo) -> JSONValue {
        .object([("earliestVersion", .int(v.earliestVersion)), ("logRetentionMillis", .int(v.logRetentionMillis)),
                 ("oldestVersionAfterLogCleanup", .int(v.oldestVersionAfterLogCleanup)),
                 ("deletedFileRetentionMillis", .int(v.deletedFileRetentionMillis)), ("oldestVersionAfterVacuum", .int(v.oldestVersionAfterVacuum)),
                 ("oldestTimeTravelVersion", .int(v.oldestTimeTravelVersion))])
    }

    static func checkpoint(_ c: CheckpointInfo) -> JSONValue {
        .object([("lastCheckpointVersion", int(c.lastCheckpointVersion)), ("commitsSinceCheckpoint", .int(c.commitsSinceCheckpoint)),
                 ("checkpointInterval", .int(c.checkpointInterval))])
    }

    static func event(_ e: MaintenanceEvent) -> JSONValue {
        func strings(_ d: [String: String]) -> JSONValue { .object(d.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }) }
        return .object([("version", .int(e.version)), ("timestamp", .string(InspectText.time(e.timestampMillis))), ("operation", .string(e.operation)),
                        ("auto", .bool(e.auto)), ("operationParameters", strings(e.parameters)), ("operationMetrics", strings(e.metrics))])
    }

    static func recommendation(_ r: Recommendation) -> JSONValue {
        .object([("code", .string(r.code.rawValue)), ("message", .string(r.message)), ("command", r.command.map { .string($0) } ?? .null),
                 ("partition", r.partition.map { .string($0) } ?? .null)])
    }
}
