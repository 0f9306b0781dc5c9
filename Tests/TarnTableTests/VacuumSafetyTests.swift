// VACUUM never deletes or follows anything outside the table root, whatever the log says (LocalStore,
// real temporary directories): `../outside`, absolute paths, URIs, percent-encoded `..`, `_delta_log`
// files, symbolic links pointing outside, deletion vectors stored outside are skipped and the outside
// files, links and log survive lite and full vacuum. A retained version naming a live file by an
// absolute path outside the root stops vacuum before anything is deleted; one under the root protects it.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct VacuumSafetyTests {
    /// dir/root is the table (v0 written, v1 overwrote it); dir/outside holds secret.parquet and
    /// dv.bin; dir/deletion_vector_<uuid>.bin sits beside the root; root/dirlink → outside,
    /// root/filelink → outside/secret.parquet, root/sub/deeplink → outside.
    final class Planted {
        let dir: URL
        let root: String, outside: String, besideDV: String
        let uuid: [UInt8] = Array(0 ..< 16)
        let table: Table
        let removedKey: String

        init() throws {
            dir = try Peer.temporaryDirectory("tarn-vacuum-safety")
            root = dir.appendingPathComponent("root").path
            outside = dir.appendingPathComponent("outside").path
            besideDV = dir.appendingPathComponent(DeletionVectorDescriptor.fileName(uuid: uuid)).path
            let fm = FileManager.default
            try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
            for f in [outside + "/secret.parquet", outside + "/dv.bin", besideDV] {
                #expect(fm.createFile(atPath: f, contents: Data("SECRET".utf8)))
            }
            table = Table(store: try LocalStore.open(root: root))
            _ = try table.write([try T.batch([T.row(1)])])
            _ = try table.write([try T.batch([T.row(2)])], options: WriteOptions(mode: .overwrite))
            removedKey = LogPath.decode(try #require(try table.snapshot(version: 0).files.first).path)
            #expect(symlink(outside, root + "/dirlink") == 0)
            #expect(symlink(outside + "/secret.parquet", root + "/filelink") == 0)
            #expect(symlink(outside, root + "/sub/deeplink") == 0)
        }

        deinit { try? FileManager.default.removeItem(at: dir) }

        /// The bad paths a hostile or broken log may name, as written in the log.
        var hostilePaths: [String] {
            ["../outside/secret.parquet", outside + "/secret.parquet", "file://" + outside + "/secret.parquet",
             "file:" + outside + "/secret.parquet", "%2E%2E/outside/secret.parquet", "a%2F..%2F..%2Foutside%2Fsecret.parquet",
             "%2F..%2Foutside%2Fsecret.parquet", "s3://bucket/outside/secret.parquet", "_delta_log/00000000000000000000.json",
             "_delta_log/../../outside/secret.parquet", "dirlink/secret.parquet", "filelink", "sub/deeplink/secret.parquet"]
        }

        /// Commits removes of every hostile path, and of a missing file with deletion vectors stored outside.
        func commitHostileRemoves() throws {
            var tx = Transaction(table: table, readSnapshot: try table.snapshot(), operation: "DELETE")
            tx.actions = hostilePaths.map { .remove(RemoveFile(path: $0, deletionTimestamp: 1, dataChange: true)) }
            let escaping = try DeletionVectorDescriptor.relative(uuid: uuid, prefix: "..", offset: 1, sizeInBytes: 10, cardinality: 1)
            let absolute = DeletionVectorDescriptor(storageType: .absolutePath, pathOrInlineDv: "file://" + outside + "/dv.bin",
                                                    offset: 1, sizeInBytes: 10, cardinality: 1)
            for dv in [escaping, absolute] {
                tx.actions.append(.remove(RemoveFile(path: "gone.parquet", deletionTimestamp: 1, dataChange: true, deletionVector: dv)))
            }
            _ = try tx.commit()
        }

        func outsideIntact() throws {
            for f in [outside + "/secret.parquet", outside + "/dv.bin", besideDV] {
                #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: f)), as: UTF8.self) == "SECRET", "\(f)")
            }
            for link in ["dirlink", "filelink", "sub/deeplink"] {
                #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/" + link)) != nil, "link \(link) is gone")
            }
        }

        func logNames() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: root + "/_delta_log").sorted() }

        func options(_ mode: VacuumMode) -> VacuumOptions {
            var o = VacuumOptions(retentionHours: 0, mode: mode, force: true)
            o.nowMillis = Int64(Date().timeIntervalSince1970 * 1000) + 60_000
            return o
        }
    }

    @Test(arguments: [VacuumMode.lite, .full])
    func hostileLogPathsAreSkippedAndNothingOutsideIsTouched(mode: VacuumMode) throws {
        let p = try Planted()
        try p.commitHostileRemoves()
        let logBefore = try p.logNames()
        let r = try p.table.vacuum(p.options(mode))
        #expect(r.files.map(\.key) == [p.removedKey], "\(r.files.map(\.key))")
        let skipped = Dictionary(r.skipped.map { ($0.path, $0.reason) }, uniquingKeysWith: { a, _ in a })
        for path in p.hostilePaths {
            #expect(skipped[LogPath.decode(path)] != nil, "\(mode): '\(path)' was not reported as skipped: \(r.skipped)")
        }
        #expect(skipped["filelink"]?.contains("symbolic link") == true && skipped["dirlink/secret.parquet"]?.contains("symbolic link") == true)
        #expect(skipped["_delta_log/00000000000000000000.json"]?.contains("_delta_log") == true)
        #expect(skipped["../" + DeletionVectorDescriptor.fileName(uuid: p.uuid)] != nil, "\(r.skipped)")
        #expect(skipped["file://" + p.outside + "/dv.bin"] != nil, "\(r.skipped)")
        try p.outsideIntact()
        #expect(Set(try p.logNames()).isSuperset(of: logBefore))
        #expect(!FileManager.default.fileExists(atPath: p.root + "/" + p.removedKey))
        #expect(try T.rows(p.table, version: 2) == [T.row(2)])
    }

    @Test func aLiveFileNamedByAnAbsolutePathOutsideTheRootStopsVacuum() throws {
        for path in ["/elsewhere/part-0.parquet", "s3://bucket/table/part-0.parquet"] {
            let p = try Planted()
            var tx = Transaction(table: p.table, readSnapshot: try p.table.snapshot(), operation: "WRITE")
            tx.actions = [.add(AddFile(path: path, partitionValues: [:], size: 10, modificationTime: 1, dataChange: true))]
            _ = try tx.commit()
            let e = expectTarnCode(.unsupportedFeature) { try p.table.vacuum(p.options(.full)) }
            #expect(e?.message.contains(LogPath.decode(path)) == true, "\(String(describing: e))")
            #expect(try p.table.snapshot().version == 2, "a commit was made")
            #expect(FileManager.default.fileExists(atPath: p.root + "/" + p.removedKey), "a file was deleted")
        }
    }

    @Test(arguments: [VacuumMode.lite, .full])
    func aLiveFileSpelledAsAnAbsolutePathUnderTheRootIsProtected(mode: VacuumMode) throws {
        let p = try Planted()
        // Version 2 re-adds the file version 1 removed, spelled as a file: URI under the root.
        var tx = Transaction(table: p.table, readSnapshot: try p.table.snapshot(), operation: "RESTORE")
        let old = try #require(try p.table.snapshot(version: 0).files.first)
        var again = old
        again.path = "file://" + p.root + "/" + LogPath.encode(p.removedKey)
        tx.actions = [.add(again)]
        _ = try tx.commit()
        let r = try p.table.vacuum(p.options(mode))
        #expect(r.files.isEmpty, "\(r.files)")
        #expect(FileManager.default.fileExists(atPath: p.root + "/" + p.removedKey))
    }
}
