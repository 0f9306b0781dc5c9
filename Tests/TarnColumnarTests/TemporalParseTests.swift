// Timestamp text out of Int64 range (issue 7 fuzzing found "1999000-01-01T09:00:00.000Z" in a
// log's stats trapping on overflow): years run to 7 digits, microseconds to ±292,000 years, so
// such text is nil, not a crash; in-range text near the limits still parses, checked against
// days × 86,400,000,000 computed here.
import Testing
import TarnColumnar

@Suite struct TemporalParseTests {
    @Test(arguments: ["1999000-01-01T09:00:00.000Z", "9999999-12-31", "-9999999-01-01 00:00", "294248-01-01", "294247-01-10T23:00:00",
                      "-290309-01-01", "294247-01-10T04:00:00-18:00"])
    func outOfRangeTimestampsAreNil(text: String) {
        #expect(Temporal.parseTimestamp(text) == nil, "\(text)")
    }

    @Test func timestampsNearTheLimitsParse() throws {
        let days = try #require(Temporal.parseDate("200000-01-01"))
        let parsed = try #require(Temporal.parseTimestamp("200000-01-01T00:00:01Z"))
        #expect(parsed.micros == Int64(days) * 86_400_000_000 + 1_000_000 && parsed.hasZone)
        let early = try #require(Temporal.parseTimestamp("-200000-01-01"))
        #expect(early.micros == Int64(try #require(Temporal.parseDate("-200000-01-01"))) * 86_400_000_000)
    }

    @Test func fractionsPastMicrosecondsAreCut() throws {
        let whole = try #require(Temporal.parseTimestamp("2024-01-02 03:04:05.123456"))
        for digits in ["1234567", "12345678", "123456789"] {
            #expect(Temporal.parseTimestamp("2024-01-02 03:04:05." + digits)?.micros == whole.micros, "\(digits)")
        }
        #expect(Temporal.parseTimestamp("2024-01-02 03:04:05.1234567890") == nil)
    }
}
