// ReliabilityTests: placeholder until the harnesses land.
import Testing
import TarnReliability

@Suite struct ReliabilityPlaceholderTests {
    @Test func failureNamesItself() { #expect(HarnessFailure("x").description == "x") }
}
