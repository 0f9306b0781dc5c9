// ParallelMap: runs independent jobs (one per column) on all cores with Dispatch and collects
// their results in order. Used by the writer (encode columns) and the reader (decode columns).
import Dispatch
import Synchronization
import TarnCodecs

package enum ParallelMap {
    package static func run<T: Sendable>(count: Int, parallel: Bool,
                                 _ job: @Sendable (Int) throws -> T) -> [Result<T, any Error>] {
        guard parallel && count > 1 else { return (0 ..< count).map { i in Result { try job(i) } } }
        let results = Mutex([Result<T, any Error>?](repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let r = Result { try job(i) }
            results.withLock { $0[i] = r }
        }
        return results.withLock { $0.map { $0 ?? .failure(TarnError(.io, "parallel job \(count) did not run")) } }
    }
}

/// A buffer that parallel jobs write into, each job only its own elements.
package struct SharedBuffer<T>: @unchecked Sendable {
    package let base: UnsafeMutablePointer<T>
    package init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}
