// CrashProcess: runs one `tarn` child process and, when asked, kills it with SIGKILL after a
// delay; plus the per-kind duration statistics that decide how long a kill may wait.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a child run ended.
struct ChildOutcome {
    /// True when the harness killed the child before it exited by itself.
    var killed: Bool
    var status: Int32
    var seconds: Double
    var stderr: String
}

enum CrashProcess {
    /// Runs `binary args`; with `killAfter`, sends SIGKILL once that many seconds have passed
    /// (if the child is still running). Output goes to files in `dir` (no pipe deadlock).
    static func run(_ binary: String, _ args: [String], dir: String, killAfter: Double?) throws -> ChildOutcome {
        let errPath = dir + "/.child-stderr"
        let pid = try spawn(binary, args, stdout: dir + "/.child-stdout", stderr: errPath)
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = killAfter.map { start + UInt64(max(0, $0) * 1e9) }
        var status: Int32 = 0
        var killed = false
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw HarnessFailure("waitpid failed for \(binary): errno \(errno)") }
            if let deadline, !killed, DispatchTime.now().uptimeNanoseconds >= deadline {
                kill(pid, SIGKILL)
                killed = true
            }
            usleep(200)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let signal = status & 0x7f
        let exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        // A kill that raced with a normal exit does not count as a kill.
        return ChildOutcome(killed: killed && signal == SIGKILL, status: exitStatus, seconds: seconds, stderr: err)
    }

    /// posix_spawn with stdin from /dev/null and stdout / stderr truncated into files.
    static func spawn(_ binary: String, _ args: [String], stdout: String, stderr: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, binary, &actions, nil, argv, environ)
        guard rc == 0 else { throw HarnessFailure("cannot start \(binary): posix_spawn error \(rc)") }
        return pid
    }
}

/// Typical durations of completed runs per step kind (the 75th percentile of the last 15), learnt as the
/// run goes so kill delays cover before, during and after each kind's commit.
struct CrashDurations {
    private var samples: [CrashStepKind: [Double]] = [:]

    mutating func record(_ kind: CrashStepKind, _ seconds: Double) {
        var s = samples[kind] ?? []
        s.append(seconds)
        if s.count > 15 { s.removeFirst(s.count - 15) }
        samples[kind] = s
    }

    /// The 75th-percentile duration, or nil before the kind has completed once.
    func typical(_ kind: CrashStepKind) -> Double? {
        guard let s = samples[kind], !s.isEmpty else { return nil }
        return s.sorted()[s.count * 3 / 4]
    }
}
