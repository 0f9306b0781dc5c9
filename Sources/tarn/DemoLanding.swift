// DemoLanding: the files `tarn demo` lands for its pipeline: per day, JSON-lines event files
// (canonical rows from EventsGenerator) with malformed records of each kind and events re-sent
// from earlier files, and a CSV of customer tier changes, one of which arrives a day late.
import Foundation
import TarnColumnar

struct DemoLanding {
    let root: String
    let rows: Int
    private var generator = EventsGenerator(seed: 7)
    private var nextId: Int64 = 0
    private var sent: [String] = []
    private var fileCount = 0
    private(set) var summary = ""
    static let lateCustomer: Int64 = 42

    init(root: String, rows: Int) {
        self.root = root
        self.rows = rows
    }

    /// Lands one day's files; their modification times follow the previous day's.
    mutating func landDay(_ day: Int) throws {
        var malformed = 0, resent = 0
        for _ in 0 ..< 2 {
            let batch = generator.batch(first: nextId, count: rows / 4, total: Int64(rows))
            nextId += Int64(batch.count)
            var lines = RowJSON.lines(batch)
            // Re-sent events (an upstream retry): the same rows again, in a later file.
            let again = sent.isEmpty ? [] : Array(sent.suffix(rows / 40))
            resent += again.count
            sent += lines
            lines += again
            // One malformed record of each kind.
            lines += ["{\"id\": 17, \"ts\": \"2024-01-0", "{\"ts\": \"2024-01-02T10:00:00Z\", \"event_date\": \"2024-01-02\", \"amount\": 3.5}",
                      "{\"id\": 99999999, \"ts\": \"yesterday\", \"event_date\": \"2024-01-02\", \"amount\": 3.5}"]
            malformed += 3
            try write(lines.joined(separator: "\n") + "\n", "landing/events/events-\(String(format: "%03d", fileCount)).jsonl")
        }
        let customers: String
        if day == 1 {
            customers = "customer_id,tier,updated_at\n42,bronze,2024-01-01T09:00:00Z\n42,gold,2024-01-03T09:00:00Z\n7,silver,2024-01-02T12:00:00Z\n"
        } else {
            // Customer 42's upgrade to silver on the 2nd arrives only now: it slots between bronze and gold.
            customers = "customer_id,tier,updated_at\n42,silver,2024-01-02T09:00:00Z\n7,gold,2024-01-04T12:00:00Z\n"
        }
        try write(customers, "landing/customers/customers-day\(day).csv")
        summary = "landed day \(day): 2 event files with \(malformed) malformed records and \(resent) re-sent events, 1 customer file"
    }

    private mutating func write(_ text: String, _ path: String) throws {
        let full = "\(root)/\(path)"
        try text.write(toFile: full, atomically: true, encoding: .utf8)
        // Distinct, increasing modification times: the watermark compares them.
        fileCount += 1
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600 + Double(fileCount))], ofItemAtPath: full)
    }
}
