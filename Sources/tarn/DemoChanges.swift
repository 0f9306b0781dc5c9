// `tarn demo`, row-level changes: a table with deletion vectors and the change data feed gets a
// privacy DELETE, a late-correction UPDATE, a MERGE upsert, a refused constraint violation and a
// bad load undone by RESTORE; the change feed then summarises what happened, version by version.
import Foundation
import TarnStorage
import TarnTable

extension Demo {
    func rowLevelChanges(_ batches: [RecordBatch]) throws {
        let path = "\(dir)/events_changes"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let table = Table(store: try LocalStore.open(root: path))
        var options = WriteOptions()
        options.properties = ["delta.enableDeletionVectors": "true", "delta.enableChangeDataFeed": "true"]
        let created = try table.write(batches, options: options)
        say("\nRow-level changes on \(path) (deletion vectors and change data feed on):\n")
        say("  v\(created.version): \(created.rowsWritten) rows in \(created.filesAdded) files\n")
        let schema = try table.snapshot().schema
        let privacy = try table.delete(where: try RowCondition.parse("customer_id = 42", schema: schema))
        say("  v\(privacy.version) DELETE customer_id = 42: \(privacy.rowsDeleted) rows, \(privacy.deletionVectorsAdded) deletion vectors, "
            + "\(privacy.filesAdded) data files rewritten\n")
        let late = try table.update(set: "amount = amount + 1", where: try RowCondition.parse("event_date = DATE '2024-01-03' AND category = 'books'", schema: schema))
        say("  v\(late.version) UPDATE amount = amount + 1 for books on 2024-01-03: \(late.rowsUpdated) rows\n")
        let upsert = try table.merge(source: [try upsertSource(batches)], on: "target.id = source.id",
                                     clauses: [.matchedUpdate(set: "amount = source.amount, note = source.note"), .notMatchedInsert()])
        say("  v\(upsert.version) MERGE of \(upsert.metrics["numSourceRows"] ?? "?") rows: \(upsert.rowsUpdated) updated, \(upsert.rowsInserted) inserted\n")
        let check = try table.addConstraint(name: "amount_not_negative", expression: "amount >= 0")
        say("  v\(check) ADD CONSTRAINT amount_not_negative CHECK (amount >= 0)\n")
        do {
            _ = try table.update(set: "amount = -1", where: try RowCondition.parse("id = 7", schema: schema))
            throw TarnError(.corruption, "the constraint did not refuse a negative amount")
        } catch let e as TarnError where e.code == .constraintViolation {
            say("  refused: \(e.message.prefix(100))…\n")
        }
        let good = try table.snapshot().version
        let bad = try table.write([batches[0]])
        let restored = try table.restore(toVersion: good)
        say("  v\(bad.version) a bad load of \(bad.rowsWritten) duplicate rows; v\(restored.version) RESTORE to v\(good)\n")
        var counts: [Int64: [String: Int]] = [:]
        try table.changes(fromVersion: privacy.version).read { batch in
            guard let type = batch.column(named: "_change_type"), let version = batch.column(named: "_commit_version") else { return }
            for i in 0 ..< batch.count {
                if case let .string(t) = type.value(at: i), case let .int(v) = version.value(at: i) { counts[v, default: [:]][t, default: 0] += 1 }
            }
        }
        say("  change feed: " + counts.keys.sorted().map { v in
            "v\(v) " + (counts[v] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }.joined(separator: "; ") + "\n")
        let expected = created.rowsWritten - privacy.rowsDeleted + upsert.rowsInserted
        let rows = try Scan(snapshot: try table.snapshot(), store: table.store, columns: ["id"]).batches().reduce(0) { $0 + $1.count }
        guard rows == expected else {
            throw TarnError(.corruption, "the table has \(rows) rows after the changes; expected \(expected)", table: path)
        }
        say("  \(rows) rows at v\(restored.version), as expected\n")
    }

    /// 1,000 rows: ids of 100 existing rows with new amounts, and 900 new ids.
    private func upsertSource(_ batches: [RecordBatch]) throws -> RecordBatch {
        let existing = batches[0].take((0 ..< Int32(min(100, batches[0].count))).map { $0 })
        var columns = existing.columns
        columns[5] = try Column.repeating(.double(99.5), type: .double, count: existing.count)
        let updated = RecordBatch(schema: existing.schema, columns: columns, count: existing.count)
        var generator = EventsGenerator(seed: 77)
        let fresh = generator.batches(rows: 900)
        let offset = Int64(rows) + 1
        let shifted = fresh.map { b -> RecordBatch in
            var cols = b.columns
            if case let .int64(ids) = b.columns[0].storage {
                cols[0] = Column(type: .long, count: b.count, validity: nil, storage: .int64(ids.map { $0 + offset }))
            }
            return RecordBatch(schema: b.schema, columns: cols, count: b.count)
        }
        return try RecordBatch.concatenate([updated] + shifted, schema: existing.schema)
    }
}
