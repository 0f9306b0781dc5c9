// Transaction: commits a set of actions as the next table version with optimistic concurrency
// (spec/delta.md "Commits and conflicts"): the commit file is created with put-if-absent; a
// writer that loses the race reads the winning commits, checks them against Delta's conflict
// rules and retries at the next version, with bounded, jittered retries.
import Foundation
import TarnDelta

public struct CommitOutcome: Sendable {
    /// The version committed, or the existing version when an idempotent txn was already there.
    public let version: Int64
    /// False when nothing was committed because the txn (appId, version) was already committed.
    public let committed: Bool
    /// Conflict-free retries it took.
    public let retries: Int
}

public struct Transaction {
    public let table: Table
    public let readSnapshot: Snapshot?
    public var actions: [Action] = []
    public var operation: String
    public var operationParameters: [String: String] = [:]
    public var operationMetrics: [String: String] = [:]
    /// Only adds new files and read nothing: never conflicts with data changes.
    public var isBlindAppend = false
    /// Keys of files this transaction read or removed (conflict with winners that removed them).
    public var readFiles: Set<String> = []
    /// True when the transaction read the whole table (e.g. overwrite): winners' non-blind adds conflict.
    public var readWholeTable = false
    /// The condition the transaction read rows by (DELETE / UPDATE / MERGE): a winner's
    /// non-blind added file that may hold matching rows conflicts.
    public var readPredicate: TarnColumnar.Predicate?
    public var maxAttempts = 2000

    public init(table: Table, readSnapshot: Snapshot?, operation: String) {
        self.table = table
        self.readSnapshot = readSnapshot
        self.operation = operation
    }

    /// Commits; returns the version. Throws concurrentModification after a real conflict or
    /// when retries run out.
    public func commit() throws -> CommitOutcome {
        // Every commit path checks here too: a newer writer's features are never written to.
        if let s = readSnapshot { try TableFeatures.checkWrite(s.protocolAction, s.metadata, table: table.location) }
        var version = (readSnapshot?.version ?? -1) + 1
        var lastICT = readSnapshot?.state.commitInfo?.inCommitTimestamp
        var retries = 0
        var backoffMicros: UInt32 = 500
        for _ in 0 ..< maxAttempts {
            let bytes = ActionCodec.commitBytes([.commitInfo(commitInfo(ict: lastICT))] + actions)
            if try create(LogNames.commit(version), bytes) {
                return CommitOutcome(version: version, committed: true, retries: retries)
            }
            // Lost the race at `version`: check every winner up to the newest.
            let winners = try winningCommits(from: version)
            for (v, winner) in winners {
                if let outcome = try checkConflicts(winner, version: v) { return outcome }
                if let ict = winner.compactMap({ a -> Int64? in if case let .commitInfo(c) = a { return c.inCommitTimestamp }; return nil }).first {
                    lastICT = ict
                }
            }
            version = (winners.last?.0 ?? version) + 1
            retries += 1
            usleep(UInt32.random(in: 0 ... backoffMicros))
            backoffMicros = min(backoffMicros * 2, 50_000)
        }
        throw TarnError(.concurrentModification, "gave up after \(maxAttempts) attempts: other writers kept committing (last tried version \(version))",
                        table: table.location, version: version)
    }

    /// putIfAbsent of the commit file. When the store throws `.io` the bytes may still have landed
    /// (a failed fsync, a lost reply), and a caller that then deletes its data files would leave a
    /// committed version pointing at missing files; so the key is read back: our bytes (unique by
    /// txnId) mean the commit landed, other bytes that another writer won, none that it failed.
    private func create(_ key: String, _ bytes: [UInt8]) throws -> Bool {
        do {
            return try table.store.putIfAbsent(key, bytes)
        } catch let error as TarnError where error.code == .io {
            let stored: [UInt8]
            do { stored = try table.store.get(key) } catch let e as TarnError where e.code == .notFound { throw error }
            return stored == bytes
        }
    }

    private func winningCommits(from version: Int64) throws -> [(Int64, [Action])] {
        var out: [(Int64, [Action])] = []
        var v = version
        while true {
            let key = LogNames.commit(v)
            guard try table.store.exists(key) else { break }
            out.append((v, try ActionCodec.parseCommit(try table.store.get(key), file: key)))
            v += 1
        }
        return out
    }

    /// nil when the winner does not conflict; an outcome when it already did this txn's work.
    private func checkConflicts(_ winner: [Action], version: Int64) throws -> CommitOutcome? {
        let ours = Set(actions.compactMap { a -> String? in if case let .txn(t) = a { return t.appId }; return nil })
        let myDomains = Set(actions.compactMap { a -> String? in if case let .domainMetadata(d) = a { return d.domain }; return nil })
        func conflict(_ why: String) -> TarnError {
            TarnError(.concurrentModification, "a concurrent commit at version \(version) conflicts: \(why)", table: table.location, version: version)
        }
        let winnerBlind = winner.contains { if case let .commitInfo(c) = $0 { return c["isBlindAppend"]?.boolValue == true }; return false }
        // As Spark's WriteSerializable: a metadata change that read data conflicts with blind appends too (ADD CONSTRAINT).
        let changesMetadata = actions.contains { if case .metaData = $0 { return true }; return false }
        for a in winner {
            switch a {
            case .protocol: throw conflict("it changed the protocol")
            case .metaData: throw conflict("it changed the table metadata")
            case let .txn(t) where ours.contains(t.appId):
                if let mine = actions.compactMap({ x -> SetTransaction? in if case let .txn(y) = x, y.appId == t.appId { return y }; return nil }).first,
                   t.version >= mine.version {
                    return CommitOutcome(version: version, committed: false, retries: 0)
                }
                throw conflict("it committed transaction \(t.appId) version \(t.version)")
            case let .domainMetadata(d) where myDomains.contains(d.domain): throw conflict("it changed domain \(d.domain)")
            case let .remove(r) where !isBlindAppend && readFiles.contains(TableState.normalized(r.key).path):
                throw conflict("it removed \(LogPath.decode(r.path)), which this transaction read or removed")
            case let .add(x) where x.dataChange && (!winnerBlind || changesMetadata) && (readWholeTable || mayMatchReadPredicate(x)):
                throw conflict("it changed data this transaction read (added \(LogPath.decode(x.path)))")
            default: continue
            }
        }
        return nil
    }

    /// Whether an added file may hold rows matching `readPredicate` (by its statistics).
    private func mayMatchReadPredicate(_ add: AddFile) -> Bool {
        guard let readPredicate, let s = readSnapshot, let scan = try? Scan(snapshot: s, store: table.store) else { return false }
        return readPredicate.mayMatch { scan.statistics(add, column: $0) }
    }

    private func commitInfo(ict: Int64?) -> CommitInfo {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var m: [(String, JSONValue)] = [("timestamp", .int(now))]
        if let p = readSnapshot, TableProperties(p.configuration).inCommitTimestamps {
            m.insert(("inCommitTimestamp", .int(max(now, (ict ?? 0) + 1))), at: 0)
        }
        m.append(("operation", .string(operation)))
        m.append(("operationParameters", .object(operationParameters.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        if let r = readSnapshot { m.append(("readVersion", .int(r.version))) }
        m.append(("isolationLevel", .string(readSnapshot.map { TableProperties($0.configuration).isolationLevel } ?? "WriteSerializable")))
        m.append(("isBlindAppend", .bool(isBlindAppend)))
        m.append(("operationMetrics", .object(operationMetrics.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        m.append(("engineInfo", .string("Tarn/0.1.0")))
        m.append(("txnId", .string(UUID().uuidString.lowercased())))
        return CommitInfo(members: m)
    }
}
