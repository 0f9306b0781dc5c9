// Loading the deletion vector of a data file from the table's store (PROTOCOL.md "Deletion
// Vectors"): inline vectors from the descriptor, relative ("u") vectors by a ranged read of
// their file; absolute ("p") vectors outside the table root are refused.
import TarnColumnar
import TarnStorage

public enum DeletionVectors {
    /// The rows `add` has deleted, or nil when it has no deletion vector.
    public static func deletedRows(_ add: AddFile, store: any ObjectStore, table: String) throws -> RoaringBitmap64? {
        guard let dv = add.deletionVector else { return nil }
        do {
            if dv.isInline { return try DeletionVectorFile.readInline(dv) }
            guard let key = try dv.relativePath() else {
                throw TarnError(.unsupportedFeature, "deletion vector \(dv.uniqueId) is stored at an absolute path; Tarn reads only files inside the table root")
            }
            try ObjectKey.validate(key)
            let range = try DeletionVectorFile.byteRange(of: dv)
            let bytes = try store.get(key, range: range)
            return try DeletionVectorFile.read(dv, from: bytes, fileOffset: range.lowerBound, file: key)
        } catch var e as TarnError {
            e.table = table
            if e.file == nil { e.file = LogPath.decode(add.path) }
            throw e
        }
    }

    /// Bit i set when row `firstRow + i` is kept (not deleted).
    public static func keepMask(_ deleted: RoaringBitmap64, firstRow: Int, count: Int) -> Bitmap {
        let gone = deleted.deletedRows(start: UInt64(firstRow), count: count)
        var keep = Bitmap(count: count, value: true)
        for i in 0 ..< count where gone[i] { keep[i] = false }
        return keep
    }
}
