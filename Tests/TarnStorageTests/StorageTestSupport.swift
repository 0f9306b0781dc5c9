// StorageTestSupport: fixtures shared by the storage tests: temporary directories removed after
// use, a store factory for tests that run against both stores, a start-gated thread runner for
// race tests, and an expectation helper for TarnError codes.
import Foundation
import Synchronization
import Testing
import TarnParquet
import TarnStorage

/// A fresh directory under the system temp dir, removed (without following links) on release.
final class TempDir {
    let path: String

    init(under parent: String = NSTemporaryDirectory()) throws {
        var template = Array("\(parent)/tarn-store-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw TarnError(.io, "mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ relative: String) -> String { "\(path)/\(relative)" }
}

/// The stores every contract test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case local, memory
    var testDescription: String { rawValue }
}

/// A store plus whatever keeps it alive (its directory).
struct StoreFixture {
    let store: any ObjectStore
    let directory: TempDir?

    init(_ kind: StoreKind) throws {
        switch kind {
        case .local:
            let dir = try TempDir()
            directory = dir
            store = try LocalStore.create(root: dir.file("table"))
        case .memory:
            directory = nil
            store = MemoryStore(name: "test")
        }
    }
}

/// A thread-safe counter and flag for worker threads.
final class Shared: Sendable {
    let counter = Atomic<Int>(0)
    let flag = Atomic<Bool>(false)
    let messages = Mutex<[String]>([])

    func record(_ message: String) { messages.withLock { $0.append(message) } }
}

/// Runs `body(i)` for i in 0..<count on `count` dedicated threads, released together once all
/// have started (so they really race), and waits for all of them.
func runConcurrently(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let started = Shared()
    let group = DispatchGroup()
    for i in 0 ..< count {
        group.enter()
        let thread = Thread {
            started.counter.add(1, ordering: .sequentiallyConsistent)
            while started.counter.load(ordering: .sequentiallyConsistent) < count { sched_yield() }
            body(i)
            group.leave()
        }
        thread.start()
    }
    group.wait()
}

/// Expects `body` to throw a TarnError with `code`; returns it.
@discardableResult
func expectTarnError<T>(_ code: TarnError.Code, _ context: String = "", sourceLocation: SourceLocation = #_sourceLocation,
                        _ body: () throws -> T) -> TarnError? {
    do {
        let value = try body()
        Issue.record("expected \(code) error\(context.isEmpty ? "" : " (\(context))"), got \(value)",
                     sourceLocation: sourceLocation)
    } catch let error as TarnError {
        #expect(error.code == code, "\(context): \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("non-Tarn error \(error) \(context)", sourceLocation: sourceLocation)
    }
    return nil
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
