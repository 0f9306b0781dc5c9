// RejectionsTests: the dead-letter batch carries every field of a rejection.
import Testing
import TarnPipeline

@Suite struct RejectionsTests {
    @Test func deadLetterBatchHoldsEveryField() throws {
        let r = [Rejected(sourceFile: "a.jsonl", line: 3, raw: "{bad", code: .jsonParseError, message: "unexpected end", column: nil),
                 Rejected(sourceFile: "b.csv", line: nil, raw: "x,y", code: .typeCastError, message: "not a long", column: "id")]
        let b = try DeadLetter.batch(r, runId: "run-1", stage: "bronze", atMicros: 5)
        #expect(b.count == 2)
        #expect(b.rows[0] == [.string("run-1"), .string("bronze"), .string("a.jsonl"), .int(3), .string("{bad"),
                              .string("JSON_PARSE_ERROR"), .string("unexpected end"), .null, .timestamp(5)])
        #expect(b.rows[1][7] == .string("id"))
    }
}
