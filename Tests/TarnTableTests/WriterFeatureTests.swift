// A table written by a newer writer (issue 7 item 4): when the protocol names a writer feature Tarn
// does not know, every operation that would commit or change stored files refuses with
// `.unsupportedFeature` naming the feature, and the log and the data files stay exactly as they were.
// Reading the table still works (the feature is a writer feature only).
import Foundation
import Testing
import TarnTable
import TarnTestSupport

@Suite struct WriterFeatureTests {
    /// Every operation that writes: commits, checkpoints and deletions.
    static let writingOperations = ownWritingOperations + T.dataOperations
    static let ownWritingOperations: [T.Operation] = [
        ("append", { t in _ = try t.write([try T.batch([T.row(9)])]) }),
        ("overwrite", { t in _ = try t.write([try T.batch([T.row(9)])], options: WriteOptions(mode: .overwrite)) }),
        ("vacuum", { t in _ = try t.vacuum(VacuumOptions(retentionHours: 0, mode: .full, force: true)) }),
        ("restore", { t in _ = try t.restore(toVersion: 0) }),
        ("add constraint", { t in _ = try t.addConstraint(name: "positive", expression: "id > 0") }),
        ("checkpoint", { t in try Checkpoints.write(t, try t.snapshot()) }),
        ("record transaction", { t in _ = try t.recordTransaction(appId: "loader", version: 1) }),
    ]

    /// Version 0 and 1 hold rows 1 and 2 in two files, version 2 removes row 1's file, and
    /// version 3 upgrades the protocol to (1, 7) with the writer feature `tarnFutureFeature`.
    static func futureTable() throws -> (Table, URL) {
        let (table, dir) = try T.localTable()
        _ = try table.write([try T.batch([T.row(1)])])
        _ = try table.write([try T.batch([T.row(2)])])
        _ = try table.delete(where: T.equals("id", .int(1)))
        var tx = Transaction(table: table, readSnapshot: try table.snapshot(), operation: "UPGRADE PROTOCOL")
        tx.actions = [.protocol(ProtocolAction(minReaderVersion: 1, minWriterVersion: 7,
                                               writerFeatures: ["appendOnly", "invariants", "tarnFutureFeature"]))]
        _ = try tx.commit()
        return (table, dir)
    }

    /// Every file under the table directory with its size (the log and data files).
    static func files(_ dir: URL) throws -> [String: Int] {
        var out: [String: Int] = [:]
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: dir.path) else { return out }
        for case let name as String in walker {
            let attributes = try fm.attributesOfItem(atPath: dir.path + "/" + name)
            if attributes[.type] as? FileAttributeType == .typeRegular { out[name] = attributes[.size] as? Int ?? -1 }
        }
        return out
    }

    @Test func everyWriteRefusesAndChangesNothing() throws {
        for (name, operation) in Self.writingOperations {
            let (table, dir) = try Self.futureTable()
            defer { try? FileManager.default.removeItem(at: dir) }
            let before = try Self.files(dir)
            let error = expectTarnCode(.unsupportedFeature) { try operation(table) }
            #expect(error?.message.contains("tarnFutureFeature") == true, "\(name): \(String(describing: error))")
            #expect(try Self.files(dir) == before, "\(name) changed the table's files")
        }
    }

    @Test func theTableStillReads() throws {
        let (table, dir) = try Self.futureTable()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try T.rows(table) == [T.row(2)])
        #expect(try T.rows(table, version: 1) == T.sorted([T.row(1), T.row(2)]))
    }
}
