// Path security beyond VACUUM (issue 7 item 4): a log whose live files or deletion vectors name a
// path outside the table root (`..`, absolute paths and URIs, percent-encoded separators, links in
// the table directory) makes every operation that reads data fail with a typed error: no rows from
// outside appear, and nothing outside the root is read into the table, changed or created.
// The outside files are valid data (a copy of a real data file), so following them would succeed.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct PathSecurityTests {
    /// dir/root: version 0 holds row 1; dir/outside/secret.parquet holds row 666 (a real data file).
    final class Planted {
        let dir: URL
        let root: String, outside: String
        let table: Table
        let inside: AddFile

        init() throws {
            dir = try Peer.temporaryDirectory("tarn-path-security")
            root = dir.appendingPathComponent("root").path
            outside = dir.appendingPathComponent("outside").path
            let fm = FileManager.default
            try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
            table = Table(store: try LocalStore.open(root: root))
            _ = try table.write([try T.batch([T.row(1)])])
            inside = try #require(try table.snapshot().files.first)
            // A real data file holding row 666, moved outside the root.
            let donor = Table(store: try LocalStore.create(root: dir.appendingPathComponent("donor").path))
            _ = try donor.write([try T.batch([T.row(666)])])
            let donorFile = try #require(try donor.snapshot().files.first)
            try fm.copyItem(atPath: dir.appendingPathComponent("donor").path + "/" + LogPath.decode(donorFile.path),
                            toPath: outside + "/secret.parquet")
            #expect(symlink(outside, root + "/dirlink") == 0)
            #expect(symlink(outside + "/secret.parquet", root + "/filelink") == 0)
        }

        deinit { try? FileManager.default.removeItem(at: dir) }

        /// Paths a hostile or broken log may give a live file, as written in the log.
        var hostilePaths: [String] {
            ["../outside/secret.parquet", outside + "/secret.parquet", "file://" + outside + "/secret.parquet",
             "file:" + outside + "/secret.parquet", "%2E%2E/outside/secret.parquet", "a%2F..%2F..%2Foutside%2Fsecret.parquet",
             "_delta_log/../../outside/secret.parquet", "dirlink/secret.parquet", "filelink"]
        }

        /// Commits an add of `path` (with the size of the real file) as version 1.
        func addLiveFile(_ path: String, deletionVector: DeletionVectorDescriptor? = nil) throws {
            var tx = Transaction(table: table, readSnapshot: try table.snapshot(), operation: "WRITE")
            var add = inside
            add.path = path
            add.deletionVector = deletionVector
            if let size = try? FileManager.default.attributesOfItem(atPath: outside + "/secret.parquet")[.size] as? Int {
                add.size = Int64(size)
            }
            tx.actions = [.add(add)]
            _ = try tx.commit()
        }

        /// Names and contents of everything under `outside`, to compare before and after.
        func outsideState() throws -> [String: Data] {
            var state: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: outside) {
                state[name] = try Data(contentsOf: URL(fileURLWithPath: outside + "/" + name))
            }
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) { state["dir/" + name] = Data() }
            return state
        }
    }

    /// Every operation that reads the table's data files.
    static let readingOperations = ownReadingOperations + T.dataOperations
    static let ownReadingOperations: [T.Operation] = [
        ("scan", { t in _ = try T.rows(t) }),
        ("changes", { t in try t.changes(fromVersion: 1).read { _ in } }),
        ("add constraint", { t in _ = try t.addConstraint(name: "positive", expression: "id > 0") }),
    ]

    @Test(arguments: 0 ..< 9)
    func aLiveFileOutsideTheRootIsNeverRead(pathIndex: Int) throws {
        let p = try Planted()
        let path = p.hostilePaths[pathIndex]
        try p.addLiveFile(path)
        let before = try p.outsideState()
        for (name, operation) in Self.readingOperations {
            let version = try p.table.snapshot().version
            do {
                try operation(p.table)
                Issue.record("\(name) succeeded on a table whose live file is '\(path)'")
            } catch let e as TarnError {
                #expect([.invalidArgument, .unsupportedFeature, .notFound, .corruption].contains(e.code), "\(name) on '\(path)': \(e)")
            }
            #expect(try p.table.snapshot().version == version, "\(name) on '\(path)' committed")
        }
        #expect(try p.outsideState() == before, "something outside the root changed for '\(path)'")
    }

    @Test func aDeletionVectorOutsideTheRootIsNeverRead() throws {
        let p = try Planted()
        try Data([0, 1, 2, 3]).write(to: URL(fileURLWithPath: p.outside + "/dv.bin"))
        let absolute = DeletionVectorDescriptor(storageType: .absolutePath, pathOrInlineDv: "file://" + p.outside + "/dv.bin",
                                                offset: 1, sizeInBytes: 3, cardinality: 1)
        let escaping = try DeletionVectorDescriptor.relative(uuid: Array(0 ..< 16), prefix: "..", offset: 1, sizeInBytes: 3, cardinality: 1)
        for dv in [absolute, escaping] {
            var tx = Transaction(table: p.table, readSnapshot: try p.table.snapshot(), operation: "DELETE")
            var add = p.inside
            add.deletionVector = dv
            tx.actions = [.remove(RemoveFile(removing: p.inside, at: 1, dataChange: true)), .add(add)]
            _ = try tx.commit()
            for (name, operation) in Self.readingOperations where name != "changes" {
                let version = try p.table.snapshot().version
                do {
                    try operation(p.table)
                    Issue.record("\(name) succeeded on a table whose deletion vector is \(dv.pathOrInlineDv)")
                } catch let e as TarnError {
                    #expect([.invalidArgument, .unsupportedFeature].contains(e.code), "\(name): \(e)")
                }
                #expect(try p.table.snapshot().version == version, "\(name) committed")
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: p.outside + "/dv.bin")) == Data([0, 1, 2, 3]))
    }

    /// Partition values become directory names: hostile values stay one escaped segment under the
    /// root and read back unchanged.
    @Test func hostilePartitionValuesStayInsideTheRoot() throws {
        let dir = try Peer.temporaryDirectory("tarn-partition-security")
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = dir.appendingPathComponent("root").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let table = Table(store: try LocalStore.open(root: root))
        let values = ["../../evil", "/abs/evil", "a/b", "..", ".", "%2E%2E%2Fevil", "x=y", "_delta_log", "\\..\\evil", "é/../ü"]
        let rows = values.enumerated().map { i, v in T.row(Int64(i), cat: v) }
        _ = try table.write([try T.batch(rows)], options: { var o = WriteOptions(); o.partitionBy = ["cat"]; return o }())
        #expect(try T.rows(table) == T.sorted(rows))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["root"], "a file was written beside the root")
        let log = try FileManager.default.contentsOfDirectory(atPath: root + "/_delta_log")
        #expect(log.allSatisfy { $0.hasSuffix(".json") || $0.hasSuffix(".crc") }, "\(log)")
        for add in try table.snapshot().files {
            #expect(!LogPath.decode(add.path).split(separator: "/").contains { $0 == ".." || $0 == "." }, "\(add.path)")
        }
    }
}
