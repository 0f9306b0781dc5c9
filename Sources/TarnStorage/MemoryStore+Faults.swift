// MemoryStore+Faults: fault injection for tests (issue 7 item 2, spec/storage.md "Faults").
// Owns the Fault kinds, the key matcher, arming (`inject(_:times:)`), consumption as faults
// fire, and the statistics of fired faults. A fault fires on the next matching operation where
// it changes the outcome (an "opportunity"), or on the (n+1)-th with `inject(_:after: n)`; it is
// consumed by firing and counted in `injectedCount`; opportunities passed over are counted in
// `passedOpportunities` (a sweep's dry run arms `after: .max` to count the positions).
import TarnParquet

extension MemoryStore {
    /// Which keys a fault applies to.
    public struct KeyMatch: Sendable {
        public let matches: @Sendable (String) -> Bool
        public init(_ matches: @escaping @Sendable (String) -> Bool) { self.matches = matches }

        public static let any = KeyMatch { _ in true }
        public static func exact(_ key: String) -> KeyMatch { KeyMatch { $0.utf8.elementsEqual(key.utf8) } }
        public static func prefix(_ p: String) -> KeyMatch { KeyMatch { StoreSupport.hasPrefix($0, p) } }
        public static func suffix(_ s: String) -> KeyMatch { KeyMatch { $0.utf8.reversed().starts(with: s.utf8.reversed()) } }
    }

    /// A failure to inject. "Write" means put, putIfAbsent or sink close.
    public enum Fault: Sendable {
        /// The write throws `.io` and stores nothing (also when putIfAbsent would have returned false).
        case failPut(KeyMatch = .any)
        /// The write stores only the first `keepBytes` bytes, then throws `.io` (a crash mid-write
        /// on a store without atomic replace). Fires only when the write would store.
        case tornWrite(keepBytes: Int, KeyMatch = .any)
        /// putIfAbsent loses a race: `rival` bytes appear at the key just before the create, which
        /// then returns false. Fires only when the key is absent.
        case lostRace(rival: [UInt8], KeyMatch = .any)
        /// A listing omits every matching key (an eventually consistent or lagging listing). Fires
        /// only on a listing that contains a matching key.
        case listingGap(omitting: KeyMatch = .any)
        /// The write stores all the bytes and then throws `.io` (a failed fsync or a lost reply:
        /// the caller cannot tell whether it landed). Fires only when the write would store.
        case failSync(KeyMatch = .any)
        /// get, ranged get, head or source throws `.io`.
        case failGet(KeyMatch = .any)
        /// delete throws `.io` and removes nothing.
        case failDelete(KeyMatch = .any)

        public enum Kind: String, Sendable, Hashable, CaseIterable {
            case failPut, tornWrite, lostRace, listingGap, failSync, failGet, failDelete
        }

        public var kind: Kind {
            switch self {
            case .failPut: .failPut
            case .tornWrite: .tornWrite
            case .lostRace: .lostRace
            case .listingGap: .listingGap
            case .failSync: .failSync
            case .failGet: .failGet
            case .failDelete: .failDelete
            }
        }

        var match: KeyMatch {
            switch self {
            case .failPut(let m), .tornWrite(_, let m), .lostRace(_, let m), .listingGap(let m),
                 .failSync(let m), .failGet(let m), .failDelete(let m):
                m
            }
        }
    }

    struct ArmedFault {
        var fault: Fault
        var remaining: Int
        /// Opportunities still to pass over before the first firing.
        var skip: Int
    }

    /// Arms `fault` for its next `times` firings (in injection order among faults of one kind),
    /// after passing over its first `skip` opportunities (operations where it would have fired).
    /// `skip: .max` never fires: a dry run that counts opportunities with `passedOpportunities`.
    public func inject(_ fault: Fault, times: Int = 1, after skip: Int = 0) {
        precondition(times > 0, "inject(\(fault.kind), times: \(times)): times must be positive")
        precondition(skip >= 0, "inject(\(fault.kind), after: \(skip)): skip must not be negative")
        state.withLock { $0.armed.append(ArmedFault(fault: fault, remaining: times, skip: skip)) }
    }

    /// Opportunities of `kind` that armed faults passed over (see `inject(_:times:after:)`).
    public func passedOpportunities(_ kind: Fault.Kind) -> Int {
        state.withLock { $0.passed[kind] ?? 0 }
    }

    /// Resets the fired and passed-over counts (armed faults stay armed).
    public func resetFaultCounts() {
        state.withLock {
            $0.fired.removeAll()
            $0.passed.removeAll()
        }
    }

    /// Disarms every fault not yet fired.
    public func clearFaults() {
        state.withLock { $0.armed.removeAll() }
    }

    /// Firings still armed, over all faults.
    public var pendingFaults: Int {
        state.withLock { $0.armed.reduce(0) { $0 + $1.remaining } }
    }

    /// Faults fired so far, over all kinds.
    public var injectedCount: Int {
        state.withLock { $0.fired.values.reduce(0, +) }
    }

    /// Faults of `kind` fired so far.
    public func injectedCount(_ kind: Fault.Kind) -> Int {
        state.withLock { $0.fired[kind] ?? 0 }
    }
}

extension MemoryStore.State {
    /// Fires (consumes one firing of) the first armed fault of `kind` whose matcher accepts `key`,
    /// or, while that fault is still skipping, passes the opportunity over.
    mutating func take(_ kind: MemoryStore.Fault.Kind, key: String) -> MemoryStore.Fault? {
        guard let i = armed.firstIndex(where: { $0.fault.kind == kind && $0.fault.match.matches(key) }) else {
            return nil
        }
        if passOver(at: i) { return nil }
        return fire(at: i)
    }

    /// Applies the first armed listing gap that hides at least one key of `listing`.
    mutating func applyListingGap(to listing: inout [ObjectMeta]) {
        for (i, armedFault) in armed.enumerated() where armedFault.fault.kind == .listingGap {
            let match = armedFault.fault.match
            guard listing.contains(where: { match.matches($0.key) }) else { continue }
            if passOver(at: i) { return }
            listing.removeAll { match.matches($0.key) }
            _ = fire(at: i)
            return
        }
    }

    /// Whether the fault at `i` is still skipping (then one opportunity is passed over).
    private mutating func passOver(at i: Int) -> Bool {
        guard armed[i].skip > 0 else { return false }
        armed[i].skip -= 1
        passed[armed[i].fault.kind, default: 0] += 1
        return true
    }

    private mutating func fire(at i: Int) -> MemoryStore.Fault {
        let fault = armed[i].fault
        armed[i].remaining -= 1
        if armed[i].remaining == 0 { armed.remove(at: i) }
        fired[fault.kind, default: 0] += 1
        return fault
    }
}
