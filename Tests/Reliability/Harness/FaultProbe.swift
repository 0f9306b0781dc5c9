// FaultProbe: the fault checker on its own, for tests that prove it can fail: run one sweep
// operation on a given store, or check a store (prepared by hand) as the sweep checks a faulted run.
import TarnStorage
import TarnTable

/// Entry points to FaultCheck outside a sweep.
public enum FaultProbe {
    /// Runs `operation` (with the parameters the sweep uses for `fixture`) on `store`.
    public static func run(_ fixture: FaultFixture, _ operation: FaultOperation, store: MemoryStore) throws {
        try FaultStep(operation, fixture: fixture).run(Table(store: store))
    }

    /// Checks `store` as the outcome of `operation` on `fixture` that threw `error` (nil: success)
    /// under a failPut fault; throws the HarnessFailure the sweep would, or returns the outcome.
    @discardableResult
    public static func check(_ fixture: FaultFixture, _ operation: FaultOperation, store: MemoryStore,
                             error: (any Error)?) throws -> FaultOutcome {
        guard let spec = FaultSpec.all(seed: fixture.seed).first(where: { $0.kind == .failPut }) else {
            throw HarnessFailure("no failPut fault spec (seed \(fixture.seed))")
        }
        let run = FaultRun(fixture: fixture, step: FaultStep(operation, fixture: fixture), spec: spec, position: 0, store: store)
        let outcome = try run.check(error: error)
        try run.recover(after: outcome)
        return outcome
    }
}
