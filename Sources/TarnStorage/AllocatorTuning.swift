// AllocatorTuning: process-wide glibc malloc settings for Tarn's executables. Column buffers are
// large (megabytes); by default glibc serves them with fresh mmap()s and returns them on free,
// so every batch pays page faults again. Raising the mmap and trim thresholds keeps freed memory
// in the heap for reuse (spec/parquet.md "Performance notes"). Libraries never call this.
#if canImport(CMalloc)
import CMalloc
#endif

public enum AllocatorTuning {
    /// Serve allocations up to 1 GiB from the heap and keep up to 1 GiB of freed memory.
    public static func configureForBulkWork() {
        #if canImport(CMalloc)
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 30)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
        #endif
    }
}
