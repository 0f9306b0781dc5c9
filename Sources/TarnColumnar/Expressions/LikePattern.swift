// LikePattern: a compiled SQL LIKE pattern over UTF-8 bytes: `%` matches any run of characters,
// `_` exactly one character (one code point, not one byte), `\` makes the next character literal
// (a trailing `\` is itself literal). Patterns without `_` use prefix / suffix / substring search.

struct LikePattern {
    enum Token: Equatable {
        case byte(UInt8)
        case one
        case any
    }

    let tokens: [Token]
    /// For `_`-free patterns: the literal segments between `%`s.
    let segments: [[UInt8]]?
    let anchoredStart: Bool
    let anchoredEnd: Bool

    init(_ pattern: [UInt8]) {
        var tokens: [Token] = []
        var i = 0
        while i < pattern.count {
            let c = pattern[i]
            if c == UInt8(ascii: "\\"), i + 1 < pattern.count {
                tokens.append(.byte(pattern[i + 1]))
                i += 2
                continue
            }
            tokens.append(c == UInt8(ascii: "%") ? .any : c == UInt8(ascii: "_") ? .one : .byte(c))
            i += 1
        }
        self.tokens = tokens
        anchoredStart = tokens.first != .any
        anchoredEnd = tokens.last != .any
        if tokens.contains(.one) {
            segments = nil
        } else {
            var segs: [[UInt8]] = [[]]
            for t in tokens {
                if case let .byte(b) = t { segs[segs.count - 1].append(b) } else if segs.last?.isEmpty == false { segs.append([]) }
            }
            segments = segs.filter { !$0.isEmpty }
        }
    }

    func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let segments else { return wildcardMatch(text) }
        if !tokens.contains(.any) { return segments.first.map { equal(text, 0, $0) && text.count == $0.count } ?? text.isEmpty }
        var start = 0
        var end = text.count
        var middle = segments[...]
        if anchoredStart, let first = middle.first {
            guard equal(text, 0, first) else { return false }
            start = first.count
            middle = middle.dropFirst()
        }
        if anchoredEnd, let last = middle.last {
            guard last.count <= end - start, equal(text, end - last.count, last) else { return false }
            end -= last.count
            middle = middle.dropLast()
        }
        for seg in middle {
            guard let at = find(text, seg, from: start, to: end) else { return false }
            start = at + seg.count
        }
        return start <= end
    }

    private func equal(_ text: UnsafeBufferPointer<UInt8>, _ at: Int, _ seg: [UInt8]) -> Bool {
        guard at >= 0, at + seg.count <= text.count else { return false }
        for (k, b) in seg.enumerated() where text[at + k] != b { return false }
        return true
    }

    private func find(_ text: UnsafeBufferPointer<UInt8>, _ seg: [UInt8], from: Int, to: Int) -> Int? {
        var i = from
        while i + seg.count <= to {
            if equal(text, i, seg) { return i }
            i += 1
        }
        return nil
    }

    /// Glob matching with backtracking to the last `%`; `_` steps over one UTF-8 character.
    private func wildcardMatch(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var t = 0, p = 0, starP = -1, starT = 0
        while t < text.count {
            if p < tokens.count {
                switch tokens[p] {
                case .any:
                    starP = p
                    starT = t
                    p += 1
                    continue
                case .one:
                    t = LikePattern.nextCharacter(text, t)
                    p += 1
                    continue
                case let .byte(b) where text[t] == b:
                    t += 1
                    p += 1
                    continue
                default: break
                }
            }
            guard starP >= 0 else { return false }
            starT = LikePattern.nextCharacter(text, starT)
            t = starT
            p = starP + 1
        }
        while p < tokens.count, tokens[p] == .any { p += 1 }
        return p == tokens.count
    }

    static func nextCharacter(_ text: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var j = i + 1
        while j < text.count, text[j] & 0xC0 == 0x80 { j += 1 }
        return j
    }
}
