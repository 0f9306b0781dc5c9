// LoadShared and LoadReader: the state the load threads share (acknowledged operations, counters,
// failures, the stop flag) behind one lock, and the reader thread that opens every new version
// while writers run and checks it scans with no id twice.
import Foundation
import TarnCodecs
import TarnStorage
import TarnTable

/// State shared by the load threads; every access takes the lock.
final class LoadShared: @unchecked Sendable {
    private let lock = NSLock()
    private var acked: [AckedOp] = []
    private var ackedByKind: [String: Int] = [:]
    private var committedByKind: [String: Int] = [:]
    private var conflictsByKind: [String: Int] = [:]
    private var retries = 0
    private var givenUp = 0
    private var failureList: [String] = []
    private var stop = false
    private let logFile: LoadLogFile?

    init(logFile: LoadLogFile?) { self.logFile = logFile }

    private func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    var stopped: Bool { locked { stop } }
    var failures: [String] { locked { failureList } }
    var acknowledged: [AckedOp] { locked { acked } }

    func requestStop() { locked { stop = true } }

    /// Records a failure and stops every thread.
    func fail(_ message: String) {
        locked {
            failureList.append(message)
            stop = true
        }
    }

    /// Records an acknowledged operation (in memory and in the JSON-lines log).
    func acknowledge(_ op: AckedOp) throws {
        try logFile?.append(op)
        locked {
            acked.append(op)
            ackedByKind[op.kind.rawValue, default: 0] += 1
            if op.version != nil { committedByKind[op.kind.rawValue, default: 0] += 1 }
        }
    }

    func conflict(_ kind: LoadOpKind) { locked { conflictsByKind[kind.rawValue, default: 0] += 1 } }
    func commitRetries(_ n: Int) { locked { retries += n } }
    func gaveUp() { locked { givenUp += 1 } }

    /// Copies the counters into `report`.
    func fill(_ report: inout LoadReport) {
        locked {
            report.acknowledged = ackedByKind
            report.committed = committedByKind
            report.conflictsRetried = conflictsByKind
            report.commitRetries = retries
            report.gaveUp = givenUp
        }
    }
}

/// The reader thread: opens each new version while writers run (jumping ahead when it falls
/// more than `maxLag` versions behind) and checks it opens, scans and has no id twice.
final class LoadReader: @unchecked Sendable {
    let table: Table
    let shared: LoadShared
    let seed: UInt64
    let maxLag: Int64
    private(set) var checked = 0
    private var last: Int64 = -1

    init(tableRoot: String, shared: LoadShared, seed: UInt64, maxLag: Int64 = 8) throws {
        table = Table(store: try LocalStore.open(root: tableRoot))
        self.shared = shared
        self.seed = seed
        self.maxLag = maxLag
    }

    /// Loops until the shared stop flag is set.
    func run() {
        while !shared.stopped {
            do {
                let latest = try table.snapshot().version
                if latest <= last {
                    usleep(2000)
                    continue
                }
                let from = max(last + 1, latest - maxLag)
                for v in from ... latest where !shared.stopped {
                    try check(v)
                    last = v
                }
            } catch {
                shared.fail("seed \(seed) reader after version \(last): \(error)")
                return
            }
        }
    }

    private func check(_ version: Int64) throws {
        let scanned = try LoadChecker.scan(table, version: version)
        if let dup = scanned.duplicates.first {
            throw HarnessFailure("seed \(seed) reader: version \(version) holds id \(dup) \(scanned.duplicates.count > 1 ? "(and \(scanned.duplicates.count - 1) more ids) " : "")more than once")
        }
        checked += 1
    }
}
