// EventsGenerator: synthetic "events" rows (the benchmark dataset's schema: id, ts, event_date,
// customer_id, category, amount, note) built straight into column buffers from a seeded
// generator, for `tarn demo` and the write benchmarks. Same shape and distributions as
// ../shared/bench/gen_events.py, not the same rows (peer comparisons use that script's files).
import TarnColumnar

struct EventsGenerator {
    static let schema = StructType([
        StructField("id", .long), StructField("ts", .timestamp), StructField("event_date", .date),
        StructField("customer_id", .long), StructField("category", .string), StructField("amount", .double),
        StructField("note", .string),
    ])
    static let categories = ["electronics", "books", "clothing", "home", "garden", "toys", "sports", "beauty", "grocery",
                             "automotive", "health", "jewelry", "music", "movies", "games", "office", "pets", "baby",
                             "tools", "shoes"]
    /// 2024-01-01T00:00:00Z in microseconds.
    static let startMicros: Int64 = 1_704_067_200_000_000
    static let spanMicros: Int64 = 30 * 86_400_000_000

    private var random: SplitMix64

    init(seed: UInt64 = 20_240_601) { random = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { random.next() }

    /// Rows `first ..< first + count`; timestamps increase with the id.
    mutating func batch(first: Int64, count: Int, total: Int64) -> RecordBatch {
        var ids = [Int64](), ts = [Int64](), dates = [Int32](), customers = [Int64](), amounts = [Double]()
        var catOffsets: [Int32] = [0], catData: [UInt8] = [], noteOffsets: [Int32] = [0], noteData: [UInt8] = []
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        for k in 0 ..< Int64(count) {
            let id = first + k
            let t = EventsGenerator.startMicros + EventsGenerator.spanMicros / max(total, 1) * id + Int64(next() % 1_000_000)
            ids.append(id)
            ts.append(t)
            dates.append(Int32(t / Temporal.microsPerDay))
            customers.append(Int64(next() % 100_001))
            // Zipf-like: the first categories are much more frequent.
            let u = Double(next() % 1_000_000) / 1_000_000
            let cat = EventsGenerator.categories[min(EventsGenerator.categories.count - 1, Int(u * u * u * Double(EventsGenerator.categories.count)))]
            catData.append(contentsOf: cat.utf8)
            catOffsets.append(Int32(catData.count))
            amounts.append(Double(next() % 50_000) / 100 + 1)
            for _ in 0 ..< 12 + Int(next() % 17) { noteData.append(alphabet[Int(next() % UInt64(alphabet.count))]) }
            noteOffsets.append(Int32(noteData.count))
        }
        let n = count
        return RecordBatch(schema: EventsGenerator.schema, columns: [
            Column(type: .long, count: n, validity: nil, storage: .int64(ids)),
            Column(type: .timestamp, count: n, validity: nil, storage: .int64(ts)),
            Column(type: .date, count: n, validity: nil, storage: .int32(dates)),
            Column(type: .long, count: n, validity: nil, storage: .int64(customers)),
            Column(type: .string, count: n, validity: nil, storage: .bytes(offsets: catOffsets, data: catData)),
            Column(type: .double, count: n, validity: nil, storage: .double(amounts)),
            Column(type: .string, count: n, validity: nil, storage: .bytes(offsets: noteOffsets, data: noteData)),
        ])
    }

    /// `rows` rows in batches of at most `batchRows`.
    mutating func batches(rows: Int, batchRows: Int = 65_536) -> [RecordBatch] {
        stride(from: 0, to: rows, by: batchRows).map { start in
            batch(first: Int64(start), count: min(batchRows, rows - start), total: Int64(rows))
        }
    }
}
