// Temporal: proleptic Gregorian calendar conversions for date (days since 1970-01-01) and
// timestamps (microseconds since the epoch): formatting in the canonical row forms of spec/rows.md
// and parsing of ISO-8601 / SQL literals. Pure integer arithmetic, no Foundation.

public enum Temporal {
    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerDay: Int64 = 86_400_000_000

    /// (year, month, day) for days since 1970-01-01 (civil-from-days over 400-year eras).
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), Int(m), Int(d))
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date.
    public static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysInMonth(year: Int64, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Years 0...9999 as four digits; others with a sign and at least four digits ("-0001", "+10000").
    static func formatYear(_ y: Int64) -> String {
        if y >= 0 && y <= 9999 { return pad(y, 4) }
        return (y < 0 ? "-" : "+") + pad(abs(y), 4)
    }

    /// "YYYY-MM-DD".
    public static func formatDate(_ days: Int32) -> String {
        let c = civil(fromDays: Int64(days))
        return "\(formatYear(c.year))-\(pad(Int64(c.month), 2))-\(pad(Int64(c.day), 2))"
    }

    /// "YYYY-MM-DDTHH:MM:SS.ffffff" plus "Z" when `utc`.
    public static func formatTimestamp(_ micros: Int64, utc: Bool) -> String {
        let (days, rem) = floorDivMod(micros, microsPerDay)
        let secs = rem / microsPerSecond
        let frac = rem % microsPerSecond
        let c = civil(fromDays: days)
        let date = "\(formatYear(c.year))-\(pad(Int64(c.month), 2))-\(pad(Int64(c.day), 2))"
        let time = "\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2)).\(pad(frac, 6))"
        return date + "T" + time + (utc ? "Z" : "")
    }

    @inline(__always)
    public static func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b
        let r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}
