// Checks: each expectation kind evaluated over one batch, giving the failing rows (row-level
// kinds) or a verdict (row_count, freshness). Range bounds are expression-language literals bound
// to the column's type; accepted values are cast from text; regex must match the whole value.
import Foundation
import TarnColumnar

enum Checks {
    static func run(_ kind: ExpectationSpec.Kind, _ batch: RecordBatch, nowMicros: Int64,
                    table: (String) throws -> [RecordBatch]) throws -> CheckFinding {
        switch kind {
        case let .notNull(c):
            return try rows(batch, c, "null values in '\(c)'") { $0.isNull }
        case let .unique(cs): return try unique(batch, cs)
        case let .range(c, lo, hi): return try range(batch, c, lo, hi)
        case let .acceptedValues(c, values): return try accepted(batch, c, values)
        case let .regex(c, pattern): return try regex(batch, c, pattern)
        case let .rowCount(lo, hi):
            let ok = lo.map { batch.count >= $0 } ?? true && hi.map { batch.count <= $0 } ?? true
            let bounds = "[\(lo.map(String.init) ?? "-"), \(hi.map(String.init) ?? "-")]"
            return CheckFinding(failing: [], passed: ok, message: "\(batch.count) rows, expected \(bounds)", droppable: false)
        case let .freshness(c, age): return try freshness(batch, c, age, nowMicros)
        case let .referential(c, path, tc): return try referential(batch, c, path, tc, table)
        }
    }

    /// The index of `name`, or nil for a batch without columns (no input at all: nothing fails).
    static func column(_ batch: RecordBatch, _ name: String) throws -> Int? {
        if batch.schema.fields.isEmpty && batch.count == 0 { return nil }
        return try RowOrder.index(name, in: batch.schema, "expectation")
    }

    /// A row-level finding: the rows whose value of `name` satisfies `fails`.
    static func rows(_ batch: RecordBatch, _ name: String, _ what: String, code: RejectCode = .expectationFailed,
                     fails: (Value) -> Bool) throws -> CheckFinding {
        guard let i = try column(batch, name) else { return CheckFinding(failing: [], passed: true, message: "no rows", droppable: true) }
        let c = batch.columns[i]
        let failing = (0 ..< batch.count).filter { fails(c.value(at: $0)) }
        let message = failing.isEmpty ? "no \(what)" : "\(failing.count) of \(batch.count) rows have \(what)"
        var finding = CheckFinding(failing: failing, passed: failing.isEmpty, message: message, droppable: true, code: code)
        finding.what = what
        return finding
    }

    /// Rows repeating an earlier row's key (rows with a null key column are not checked).
    static func unique(_ batch: RecordBatch, _ names: [String]) throws -> CheckFinding {
        let idx = try names.compactMap { try column(batch, $0) }
        var seen = Set<[Value]>()
        var failing: [Int] = []
        for r in 0 ..< (idx.isEmpty ? 0 : batch.count) {
            let key = idx.map { batch.columns[$0].value(at: r) }
            if key.contains(where: \.isNull) { continue }
            if !seen.insert(key).inserted { failing.append(r) }
        }
        let cols = names.joined(separator: ", ")
        let message = failing.isEmpty ? "(\(cols)) is unique"
            : "\(failing.count) rows repeat an earlier (\(cols)) (drop keeps the first occurrence of each)"
        return CheckFinding(failing: failing, passed: failing.isEmpty, message: message, droppable: true, code: .duplicateKey)
    }

    static func range(_ batch: RecordBatch, _ name: String, _ lo: String?, _ hi: String?) throws -> CheckFinding {
        guard let i = try column(batch, name) else { return CheckFinding(failing: [], passed: true, message: "no rows", droppable: true) }
        let type = batch.schema.fields[i].type
        let low = try lo.map { try literal($0, type, name) }, high = try hi.map { try literal($0, type, name) }
        return try rows(batch, name, "'\(name)' outside [\(lo ?? "-"), \(hi ?? "-")]") { v in
            if v.isNull { return false }
            if let low, Value.compare(v, low).map({ $0 < 0 }) ?? true { return true }
            if let high, Value.compare(v, high).map({ $0 > 0 }) ?? true { return true }
            return false
        }
    }

    /// An expression-language literal as a value of `type`.
    static func literal(_ text: String, _ type: DataType, _ column: String) throws -> Value {
        let bound = try ExprParser.parse(text).bind(to: StructType([]), resultType: type)
        guard let v = bound.literalValue, !v.isNull else {
            throw TarnError(.invalidArgument, "range bound \(text) for '\(column)' is not a \(type) literal", column: column)
        }
        return v
    }

    static func accepted(_ batch: RecordBatch, _ name: String, _ values: [String]) throws -> CheckFinding {
        let type = try column(batch, name).map { batch.schema.fields[$0].type } ?? .string
        let allowed = try Set(values.map { text -> Value in
            let v = ExprCast.cast(.string(text), from: .string, to: type)
            guard !v.isNull else {
                throw TarnError(.invalidArgument, "accepted value '\(text)' is not a \(type) for '\(name)'", column: name)
            }
            return v
        })
        return try rows(batch, name, "values of '\(name)' outside the accepted list") { !$0.isNull && !allowed.contains($0) }
    }

    static func regex(_ batch: RecordBatch, _ name: String, _ pattern: String) throws -> CheckFinding {
        let re: NSRegularExpression
        do {
            re = try NSRegularExpression(pattern: "\\A(?:" + pattern + ")\\z")
        } catch {
            throw TarnError(.invalidArgument, "regex expectation on '\(name)': invalid pattern \(pattern)", column: name)
        }
        let type = try column(batch, name).map { batch.schema.fields[$0].type } ?? .string
        return try rows(batch, name, "values of '\(name)' not matching /\(pattern)/") { v in
            guard case let .string(s) = ExprCast.cast(v, from: type, to: .string) else { return false }
            return re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil
        }
    }

    static func freshness(_ batch: RecordBatch, _ name: String, _ age: Int, _ now: Int64) throws -> CheckFinding {
        var newest: Int64?
        if let i = try column(batch, name) {
            let type = batch.schema.fields[i].type
            guard type == .timestamp || type == .timestampNtz || type == .date else {
                throw TarnError(.invalidArgument, "freshness needs a timestamp or date column, '\(name)' is \(type)", column: name)
            }
            for v in batch.columns[i].values {
                let micros: Int64? = switch v {
                case let .timestamp(t): t
                case let .date(d): Int64(d) * Temporal.microsPerDay
                default: nil
                }
                if let micros { newest = max(newest ?? micros, micros) }
            }
        }
        guard let newest else {
            return CheckFinding(failing: [], passed: false, message: "'\(name)' has no values", droppable: false)
        }
        let limit = now - Int64(age) * 1_000_000
        let text = Temporal.formatTimestamp(newest, utc: true)
        return CheckFinding(failing: [], passed: newest >= limit,
                            message: "newest '\(name)' is \(text), at most \(age)s old expected", droppable: false)
    }

    static func referential(_ batch: RecordBatch, _ name: String, _ path: String, _ tableColumn: String,
                            _ table: (String) throws -> [RecordBatch]) throws -> CheckFinding {
        let type = try column(batch, name).map { batch.schema.fields[$0].type } ?? .string
        var present = Set<Value>()
        for b in try table(path) {
            let j = try RowOrder.index(tableColumn, in: b.schema, "referential table \(path)")
            for v in b.columns[j].values where !v.isNull { present.insert(v.coerced(to: type) ?? v) }
        }
        return try rows(batch, name, "values of '\(name)' missing from \(path).\(tableColumn)", code: .referentialMissing) {
            !$0.isNull && !present.contains($0)
        }
    }
}
