// ExprParser: text → Expr by recursive descent, one function per precedence level (lowest first):
// OR < AND < NOT < comparison / IS / IN / BETWEEN / LIKE < + - || < * / % < unary minus.
// Grammar: spec/expressions.md. Errors are invalidArgument "invalid expression at position N
// (near '…'): expected …, found …" with a 1-based character position.

public enum ExprParser {
    /// Parses one expression (a WHERE predicate, a CHECK constraint, a SET value…).
    public static func parse(_ text: String) throws -> Expr {
        var p = try ExprSyntax(text)
        let e = try p.expression()
        try p.expectEnd("after the expression")
        return e
    }

    /// Parses UPDATE assignments: `a = a + 1, s.b = 'x'`.
    public static func parseAssignments(_ text: String) throws -> [(column: [String], value: Expr)] {
        var p = try ExprSyntax(text)
        var out: [(column: [String], value: Expr)] = []
        repeat {
            let path = try p.columnPath()
            try p.expectSymbol("=", "after the column name of an assignment")
            out.append((path, try p.expression()))
        } while try p.takeSymbol(",")
        try p.expectEnd("after the assignments (separate them with ',')")
        return out
    }

    /// Parses a comma-separated list of expressions (e.g. the VALUES of a MERGE INSERT).
    public static func parseList(_ text: String) throws -> [Expr] {
        var p = try ExprSyntax(text)
        var out: [Expr] = []
        repeat { out.append(try p.expression()) } while try p.takeSymbol(",")
        try p.expectEnd("after the list (separate items with ',')")
        return out
    }

    /// Parses a column path: `a`, `a.b`, `` `my col`.x ``.
    public static func parseColumn(_ text: String) throws -> [String] {
        var p = try ExprSyntax(text)
        let path = try p.columnPath()
        try p.expectEnd("after the column name")
        return path
    }

    /// Words that cannot be bare column names (back-quote them: `` `end` ``).
    public static let reservedWords: Set<String> = [
        "and", "or", "not", "is", "null", "in", "between", "like", "case", "when", "then", "else", "end",
        "cast", "as", "true", "false",
    ]
}

/// The parser state: a lazy lexer and one token of lookahead.
struct ExprSyntax {
    var lexer: ExprLexer
    var token: ExprToken
    /// Operators, calls and parentheses read so far: a bound on the depth of the tree, so that
    /// hostile text cannot make parsing, binding, evaluating or freeing it exhaust the stack.
    var composite = 0
    static let maxComposite = 1000
    /// Sub-expressions (parentheses, arguments, CASE and CAST parts) open around the current token.
    var nesting = 0
    static let maxNesting = 128

    init(_ text: String) throws {
        lexer = ExprLexer(text)
        token = try lexer.next()
    }

    func error(_ message: String, at position: Int? = nil) -> TarnError {
        lexer.error(message, at: position ?? token.position)
    }

    func expected(_ what: String) -> TarnError { error("expected \(what), found \(token.display)") }

    mutating func advance() throws { token = try lexer.next() }

    /// Counts `nodes` more operator nodes (or a nesting level), failing past `maxComposite`.
    mutating func grow(_ nodes: Int = 1) throws {
        composite += nodes
        guard composite <= ExprSyntax.maxComposite else {
            throw error("expression too complex: more than \(ExprSyntax.maxComposite) operators, calls and parentheses")
        }
    }

    /// The token after the current one, without consuming anything.
    func peekSecond() throws -> ExprToken {
        var copy = lexer
        return try copy.next()
    }

    func isKeyword(_ k: String) -> Bool {
        if case let .word(w) = token.kind { return w.lowercased() == k }
        return false
    }

    mutating func takeKeyword(_ k: String) throws -> Bool {
        guard isKeyword(k) else { return false }
        try advance()
        return true
    }

    mutating func expectKeyword(_ k: String, _ context: String) throws {
        guard try takeKeyword(k) else { throw expected("\(k.uppercased()) \(context)") }
    }

    func isSymbol(_ s: String) -> Bool { token.kind == .symbol(s) }

    mutating func takeSymbol(_ s: String) throws -> Bool {
        guard isSymbol(s) else { return false }
        try advance()
        return true
    }

    mutating func expectSymbol(_ s: String, _ context: String) throws {
        guard try takeSymbol(s) else { throw expected("'\(s)' \(context)") }
    }

    func expectEnd(_ context: String) throws {
        guard token.kind == .end else { throw error("unexpected \(token.display) \(context)") }
    }

    // MARK: precedence levels

    mutating func expression() throws -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= ExprSyntax.maxNesting else {
            throw error("expression nested deeper than \(ExprSyntax.maxNesting) levels")
        }
        return try disjunction()
    }

    mutating func disjunction() throws -> Expr {
        var e = try conjunction()
        while try takeKeyword("or") {
            try grow()
            e = .or(e, try conjunction())
        }
        return e
    }

    mutating func conjunction() throws -> Expr {
        var e = try negation()
        while try takeKeyword("and") {
            try grow()
            e = .and(e, try negation())
        }
        return e
    }

    mutating func negation() throws -> Expr {
        if try takeKeyword("not") {
            try grow()
            return .not(try negation())
        }
        return try predicate()
    }

    static let comparisons: [String: Expr.Comparison] = [
        "=": .eq, "==": .eq, "<>": .ne, "!=": .ne, "<": .lt, "<=": .le, ">": .gt, ">=": .ge, "<=>": .nullSafeEq,
    ]

    /// additive ( compOp additive | IS … | [NOT] IN | [NOT] BETWEEN | [NOT] LIKE )*
    mutating func predicate() throws -> Expr {
        var e = try additive()
        while true {
            if case let .symbol(s) = token.kind, let op = ExprSyntax.comparisons[s] {
                try advance()
                try grow()
                e = .compare(op, e, try additive())
            } else if try takeKeyword("is") {
                try grow(2)   // IS DISTINCT FROM makes two nodes
                e = try isSuffix(e)
            } else if isKeyword("not"), let k = try? peekSecond(), case let .word(w) = k.kind,
                      ["in", "between", "like"].contains(w.lowercased()) {
                try advance()
                try grow()
                e = try negatableSuffix(e, negated: true)
            } else if isKeyword("in") || isKeyword("between") || isKeyword("like") {
                try grow()
                e = try negatableSuffix(e, negated: false)
            } else {
                return e
            }
        }
    }

    /// After IS: [NOT] NULL | [NOT] DISTINCT FROM additive.
    mutating func isSuffix(_ e: Expr) throws -> Expr {
        let negated = try takeKeyword("not")
        if try takeKeyword("null") { return .isNull(e, negated: negated) }
        if try takeKeyword("distinct") {
            try expectKeyword("from", "after IS [NOT] DISTINCT")
            let same = Expr.compare(.nullSafeEq, e, try additive())
            return negated ? same : .not(same)
        }
        throw expected("NULL, NOT NULL or [NOT] DISTINCT FROM after IS")
    }

    mutating func negatableSuffix(_ e: Expr, negated: Bool) throws -> Expr {
        if try takeKeyword("in") {
            try expectSymbol("(", "after IN")
            var items: [Expr] = []
            repeat { items.append(try expression()) } while try takeSymbol(",")
            try expectSymbol(")", "to close the IN list")
            return .inList(e, items, negated: negated)
        }
        if try takeKeyword("between") {
            let low = try additive()
            try expectKeyword("and", "between the bounds of BETWEEN")
            return .between(e, low: low, high: try additive(), negated: negated)
        }
        try expectKeyword("like", "")
        return .like(e, pattern: try additive(), negated: negated)
    }

    mutating func additive() throws -> Expr {
        var e = try multiplicative()
        while try isArithmetic(["+", "-", "||"]) {
            if try takeSymbol("+") { e = .arithmetic(.add, e, try multiplicative()) }
            else if try takeSymbol("-") { e = .arithmetic(.subtract, e, try multiplicative()) }
            else if try takeSymbol("||") { e = .concat(e, try multiplicative()) }
        }
        return e
    }

    mutating func multiplicative() throws -> Expr {
        var e = try unary()
        while try isArithmetic(["*", "/", "%"]) {
            if try takeSymbol("*") { e = .arithmetic(.multiply, e, try unary()) }
            else if try takeSymbol("/") { e = .arithmetic(.divide, e, try unary()) }
            else if try takeSymbol("%") { e = .arithmetic(.remainder, e, try unary()) }
        }
        return e
    }

    /// True (and one more node counted) when the token is one of the binary `symbols`.
    mutating func isArithmetic(_ symbols: [String]) throws -> Bool {
        guard case let .symbol(s) = token.kind, symbols.contains(s) else { return false }
        try grow()
        return true
    }

    /// '-' unary | '+' unary | primary. A minus directly before a number is part of the literal
    /// (so -2147483648 is an integer and -9223372036854775808L a long).
    mutating func unary() throws -> Expr {
        if try takeSymbol("-") {
            if case let .number(text) = token.kind {
                let at = token.position
                try advance()
                return try ExprLiterals.number("-" + text, at: at, self)
            }
            try grow()
            return .negate(try unary())
        }
        if try takeSymbol("+") { return try unary() }
        return try castSuffix(try primary())
    }
}
