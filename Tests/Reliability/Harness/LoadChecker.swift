// LoadChecker: the load harness's final verdict. The table's rows must equal the model rebuilt
// from the acknowledged-writes log (no row lost, duplicated, unexpected or with a stale value),
// versions must be contiguous, and every version (or an even sample) must open and scan.
import Foundation
import TarnCodecs
import TarnColumnar
import TarnTable

/// The rows of one scanned version.
public struct LoadScan: Sendable {
    /// id → val (the last one seen when an id is duplicated).
    public var rows: [Int64: Int64] = [:]
    /// Ids that appear more than once.
    public var duplicates: [Int64] = []
    public var rowCount = 0
}

/// How the table differs from the model.
public struct LoadDiff: Sendable {
    public var lost: [Int64] = []
    public var duplicated: [Int64] = []
    public var wrong: [Int64] = []
    public var unexpected: [Int64] = []
    public var rows = 0
    public var isClean: Bool { lost.isEmpty && duplicated.isEmpty && wrong.isEmpty && unexpected.isEmpty }
}

public enum LoadChecker {
    /// Scans `version` (the newest when nil) and collects its ids and values.
    public static func scan(_ table: Table, version: Int64?) throws -> LoadScan {
        let s = try table.snapshot(version: version)
        var out = LoadScan()
        var dups = Set<Int64>()
        for batch in try Scan(snapshot: s, store: table.store).batches() {
            guard let ids = batch.column(named: "id"), let vals = batch.column(named: "val") else {
                throw HarnessFailure("version \(s.version) has no id / val columns (schema \(batch.schema))")
            }
            for i in 0 ..< batch.count {
                guard case let .int(id) = ids.value(at: i), case let .int(val) = vals.value(at: i) else {
                    throw HarnessFailure("version \(s.version) row \(out.rowCount): id \(ids.value(at: i)) / val \(vals.value(at: i)) are not longs")
                }
                if out.rows.updateValue(val, forKey: id) != nil { dups.insert(id) }
                out.rowCount += 1
            }
        }
        out.duplicates = dups.sorted()
        return out
    }

    /// Compares the newest version with `model`.
    public static func diff(_ table: Table, model: LoadModel) throws -> LoadDiff {
        let scanned = try scan(table, version: nil)
        var d = LoadDiff()
        d.rows = scanned.rowCount
        d.duplicated = scanned.duplicates
        for (id, val) in model.rows {
            guard let got = scanned.rows[id] else { d.lost.append(id); continue }
            if got != val { d.wrong.append(id) }
        }
        d.unexpected = scanned.rows.keys.filter { model.rows[$0] == nil }
        d.lost.sort()
        d.wrong.sort()
        d.unexpected.sort()
        return d
    }

    /// Checks the newest version against the model of `log`; throws a HarnessFailure naming the
    /// seed and the first offending ids (with the operation that last wrote each).
    @discardableResult
    public static func check(_ table: Table, log: [AckedOp], seed: UInt64) throws -> LoadDiff {
        let model = try LoadModel(log: log)
        let d = try diff(table, model: model)
        guard d.isClean else { throw failure(d, model: model, seed: seed) }
        return d
    }

    static func failure(_ d: LoadDiff, model: LoadModel, seed: UInt64) -> HarnessFailure {
        func list(_ ids: [Int64], _ what: String) -> String? {
            guard !ids.isEmpty else { return nil }
            let shown = ids.prefix(5).map { id in
                "id \(id) (expected \(model.rows[id].map(String.init) ?? "absent"), last written by \(model.origin[id] ?? "no acknowledged write"))"
            }
            return "\(ids.count) \(what): \(shown.joined(separator: "; "))\(ids.count > 5 ? "; …" : "")"
        }
        let parts = [list(d.lost, "rows lost"), list(d.duplicated, "rows duplicated"),
                     list(d.wrong, "rows with a wrong value"), list(d.unexpected, "unexpected rows")].compactMap { $0 }
        return HarnessFailure("seed \(seed) final check: the table differs from the acknowledged writes: \(parts.joined(separator: " | "))")
    }

    /// Versions must be 0 ... last with no gap; every version (or `sample` of them, evenly
    /// spaced, first and last included) must open, scan, and hold no id twice.
    public static func checkVersions(_ table: Table, sample: Int, seed: UInt64) throws -> (last: Int64, scanned: Int, sampled: Bool) {
        let versions = try table.logFiles().filter { $0.kind == .commit }.map(\.version).sorted()
        guard let last = versions.last else { throw HarnessFailure("seed \(seed) final check: the table has no commits") }
        if versions != Array(0 ... last) {
            let missing = Set(0 ... last).subtracting(versions).sorted()
            throw HarnessFailure("seed \(seed) final check: versions are not contiguous: missing \(missing.prefix(10)) of 0...\(last)")
        }
        let chosen = sampleVersions(last: last, count: sample)
        for v in chosen {
            let s: LoadScan
            do { s = try scan(table, version: v) } catch {
                throw HarnessFailure("seed \(seed) final check: version \(v) does not open and scan: \(error)")
            }
            if let dup = s.duplicates.first {
                throw HarnessFailure("seed \(seed) final check: version \(v) holds id \(dup) more than once (\(s.duplicates.count) ids duplicated)")
            }
        }
        return (last, chosen.count, chosen.count < Int(last) + 1)
    }

    /// Each acknowledged operation's version must be a commit of that operation (no writer
    /// acknowledged a version another writer committed), and no version is claimed twice.
    public static func checkAcknowledgedVersions(_ table: Table, log: [AckedOp], seed: UInt64) throws {
        let operations = Dictionary(try table.history().map { ($0.version, $0.commitInfo?.operation ?? "?") }) { a, _ in a }
        var claimed: [Int64: AckedOp] = [:]
        for op in log {
            guard let v = op.version else { continue }
            if let other = claimed.updateValue(op, forKey: v) {
                throw HarnessFailure("seed \(seed): writer \(op.writer) step \(op.seq) and writer \(other.writer) step \(other.seq) both acknowledged version \(v)")
            }
            let want = op.kind == .append ? "WRITE" : op.kind == .zorder ? "OPTIMIZE" : op.kind.rawValue.uppercased()
            guard operations[v] == want else {
                throw HarnessFailure("seed \(seed): writer \(op.writer) step \(op.seq) \(op.kind.rawValue) acknowledged version \(v), which is a \(operations[v] ?? "missing") commit")
            }
        }
    }

    /// Every version when there are at most `count`, otherwise `count` evenly spaced ones.
    static func sampleVersions(last: Int64, count: Int) -> [Int64] {
        let total = Int(last) + 1
        guard total > count, count > 1 else { return Array(0 ... last) }
        let picked = (0 ..< count).map { Int64((Double($0) * Double(last) / Double(count - 1)).rounded()) }
        return Array(Set(picked)).sorted()
    }
}
