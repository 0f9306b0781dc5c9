// Progress: the one-line progress bar long commands (bench write, vacuum, optimize) draw on
// stderr. Drawn only when stderr is a terminal, so piped or captured output never contains it;
// redrawn only when the whole percentage changes.
import Foundation

/// A one-line progress bar on stderr when it is a terminal; silent otherwise.
final class Progress: @unchecked Sendable {
    let label: String
    let enabled = isatty(2) != 0
    private var last = -1

    init(label: String) { self.label = label }

    func update(_ fraction: Double) {
        guard enabled else { return }
        let percent = Int(min(1, max(0, fraction)) * 100)
        guard percent != last else { return }
        last = percent
        let width = 30, filled = width * percent / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)%".utf8))
    }

    func finish() {
        if enabled && last >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
