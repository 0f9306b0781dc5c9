// The primary level of the expression grammar: literals, typed literals (DATE '…'), X'…',
// column paths, parentheses, CASE, CAST and function calls (spec/expressions.md "Grammar").

extension ExprSyntax {
    mutating func primary() throws -> Expr {
        let at = token.position
        switch token.kind {
        case let .number(text):
            try advance()
            return try ExprLiterals.number(text, at: at, self)
        case let .string(s):
            try advance()
            return .literal(.string(s), .string)
        case let .hex(h):
            try advance()
            guard let bytes = ExprLiterals.hexBytes(h) else {
                throw error("X'…' needs an even number of hex digits, found '\(h.prefix(30))'", at: at)
            }
            return .literal(.binary(bytes), .binary)
        case .quoted:
            return .column(try columnPath())
        case let .word(w):
            return try wordPrimary(w, at: at)
        case .symbol("("):
            try advance()
            try grow()
            let e = try expression()
            try expectSymbol(")", "to close '(' at position \(at + 1)")
            return e
        default:
            throw expected("an expression")
        }
    }

    mutating func wordPrimary(_ w: String, at: Int) throws -> Expr {
        let lower = w.lowercased()
        switch lower {
        case "null": try advance(); return .null
        case "true": try advance(); return .bool(true)
        case "false": try advance(); return .bool(false)
        case "case": try advance(); return try caseExpression()
        case "cast": try advance(); return try castExpression()
        default: break
        }
        let next = try peekSecond()
        if case let .string(text) = next.kind, ExprLiterals.typedLiteralWords.contains(lower) {
            try advance()
            try advance()
            return try ExprLiterals.typed(lower, text, at: next.position, self)
        }
        if next.kind == .symbol("(") { return try functionCall(w, at: at) }
        if ExprParser.reservedWords.contains(lower) {
            throw error("expected an expression, found keyword \(w.uppercased()) (back-quote a column with that name: `\(w)`)")
        }
        return .column(try columnPath())
    }

    /// name ('.' name)*; names after a dot may be any word, keywords included.
    mutating func columnPath() throws -> [String] {
        var path: [String] = []
        switch token.kind {
        case let .quoted(q): path.append(q)
        case let .word(w) where !ExprParser.reservedWords.contains(w.lowercased()): path.append(w)
        default: throw expected("a column name")
        }
        try advance()
        while try takeSymbol(".") {
            switch token.kind {
            case let .quoted(q): path.append(q)
            case let .word(w): path.append(w)
            default: throw expected("a field name after '.'")
            }
            try advance()
        }
        return path
    }

    mutating func functionCall(_ name: String, at: Int) throws -> Expr {
        guard let sig = ExprFunctions.signature(name) else {
            throw error("unknown function '\(name)' (known: \(ExprFunctions.knownNames))", at: at)
        }
        try advance()
        try grow()
        try expectSymbol("(", "after the function name")
        var args: [Expr] = []
        if !isSymbol(")") {
            repeat { args.append(try expression()) } while try takeSymbol(",")
        }
        try expectSymbol(")", "to close the arguments of \(sig.name)")
        guard sig.arguments.contains(args.count) else {
            let want = sig.arguments.count == 1 ? "\(sig.arguments.lowerBound)"
                : "\(sig.arguments.lowerBound) to \(sig.arguments.upperBound)"
            throw error("\(sig.name) takes \(want) argument\(sig.arguments.upperBound == 1 ? "" : "s"), found \(args.count)", at: at)
        }
        return .function(sig.name, args)
    }

    /// CASE [operand] WHEN … THEN … [WHEN …]* [ELSE …] END (after CASE).
    mutating func caseExpression() throws -> Expr {
        if isKeyword("end") || isKeyword("else") { throw expected("WHEN in CASE") }
        try grow(2)   // CASE and the comparisons of its WHENs
        let operand: Expr? = isKeyword("when") ? nil : try expression()
        var clauses: [Expr.WhenClause] = []
        while try takeKeyword("when") {
            let w = try expression()
            try expectKeyword("then", "after the WHEN condition")
            let condition = operand.map { Expr.compare(.eq, $0, w) } ?? w
            clauses.append(Expr.WhenClause(condition, try expression()))
        }
        guard !clauses.isEmpty else { throw expected("WHEN in CASE") }
        let otherwise: Expr? = try takeKeyword("else") ? try expression() : nil
        try expectKeyword("end", "to close CASE")
        return .caseWhen(clauses, else: otherwise)
    }

    /// CAST '(' expression AS type ')' (after CAST). The type is read as raw text up to the
    /// matching ')' and parsed by SchemaParser.parseType, so every schema type name works.
    mutating func castExpression() throws -> Expr {
        try expectSymbol("(", "after CAST")
        try grow()
        let value = try expression()
        guard isKeyword("as") else { throw expected("AS in CAST(… AS type)") }
        let typeStart = lexer.i
        let typeEnd = try closingParenthesis(from: typeStart)
        let text = String(lexer.chars[typeStart ..< typeEnd])
        let type: DataType
        do { type = try SchemaParser.parseType(text) } catch let e as TarnError {
            throw error("invalid type '\(text.trimmedWhitespace)' in CAST: \(e.message)", at: typeStart)
        }
        lexer.i = typeEnd
        try advance()
        try expectSymbol(")", "to close CAST")
        return .cast(value, type)
    }

    /// primary { '::' type }: the PostgreSQL / DataFusion cast that delta-rs writes into CHECK
    /// constraints (`amount > '0'::decimal(10, 2)`); the type is a name with optional (arguments).
    mutating func castSuffix(_ operand: Expr) throws -> Expr {
        var e = operand
        while isSymbol("::") {
            let chars = lexer.chars
            var end = lexer.i
            while end < chars.count, chars[end].isWhitespace { end += 1 }
            while end < chars.count, ExprLexer.isNameChar(chars[end]) { end += 1 }
            var afterName = end
            while afterName < chars.count, chars[afterName].isWhitespace { afterName += 1 }
            if afterName < chars.count, chars[afterName] == "(" { end = try closingParenthesis(from: afterName + 1) + 1 }
            let text = String(chars[lexer.i ..< end])
            let type: DataType
            do { type = try SchemaParser.parseType(text) } catch let err as TarnError {
                throw error("invalid type '\(text.trimmedWhitespace)' after '::': \(err.message)", at: lexer.i)
            }
            lexer.i = end
            try advance()
            try grow()
            e = .cast(e, type)
        }
        return e
    }

    /// The index of the ')' that closes the current parenthesis level, from `start`.
    func closingParenthesis(from start: Int) throws -> Int {
        var depth = 0
        var i = start
        var inQuote = false
        let chars = lexer.chars
        while i < chars.count {
            let c = chars[i]
            if c == "`" { inQuote.toggle() } else if !inQuote {
                if c == "(" { depth += 1 }
                if c == ")" {
                    if depth == 0 { return i }
                    depth -= 1
                }
            }
            i += 1
        }
        throw error("expected ')' to close CAST", at: chars.count)
    }
}
