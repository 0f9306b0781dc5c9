// Durability (issue 7 item 5, spec/reliability.md): with a durable LocalStore (the default, and
// what every `tarn` command uses except `bench write --no-fsync`) a write returns only after each
// data file and the commit are fsynced, with their directories; a non-durable store syncs nothing.
// Counted by the store's own fsync counters.
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct DurabilityTests {
    static func partitionedWrite(durable: Bool) throws -> (LocalStore, files: Int) {
        let dir = try Peer.temporaryDirectory("tarn-durability")
        let store = try LocalStore.open(root: dir.path, durable: durable)
        let table = Table(store: store)
        var options = WriteOptions()
        options.partitionBy = ["cat"]
        _ = try table.write([try T.batch([T.row(1, cat: "a"), T.row(2, cat: "b"), T.row(3, cat: "c")])], options: options)
        let files = try table.snapshot().files.count
        try? FileManager.default.removeItem(at: dir)
        return (store, files)
    }

    @Test func aDurableWriteSyncsEveryDataFileAndTheCommit() throws {
        let (store, files) = try Self.partitionedWrite(durable: true)
        #expect(files == 3)
        // One fsync per data file and one for the commit; each partition directory is synced
        // after it is created and after its file is linked in, and so is _delta_log.
        #expect(store.syncedFiles == files + 1, "synced \(store.syncedFiles) files")
        #expect(store.syncedDirectories >= files + 1, "synced \(store.syncedDirectories) directories")
    }

    @Test func aNonDurableStoreSyncsNothing() throws {
        let (store, files) = try Self.partitionedWrite(durable: false)
        #expect(files == 3)
        #expect(store.syncedFiles == 0 && store.syncedDirectories == 0)
    }

    @Test func theCLIOpensDurableStores() throws {
        // Table.open(path:) is what every table command uses.
        let dir = try Peer.temporaryDirectory("tarn-durability-open")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Table(store: try LocalStore.open(root: dir.path)).write([try T.batch([T.row(1)])])
        let table = try Table.open(path: dir.path)
        let store = try #require(table.store as? LocalStore)
        #expect(store.durable)
    }
}
