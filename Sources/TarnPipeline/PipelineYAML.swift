// PipelineYAML: reads a pipeline file (spec/pipeline.md "File format") into a PipelineSpec.
// Every key is checked (unknown keys are errors with file, line and key path); paths stay as
// written (the runner resolves them against the file's directory).
import TarnCodecs
import TarnColumnar

public enum PipelineYAML {
    /// Parses the text of `file` (the name is used in error messages).
    public static func parse(_ text: String, file: String = "pipeline.yaml") throws -> PipelineSpec {
        let root = try YAMLReader.parse(text, file: file)
        try root.only(["pipeline", "run_log", "stages"])
        let stages = try root.required("stages").items().map(stage)
        return PipelineSpec(name: try root.required("pipeline").string(), stages: stages,
                            runLog: try root.optional("run_log")?.string())
    }

    static func stage(_ r: YAMLReader) throws -> StageSpec {
        try r.only(["name", "source", "contract", "transforms", "expectations", "target", "maintenance", "depends_on"])
        return StageSpec(name: try r.required("name").string(), source: try source(r.required("source")),
                         contract: try r.optional("contract").map(contract),
                         transforms: try r.optional("transforms")?.items().map(transform) ?? [],
                         expectations: try r.optional("expectations").map(expectations),
                         target: try target(r.required("target")),
                         maintenance: try r.optional("maintenance").map(maintenance),
                         dependsOn: try r.optional("depends_on")?.strings() ?? [])
    }

    static func source(_ r: YAMLReader) throws -> SourceSpec {
        if let dir = try r.optional("files") {
            try r.only(["files", "pattern", "format"])
            let pattern = try r.optional("pattern")?.string() ?? "*"
            let format: FileFormat
            if let f = try r.optional("format") {
                format = try f.oneOf(FileFormat.self)
            } else if let inferred = FileFormat.allCases.first(where: { pattern.hasSuffix(".\($0.rawValue)") }) {
                format = inferred
            } else {
                throw r.error("say the files' format (format: csv, jsonl or parquet)")
            }
            return .files(directory: try dir.string(), pattern: pattern, format: format)
        }
        if let t = try r.optional("table") {
            try r.only(["table", "read"])
            return .table(path: try t.string(), read: try r.optional("read")?.oneOf(TableRead.self) ?? .appended)
        }
        throw r.error("a source is either files: DIR (with pattern and format) or table: PATH")
    }

    static func contract(_ r: YAMLReader) throws -> Contract {
        try r.only(["fields", "on_drift"])
        let fields = try r.required("fields").items().map { f -> ContractField in
            try f.only(["name", "type", "nullable", "pii"])
            let typeNode = try f.required("type")
            let type: DataType
            do { type = try SchemaParser.parseType(try typeNode.string()) } catch { throw typeNode.error("\(error)") }
            return ContractField(name: try f.required("name").string(), type: type,
                                 nullable: try f.optional("nullable")?.bool() ?? true, pii: try f.optional("pii")?.bool() ?? false)
        }
        return Contract(fields: fields, onDrift: try r.optional("on_drift")?.oneOf(DriftPolicy.self) ?? .fail)
    }

    static func transform(_ r: YAMLReader) throws -> TransformSpec {
        let keys = try r.keys()
        guard keys.count == 1, let kind = keys.first, let body = try r.optional(kind) else {
            throw r.error("a transform is a mapping with one key: select, rename, cast, derive, filter, dedup, aggregate or join")
        }
        switch kind {
        case "select": return .select(try body.strings())
        case "rename": return .rename(Dictionary(try body.entries().map { ($0.key, try $0.value.string()) }, uniquingKeysWith: { a, _ in a }))
        case "cast":
            try body.only(["column", "type"])
            let t = try body.required("type")
            let type: DataType
            do { type = try SchemaParser.parseType(try t.string()) } catch { throw t.error("\(error)") }
            return .cast(column: try body.required("column").string(), to: type)
        case "derive":
            try body.only(["column", "expr"])
            return .derive(column: try body.required("column").string(), expression: try body.required("expr").string())
        case "filter": return .filter(try body.string())
        case "dedup":
            try body.only(["keys", "order_by", "tie_breaker"])
            return .dedup(keys: try body.required("keys").strings(), orderBy: try body.required("order_by").string(),
                          tieBreaker: try body.required("tie_breaker").string())
        case "aggregate":
            try body.only(["group_by", "aggregates"])
            let aggs = try body.required("aggregates").items().map { a -> AggregateSpec in
                try a.only(["fn", "column", "as"])
                return AggregateSpec(function: try a.required("fn").oneOf(AggregateSpec.Function.self),
                                     column: try a.optional("column")?.string(), alias: try a.required("as").string())
            }
            return .aggregate(groupBy: try body.optional("group_by")?.strings() ?? [], aggregates: aggs)
        case "join":
            try body.only(["table", "on", "columns"])
            return .join(table: try body.required("table").string(), on: try body.required("on").strings(),
                         columns: try body.required("columns").strings())
        default:
            throw r.error("unknown transform '\(kind)' (select, rename, cast, derive, filter, dedup, aggregate, join)")
        }
    }

    static func expectations(_ r: YAMLReader) throws -> ExpectationSuite {
        try r.only(["owner", "checks"])
        // A missing owner is kept as "" so validation can name every stage without one.
        return ExpectationSuite(owner: try r.optional("owner")?.string() ?? "",
                                expectations: try r.optional("checks")?.items().map(expectation) ?? [])
    }

    static let checkKinds: Set<String> = ["not_null", "unique", "range", "accepted_values", "regex", "row_count", "freshness", "referential"]

    static func expectation(_ r: YAMLReader) throws -> ExpectationSpec {
        try r.only(checkKinds.union(["name", "action"]))
        let kinds = try r.keys().filter { checkKinds.contains($0) }
        guard kinds.count == 1, let kind = kinds.first, let body = try r.optional(kind) else {
            throw r.error("a check has exactly one of \(checkKinds.sorted().joined(separator: ", "))")
        }
        let spec: ExpectationSpec.Kind
        switch kind {
        case "not_null": spec = .notNull(column: try body.string())
        case "unique": spec = .unique(columns: try body.strings())
        case "range":
            try body.only(["column", "min", "max"])
            spec = .range(column: try body.required("column").string(), min: try body.optional("min")?.string(),
                          max: try body.optional("max")?.string())
        case "accepted_values":
            try body.only(["column", "values"])
            spec = .acceptedValues(column: try body.required("column").string(), values: try body.required("values").strings())
        case "regex":
            try body.only(["column", "pattern"])
            spec = .regex(column: try body.required("column").string(), pattern: try body.required("pattern").string())
        case "row_count":
            try body.only(["min", "max"])
            spec = .rowCount(min: try body.optional("min")?.int(), max: try body.optional("max")?.int())
        case "freshness":
            try body.only(["column", "max_age_seconds"])
            spec = .freshness(column: try body.required("column").string(), maxAgeSeconds: try body.required("max_age_seconds").int())
        default:
            try body.only(["column", "table", "table_column"])
            let column = try body.required("column").string()
            spec = .referential(column: column, table: try body.required("table").string(),
                                tableColumn: try body.optional("table_column")?.string() ?? column)
        }
        return ExpectationSpec(name: try r.optional("name")?.string() ?? kind, kind: spec,
                               action: try r.optional("action")?.oneOf(ExpectationSpec.Action.self) ?? .fail)
    }

    static func target(_ r: YAMLReader) throws -> TargetSpec {
        try r.only(["path", "mode", "keys", "sequence", "where", "partition_by", "dead_letter"])
        let modeNode = try r.optional("mode")
        let mode: TargetSpec.Mode
        switch try modeNode?.string() ?? "append" {
        case "append": mode = .append
        case "overwrite": mode = .overwrite
        case "replace_where": mode = .replaceWhere(try r.required("where").string())
        case "merge": mode = .merge(keys: try r.required("keys").strings())
        case "scd2": mode = .scd2(keys: try r.required("keys").strings(), sequence: try r.required("sequence").string())
        case let other:
            throw (modeNode ?? r).error("mode '\(other)' is not one of append, overwrite, replace_where, merge, scd2")
        }
        return TargetSpec(path: try r.required("path").string(), mode: mode,
                          partitionBy: try r.optional("partition_by")?.strings() ?? [],
                          deadLetter: try r.optional("dead_letter")?.string())
    }

    static func maintenance(_ r: YAMLReader) throws -> MaintenancePolicy {
        try r.only(["compact_min_small_files", "compact_min_small_file_ratio", "zorder_by", "zorder_min_unclustered_ratio",
                    "vacuum_min_reclaimable_bytes"])
        var p = MaintenancePolicy()
        if let v = try r.optional("compact_min_small_files") { p.compactMinSmallFiles = try v.int() }
        if let v = try r.optional("compact_min_small_file_ratio") { p.compactMinSmallFileRatio = try v.double() }
        if let v = try r.optional("zorder_by") { p.zOrderBy = try v.strings() }
        if let v = try r.optional("zorder_min_unclustered_ratio") { p.zOrderMinUnclusteredRatio = try v.double() }
        if let v = try r.optional("vacuum_min_reclaimable_bytes") { p.vacuumMinReclaimableBytes = Int64(try v.int()) }
        return p
    }
}
