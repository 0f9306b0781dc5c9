// ObjectKeyTests: the key rules of spec/storage.md "Keys" (the path-security boundary of issue 7
// item 4): what is rejected, what is accepted as a literal name, and listing-prefix rules.
import Testing
import TarnParquet
import TarnStorage

@Suite struct ObjectKeyTests {
    static let invalidKeys = [
        "", "../x", "..", ".", "/etc/passwd", "/", "a//b", "a/./b", "a/../b", "a/..", "./a", "a/", "a\\b",
        "..\\x", "a\u{0}b", "\u{0}", ".tarn-tmp-1-ff", "x/.tarn-tmp-2/y",
    ]

    static let validKeys = [
        "a", "a/b.json", "_delta_log/00000000000000000000.json", "p=%2F/x", "%2E%2E/x", "a..b", "...", ".hidden",
        "a/.crc", "é/ü", "date=2024-01-31/part-00000-1a2b.snappy.parquet",
        "key with spaces", "x:y", ".tarn-tm",
    ]

    @Test func lengthLimits() throws {
        try ObjectKey.validate(String(repeating: "s", count: 255))
        try ObjectKey.validate(String(repeating: "abc/", count: 700) + "x")           // 2801 bytes
        expectTarnError(.invalidArgument) { try ObjectKey.validate(String(repeating: "s", count: 256)) }
        expectTarnError(.invalidArgument) { try ObjectKey.validate(String(repeating: "ab/", count: 1100) + "c") }
        expectTarnError(.invalidArgument) { try ObjectKey.validate("a/" + String(repeating: "é", count: 128)) }  // 256 bytes
    }

    @Test(arguments: invalidKeys)
    func rejects(_ key: String) {
        #expect(!ObjectKey.isValid(key))
        let error = expectTarnError(.invalidArgument) { try ObjectKey.validate(key) }
        #expect(error?.message.contains("invalid object key") == true)
        #expect(error?.file != nil)
    }

    @Test(arguments: validKeys)
    func accepts(_ key: String) throws {
        #expect(ObjectKey.isValid(key))
        try ObjectKey.validate(key)
    }

    @Test func errorNamesTheKeyPrintably() {
        let error = expectTarnError(.invalidArgument) { try ObjectKey.validate("a\u{0}b") }
        #expect(error?.message.contains("a\\u{0}b") == true, "\(String(describing: error))")
        let dotdot = expectTarnError(.invalidArgument) { try ObjectKey.validate("../x") }
        #expect(dotdot?.message.contains("'../x'") == true)
    }

    @Test func prefixes() throws {
        for ok in ["", "_delta_log/", "_delta_log/0000", "a/b/c", "a/.", "a/..x", "x"] {
            try ObjectKey.validatePrefix(ok)
        }
        for bad in ["/", "/etc", "../", "../x", "a//", "a//b", "./x", "a/../b", "a\\b", "a\u{0}", ".tarn-tmp-/x"] {
            expectTarnError(.invalidArgument, bad) { try ObjectKey.validatePrefix(bad) }
        }
    }
}
