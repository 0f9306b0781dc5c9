// Prefetch: runs a sequence of jobs on a background thread a bounded number ahead of the thread
// consuming their results, so producing item N+1 (gathering rows, say) overlaps consuming item N
// (encoding them). Results arrive in order; the first error is rethrown to the consumer, and a
// consumer that stops early cancels the rest.
import Dispatch
import Synchronization

final class Prefetch<T: Sendable>: Sendable {
    private let count: Int
    private let slots: DispatchSemaphore
    private let ready = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let state = Mutex<(queue: [Result<T, any Error>], cancelled: Bool, taken: Int)>(([], false, 0))

    /// Starts producing `produce(0)`, `produce(1)`, … `produce(count - 1)`, at most `depth` ahead.
    init(count: Int, depth: Int = 2, _ produce: @escaping @Sendable (Int) throws -> T) {
        self.count = count
        slots = DispatchSemaphore(value: max(1, depth))
        DispatchQueue.global().async { [self] in
            defer { done.signal() }
            for i in 0 ..< count {
                slots.wait()
                if state.withLock({ $0.cancelled }) { return }
                let r = Result { try produce(i) }
                state.withLock { $0.queue.append(r) }
                ready.signal()
                if case .failure = r { return }
            }
        }
    }

    /// The next result in order, or nil after the last.
    func next() throws -> T? {
        let more = state.withLock { s -> Bool in
            guard s.taken < count else { return false }
            s.taken += 1
            return true
        }
        guard more else { return nil }
        ready.wait()
        let r = state.withLock { $0.queue.removeFirst() }
        slots.signal()
        return try r.get()
    }

    /// Stops producing and waits for the background thread to finish its current job.
    func finish() {
        state.withLock { $0.cancelled = true }
        slots.signal()
        done.wait()
    }
}
