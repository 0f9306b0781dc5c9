// ExprLexer: splits expression text into tokens on demand (the parser reads a CAST's type as
// raw text, so lexing is lazy). Token grammar: spec/expressions.md "Lexical structure". Positions
// are 0-based Character offsets; errors report them 1-based.

struct ExprToken: Equatable {
    enum Kind: Equatable {
        /// A bare word: a keyword, function or column name.
        case word(String)
        /// A `back-quoted` name (`` `` `` inside stands for one back-quote).
        case quoted(String)
        /// Number text with its suffix, e.g. "1.5e3", "10L", "2.50BD".
        case number(String)
        /// A '…' or "…" string with the doubled quote unescaped.
        case string(String)
        /// The hex digits of X'…'.
        case hex(String)
        case symbol(String)
        case end
    }

    var kind: Kind
    var position: Int

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case let .word(w): return "'\(w)'"
        case let .quoted(q): return "`\(q)`"
        case let .number(n): return "number \(n)"
        case let .string(s): return "string '\(s.prefix(30))'"
        case let .hex(h): return "X'\(h.prefix(30))'"
        case let .symbol(s): return "'\(s)'"
        case .end: return "the end of the expression"
        }
    }
}

struct ExprLexer {
    let chars: [Character]
    var i = 0

    init(_ text: String) { chars = Array(text) }

    static let symbols3: Set<String> = ["<=>"]
    static let symbols2: Set<String> = ["<=", ">=", "<>", "!=", "==", "||", "::"]
    static let symbols1: Set<Character> = ["(", ")", ",", ".", "+", "-", "*", "/", "%", "=", "<", ">"]

    func error(_ message: String, at position: Int) -> TarnError {
        ExprLexer.error(chars, message, at: position)
    }

    static func error(_ chars: [Character], _ message: String, at position: Int) -> TarnError {
        let at = min(max(position, 0), chars.count)
        let near = at < chars.count ? " (near '\(String(chars[at ..< min(chars.count, at + 12)]))')" : " (at the end)"
        return TarnError(.invalidArgument, "invalid expression at position \(at + 1)\(near): \(message)")
    }

    static func isNameStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
    static func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    func peekChar(_ offset: Int = 0) -> Character? { i + offset < chars.count ? chars[i + offset] : nil }

    mutating func next() throws -> ExprToken {
        while let c = peekChar(), c.isWhitespace { i += 1 }
        let start = i
        guard let c = peekChar() else { return ExprToken(kind: .end, position: start) }
        if c == "'" || c == "\"" { return ExprToken(kind: .string(try quoted(c)), position: start) }
        if c == "`" {
            let name = try quoted("`")
            guard !name.isEmpty else { throw error("empty `quoted` name", at: start) }
            return ExprToken(kind: .quoted(name), position: start)
        }
        if ExprLexer.isDigit(c) || (c == "." && peekChar(1).map(ExprLexer.isDigit) == true) {
            return ExprToken(kind: .number(try number()), position: start)
        }
        if ExprLexer.isNameStart(c) {
            while let d = peekChar(), ExprLexer.isNameChar(d) { i += 1 }
            let word = String(chars[start ..< i])
            if (word == "X" || word == "x"), peekChar() == "'" {
                return ExprToken(kind: .hex(try quoted("'")), position: start)
            }
            return ExprToken(kind: .word(word), position: start)
        }
        return ExprToken(kind: .symbol(try symbol()), position: start)
    }

    private mutating func symbol() throws -> String {
        for n in [3, 2] where i + n <= chars.count {
            let s = String(chars[i ..< i + n])
            if (n == 3 ? ExprLexer.symbols3 : ExprLexer.symbols2).contains(s) {
                i += n
                return s
            }
        }
        guard let c = peekChar(), ExprLexer.symbols1.contains(c) else {
            throw error("unexpected character '\(peekChar().map(String.init) ?? "")'", at: i)
        }
        i += 1
        return String(c)
    }

    /// Text between `quote`s, a doubled quote standing for one.
    private mutating func quoted(_ quote: Character) throws -> String {
        let start = i
        i += 1
        var out = ""
        while true {
            guard let c = peekChar() else {
                let what = quote == "`" ? "`quoted` name" : "string"
                throw error("unterminated \(what) (missing closing \(quote))", at: start)
            }
            i += 1
            if c == quote {
                guard peekChar() == quote else { return out }
                i += 1
            }
            out.append(c)
        }
    }

    /// digits [. digits] [e [+-] digits] [suffix letters]
    private mutating func number() throws -> String {
        let start = i
        while let c = peekChar(), ExprLexer.isDigit(c) { i += 1 }
        if peekChar() == "." {
            i += 1
            while let c = peekChar(), ExprLexer.isDigit(c) { i += 1 }
        }
        if let e = peekChar(), e == "e" || e == "E" {
            let signed = peekChar(1) == "+" || peekChar(1) == "-"
            if let d = peekChar(signed ? 2 : 1), ExprLexer.isDigit(d) {
                i += signed ? 2 : 1
                while let c = peekChar(), ExprLexer.isDigit(c) { i += 1 }
            }
        }
        while let c = peekChar(), ExprLexer.isNameChar(c) { i += 1 }
        return String(chars[start ..< i])
    }
}
