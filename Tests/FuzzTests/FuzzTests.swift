// FuzzTests: placeholder until the fuzz harness lands.
import Testing
import TarnFuzz

@Suite struct FuzzTests {
    @Test func targetsExist() { #expect(!FuzzTarget.allCases.isEmpty) }
}
