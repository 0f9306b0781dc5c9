// InspectAdvice: turns an inspection's numbers into recommendations (spec/maintenance.md
// "Inspect"): per partition COMPACT / ZORDER / PURGE_DELETION_VECTORS, then VACUUM and
// CHECKPOINT, or NONE. The thresholds are InspectThresholds; each recommendation names its
// numbers and the `tarn` command (shell-quoted) that acts on them.
import Foundation
import TarnDelta

public struct InspectThresholds: Sendable {
    /// COMPACT: OPTIMIZE would cut the partition's file count by at least this fraction (and by one file).
    public var compactMinFileReduction = 0.1
    /// ZORDER: files not on the partition's clustering hold at least this fraction of its bytes.
    public var zOrderMinUnclusteredFraction = 0.1
    /// PURGE_DELETION_VECTORS: deletion vectors hide at least this fraction of the partition's stored rows.
    public var purgeMinDeletedFraction = 0.1
    /// VACUUM: something to delete, and at least this many bytes, or files, or this fraction of the table's bytes.
    public var vacuumMinBytes: Int64 = 1 << 30
    public var vacuumMinFiles = 1000
    public var vacuumMinTableFraction = 0.1
    /// More partition recommendations than this are folded into one per kind for the whole table.
    public var maxPartitionRecommendations = 5

    public init() {}
}

struct InspectAdvice {
    let location: String
    let target: Int64
    let thresholds: InspectThresholds

    /// One partition's needs, before folding.
    private struct Need {
        let code: Recommendation.Code
        let partition: PartitionInspection
        let arguments: [String]
        let reasons: [String]
    }

    func recommendations(_ partitions: [PartitionInspection], totals: FileSummary, vacuum: VacuumOutlook?,
                         checkpoint: CheckpointInfo) -> [Recommendation] {
        let needs = partitions.compactMap(need)
        var out = needs.count > thresholds.maxPartitionRecommendations ? folded(needs) : needs.map(recommendation)
        if let vacuum, let r = vacuumRecommendation(vacuum, tableBytes: totals.bytes) { out.append(r) }
        if checkpoint.commitsSinceCheckpoint > checkpoint.checkpointInterval {
            let since = checkpoint.lastCheckpointVersion.map { "since the last checkpoint (version \($0))" } ?? "and no checkpoint"
            out.append(Recommendation(code: .checkpoint,
                                      message: "\(checkpoint.commitsSinceCheckpoint) commits \(since), more than delta.checkpointInterval (\(checkpoint.checkpointInterval)): every reader replays them",
                                      command: command(["checkpoint", location]), partition: nil))
        }
        if out.isEmpty { out.append(Recommendation(code: .none, message: "nothing to do", command: nil, partition: nil)) }
        return out
    }

    // MARK: Partitions

    /// What a partition needs, if anything. A clustered partition (some files Z-ordered) is
    /// re-clustered instead of compacted, since compaction would drop its clustering.
    private func need(_ p: PartitionInspection) -> Need? {
        let s = p.summary
        var codes: [Recommendation.Code] = [], reasons: [String] = []
        let outputs = (p.optimizeBytes + target - 1) / target
        let saved = Int64(p.optimizeFiles) - outputs
        if saved >= max(1, Int64((Double(s.files) * thresholds.compactMinFileReduction).rounded(.up))) {
            codes.append(.compact)
            reasons.append("\(s.smallFiles) \(plural(s.smallFiles, "file")) below \(Self.size(target)) (\(Self.size(s.smallFileBytes))) that compaction would merge into about \(outputs) \(plural(Int(outputs), "file"))")
        }
        let clustering = s.clusterings.first
        if let c = clustering {
            let (files, bytes) = (s.files - c.files, s.bytes - c.bytes)
            if files > 0, Double(bytes) >= Double(s.bytes) * thresholds.zOrderMinUnclusteredFraction {
                codes.insert(.zOrder, at: 0)
                reasons.insert("\(files) \(plural(files, "file")) (\(Self.size(bytes)), \(Self.percent(Double(bytes) / Double(max(1, s.bytes))))) not Z-ordered by \(c.columns.joined(separator: ", ")) (\(c.curve))", at: 0)
            }
        }
        if let f = s.deletedFraction, f >= thresholds.purgeMinDeletedFraction, s.deletedRows > 0 {
            codes.append(.purgeDeletionVectors)
            reasons.append("\(s.deletionVectorFiles) \(plural(s.deletionVectorFiles, "file")) with deletion vectors hiding \(s.deletedRows) of \(s.storedRows ?? 0) rows (\(Self.percent(f)))")
        }
        guard let code = codes.first else { return nil }
        var args = ["optimize", location]
        if let c = clustering {
            args += ["--zorder-by", c.columns.joined(separator: ","), "--curve", c.curve]
            if codes.contains(.compact) || codes.contains(.purgeDeletionVectors) {
                args.append("--full")
                reasons.append("plain compaction would drop its clustering, so re-cluster it whole")
            }
        }
        return Need(code: code, partition: p, arguments: args, reasons: reasons)
    }

    private func recommendation(_ n: Need) -> Recommendation {
        let label = n.partition.label
        var args = n.arguments
        if !n.partition.values.isEmpty { args += ["--where", Self.whereClause(n.partition.values)] }
        let subject = label.isEmpty ? "the table" : "partition \(label)"
        return Recommendation(code: n.code, message: "\(subject) has \(n.reasons.joined(separator: "; "))", command: command(args), partition: label)
    }

    /// Many partitions: one table-wide recommendation per code and command.
    private func folded(_ needs: [Need]) -> [Recommendation] {
        var groups: [(key: [String], needs: [Need])] = []
        for n in needs {
            let key = [n.code.rawValue] + n.arguments
            if let i = groups.firstIndex(where: { $0.key == key }) { groups[i].needs.append(n) } else { groups.append((key, [n])) }
        }
        return groups.map { g in
            let first = g.needs[0]
            let ps = g.needs.map(\.partition.summary)
            let what: String
            switch first.code {
            case .zOrder: what = "files not Z-ordered on their clustering"
            case .compact:
                what = "files below \(Self.size(target)) to compact (\(ps.reduce(0) { $0 + $1.smallFiles }) files, \(Self.size(ps.reduce(0) { $0 + $1.smallFileBytes })))"
            default: what = "deletion vectors hiding \(ps.reduce(0) { $0 + $1.deletedRows }) rows"
            }
            let examples = g.needs.prefix(3).map(\.partition.label).joined(separator: ", ")
            return Recommendation(code: first.code, message: "\(g.needs.count) partitions have \(what), e.g. \(examples)",
                                  command: command(first.arguments), partition: nil)
        }
    }

    // MARK: Vacuum

    private func vacuumRecommendation(_ v: VacuumOutlook, tableBytes: Int64) -> Recommendation? {
        func worth(_ files: Int, _ bytes: Int64) -> Bool {
            files > 0 && (bytes >= thresholds.vacuumMinBytes || files >= thresholds.vacuumMinFiles
                || Double(bytes) >= Double(tableBytes) * thresholds.vacuumMinTableFraction)
        }
        let orphans = v.fullModeFiles - v.files
        let useFull = orphans > 0 && worth(v.fullModeFiles, v.fullModeBytes)
        guard useFull || worth(v.files, v.bytes) else { return nil }
        var message = "vacuum would delete \(v.files) \(plural(v.files, "file")) (\(Self.size(v.bytes))) removed before \(Self.time(v.cutoffMillis)) (retention \(VacuumPlan.hours(v.retentionMillis)))"
        if orphans > 0 {
            message += useFull ? ", and with --full \(orphans) unreferenced \(plural(orphans, "file")) (\(Self.size(v.fullModeBytes - v.bytes)))"
                : "; --full would also delete \(orphans) unreferenced \(plural(orphans, "file"))"
        }
        return Recommendation(code: .vacuum, message: message, command: command(["vacuum", location] + (useFull ? ["--full"] : [])), partition: nil)
    }

    // MARK: Text

    private func plural(_ n: Int, _ word: String) -> String { n == 1 ? word : word + "s" }

    private func command(_ args: [String]) -> String { (["tarn"] + args.map(Self.shellQuoted)).joined(separator: " ") }

    /// `col = 'value' AND …` (`col IS NULL` for nulls); string literals adapt to the column's type.
    static func whereClause(_ values: [(column: String, value: String?)]) -> String {
        values.map { c, v in
            let name = Expr.quoteName(c)
            guard let v else { return "\(name) IS NULL" }
            return "\(name) = '\(v.replacingOccurrences(of: "'", with: "''"))'"
        }.joined(separator: " AND ")
    }

    /// The argument as a POSIX shell word: bare when plain, else double-quoted when that needs no
    /// escapes, else single-quoted.
    static func shellQuoted(_ s: String) -> String {
        let plain = !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || "_-./=:,@%+".unicodeScalars.contains(c)
        }
        if plain { return s }
        if !s.contains(where: { "$`\"\\!".contains($0) }) { return "\"\(s)\"" }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Bytes in binary units: "512 B", "1.5 KiB", "128 MiB", "1.2 GiB".
    static func size(_ bytes: Int64) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB"]
        guard bytes >= 1024 || bytes <= -1024 else { return "\(bytes) B" }
        var v = Double(bytes) / 1024, i = 0
        while abs(v) >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        let text = v == v.rounded() || abs(v) >= 100 ? String(Int64(v.rounded())) : String(format: "%.1f", v)
        return "\(text) \(units[i])"
    }

    static func percent(_ f: Double) -> String {
        let p = f * 100
        return p >= 10 || p == p.rounded() ? "\(Int(p.rounded()))%" : String(format: "%.1f%%", p)
    }

    static func time(_ millis: Int64) -> String {
        let (micros, overflow) = millis.multipliedReportingOverflow(by: 1000)
        return overflow ? "\(millis) ms" : Temporal.formatTimestamp(micros, utc: true)
    }
}
