// CrashChecker: the invariants checked on a table after every kill, read in-process through
// TarnTable / TarnDelta: whole commits, contiguous versions, rows equal to the reference model,
// time travel, readable checkpoints, and the data files the latest version does not reference.
import Foundation
import TarnCodecs
import TarnColumnar
import TarnTable

/// Checks a crash table against the harness's model. Every failure names `context`
/// (seed, step and kill) so it can be reproduced.
public struct CrashChecker {
    public let tablePath: String
    public let context: String

    public init(tablePath: String, context: String) {
        self.tablePath = tablePath
        self.context = context
    }

    func fail(_ what: String) -> HarnessFailure { HarnessFailure("crash \(context): \(what) (table \(tablePath))") }

    func store() throws -> LocalStore { try LocalStore.open(root: tablePath) }

    /// Every commit file parses completely and the versions are contiguous; returns the first
    /// and latest commit versions.
    @discardableResult
    public func checkLog() throws -> (first: Int64, latest: Int64) {
        let store = try store()
        let files = try store.list(prefix: LogNames.directory, startAfter: nil).compactMap(LogNames.parse)
        let commits = files.filter { $0.kind == .commit }.sorted { $0.version < $1.version }
        guard let first = commits.first, let last = commits.last else { throw fail("no commit file in _delta_log") }
        for c in commits {
            let bytes = try store.get(c.key)
            do {
                let actions = try ActionCodec.parseCommit(bytes, file: c.key)
                if actions.isEmpty { throw fail("commit \(c.key) holds no action") }
            } catch let e as TarnError {
                throw fail("torn or corrupt commit \(c.key): \(e)")
            }
            if bytes.last != 10 { throw fail("commit \(c.key) does not end in a newline (torn?)") }
        }
        let versions = commits.map(\.version)
        if versions != Array(first.version ... last.version) {
            throw fail("commit versions are not contiguous: \(versions)")
        }
        return (first.version, last.version)
    }

    /// The rows of `version` (latest when nil) read through a fresh Table, by id.
    public func rows(version: Int64? = nil) throws -> (version: Int64, rows: CrashRows) {
        let table: Table
        let snapshot: Snapshot
        do {
            table = try Table.open(path: tablePath)
            snapshot = try table.snapshot(version: version)
        } catch {
            throw fail("the table does not open at version \(version.map(String.init) ?? "latest"): \(error)")
        }
        var out: CrashRows = [:]
        do {
            for batch in try Scan(snapshot: snapshot, store: table.store).batches() {
                let names = batch.schema.fields.map { $0.name.lowercased() }
                for values in batch.rows {
                    let row = try crashRow(values, names: names)
                    if out[row.id] != nil { throw fail("version \(snapshot.version) holds id \(row.id) twice") }
                    out[row.id] = row
                }
            }
        } catch let e as HarnessFailure {
            throw e
        } catch {
            throw fail("version \(snapshot.version) does not scan: \(error)")
        }
        return (snapshot.version, out)
    }

    func crashRow(_ values: [Value], names: [String]) throws -> CrashRow {
        func value(_ name: String) -> Value? { names.firstIndex(of: name).flatMap { $0 < values.count ? values[$0] : nil } }
        guard case let .int(id)? = value("id"), case let .int(k)? = value("k"), case let .int(v)? = value("v"),
              case let .string(s)? = value("s")
        else { throw fail("a row does not have the crash schema: \(values)") }
        return CrashRow(id: id, k: k, v: v, s: s)
    }

    /// Throws unless `actual` equals `expected`, naming a few differing rows.
    public func expect(_ actual: CrashRows, equals expected: CrashRows, _ what: String) throws {
        guard actual != expected else { return }
        let missing = expected.keys.filter { actual[$0] != expected[$0] }.sorted().prefix(3)
        let extra = actual.keys.filter { expected[$0] == nil }.sorted().prefix(3)
        let detail = missing.map { "expected \(expected[$0].map(\.description) ?? "-") got \(actual[$0].map(\.description) ?? "nothing")" }
            + extra.map { "unexpected \(actual[$0].map(\.description) ?? "")" }
        throw fail("\(what): \(actual.count) rows, the model has \(expected.count); " + detail.joined(separator: "; "))
    }

    /// Every classic checkpoint in the log reads; returns whether `_last_checkpoint` (if present)
    /// points at a readable checkpoint. A bad hint is tolerated: the table must open without it,
    /// which `rows` checks with a fresh Table.
    public func checkCheckpoints() throws -> Bool {
        let store = try store()
        let files = try store.list(prefix: LogNames.directory, startAfter: nil).compactMap(LogNames.parse)
        for f in files where f.kind == .checkpoint {
            do {
                _ = try CheckpointReader.actions(parquet: try ParquetFile(source: try store.source(f.key)))
            } catch {
                throw fail("checkpoint \(f.key) does not read (torn?): \(error)")
            }
        }
        guard let hint = try? store.get(LogNames.lastCheckpoint) else { return true }
        guard let json = try? JSONParser.parse(hint), let v = json["version"]?.int64Value else { return false }
        return files.contains { $0.kind == .checkpoint && $0.version == v }
    }

    /// Data files (not hidden, outside `_delta_log`) that the latest version does not reference,
    /// and the hidden temporary files left in the table.
    public func unreferencedFiles() throws -> (orphans: [String], hidden: [String]) {
        let store = try store()
        let table = try Table.open(path: tablePath)
        let snapshot = try table.snapshot()
        var referenced = Set<String>()
        for f in snapshot.files {
            referenced.insert(LogPath.decode(f.path))
            if let dv = try f.deletionVector?.relativePath() { referenced.insert(dv) }
        }
        var orphans: [String] = [], hidden: [String] = []
        for meta in try store.list(prefix: "", startAfter: nil) where !meta.key.hasPrefix(LogNames.directory) {
            let isHidden = meta.key.split(separator: "/").contains { $0.hasPrefix(".") || $0.hasPrefix("_") }
            if isHidden { hidden.append(meta.key) } else if !referenced.contains(meta.key) { orphans.append(meta.key) }
        }
        return (orphans.sorted(), hidden.sorted())
    }
}
