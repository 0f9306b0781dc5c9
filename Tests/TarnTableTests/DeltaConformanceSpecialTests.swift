// The "special" golden cases of MANIFEST.tsv, each checking what its note says, and the exact
// errors of the "negative" cases.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct DeltaConformanceSpecialTests {
    static func state(_ name: String) throws -> (LogSegment, TableState) {
        try Golden.open(GoldenCase(name: name, kind: "special", note: "").table).replayState()
    }

    static func paths(_ s: TableState) -> [String] { s.files.values.map { LogPath.decode($0.path) }.sorted() }

    @Test(arguments: ["canonicalized-paths-normal-a", "canonicalized-paths-normal-b", "canonicalized-paths-special-a", "canonicalized-paths-special-b"])
    func canonicalizedPathsAreOneFile(_ name: String) throws {
        let (segment, state) = try Self.state(name)
        #expect(segment.version == 1)
        #expect(state.files.isEmpty, "\(name): \(Self.paths(state))")
    }

    @Test func checkpointCase() throws {
        let (segment, state) = try Self.state("checkpoint")
        #expect(segment.version == 14)
        #expect(state.files.count == 1)
        #expect(segment.checkpointVersion != nil)
    }

    @Test func absolutePathsEscapedChars() throws {
        let (_, state) = try Self.state("data-reader-absolute-paths-escaped-chars")
        let paths = Self.paths(state)
        #expect(paths.contains("bar-bar.snappy.parquet"))
        #expect(paths.contains { $0.hasPrefix("..//") })
        #expect(paths.count == 2)
        // The path that leaves the table root is never resolved to a key.
        #expect(throws: TarnError.self) { try ObjectKey.validate(paths.first { $0.hasPrefix("..") } ?? "") }
    }

    @Test func deleteReAddSameFile() throws {
        let (_, state) = try Self.state("delete-re-add-same-file-different-transactions")
        #expect(Self.paths(state) == ["bar", "foo"])
        #expect(state.files.values.first { $0.path == "foo" }?.modificationTime == 1_700_000_000_000)
    }

    @Test func commitInfoInHistory() throws {
        let table = try Golden.open(GoldenCase(name: "deltalog-commit-info", kind: "special", note: "").table)
        let entry = try #require(try table.history().first { $0.version == 0 })
        let info = try #require(entry.commitInfo)
        #expect(info.operation == "WRITE")
        #expect(info["userName"]?.stringValue == "username_0")
        #expect(info["userMetadata"]?.stringValue == "foo")
        #expect(info["job"]?["jobName"]?.stringValue == "job_name_0")
        #expect(info["operationParameters"]?["test"]?.stringValue == "test")
    }

    @Test func hiveTables() throws {
        let root = Peer.conformanceRoot.appendingPathComponent("hive/delta")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        #expect(names.contains("deltatbl-incorrect-format-config") && names.contains("deltatbl-deleted-path"))
        for name in names {
            do {
                let table = try Table.open(path: root.appendingPathComponent(name).path)
                let s = try table.snapshot()
                let rows = try Scan(snapshot: s, store: table.store).batches().reduce(0) { $0 + $1.count }
                print("hive/\(name): version \(s.version), \(s.files.count) files, \(rows) rows")
            } catch let e as TarnError {
                // What a user sees: a specific error naming the table and the missing file.
                #expect(e.code == .notFound || e.code == .corruption, "\(name): \(e)")
                #expect(e.table != nil || e.file != nil, "\(name): \(e)")
                print("hive/\(name): \(e)")
            }
        }
    }

    @Test func specialCharactersInPath() throws {
        let (_, state) = try Self.state("log-replay-special-characters-b")
        #expect(Self.paths(state) == ["special p@#h"])
    }

    @Test func updateDeletedDirectory() throws {
        let (segment, state) = try Self.state("update-deleted-directory")
        #expect(segment.checkpointVersion == 0)
        let table = try Golden.open(GoldenCase(name: "update-deleted-directory", kind: "special", note: "").table)
        let commit = try ActionCodec.parseCommit(try table.store.get(LogNames.commit(0)), file: "0.json")
        let added = commit.compactMap { a -> String? in if case let .add(x) = a { return LogPath.decode(x.path) }; return nil }
        #expect(Set(Self.paths(state)) == Set(added))
        #expect(!added.isEmpty)
    }

    @Test(arguments: [
        ("deltalog-invalid-protocol-version", TarnError.Code.unsupportedFeature, "reader version"),
        ("deltalog-state-reconstruction-from-checkpoint-missing-metadata", .corruption, "no metaData"),
        ("deltalog-state-reconstruction-from-checkpoint-missing-protocol", .corruption, "no protocol"),
        ("deltalog-state-reconstruction-without-metadata", .corruption, "no metaData"),
        ("deltalog-state-reconstruction-without-protocol", .corruption, "no protocol"),
        ("no-delta-log-folder", .notFound, "not a Delta table"),
        ("versions-not-contiguous", .corruption, "not contiguous"),
    ])
    func negativeErrors(_ name: String, _ code: TarnError.Code, _ text: String) throws {
        do {
            _ = try Golden.open(GoldenCase(name: name, kind: "negative", note: "").table).snapshot()
            Issue.record("\(name) opened")
        } catch let e as TarnError {
            #expect(e.code == code, "\(name): \(e)")
            #expect(e.message.contains(text), "\(name): \(e)")
        }
    }
}
