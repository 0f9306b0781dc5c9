// MaintenanceDecision: a target's maintenance policy after a run (spec/pipeline.md
// "Maintenance"): compaction (or Z-order) and vacuum run only when the table's inspection passes
// the thresholds, so a nightly run on a healthy table does no work; every decision, taken or not,
// is returned with its reason for the run log. Maintenance failures are reported, never fatal.
import Foundation
import TarnTable

enum MaintenanceDecision {
    static func apply(_ policy: MaintenancePolicy, to table: Table) -> [String] {
        var out: [String] = []
        do {
            let inspection = try table.inspect()
            out.append(try optimize(policy, table, inspection))
            out.append(try vacuum(policy, table, inspection))
        } catch {
            out.append("maintenance failed: \(PipelineRunner.message(error))")
        }
        return out
    }

    private static func optimize(_ policy: MaintenancePolicy, _ table: Table, _ i: TableInspection) throws -> String {
        let files = i.totals.files, small = i.totals.smallFiles
        let ratio = files == 0 ? 0 : Double(small) / Double(files)
        let worst = i.partitions.map(\.summary.smallFiles).max() ?? small
        let unclustered = i.totals.bytes == 0 ? 0 : Double(i.totals.unclusteredBytes) / Double(i.totals.bytes)
        let zorder = !policy.zOrderBy.isEmpty && unclustered >= policy.zOrderMinUnclusteredRatio && files > 1
        let compact = worst >= policy.compactMinSmallFiles || (small > 1 && ratio >= policy.compactMinSmallFileRatio)
        if compact && !zorder && i.optimizeFiles == 0 {
            return "optimize skipped: \(small) small of \(files) files, but no partition has two to combine"
        }
        guard zorder || compact else {
            return "optimize skipped: \(small) small of \(files) files (most in one partition \(worst); thresholds \(policy.compactMinSmallFiles) or \(Int(policy.compactMinSmallFileRatio * 100)) %)"
                + (policy.zOrderBy.isEmpty ? "" : ", \(Int(unclustered * 100)) % of bytes not Z-ordered (threshold \(Int(policy.zOrderMinUnclusteredRatio * 100)) %)")
        }
        var o = OptimizeOptions()
        if zorder { o.zOrderBy = policy.zOrderBy }
        let r = try table.optimize(o)
        let why = zorder ? "\(Int(unclustered * 100)) % of bytes not Z-ordered by \(policy.zOrderBy.joined(separator: ","))"
                         : "\(small) small of \(files) files (most in one partition \(worst))"
        return "\(zorder ? "z-order" : "compaction") ran (\(why)): \(r.filesRemoved) files → \(r.filesAdded)"
    }

    private static func vacuum(_ policy: MaintenancePolicy, _ table: Table, _ i: TableInspection) throws -> String {
        guard let outlook = i.vacuum else { return "vacuum skipped: \(i.vacuumError ?? "no outlook")" }
        guard outlook.bytes >= policy.vacuumMinReclaimableBytes, outlook.files > 0 else {
            return "vacuum skipped: \(outlook.bytes) bytes reclaimable (threshold \(policy.vacuumMinReclaimableBytes))"
        }
        let r = try table.vacuum()
        return "vacuum ran (\(outlook.bytes) bytes reclaimable): \(r.files.count) files, \(r.totalBytes) bytes deleted"
    }
}
