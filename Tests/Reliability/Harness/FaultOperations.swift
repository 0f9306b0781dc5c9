// FaultOperations: the operations the fault sweep runs under injected faults, each with its
// seeded parameters, the call into the engine, and its effect on the reference model. The
// pipeline stage is not here: TarnPipeline opens tables by file path (LocalStore) and takes no
// ObjectStore, so it cannot run on a MemoryStore with faults.
import TarnColumnar
import TarnStorage
import TarnTable
import TarnTestSupport

/// An operation of the sweep.
public enum FaultOperation: String, CaseIterable, Sendable {
    case append, overwrite, replaceWhere, delete, update, merge, mergeDV, deleteDV, updateDV
    case restore, optimize, zOrder, vacuumLite, vacuumFull, checkpoint, addConstraint

    /// Whether the operation runs on the deletion-vector table.
    public var deletionVectors: Bool { self == .mergeDV || self == .deleteDV || self == .updateDV }

    /// Whether the operation deletes data files (so versions before it may become unreadable).
    var vacuums: Bool { self == .vacuumLite || self == .vacuumFull }
}

/// One operation with its parameters, fixed by the seed so that every run of a sweep (dry run,
/// faulted runs, recovery) does exactly the same thing.
struct FaultStep: Sendable {
    let operation: FaultOperation
    let rows: [FaultRow]
    let cat: String
    let modulus: Int64

    init(_ operation: FaultOperation, fixture: FaultFixture) {
        var rng = SeededRandom(seed: fixture.seed &* 31 &+ UInt64(FaultOperation.allCases.firstIndex(of: operation) ?? 0))
        self.operation = operation
        cat = FaultFixture.cats[Int(rng.next() % 3)]
        let modulus = Int64(2 + rng.next() % 3)
        self.modulus = modulus
        let fresh = 3 + Int(rng.next() % 5)
        switch operation {
        case .replaceWhere:
            rows = FaultFixture.randomRows(count: fresh, from: fixture.nextId, cat: cat, using: &rng)
        case .merge, .mergeDV:
            let existing = fixture.latest.rows.sorted { $0.id < $1.id }.filter { $0.id % modulus == 0 }
            let updates = existing.map { FaultRow(id: $0.id, cat: $0.cat, amount: $0.amount + 1000) }
            rows = updates + FaultFixture.randomRows(count: fresh, from: fixture.nextId, using: &rng)
        default:
            rows = FaultFixture.randomRows(count: fresh, from: fixture.nextId, using: &rng)
        }
    }

    var condition: String { "cat = '\(cat)' AND id % \(modulus) = 0" }
    var vacuumNow: Int64 { 4_000_000_000_000 }

    /// Runs the operation on `table`.
    func run(_ table: Table) throws {
        let schema = FaultFixture.schema
        switch operation {
        case .append:
            _ = try table.write([try FaultFixture.batch(rows)])
        case .overwrite:
            _ = try table.write([try FaultFixture.batch(rows)], options: WriteOptions(mode: .overwrite))
        case .replaceWhere:
            var options = WriteOptions(mode: .overwrite)
            options.replaceWhere = try RowCondition.parse("cat = '\(cat)'", schema: schema)
            _ = try table.write([try FaultFixture.batch(rows)], options: options)
        case .delete, .deleteDV:
            _ = try table.delete(where: try RowCondition.parse(condition, schema: schema))
        case .update, .updateDV:
            _ = try table.update(set: "amount = amount + 1", where: try RowCondition.parse(condition, schema: schema))
        case .merge, .mergeDV:
            _ = try table.merge(source: [try FaultFixture.batch(rows)], on: "target.id = source.id",
                                clauses: [.matchedUpdate(set: "amount = source.amount"), .notMatchedInsert()])
        case .restore:
            _ = try table.restore(toVersion: 1)
        case .optimize, .zOrder:
            var options = OptimizeOptions()
            if operation == .zOrder { options.zOrderBy = ["id", "amount"] }
            _ = try table.optimize(options)
        case .vacuumLite, .vacuumFull:
            _ = try table.vacuum(Self.vacuumOptions(operation == .vacuumFull ? .full : .lite, now: vacuumNow))
        case .checkpoint:
            try Checkpoints.write(table, try table.snapshot())
        case .addConstraint:
            _ = try table.addConstraint(name: "amount_nonneg", expression: "amount >= 0")
        }
    }

    /// Zero retention (forced), evaluated at `now`: every unreferenced file is old enough.
    static func vacuumOptions(_ mode: VacuumMode, now: Int64) -> VacuumOptions {
        var options = VacuumOptions(retentionHours: 0, mode: mode, force: true)
        options.nowMillis = now
        return options
    }

    /// The model after the operation, from the model of the starting table.
    func apply(to fixture: FaultFixture) -> FaultModel {
        var model = fixture.latest
        switch operation {
        case .append:
            model.rows.formUnion(rows)
        case .overwrite:
            model.rows = Set(rows)
        case .replaceWhere:
            model.rows = model.rows.filter { $0.cat != cat }.union(rows)
        case .delete, .deleteDV:
            model.rows = model.rows.filter { !matches($0) }
        case .update, .updateDV:
            model.rows = Set(model.rows.map { matches($0) ? FaultRow(id: $0.id, cat: $0.cat, amount: $0.amount + 1) : $0 })
        case .merge, .mergeDV:
            let byId = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let kept = model.rows.filter { byId[$0.id] == nil }
            model.rows = kept.union(rows)
        case .restore:
            model = fixture.versions[1] ?? model
        case .addConstraint:
            model.constraints.insert("amount_nonneg")
        case .optimize, .zOrder, .vacuumLite, .vacuumFull, .checkpoint:
            break
        }
        return model
    }

    private func matches(_ row: FaultRow) -> Bool { row.cat == cat && row.id % modulus == 0 }
}
