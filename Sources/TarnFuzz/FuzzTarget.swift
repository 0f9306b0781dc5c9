// FuzzTarget: the fuzz entry points of issue 7 item 3. Each target feeds arbitrary bytes to one
// decoder and ignores thrown errors (a thrown error is the right answer to bad input); a trap,
// crash, hang or huge allocation is the bug. Driven by libFuzzer (Tests/Fuzz) and by FuzzTests.
import TarnCodecs
import TarnColumnar

/// One fuzzed decoder. `run` never throws: decoders must reject bad bytes with an error.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Thrift compact decoding of a Parquet FileMetaData and a PageHeader.
    case thrift
    /// The page value/level decoders, through a one-column file built around the bytes.
    case pages
    /// A whole Parquet file: open, statistics, read every column of every row group.
    case parquet
    /// A Delta JSON commit: parse, replay into a TableState, decode what the actions carry.
    case log
    /// A Parquet checkpoint: read its actions and replay them.
    case checkpoint
    /// DV files, Roaring bitmap deserialisation and Z85 (inline DVs).
    case deletionVector
    /// Parse, bind and evaluate an expression against a fixed schema and batch.
    case expression
    /// CSV ingest: TarnColumnar's reader (typed and inferred) and the pipeline's ingest.
    case csv
    /// JSON-lines ingest: TarnColumnar's reader (typed and inferred) and the pipeline's ingest.
    case jsonl

    /// Feeds `data` to the target's decoder; errors thrown by the decoder are ignored.
    public func run(_ data: UnsafeRawBufferPointer) {
        run(Array(data))
    }

    /// Feeds `bytes` to the target's decoder; errors thrown by the decoder are ignored.
    public func run(_ bytes: [UInt8]) {
        do {
            switch self {
            case .thrift: try FuzzParquet.thrift(bytes)
            case .pages: try FuzzPages.run(bytes)
            case .parquet: try FuzzParquet.parquet(bytes)
            case .log: try FuzzDelta.log(bytes)
            case .checkpoint: try FuzzDelta.checkpoint(bytes)
            case .deletionVector: try FuzzDelta.deletionVector(bytes)
            case .expression: try FuzzText.expression(bytes)
            case .csv: try FuzzText.csv(bytes)
            case .jsonl: try FuzzText.jsonl(bytes)
            }
        } catch {
            // A thrown error is the correct outcome for malformed input.
        }
    }

    /// The target named `name` (its raw value, case-insensitive; `dv` is accepted for deletionVector).
    public static func named(_ name: String) -> FuzzTarget? {
        if name.lowercased() == "dv" { return .deletionVector }
        return allCases.first { $0.rawValue.lowercased() == name.lowercased() }
    }
}

/// Runs `body` and swallows any error, so one stage's rejection does not skip the next stage.
@inline(__always)
func attempt(_ body: () throws -> Void) {
    do { try body() } catch {}
}

extension FuzzTarget {
    /// Checks that the fixed fixtures the targets rely on load (the expression batch, the text
    /// schema), so that a broken fixture fails loudly instead of turning a target into a no-op.
    public static func selfCheck() throws {
        guard let (_, batch) = FuzzText.fixture, batch.count == 4 else {
            throw TarnError(.invalidArgument, "the expression fixture batch does not load")
        }
        _ = try SchemaParser.parse(FuzzText.textSchema)
    }
}
