// `tarn optimize PATH [--where EXPR] [--target-size SIZE] [--zorder-by c1,c2] [--curve morton|hilbert]
// [--full] [--dry-run] [--json]`: compaction or Z-ordering (spec/maintenance.md), with a progress
// bar on a terminal. SIZE is a byte count with an optional unit (ByteSize).
import ArgumentParser
import Foundation
import TarnTable

struct OptimizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "optimize", abstract: "Compact small files, or Z-order a table.")
    @Argument(help: "The table directory.") var path: String
    @Option(name: .customLong("where"), help: "Only partitions matching this predicate (partition columns only).") var predicate: String?
    @Option(name: .customLong("target-size"), help: "Output file size, e.g. 128MiB (default: delta.targetFileSize, else 128 MiB).") var targetSize: String?
    @Option(name: .customLong("zorder-by"), help: "Z-order by these comma-separated columns.") var zOrderBy: String?
    @Option(help: "Z-order curve: morton or hilbert.") var curve: String = "morton"
    @Flag(help: "Z-order every file, not only files not yet clustered on these columns.") var full = false
    @Flag(name: .customLong("dry-run"), help: "Print the plan and the bytes it would rewrite; change nothing.") var dryRun = false
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let table = try Table.open(path: path)
            var options = OptimizeOptions()
            let s = try table.snapshot()
            options.condition = try predicate.map { try RowCondition.parse($0, schema: s.schema) }
            options.targetFileSizeBytes = try targetSize.map { try ByteSize.parse($0, flag: "--target-size") }
            options.zOrderBy = try zOrderBy.map(parseColumnList) ?? []
            guard let c = ZOrderCurve(rawValue: curve.lowercased()) else {
                throw TarnError(.invalidArgument, "--curve must be morton or hilbert, not '\(curve)'")
            }
            options.curve = c
            options.full = full
            options.dryRun = dryRun
            let bar = Progress(label: options.zOrderBy.isEmpty ? "optimize" : "z-order")
            if !dryRun { options.progress = { bar.update($0) } }
            let r = try table.optimize(options)
            bar.finish()
            print(json ? OptimizeOutput.json(r, dryRun: dryRun) : OptimizeOutput.text(r, dryRun: dryRun))
        }
    }
}

enum OptimizeOutput {
    static func text(_ r: OptimizeResult, dryRun: Bool) -> String {
        let plan = r.plan
        if dryRun || !r.committed {
            var lines = [plan.bins.isEmpty ? "nothing to optimize (\(plan.consideredFiles) files considered)"
                : "\(dryRun ? "would rewrite" : "nothing committed;") \(plan.fileCount) files, \(plan.bytes) bytes, in \(plan.bins.count) partitions (target \(plan.targetFileSizeBytes) bytes)"]
            if dryRun {
                for b in plan.bins {
                    let where_ = b.partitionValues.isEmpty ? "(table)" : b.partitionValues.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value ?? "null")" }.joined(separator: "/")
                    lines.append("  \(where_): \(b.files.count) files, \(b.bytes) bytes")
                }
            }
            if r.binsDropped > 0 { lines.append("\(r.binsDropped) partitions skipped: concurrent commits removed their files") }
            return lines.joined(separator: "\n")
        }
        var line = "committed version \(r.version): \(r.filesRemoved) files (\(r.bytesRemoved) bytes) rewritten into \(r.filesAdded) files (\(r.bytesAdded) bytes) in \(r.partitionsOptimized) partitions, \(r.durationMs) ms"
        if r.binsDropped > 0 { line += "; \(r.binsDropped) partitions skipped because concurrent commits removed their files" }
        return line
    }

    static func json(_ r: OptimizeResult, dryRun: Bool) -> String {
        let bins: [JSONValue] = r.plan.bins.map { b in
            .object([("partitionValues", .object(b.partitionValues.sorted { $0.key < $1.key }.map { ($0.key, $0.value.map { .string($0) } ?? .null) })),
                     ("files", .int(Int64(b.files.count))), ("bytes", .int(b.bytes))])
        }
        var m: [(String, JSONValue)] = [("dryRun", .bool(dryRun)), ("committed", .bool(r.committed)), ("version", .int(r.version))]
        let counts: [(String, Int64)] = [("filesRemoved", Int64(r.filesRemoved)), ("filesAdded", Int64(r.filesAdded)), ("bytesRemoved", r.bytesRemoved),
                                         ("bytesAdded", r.bytesAdded), ("partitionsOptimized", Int64(r.partitionsOptimized)),
                                         ("binsDropped", Int64(r.binsDropped)), ("durationMs", r.durationMs)]
        m += counts.map { ($0.0, JSONValue.int($0.1)) }
        m.append(("plan", .object([("bins", .array(bins)), ("bytes", .int(r.plan.bytes)), ("consideredFiles", .int(Int64(r.plan.consideredFiles))),
                                   ("targetFileSizeBytes", .int(Int64(r.plan.targetFileSizeBytes)))])))
        m.append(("operationMetrics", .object(r.metrics.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })))
        return JSONValue.object(m).serialized()
    }
}

/// SIZE arguments: a byte count with an optional unit KB, MB, GB (powers of 1000) or KiB, MiB,
/// GiB (powers of 1024); case-insensitive, spaces allowed ("128MiB", "64 mb", "1000000").
enum ByteSize {
    static func parse(_ text: String, flag: String) throws -> Int {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("kib", 1024), ("mib", 1_048_576), ("gib", 1_073_741_824), ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("b", 1)]
        var number = t, factor = 1.0
        for (u, f) in units where t.hasSuffix(u) {
            number = String(t.dropLast(u.count)).trimmingCharacters(in: .whitespaces)
            factor = f
            break
        }
        guard let v = Double(number), v > 0, v * factor < Double(Int.max) else {
            throw TarnError(.invalidArgument, "\(flag) '\(text)' is not a size (e.g. 134217728, 128MiB, 100MB, 1GiB)")
        }
        return Int(v * factor)
    }
}
