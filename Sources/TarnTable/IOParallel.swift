// IOParallel: runs I/O-bound jobs (unlink, stat) on more threads than cores, so their waits on
// the disk overlap: 500 unlinks on ext4 with discard take 53 ms on 2 threads, 29 ms on 16.
// Dispatch's pools stay near the core count on Linux, so these are threads of their own.
import Foundation
import Synchronization

enum IOParallel {
    /// `job(0)` … `job(count - 1)` on up to `width` threads; results in order.
    static func run<T: Sendable>(count: Int, width: Int = 16, _ job: @escaping @Sendable (Int) throws -> T) -> [Result<T, any Error>] {
        guard count > 1 else { return (0 ..< count).map { i in Result { try job(i) } } }
        let results = Mutex([Result<T, any Error>?](repeating: nil, count: count))
        let next = Atomic<Int>(0)
        let finished = DispatchSemaphore(value: 0)
        let threads = min(width, count)
        for _ in 0 ..< threads {
            Thread.detachNewThread {
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    guard i < count else { break }
                    let r = Result { try job(i) }
                    results.withLock { $0[i] = r }
                }
                finished.signal()
            }
        }
        for _ in 0 ..< threads { finished.wait() }
        return results.withLock { $0.map { $0 ?? .failure(TarnError(.io, "I/O job of \(count) did not run")) } }
    }
}
