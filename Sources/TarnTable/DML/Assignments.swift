// Assignments: the `col = expr, …` list of UPDATE SET, MERGE UPDATE SET and MERGE INSERT, bound
// to the batch they read (the table's rows, or joined target and source rows) and to the types
// of the table columns they set. Columns not assigned keep the base row's value.
import TarnDelta

struct Assignments {
    /// Table field index → the value's expression, bound to the input schema with the field's type.
    let values: [Int: BoundExpr]
    /// Numeric values narrowed to their column's type (as Spark's ANSI store assignment): the
    /// unconverted expression, to tell an overflow (an error) from a null.
    let narrowed: [Int: BoundExpr]
    let schema: StructType

    init(_ parsed: [(column: [String], value: Expr)], table: StructType, input: StructType, tableName: String) throws {
        var values: [Int: BoundExpr] = [:], narrowed: [Int: BoundExpr] = [:]
        for (path, expr) in parsed {
            let name = path.joined(separator: ".")
            guard path.count == 1 || (path.count == 2 && ["target", "t"].contains(path[0].lowercased())),
                  let i = table.fields.firstIndex(where: { $0.name.lowercased() == path[path.count - 1].lowercased() }) else {
                throw TarnError(.invalidArgument, "SET names column '\(name)', which is not a top-level column of the table (it has \(table.fieldNames.joined(separator: ", ")))",
                                table: tableName, column: name)
            }
            guard values[i] == nil else {
                throw TarnError(.invalidArgument, "column '\(table.fields[i].name)' is assigned twice", table: tableName, column: name)
            }
            let type = table.fields[i].type
            do {
                if let raw = try? expr.bind(to: input), raw.type != type, raw.type.isNumeric, type.isNumeric {
                    values[i] = try Expr.cast(expr, type).bind(to: input)
                    narrowed[i] = raw
                } else {
                    values[i] = try expr.bind(to: input, resultType: type)
                }
            } catch var e as TarnError {
                e.message = "SET \(table.fields[i].name) = \(expr.sql): " + e.message
                e.table = tableName
                e.column = table.fields[i].name
                throw e
            }
        }
        self.values = values
        self.narrowed = narrowed
        schema = table
    }

    /// The table rows after assignment: `input` is what the expressions read, `base` (nil when
    /// every column is assigned, as for INSERT) the rows whose other columns are kept.
    func apply(input: RecordBatch, base: RecordBatch?) throws -> RecordBatch {
        var columns: [Column] = []
        for (i, f) in schema.fields.enumerated() {
            if let e = values[i] {
                let c = try e.evaluate(input)
                if let raw = narrowed[i] { try checkOverflow(c, try raw.evaluate(input), f) }
                columns.append(c)
            } else if let base {
                columns.append(base.columns[i])
            } else {
                columns.append(Column.allNull(f.type, count: input.count))
            }
        }
        return RecordBatch(schema: schema, columns: columns, count: input.count)
    }

    /// A value the conversion turned into null (decimal overflow) or changed (integer narrowing
    /// wraps) did not fit its column.
    private func checkOverflow(_ converted: Column, _ raw: Column, _ f: StructField) throws {
        let integral: Set<DataType> = [.byte, .short, .integer, .long]
        let compareValues = integral.contains(f.type) && integral.contains(raw.type)
        for i in 0 ..< converted.count where !raw.isNull(i) {
            if converted.isNull(i) || (compareValues && converted.value(at: i) != raw.value(at: i)) {
                throw TarnError(.invalidArgument, "value \(raw.value(at: i)) does not fit column '\(f.name)' of type \(f.type) (row \(i) of the changed rows)",
                                column: f.name, row: i)
            }
        }
    }
}
