// LoadOptions and LoadReport: what a load run is asked to do (writers, duration, seed, work
// directory, deletion vectors) and the figures it hands back (operations acknowledged by kind,
// conflicts retried, versions committed, rows, rows lost and duplicated).
import Foundation

/// The kinds of operation a load writer performs.
public enum LoadOpKind: String, Codable, Sendable, CaseIterable {
    case append, delete, update, merge, optimize, zorder
}

/// What a load run does.
public struct LoadOptions: Sendable {
    /// Concurrent writer threads, each with its own `Table` over its own `LocalStore`.
    public var writers = 16
    /// How long the writers run.
    public var seconds: Double = 10
    /// Seeds every writer's choice of operations (writer w uses seed + w * 7919).
    public var seed: UInt64 = 1
    /// Directory for the table and the acknowledged-writes log; a fresh temporary one when nil.
    public var workDirectory: String?
    /// Creates the table with `delta.enableDeletionVectors = true`.
    public var deletionVectors = false
    /// `delta.checkpointInterval` of the table: small, so writers checkpoint while readers open versions.
    public var checkpointInterval = 10
    /// Writes the acknowledged-writes log as JSON lines (`acked.jsonl` in the work directory).
    public var writeLogFile = true
    /// At most this many versions are opened and scanned by the final check (evenly sampled,
    /// always including the first and the last); every version when there are fewer.
    public var finalVersionSample = 200
    /// Conflicts after which an operation is given up (and left out of the log).
    public var maxConflictRetries = 100
    /// Removes the work directory after a run that passed (only when it was a temporary one).
    public var removeWorkDirectory = true

    public init() {}
}

/// The figures of a load run.
public struct LoadReport: Codable, Sendable, CustomStringConvertible {
    public var seed: UInt64 = 0
    public var writers = 0
    public var seconds = 0.0
    public var deletionVectors = false
    public var workDirectory = ""
    /// Acknowledged operations by kind (`LoadOpKind` raw values).
    public var acknowledged: [String: Int] = [:]
    /// Acknowledged operations that committed a version, by kind (a DML matching no row, or an
    /// optimize with nothing to do, is acknowledged without a commit).
    public var committed: [String: Int] = [:]
    /// ConcurrentModification errors retried by the harness, by kind (for optimize: compactions
    /// that lost every bin to concurrent commits and were run again).
    public var conflictsRetried: [String: Int] = [:]
    /// Conflict-free commit retries the engine did itself (lost put-if-absent races).
    public var commitRetries = 0
    /// Operations given up after `maxConflictRetries` conflicts (not in the log).
    public var gaveUp = 0
    /// The table's last version (versions 0 ... lastVersion all exist).
    public var lastVersion: Int64 = 0
    /// Versions the reader thread opened and scanned while writers ran.
    public var readerVersionsChecked = 0
    /// Versions the final check opened and scanned, and whether that was a sample.
    public var finalVersionsScanned = 0
    public var finalVersionsSampled = false
    public var rows = 0
    public var rowsLost = 0
    public var rowsDuplicated = 0
    public var rowsWrong = 0
    public var rowsUnexpected = 0

    public init() {}

    /// Every acknowledged operation.
    public var totalAcknowledged: Int { acknowledged.values.reduce(0, +) }
    /// Every retried conflict.
    public var totalConflicts: Int { conflictsRetried.values.reduce(0, +) }

    public var description: String {
        func kinds(_ d: [String: Int]) -> String {
            LoadOpKind.allCases.map { "\($0.rawValue) \(d[$0.rawValue] ?? 0)" }.joined(separator: ", ")
        }
        return """
        load: seed \(seed), \(writers) writers, \(String(format: "%.1f", seconds)) s, deletion vectors \(deletionVectors ? "on" : "off")
          acknowledged \(totalAcknowledged): \(kinds(acknowledged))
          of which committed a version \(committed.values.reduce(0, +)): \(kinds(committed))
          conflicts retried \(totalConflicts): \(kinds(conflictsRetried))
          engine commit retries \(commitRetries), given up \(gaveUp)
          versions committed \(lastVersion) (contiguous 0...\(lastVersion)); reader checked \(readerVersionsChecked); \
        final check scanned \(finalVersionsScanned)\(finalVersionsSampled ? " (evenly sampled)" : " (all)")
          rows \(rows), lost \(rowsLost), duplicated \(rowsDuplicated), wrong value \(rowsWrong), unexpected \(rowsUnexpected)
          work \(workDirectory)
        """
    }
}
