// pyarrow → Tarn: every file of pyarrow's write matrix (types × codecs × data page v1/v2 ×
// dictionary × the encodings pyarrow offers, plus INT96, integer decimals, empty and all-null
// files, many row groups) reads in Tarn with values equal to pyarrow's own reading.
import Foundation
import Testing
import TarnParquet
import TarnTestSupport

@Suite struct PyarrowMatrixTests {
    @Test func tarnReadsPyarrowsWriteMatrix() throws {
        let dir = try Peer.temporaryDirectory("pyarrow-matrix")
        let out = try Peer.temporaryDirectory("pyarrow-matrix-tarn")
        defer {
            try? FileManager.default.removeItem(at: dir)
            try? FileManager.default.removeItem(at: out)
        }
        try Peer.run(["write-matrix", dir.path])
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".parquet") }.sorted()
        #expect(files.count > 40, "pyarrow wrote only \(files.count) files")
        var failures: [String] = []
        for name in files {
            let src = dir.appendingPathComponent(name)
            let dst = out.appendingPathComponent(name)
            do {
                let bytes = try [UInt8](Data(contentsOf: src))
                let file = try ParquetFile(source: MemorySource(bytes, name: name))
                var rows: [UInt8] = []
                for g in 0 ..< file.rowGroupCount { RowJSON.write(try file.readRowGroup(g), into: &rows) }
                try FileManager.default.copyItem(at: src, to: dst)
                try Data(rows).write(to: dst.deletingPathExtension().appendingPathExtension("jsonl"))
            } catch {
                failures.append("\(name): \(error)")
            }
        }
        #expect(failures.isEmpty, "Tarn failed to read:\n\(failures.joined(separator: "\n"))")
        // pyarrow re-reads each file and compares its canonical rows with what Tarn produced.
        let report = try Peer.run(["check-tarn", out.path])
        print("Tarn read \(files.count - failures.count) of \(files.count) pyarrow files: \(report.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
}
