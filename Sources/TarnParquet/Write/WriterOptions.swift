// WriterOptions: the knobs of the Parquet writer, with the defaults documented in
// spec/parquet.md "What Tarn writes".
import TarnCodecs

public struct WriterOptions: Sendable {
    /// Page compression. zstd by default.
    public var codec: CompressionCodec = .zstd
    /// Codec level (zstd 1...22, gzip 1...9); nil = the codec default (zstd 1, as Arrow; gzip 6).
    public var compressionLevel: Int32?
    /// Dictionary-encode columns (not booleans, not FLBA decimals) until the dictionary passes
    /// `dictionaryPageSizeLimitBytes`, then fall back to PLAIN for the rest of the chunk.
    public var dictionaryEnabled = true
    public var dictionaryPageSizeLimitBytes = 1 << 20
    /// Target uncompressed size of a data page.
    public var dataPageSizeBytes = 1 << 20
    /// A row group closes when the buffered input reaches this many bytes...
    public var rowGroupSizeBytes = 128 << 20
    /// ... or this many rows.
    public var maxRowGroupRows = 1 << 20
    /// Write min/max/null-count statistics per column chunk.
    public var statisticsEnabled = true
    /// Encode the columns of a row group on several threads.
    public var parallel = true
    public var createdBy = "tarn version 0.1.0"
    /// Extra key/value metadata for the footer.
    public var keyValueMetadata: [String: String] = [:]

    public init(codec: CompressionCodec = .zstd) { self.codec = codec }

    var effectiveLevel: Int32? {
        if let compressionLevel { return compressionLevel }
        return codec == .zstd ? 1 : nil
    }
}
