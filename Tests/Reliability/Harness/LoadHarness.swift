// LoadHarness: the load run (issue 7 item 6). It creates one partitioned table, runs W writer
// threads (each its own Table over its own LocalStore on the same directory) and a reader thread
// for the duration, then checks the table against the acknowledged-writes log with LoadChecker.
import Foundation
import TarnCodecs
import TarnStorage
import TarnTable
import TarnTestSupport

/// Concurrent writers against one table, checked against a log of acknowledged writes.
public struct LoadHarness: Sendable {
    public let options: LoadOptions

    public init(_ options: LoadOptions) { self.options = options }

    /// Runs the load and checks it; throws a HarnessFailure naming the seed (and writer and step)
    /// when any thread failed or the final check found a lost, duplicated or wrong row.
    public func run() throws -> LoadReport {
        let (work, temporary) = try workDirectory()
        let root = (work as NSString).appendingPathComponent("table")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let creator = Table(store: try LocalStore.open(root: root))
        var properties = ["delta.checkpointInterval": String(options.checkpointInterval)]
        if options.deletionVectors { properties["delta.enableDeletionVectors"] = "true" }
        _ = try creator.create(schema: LoadSchema.schema, partitionBy: LoadSchema.partitionBy, properties: properties)

        let logPath = (work as NSString).appendingPathComponent("acked.jsonl")
        let logFile = options.writeLogFile ? try LoadLogFile(path: logPath) : nil
        let shared = LoadShared(logFile: logFile)
        let started = Date()
        let readerChecked = try runThreads(root: root, shared: shared, deadline: started.addingTimeInterval(options.seconds))
        logFile?.close()
        var report = LoadReport()
        report.seed = options.seed
        report.writers = options.writers
        report.seconds = Date().timeIntervalSince(started)
        report.deletionVectors = options.deletionVectors
        report.workDirectory = work
        report.readerVersionsChecked = readerChecked
        shared.fill(&report)
        let failures = shared.failures
        if let first = failures.first {
            throw HarnessFailure("\(first)\(failures.count > 1 ? " (and \(failures.count - 1) more failures)" : "") [work \(work)]")
        }
        try verify(creator, shared: shared, logPath: logFile == nil ? nil : logPath, into: &report)
        if temporary && options.removeWorkDirectory { try? FileManager.default.removeItem(atPath: work) }
        return report
    }

    /// Starts the reader and the writers, waits for the writers' deadline, stops the reader.
    private func runThreads(root: String, shared: LoadShared, deadline: Date) throws -> Int {
        let writers = try (0 ..< options.writers).map { try LoadWriter(index: $0, tableRoot: root, shared: shared, options: options) }
        let reader = try LoadReader(tableRoot: root, shared: shared, seed: options.seed)
        let readerDone = DispatchGroup()
        start(readerDone) { reader.run() }
        let writersDone = DispatchGroup()
        for w in writers { start(writersDone) { w.run(until: deadline) } }
        writersDone.wait()
        shared.requestStop()
        readerDone.wait()
        return reader.checked
    }

    private func start(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let t = Thread {
            body()
            group.leave()
        }
        t.stackSize = 8 << 20
        t.start()
    }

    /// The final checks: the log file matches memory, rows match the model, versions are sound.
    private func verify(_ table: Table, shared: LoadShared, logPath: String?, into report: inout LoadReport) throws {
        var log = shared.acknowledged
        if let logPath {
            let fromFile = try LoadLogFile.read(path: logPath)
            guard fromFile.count == log.count else {
                throw HarnessFailure("seed \(options.seed): the log file \(logPath) has \(fromFile.count) operations, memory has \(log.count)")
            }
            log = fromFile
        }
        let model = try LoadModel(log: log)
        let d = try LoadChecker.diff(table, model: model)
        report.rows = d.rows
        report.rowsLost = d.lost.count
        report.rowsDuplicated = d.duplicated.count
        report.rowsWrong = d.wrong.count
        report.rowsUnexpected = d.unexpected.count
        guard d.isClean else {
            throw HarnessFailure("\(LoadChecker.failure(d, model: model, seed: options.seed).description) [work \(report.workDirectory)]")
        }
        let versions = try LoadChecker.checkVersions(table, sample: options.finalVersionSample, seed: options.seed)
        report.lastVersion = versions.last
        report.finalVersionsScanned = versions.scanned
        report.finalVersionsSampled = versions.sampled
        try LoadChecker.checkAcknowledgedVersions(table, log: log, seed: options.seed)
    }

    private func workDirectory() throws -> (String, Bool) {
        if let dir = options.workDirectory {
            let table = (dir as NSString).appendingPathComponent("table")
            if FileManager.default.fileExists(atPath: table) {
                throw TarnError(.invalidArgument, "the work directory \(dir) already holds a table; give an empty one")
            }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            return (dir, false)
        }
        return (try Peer.temporaryDirectory("tarn-load").path, true)
    }
}
