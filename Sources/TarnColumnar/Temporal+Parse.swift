// Parsing of date and timestamp text: "YYYY-MM-DD", and "YYYY-MM-DD[T| ]HH:MM[:SS[.f{1,9}]]"
// with an optional zone ("Z", "+HH:MM", "+HHMM", "+HH"). Fractions beyond microseconds are
// truncated toward negative infinity. Returns nil for anything malformed or out of range.

extension Temporal {
    /// Days since the epoch for "YYYY-MM-DD" (also accepts a leading sign on the year).
    public static func parseDate(_ text: some StringProtocol) -> Int32? {
        var p = Scanner(Array(text.utf8))
        guard let d = p.date(), p.atEnd else { return nil }
        return Int32(exactly: d)
    }

    /// Microseconds since the epoch. A zone in the text is applied; without one the text is taken
    /// as UTC (timestamp_ntz values are wall-clock times encoded "as if UTC").
    /// `hasZone` reports whether the text carried a zone.
    public static func parseTimestamp(_ text: some StringProtocol) -> (micros: Int64, hasZone: Bool)? {
        var p = Scanner(Array(text.utf8))
        // Years run to 7 digits, far past what fits in Int64 microseconds (±292,000 years):
        // out-of-range text is nil, like any other malformed timestamp.
        guard let days = p.date() else { return nil }
        let (dayMicros, overflow) = days.multipliedReportingOverflow(by: microsPerDay)
        guard !overflow else { return nil }
        var micros = dayMicros
        if p.atEnd { return (micros, false) }
        guard p.take(UInt8(ascii: "T")) || p.take(UInt8(ascii: " ")) || p.take(UInt8(ascii: "t")) else { return nil }
        guard let h = p.digits(2), p.take(UInt8(ascii: ":")), let mi = p.digits(2), h < 24, mi < 60 else { return nil }
        var s: Int64 = 0
        var frac: Int64 = 0
        if p.take(UInt8(ascii: ":")) {
            guard let sec = p.digits(2), sec < 60 else { return nil }
            s = sec
            if p.take(UInt8(ascii: ".")) {
                guard let f = p.fraction() else { return nil }
                frac = f
            }
        }
        let (timed, late) = micros.addingReportingOverflow((h * 3600 + mi * 60 + s) * microsPerSecond + frac)
        guard !late else { return nil }
        micros = timed
        p.skipSpaces()
        if p.atEnd { return (micros, false) }
        guard let offset = p.zoneOffsetSeconds(), p.atEnd else { return nil }
        let (utc, shifted) = micros.subtractingReportingOverflow(offset * microsPerSecond)
        return shifted ? nil : (utc, true)
    }

    /// A small cursor over ASCII bytes.
    struct Scanner {
        let b: [UInt8]
        var i = 0
        init(_ b: [UInt8]) { self.b = b }
        var atEnd: Bool { i >= b.count }

        mutating func take(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }

        mutating func skipSpaces() { while i < b.count, b[i] == 32 { i += 1 } }

        mutating func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0 ..< n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }

        /// 1...9 fractional digits, as microseconds (truncated).
        mutating func fraction() -> Int64? {
            var v: Int64 = 0
            var n = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if n < 6 { v = v * 10 + Int64(b[i] - 48) }
                n += 1
                i += 1
            }
            guard n >= 1 && n <= 9 else { return nil }
            for _ in min(n, 6) ..< 6 { v *= 10 }
            return v
        }

        mutating func date() -> Int64? {
            var sign: Int64 = 1
            if take(UInt8(ascii: "-")) { sign = -1 } else { _ = take(UInt8(ascii: "+")) }
            var year: Int64 = 0
            var n = 0
            while i < b.count, b[i] >= 48, b[i] <= 57, n < 7 {
                year = year * 10 + Int64(b[i] - 48)
                n += 1
                i += 1
            }
            guard n >= 4, take(UInt8(ascii: "-")), let m = digits(2), take(UInt8(ascii: "-")), let d = digits(2) else { return nil }
            year *= sign
            guard (1 ... 12).contains(m), d >= 1, d <= Temporal.daysInMonth(year: year, month: Int(m)) else { return nil }
            return Temporal.days(year: year, month: Int(m), day: Int(d))
        }

        mutating func zoneOffsetSeconds() -> Int64? {
            if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) { return 0 }
            if i + 3 <= b.count, b[i] == UInt8(ascii: "U"), b[i + 1] == UInt8(ascii: "T"), b[i + 2] == UInt8(ascii: "C") {
                i += 3
                return 0
            }
            let sign: Int64
            if take(UInt8(ascii: "+")) { sign = 1 } else if take(UInt8(ascii: "-")) { sign = -1 } else { return nil }
            guard let h = digits(2), h <= 18 else { return nil }
            var m: Int64 = 0
            if take(UInt8(ascii: ":")) {
                guard let mm = digits(2) else { return nil }
                m = mm
            } else if let mm = digits(2) {
                m = mm
            }
            guard m < 60 else { return nil }
            return sign * (h * 3600 + m * 60)
        }
    }
}
