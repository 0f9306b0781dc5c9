// BackgroundSink: writes a row group's bytes to the real sink on a serial background queue so
// that the next row group encodes while the previous one is written. At most one write is in
// flight (enqueue waits for the previous one), so memory stays bounded; the first error is
// reported by the next enqueue or drain.
import Dispatch
import Synchronization
import TarnCodecs

final class BackgroundSink: @unchecked Sendable {
    private let sink: ByteSink
    private let queue = DispatchQueue(label: "tarn.parquet.writer")
    private let inFlight = DispatchGroup()
    private let failure = Mutex<(any Error)?>(nil)

    init(_ sink: ByteSink) { self.sink = sink }

    /// Waits for the previous write, then starts writing `parts` in order in the background.
    func enqueue(_ parts: [[UInt8]]) throws {
        try drain()
        inFlight.enter()
        queue.async { [self] in
            defer { inFlight.leave() }
            do {
                for p in parts { try sink.write(p) }
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
    }

    /// Waits until everything enqueued is written; rethrows the first write error.
    func drain() throws {
        inFlight.wait()
        if let e = failure.withLock({ $0 }) { throw e }
    }
}
