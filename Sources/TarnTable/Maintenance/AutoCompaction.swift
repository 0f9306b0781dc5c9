// Auto-compaction (spec/maintenance.md): with `delta.autoOptimize.autoCompact=true`, a committed
// write whose partitions now hold more than `tarn.autoCompact.minNumFiles` (default 50) files
// below the target size runs a compaction of just those partitions, as its own OPTIMIZE commit
// (`auto: true`). Its failure never fails the write, which has already committed.
import TarnDelta

enum AutoCompaction {
    static let minNumFilesKey = "tarn.autoCompact.minNumFiles"
    static let defaultMinNumFiles = 50

    static func enabled(_ configuration: [String: String]) -> Bool {
        let v = configuration["delta.autoOptimize.autoCompact"]?.lowercased()
        return v == "true" || v == "auto" || v == "legacy"
    }

    /// Runs after a write that committed `adds`; returns the OPTIMIZE result when it compacted.
    static func afterWrite(_ table: Table, adds: [AddFile]) -> OptimizeResult? {
        guard !adds.isEmpty, let s = try? table.snapshot(), enabled(s.configuration) else { return nil }
        let target = Int64(TableProperties(s.configuration).targetFileSizeBytes)
        let minFiles = s.configuration[minNumFilesKey].flatMap { Int($0) } ?? defaultMinNumFiles
        let written = Set(adds.map { OptimizePlanner.partitionKey($0, s) })
        var small: [[String]: Int] = [:]
        for f in s.files where f.size < target {
            let key = OptimizePlanner.partitionKey(f, s)
            if written.contains(key) { small[key, default: 0] += 1 }
        }
        let crowded = Set(small.filter { $0.value > minFiles }.keys)
        guard !crowded.isEmpty else { return nil }
        var options = OptimizeOptions()
        options.partitions = crowded
        options.auto = true
        return try? table.optimize(options)
    }
}
