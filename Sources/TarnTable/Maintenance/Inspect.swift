// Inspect (spec/maintenance.md "Inspect"): `Table.inspect` reports what a table holds and what
// maintenance it needs. It reads the log, listings, object heads and per-file statistics, never a
// data file, and commits and writes nothing: OPTIMIZE and VACUUM are planned as dry runs. The
// log-derived parts (retention, checkpoint, last OPTIMIZE / VACUUM) are InspectLog.swift.
import Foundation
import TarnDelta

extension Table {
    /// What the table holds and what maintenance it needs, as of `nowMillis` (default: now).
    public func inspect(nowMillis: Int64? = nil, thresholds: InspectThresholds = InspectThresholds()) throws -> TableInspection {
        let now = nowMillis ?? Int64(Date().timeIntervalSince1970 * 1000)
        let s = try snapshot()
        let plan = try OptimizePlanner.plan(s, OptimizeOptions())
        let target = Int64(plan.targetFileSizeBytes)
        let (partitions, totals) = InspectFiles.summarize(s, plan: plan, target: target)
        var vacuum: (outlook: VacuumOutlook, oldestRetained: Int64)?
        var vacuumError: String?
        do {
            vacuum = try InspectFiles.vacuumOutlook(self, now: now)
        } catch let e as TarnError {
            vacuumError = e.message
        }
        let log = try InspectLog(table: self, snapshot: s, now: now, oldestVersionAfterVacuum: vacuum?.oldestRetained)
        let advice = InspectAdvice(location: location, target: target, thresholds: thresholds)
        return TableInspection(
            table: location, version: s.version, nowMillis: now, partitionColumns: s.partitionColumns, targetFileSizeBytes: target,
            totals: totals, partitions: partitions, optimizeFiles: plan.fileCount, optimizeBytes: plan.bytes, optimizePartitions: plan.bins.count,
            vacuum: vacuum?.outlook, vacuumError: vacuumError, retention: log.retention, checkpoint: log.checkpoint,
            lastOptimize: log.lastOptimize, lastVacuum: log.lastVacuum, thresholds: thresholds,
            recommendations: advice.recommendations(partitions, totals: totals, vacuum: vacuum?.outlook, checkpoint: log.checkpoint))
    }
}

extension TableInspection {
    /// Bytes in binary units, as the messages write them: "512 B", "1.5 KiB", "128 MiB", "1.2 GiB".
    public static func formatBytes(_ bytes: Int64) -> String { InspectAdvice.size(bytes) }
}

enum InspectFiles {
    /// Per-partition summaries (ordered as OPTIMIZE orders partitions) and the table's totals.
    static func summarize(_ s: Snapshot, plan: OptimizePlan, target: Int64) -> ([PartitionInspection], FileSummary) {
        let mapping = ColumnMapping(configuration: s.configuration)
        let columns = s.partitionColumns.map { name in (name, s.schema.field(named: name).map(mapping.physicalName) ?? name) }
        var totals = FileSummary(targetFileSizeBytes: target)
        var byKey: [[String]: PartitionInspection] = [:]
        for f in s.state.files.values {
            let rows = numRecords(f.stats)
            totals.add(f, targetFileSizeBytes: target, numRecords: rows)
            let key = OptimizePlanner.partitionKey(f, s)
            if byKey[key] == nil {
                let values = columns.map { name, physical in (column: name, value: f.partitionValues[physical] ?? f.partitionValues[name] ?? nil) }
                byKey[key] = PartitionInspection(values: values, summary: FileSummary(targetFileSizeBytes: target))
            }
            byKey[key]?.summary.add(f, targetFileSizeBytes: target, numRecords: rows)
        }
        for bin in plan.bins {
            guard let first = bin.files.first else { continue }
            let key = OptimizePlanner.partitionKey(first, s)
            byKey[key]?.optimizeFiles += bin.files.count
            byKey[key]?.optimizeBytes += bin.bytes
        }
        totals.finish()
        let partitions = byKey.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { _, p in
            var p = p
            p.summary.finish()
            return p
        }
        return (partitions, totals)
    }

    /// `numRecords` of a file's statistics. Writers put it first (`{"numRecords":N,…`), which is
    /// read without parsing the rest; any other layout is parsed in full.
    static func numRecords(_ stats: String?) -> Int64? {
        guard let stats else { return nil }
        let prefix = "{\"numRecords\":"
        if stats.utf8.starts(with: prefix.utf8) {
            let rest = stats.utf8.dropFirst(prefix.utf8.count)
            let digits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            let next = rest.dropFirst(digits.count).first
            if next == UInt8(ascii: ",") || next == UInt8(ascii: "}"), let n = Int64(Substring(digits)) { return n }
        }
        guard let json = try? JSONParser.parse(stats) else { return nil }
        return json["numRecords"]?.int64Value
    }

    /// VACUUM's dry run with the table's retention at `now` (lite mode), and the files full mode
    /// would add: listed files outside `_delta_log` and hidden paths that no retained version
    /// references, not newer than the cutoff (VacuumPlan's full-mode rule, without a second log read).
    static func vacuumOutlook(_ table: Table, now: Int64) throws -> (VacuumOutlook, Int64) {
        var options = VacuumOptions(dryRun: true, mode: .lite)
        options.nowMillis = now
        let plan = try VacuumPlan(table: table, options: options)
        let lite = Set(plan.files.map(\.key))
        let hidden = VacuumPaths.HiddenRule(partitionColumns: VacuumPlan.partitionNames(plan.latest))
        var orphans = 0, orphanBytes: Int64 = 0
        for meta in try table.store.list(prefix: "") {
            let key = meta.key
            guard !VacuumPaths.isLog(key), !hidden.isHidden(key), !plan.protectedKeys.contains(key), !lite.contains(key),
                  meta.lastModifiedMillis <= plan.cutoffMillis else { continue }
            orphans += 1
            orphanBytes += Int64(meta.size)
        }
        let bytes = plan.files.reduce(0) { $0 + $1.sizeBytes }
        let outlook = VacuumOutlook(retentionMillis: plan.retentionMillis, cutoffMillis: plan.cutoffMillis, files: plan.files.count, bytes: bytes,
                                    counts: Dictionary(grouping: plan.files, by: \.kind).mapValues(\.count),
                                    fullModeFiles: plan.files.count + orphans, fullModeBytes: bytes + orphanBytes)
        return (outlook, plan.oldestRetainedVersion)
    }
}
