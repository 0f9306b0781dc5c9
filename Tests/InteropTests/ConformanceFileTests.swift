// Every Parquet file of the Delta golden tables (data files, expected results and checkpoints,
// written by Spark and Delta over many versions) reads in Tarn without error, with exactly the
// row count pyarrow reports for it.
import Foundation
import Testing
import TarnParquet
import TarnTestSupport

@Suite struct ConformanceFileTests {
    struct Expected: Decodable {
        let path: String
        let rows: Int?
        let error: String?
    }

    @Test func everyGoldenParquetFileReadsWithPyarrowsRowCount() throws {
        let root = Peer.conformanceRoot
        #expect(FileManager.default.fileExists(atPath: root.path), "conformance corpus missing at \(root.path)")
        let output = try Peer.run(["row-counts", root.path])
        let expected = output.split(separator: "\n").compactMap { try? JSONDecoder().decode(Expected.self, from: Data($0.utf8)) }
            .filter { $0.rows != nil || $0.error != nil }
        #expect(expected.count > 500, "only \(expected.count) files listed")
        var failures: [String] = []
        for e in expected {
            guard let rows = e.rows else { failures.append("\(e.path): pyarrow could not read it: \(e.error ?? "")"); continue }
            do {
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: e.path)))
                let file = try ParquetFile(source: MemorySource(bytes, name: e.path))
                var n = 0
                for g in 0 ..< file.rowGroupCount { n += try file.readRowGroup(g).count }
                if n != rows { failures.append("\(e.path): Tarn read \(n) rows, pyarrow \(rows)") }
            } catch {
                failures.append("\(e.path): \(error)")
            }
        }
        let report = failures.prefix(30).joined(separator: "\n")
        #expect(failures.isEmpty, "\(failures.count) of \(expected.count) files failed:\n\(report)")
        print("conformance parquet files read: \(expected.count - failures.count) of \(expected.count)")
    }
}
