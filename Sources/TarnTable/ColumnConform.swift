// Shaping file columns into table columns: constant partition columns, all-null columns for
// fields a file lacks (schema evolution), struct children found by physical (column mapping)
// name, lossless widening. A type mismatch between file and table is a schemaMismatch error.
import TarnDelta

enum ColumnConform {
    /// `column` (as read from a file) reshaped to the table's `field` type: struct children matched
    /// by physical name, missing children null-filled. Throws when the leaf types differ.
    static func conform(_ column: Column, to type: DataType, mapping: ColumnMapping, column name: String, file: String) throws -> Column {
        if column.type == type { return column }
        switch (type, column.storage) {
        case let (.struct(target), .structure(children)):
            guard case let .struct(source) = column.type else { break }
            var out: [Column] = []
            for f in target.fields {
                if let i = mapping.index(of: f, in: source) {
                    out.append(try conform(children[i], to: f.type, mapping: mapping, column: name + "." + f.name, file: file))
                } else {
                    out.append(Column.allNull(f.type, count: column.count))
                }
            }
            return Column(type: type, count: column.count, validity: column.validity, storage: .structure(out))
        case let (.array(e, _), .list(offsets, child)):
            return Column(type: type, count: column.count, validity: column.validity,
                          storage: .list(offsets: offsets, child: try conform(child, to: e, mapping: mapping, column: name, file: file)))
        case let (.map(k, v, _), .map(offsets, keys, values)):
            return Column(type: type, count: column.count, validity: column.validity,
                          storage: .map(offsets: offsets, keys: try conform(keys, to: k, mapping: mapping, column: name, file: file),
                                        values: try conform(values, to: v, mapping: mapping, column: name, file: file)))
        default: break
        }
        if let widened = widen(column, to: type) { return widened }
        throw TarnError(.schemaMismatch, "the file stores column '\(name)' as \(column.type) but the table schema says \(type)",
                        file: file, column: name)
    }

    /// Lossless integer widening (files written before a type change).
    static func widen(_ c: Column, to type: DataType) -> Column? {
        switch (c.storage, type) {
        case let (.int8(a), .short): return Column(type: type, count: c.count, validity: c.validity, storage: .int16(a.map { Int16($0) }))
        case let (.int8(a), .integer): return Column(type: type, count: c.count, validity: c.validity, storage: .int32(a.map { Int32($0) }))
        case let (.int16(a), .integer): return Column(type: type, count: c.count, validity: c.validity, storage: .int32(a.map { Int32($0) }))
        case let (.int32(a), .long) where c.type == .integer: return Column(type: type, count: c.count, validity: c.validity, storage: .int64(a.map { Int64($0) }))
        case let (.float(a), .double): return Column(type: type, count: c.count, validity: c.validity, storage: .double(a.map { Double($0) }))
        default: return nil
        }
    }
}
