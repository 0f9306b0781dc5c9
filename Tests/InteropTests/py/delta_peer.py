"""Delta Lake half of the Python peer: deltalake (delta-rs) as the independent Delta reader and writer.

peer.py registers delta-read, -versions, -version-at, -write, -check, -dml, -checkpoint and -gen-parquet via
`register(sub)`. Rows are canonical JSON lines (spec/rows.md, from rowformat.py), compared as multisets with floats
compared numerically; deltalake's parsed statistics are checked against the data files themselves.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import os
import sys
import time
import urllib.parse
from collections import Counter
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pyarrow.types as pt

import matrix
import rowformat as rf


def _summary(obj: dict, stream=sys.stdout) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str), file=stream, flush=True)


def _deltalake():
    """The deltalake module; a missing module is an error (the tests must fail, never skip)."""
    import deltalake  # noqa: PLC0415 - imported lazily so peer.py's pyarrow-only commands stay fast
    return deltalake


# ================================================================ reading

def open_table(path: str, version=None):
    return _deltalake().DeltaTable(path, version=version)


def read_arrow(dt, columns=None) -> tuple[pa.Table, str]:
    """deltalake's read of a loaded DeltaTable: the pyarrow path, or DataFusion (QueryBuilder) for tables
    whose reader features the pyarrow path refuses (columnMapping, deletionVectors, v2Checkpoint...)."""
    try:
        return dt.to_pyarrow_table(columns=columns), "pyarrow"
    except Exception as first:  # noqa: BLE001 - fall back to the DataFusion reader
        try:
            cols = ", ".join('"' + c.replace('"', '""') + '"' for c in columns) if columns else "*"
            reader = _deltalake().QueryBuilder().register("t", dt).execute(f"SELECT {cols} FROM t")
            return pa.table(reader), f"datafusion (pyarrow path: {type(first).__name__}: {first})"
        except Exception as second:  # noqa: BLE001
            raise RuntimeError(f"deltalake cannot read the table: pyarrow path: {first}; DataFusion: {second}") \
                from second


def canonical_rows(table: pa.Table) -> list[dict]:
    return rf.table_rows(table)


def cmd_read(args) -> int:
    try:
        dt = open_table(args.table, args.version)
        table, reader = read_arrow(dt, args.columns.split(",") if args.columns else None)
        lines = sorted(rf.dump_row(r) for r in canonical_rows(table))
    except Exception as e:  # noqa: BLE001
        _summary({"command": "delta-read", "ok": False, "error": f"{type(e).__name__}: {e}"}, sys.stderr)
        return 1
    sys.stdout.write("".join(line + "\n" for line in lines))
    _summary({"command": "delta-read", "table": args.table, "version": dt.version(), "rows": len(lines),
              "reader": reader}, sys.stderr)
    return 0


# ================================================================ row comparison

def _bad(v):
    return {"__bad__": v}  # never produced by a well-typed value (structs normalise to lists)


def _float(v):
    if isinstance(v, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return None


def normalise(t: pa.DataType, v):
    """A hashable-by-JSON form of a canonical value of Arrow type t: floats compare numerically
    (float32 rounded through float32, NaN == NaN, -0.0 != 0.0), everything else exactly."""
    if pt.is_dictionary(t):
        t = t.value_type
    if v is None:
        return None
    if pt.is_floating(t):
        f = _float(v)
        if f is None:
            return _bad(v)
        if t != pa.float64():
            f = float(np.float32(f))
        return "NaN" if math.isnan(f) else repr(f)
    if pt.is_boolean(t):
        return v if isinstance(v, bool) else _bad(v)
    if pt.is_integer(t):
        return v if type(v) is int else _bad(v)
    if pt.is_struct(t):
        names = [t.field(i).name for i in range(t.num_fields)]
        if not isinstance(v, dict) or list(v) != names:
            return _bad(v)
        return [[n, normalise(t.field(n).type, v[n])] for n in names]
    if pt.is_map(t):
        if isinstance(v, dict):
            return [[k, normalise(t.item_type, x)] for k, x in v.items()]
        if not isinstance(v, list):
            return _bad(v)
        out = []
        for e in v:
            if not isinstance(e, dict) or list(e) != ["key", "value"]:
                return _bad(v)
            out.append([normalise(t.key_type, e["key"]), normalise(t.item_type, e["value"])])
        return out
    if pt.is_list(t) or pt.is_large_list(t) or pt.is_fixed_size_list(t) or pt.is_list_view(t):
        return [normalise(t.value_type, e) for e in v] if isinstance(v, list) else _bad(v)
    return v if type(v) is str else _bad(v)


def row_key(schema: pa.Schema, row: dict) -> str:
    return json.dumps([normalise(schema.field(n).type, row.get(n)) for n in schema.names],
                      ensure_ascii=False, separators=(",", ":"))


def compare_rows(schema: pa.Schema, delta_rows: list[dict], tarn_lines: list[str], where: str, problems: list,
                 max_report: int) -> None:
    """Multiset comparison of deltalake's canonical rows with Tarn's JSON lines."""
    names = schema.names
    tarn_rows = []
    for i, line in enumerate(tarn_lines):
        try:
            row = rf.load_row(line)
        except ValueError as e:
            problems.append(f"{where}: Tarn line {i + 1} is not JSON ({e})")
            continue
        if not isinstance(row, dict):
            problems.append(f"{where}: Tarn line {i + 1} is not an object")
            continue
        tarn_rows.append(row)
    if len(tarn_rows) != len(delta_rows):
        problems.append(f"{where}: deltalake reads {len(delta_rows)} rows, Tarn {len(tarn_rows)}")
    key_orders = Counter(tuple(r) for r in tarn_rows)
    for order, n in key_orders.items():
        if list(order) != names:
            problems.append(f"{where}: {n} Tarn rows have columns {list(order)}, deltalake reads {names}")
    want = Counter(row_key(schema, r) for r in delta_rows)
    got = Counter(row_key(schema, r) for r in tarn_rows)
    only_delta, only_tarn = want - got, got - want
    for label, diff in (("only in deltalake's read", only_delta), ("only in Tarn's scan", only_tarn)):
        shown = 0
        for key, n in sorted(diff.items()):
            if shown >= max_report:
                problems.append(f"{where}: ... {sum(diff.values()) - shown} more rows {label}")
                break
            problems.append(f"{where}: row {label} (x{n}): {key}")
            shown += n


def cmd_check(args) -> int:
    """For every version V of the table: Tarn's rows (DIR/V.jsonl) equal deltalake's read of V."""
    start = time.monotonic()
    problems, per_version = [], []
    latest = open_table(args.table).version()
    present = {int(n[:-len(".jsonl")]) for n in os.listdir(args.tarn_rows)
               if n.endswith(".jsonl") and n[:-len(".jsonl")].isdigit()}
    for v in sorted(present - set(range(latest + 1))):
        problems.append(f"version {v}: Tarn has rows for it, deltalake's latest version is {latest}")
    total = 0
    for v in range(args.first, latest + 1):
        where = f"version {v}"
        entry = {"version": v}
        before = len(problems)
        try:
            table, reader = read_arrow(open_table(args.table, v))
        except Exception as e:  # noqa: BLE001 - a version deltalake cannot read is a finding
            problems.append(f"{where}: deltalake cannot load it: {type(e).__name__}: {e}")
            per_version.append({**entry, "error": str(e)})
            continue
        entry["reader"] = reader.split(" ")[0]
        delta_rows = canonical_rows(table)
        entry["delta_rows"] = len(delta_rows)
        total += len(delta_rows)
        path = os.path.join(args.tarn_rows, f"{v}.jsonl")
        if v not in present:
            problems.append(f"{where}: no Tarn rows ({path} is missing)")
        else:
            with open(path, encoding="utf-8") as fh:
                lines = [line for line in fh.read().split("\n") if line.strip()]
            entry["tarn_rows"] = len(lines)
            compare_rows(table.schema, delta_rows, lines, where, problems, args.max_report)
        entry["mismatches"] = len(problems) - before
        per_version.append(entry)
    for p in problems:
        print(f"MISMATCH {p}", file=sys.stderr)
    _summary({"command": "delta-check", "table": args.table, "latest": latest,
              "versions": len(per_version), "rows": total, "mismatches": len(problems),
              "per_version": per_version, "seconds": round(time.monotonic() - start, 2), "ok": not problems})
    return 0 if not problems else 1


# ================================================================ deltalake's view of versions and statistics

def raw_stats(table_path: str) -> tuple[dict, dict]:
    """From every commit file: add.path (as in the log) -> the parsed stats JSON object, and
    add.path -> the engineInfo of the commit that added it."""
    stats, writers = {}, {}
    log = os.path.join(table_path, "_delta_log")
    for name in sorted(os.listdir(log)):
        if not (name.endswith(".json") and name[:-5].isdigit()):
            continue
        with open(os.path.join(log, name), encoding="utf-8") as fh:
            actions = [json.loads(line) for line in fh if line.strip()]
        engine = next((a["commitInfo"].get("engineInfo") for a in actions
                       if isinstance(a.get("commitInfo"), dict)), None)
        for a in actions:
            add = a.get("add")
            if not isinstance(add, dict):
                continue
            writers[add["path"]] = engine
            if isinstance(add.get("stats"), str):
                try:
                    stats[add["path"]] = json.loads(add["stats"])
                except ValueError:
                    stats[add["path"]] = {"__unparseable__": add["stats"]}
    return stats, writers


def flatten_stats(obj, prefix=()) -> dict:
    """{'a': {'b': 1}} -> {('a', 'b'): 1}; nulls dropped."""
    out = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(flatten_stats(v, prefix + (k,)))
    elif obj is not None and prefix:
        out[prefix] = obj
    return out


def leaf_array(table: pa.Table, path: tuple):
    """The array of a (possibly nested) leaf, with the nulls of its parent structs; None if absent."""
    if path[0] not in table.column_names:
        return None
    arr = table.column(path[0]).combine_chunks()
    for name in path[1:]:
        if not pt.is_struct(arr.type) or arr.type.get_field_index(name) < 0:
            return None
        arr = arr.flatten()[arr.type.get_field_index(name)]
    return arr


def _ints(arr: pa.Array) -> pa.Array:
    if pt.is_timestamp(arr.type):
        return arr.cast(pa.int64())
    if pt.is_date32(arr.type):
        return arr.cast(pa.int32())
    return arr


class DataSummary:
    """Exact min / max / null count of a data file's leaves, from the file itself (cached per path)."""

    def __init__(self, path: str):
        self.table = pq.read_table(path)
        self.rows = self.table.num_rows
        self.cache = {}

    def leaf(self, path: tuple):
        if path not in self.cache:
            arr = leaf_array(self.table, path)
            if arr is None:
                self.cache[path] = None
            else:
                nulls = arr.null_count
                lo = hi = None
                if not pt.is_nested(arr.type):
                    vals = arr.drop_null()
                    if pt.is_floating(vals.type):
                        vals = vals.filter(pc.invert(pc.is_nan(vals)))
                    if len(vals):
                        mm = pc.min_max(_ints(vals))
                        lo, hi = mm["min"].as_py(), mm["max"].as_py()
                self.cache[path] = (arr.type, nulls, lo, hi)
        return self.cache[path]


def _bound_problem(kind: str, arrow_type: pa.DataType, stat, data):
    """None when deltalake's parsed bound `stat` equals the data bound `data`; else (category, text) with
    category "wrong" (the bound excludes data: a reader skipping by it loses rows), "lossy" (a decimal equal
    to the data only through float64, as deltalake parses decimal stats) or "inexact" (a bound that is
    looser than the data, e.g. a truncated string). Timestamps are millisecond-floored in Delta stats."""
    text = f"{kind} {stat!r} but the data's {kind} is {data!r}"
    if pt.is_timestamp(arrow_type):
        floor = data - data % 1000
        if stat == floor or stat == data:
            return None
        bounds = stat <= data if kind == "min" else stat + 1000 > data
        return ("inexact" if bounds else "wrong", text + " (micros; ms floor expected)")
    if pt.is_floating(arrow_type):
        stat, data = float(stat), float(data)
        if arrow_type == pa.float32():
            stat, data = float(np.float32(stat)), float(np.float32(data))
    elif pt.is_decimal(arrow_type):
        stat, data = Decimal(stat), Decimal(data)
    if stat == data:
        return None
    if pt.is_decimal(arrow_type) and math.isclose(float(stat), float(data), rel_tol=1e-15, abs_tol=0):
        return ("lossy", text + " (equal through float64)")
    bounds = stat <= data if kind == "min" else stat >= data
    return ("inexact" if bounds else "wrong", text)


def check_file_stats(row: dict, schema_names: list, raw: dict | None, data: DataSummary, where: str,
                     problems: list, notes: list, exact: bool) -> int:
    """Compare deltalake's parsed stats of one add (a flattened get_add_actions row) with the data file
    and with the raw stats the writer logged. Returns how many statistics were checked."""
    checked = 0
    if row.get("num_records") != data.rows:
        problems.append(f"{where}: numRecords {row.get('num_records')} but the file has {data.rows} rows")
    raw_flat = {kind: flatten_stats((raw or {}).get(key)) for kind, key in
                (("min", "minValues"), ("max", "maxValues"), ("null_count", "nullCount"))}
    for kind in ("null_count", "min", "max"):
        prefix = kind + "."
        parsed = {tuple(k[len(prefix):].split(".")): v for k, v in row.items() if k.startswith(prefix)}
        for leaf, value in sorted(parsed.items()):
            summary = data.leaf(leaf)
            name = ".".join(leaf)
            in_raw = leaf in raw_flat[kind]
            if value is None:
                if in_raw:
                    problems.append(f"{where}: the log has {kind} of {name} = {raw_flat[kind][leaf]!r}, "
                                    f"deltalake's parsed value is null (statistic rejected)")
                continue
            if summary is None:
                notes.append(f"{where}: {kind} of {name} has no column in the file")
                continue
            arrow_type, nulls, lo, hi = summary
            checked += 1
            if kind == "null_count":
                if value != nulls:
                    problems.append(f"{where}: nullCount of {name} is {value}, the file has {nulls} nulls")
                continue
            data_bound = lo if kind == "min" else hi
            if data_bound is None:
                problems.append(f"{where}: {kind} of {name} is {value!r} but the column has no non-null, "
                                f"non-NaN value")
                continue
            found = _bound_problem(kind, arrow_type, value, data_bound)
            if found:
                category, text = found
                serious = category == "wrong" or (exact and category == "inexact")
                (problems if serious else notes).append(f"{where}: {name}: [{category}] {text}")
        for leaf in raw_flat[kind]:
            if leaf in parsed:
                continue
            if leaf[0] not in schema_names:
                problems.append(f"{where}: the log has {kind} of unknown column {'.'.join(leaf)}")
            else:
                notes.append(f"{where}: deltalake does not expose the logged {kind} of {'.'.join(leaf)}")
    return checked


def local_path(table_path: str, uri: str) -> str:
    """A file_uris() entry (absolute and already decoded, or a file:// URI) as a local path."""
    if uri.startswith("file://"):
        return os.path.normpath(urllib.parse.unquote(urllib.parse.urlparse(uri).path))
    return os.path.normpath(uri if os.path.isabs(uri) else os.path.join(table_path, uri))


def add_local_path(table_path: str, add_path: str) -> str:
    """add.path is a URI relative to the table root (get_add_actions returns it as logged): decode once."""
    if add_path.startswith("file:"):
        return local_path(table_path, add_path)
    return os.path.normpath(os.path.join(table_path, urllib.parse.unquote(add_path)))


def _columns_as_python(table: pa.Table) -> list[dict]:
    """Rows of get_add_actions(flatten=True) with timestamps as int64 micros and dates as int32 days."""
    cols = {}
    for name in table.column_names:
        col = table.column(name)
        if pt.is_timestamp(col.type):
            col = col.cast(pa.timestamp("us", col.type.tz)).cast(pa.int64())
        elif pt.is_date32(col.type):
            col = col.cast(pa.int32())
        cols[name] = col.to_pylist()
    return [dict(zip(cols, vals)) for vals in zip(*cols.values())] if cols else []


def cmd_versions(args) -> int:
    """deltalake's view of every version: its history timestamp, the commit file's mtime, protocol, the files
    (URIs, partition values) and whether their statistics parse and agree with the data files."""
    start = time.monotonic()
    args.table = os.path.abspath(args.table)
    latest = open_table(args.table).version()
    history = {h.get("version"): h for h in open_table(args.table).history()}
    raw, writers = raw_stats(args.table)
    summaries: dict[str, DataSummary] = {}
    versions, problems, notes, checked = [], [], [], 0
    for v in range(args.first, latest + 1):
        entry = {"version": v}
        h = history.get(v, {})
        entry["history_timestamp"] = h.get("timestamp")
        entry["operation"] = h.get("operation")
        commit = os.path.join(args.table, "_delta_log", f"{v:020d}.json")
        entry["log_mtime_ms"] = os.stat(commit).st_mtime_ns // 1_000_000 if os.path.exists(commit) else None
        try:
            dt = open_table(args.table, v)
            p = dt.protocol()
            entry["protocol"] = {"minReaderVersion": p.min_reader_version, "minWriterVersion": p.min_writer_version,
                                 "readerFeatures": p.reader_features, "writerFeatures": p.writer_features}
            entry["schema"] = json.loads(dt.schema().to_json())
            entry["partition_columns"] = dt.metadata().partition_columns
            uris = dt.file_uris()
            adds = _columns_as_python(pa.table(dt.get_add_actions(flatten=True)))
        except Exception as e:  # noqa: BLE001 - a version deltalake cannot open is a finding
            problems.append(f"version {v}: deltalake cannot open it: {type(e).__name__}: {e}")
            entry["error"] = f"{type(e).__name__}: {e}"
            versions.append(entry)
            continue
        names = [f["name"] for f in entry["schema"]["fields"]]
        uri_paths = {local_path(args.table, u) for u in uris}
        files = []
        if len(uris) != len(adds):
            problems.append(f"version {v}: {len(uris)} file URIs but {len(adds)} add actions")
        for row in adds:
            path = add_local_path(args.table, row["path"])
            where = f"version {v} file {row['path']}"
            f = {"path": row["path"], "num_records": row.get("num_records"),
                 "partition_values": {k[len("partition."):]: val for k, val in row.items()
                                      if k.startswith("partition.")}}
            if path not in uri_paths:
                problems.append(f"{where}: decodes to {path}, which is not among deltalake's file_uris()")
            if not os.path.exists(path):
                problems.append(f"{where}: decodes to {path}, which does not exist")
                files.append(f)
                continue
            if path not in summaries:
                summaries[path] = DataSummary(path)
            raw_entry = raw.get(row["path"])
            f["raw_stats"] = raw_entry is not None
            f["writer"] = writers.get(row["path"])
            mine = args.only_writer is None or (f["writer"] or "").startswith(args.only_writer)
            found = []
            n = check_file_stats(row, names, raw_entry, summaries[path], where, found, notes, args.exact)
            (problems if mine else notes).extend(found if mine else [f"[written by {f['writer']}] {p}" for p in found])
            f["stats_checked"] = n
            checked += n
            files.append(f)
        entry["files"] = files
        entry["rows"] = sum(f.get("num_records") or 0 for f in files)
        versions.append(entry)
    for p in problems:
        print(f"PROBLEM {p}", file=sys.stderr)
    _summary({"command": "delta-versions", "table": args.table, "latest": latest, "versions": versions,
              "stats_checked": checked, "problems": problems, "notes": notes[:50],
              "seconds": round(time.monotonic() - start, 2), "ok": not problems})
    return 0


# ================================================================ time travel by timestamp

EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def cmd_version_at(args) -> int:
    """The version deltalake loads with load_as_version(datetime) for each timestamp (ms since the epoch)."""
    results = []
    for ms in args.timestamps:
        dt = open_table(args.table)
        try:
            dt.load_as_version(EPOCH + _dt.timedelta(milliseconds=ms))
            results.append({"timestamp_ms": ms, "version": dt.version()})
        except Exception as e:  # noqa: BLE001 - reported per timestamp
            results.append({"timestamp_ms": ms, "version": None, "error": f"{type(e).__name__}: {e}"})
    out = {"command": "delta-version-at", "table": args.table, "results": results}
    if len(results) == 1:
        out.update(version=results[0]["version"], error=results[0].get("error"))
    _summary(out)
    return 0


# ================================================================ writing

def cmd_write(args) -> int:
    dl = _deltalake()
    data = pq.read_table(args.input)
    kw = {"mode": args.mode}
    if args.partition_by:
        kw["partition_by"] = args.partition_by.split(",")
    if args.predicate:
        if args.mode != "overwrite":
            print("delta-write: --predicate needs --mode overwrite", file=sys.stderr)
            return 2
        kw["predicate"] = args.predicate
    if args.schema_mode:
        kw["schema_mode"] = args.schema_mode
    if args.configuration:
        kw["configuration"] = dict(c.split("=", 1) for c in args.configuration)
    dl.write_deltalake(args.table, data, **kw)
    _summary({"command": "delta-write", "table": args.table, "mode": args.mode, "rows": data.num_rows,
              "version": open_table(args.table).version(), "ok": True})
    return 0


def cmd_dml(args) -> int:
    """deltalake's other writers: delete / update (DataFusion rewrites), optimize (compaction, dataChange=false),
    restore, vacuum, and cleanup (a checkpoint, then log files older than delta.logRetentionDuration removed)."""
    dt = open_table(args.table)
    if args.action == "delete":
        metrics = dt.delete(args.predicate)
    elif args.action == "update":
        metrics = dt.update(updates=dict(kv.split("=", 1) for kv in args.set or []), predicate=args.predicate)
    elif args.action == "optimize":
        metrics = dt.optimize.compact(target_size=args.target_size)
    elif args.action == "restore":
        metrics = dt.restore(args.version)
    elif args.action == "vacuum":
        metrics = {"deleted": dt.vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)}
    else:
        dt.create_checkpoint()
        dt.cleanup_metadata()
        metrics = {"log": sorted(os.listdir(os.path.join(args.table, "_delta_log")))}
    _summary({"command": "delta-dml", "action": args.action, "table": args.table,
              "version": open_table(args.table).version(), "metrics": metrics, "ok": True})
    return 0


def cmd_checkpoint(args) -> int:
    dt = open_table(args.table)
    dt.create_checkpoint()
    _summary({"command": "delta-checkpoint", "table": args.table, "version": dt.version(), "ok": True})
    return 0


# Columns of the generated inputs: every Delta type deltalake writes, nested ones included.
GEN_COLUMNS = ["c_bool", "c_int8", "c_int16", "c_int32", "c_int64", "c_float32", "c_float64", "c_string",
               "c_binary", "c_date32", "c_ts_us_utc", "c_dec_9_2", "c_dec_18_4", "c_dec_38_10", "c_list_int32",
               "c_list_string", "c_struct", "c_map_string_int64", "c_map_int32_string", "c_list_struct"]
PART_VALUES = ["a", "b b", "c/d=e", "é%", "z"]  # non-empty: Delta reads "" back as null


def cmd_gen_parquet(args) -> int:
    """A pyarrow-written Parquet input: id, part (low-cardinality string), pk (0-3), then GEN_COLUMNS."""
    gen = matrix.Gen(args.seed)
    r = gen.r
    names = GEN_COLUMNS + (["c_ts_us_ntz"] if args.ntz else [])
    ids = list(range(args.id_start, args.id_start + args.rows))
    parts = [args.part if args.part is not None else r.choice(PART_VALUES) for _ in ids]
    pk_choices = [int(x) for x in args.pk.split(",")] if args.pk else [0, 1, 2, 3]
    pks = [r.choice(pk_choices) for _ in ids]
    fields = [pa.field("id", pa.int64(), nullable=False), pa.field("part", pa.string()), pa.field("pk", pa.int32())]
    arrays = [pa.array(ids, pa.int64()), pa.array(parts, pa.string()), pa.array(pks, pa.int32())]
    for n in names:
        fields.append(pa.field(n, matrix.ALL_TYPES[n]))
        arrays.append(matrix.column(n, matrix.ALL_TYPES[n], args.rows, gen, edges=args.edges))
    if args.extra:
        fields.append(pa.field("c_extra", pa.int64()))
        arrays.append(pa.array([None if r.random() < 0.2 else r.randint(-10**9, 10**9) for _ in ids], pa.int64()))
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    pq.write_table(table, args.output)
    _summary({"command": "delta-gen-parquet", "output": args.output, "rows": table.num_rows,
              "columns": table.column_names, "ok": True})
    return 0


# ================================================================ registration

def _exiting(fn):
    """Runs a command and leaves with os._exit: deltalake's runtime threads sometimes abort the interpreter's
    teardown ("terminate called without an active exception") after the command has finished its work."""
    def run(args) -> int:
        try:
            rc = fn(args)
        except Exception as e:  # noqa: BLE001 - readable message instead of a traceback
            print(f"peer.py {args.command}: {type(e).__name__}: {e}", file=sys.stderr)
            _summary({"command": args.command, "ok": False, "error": f"{type(e).__name__}: {e}"}, sys.stderr)
            rc = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(rc)
    return run


def register(sub) -> None:
    """Adds the delta-* subcommands to peer.py's argparse subparsers."""
    p = sub.add_parser("delta-read", help="canonical rows (sorted) of a Delta table version, read by deltalake")
    p.add_argument("table")
    p.add_argument("--version", type=int)
    p.add_argument("--columns", help="comma-separated top-level columns")
    p.set_defaults(fn=_exiting(cmd_read))

    p = sub.add_parser("delta-versions", help="deltalake's view of every version: files, stats, timestamps")
    p.add_argument("table")
    p.add_argument("--first", type=int, default=0, help="first version to open")
    p.add_argument("--exact", action="store_true",
                   help="a bound looser than the data is a problem (Tarn writes exact stats), not a note")
    p.add_argument("--only-writer", help="statistics of files added by other engines (commitInfo.engineInfo not "
                                         "starting with this) are notes, not problems")
    p.set_defaults(fn=_exiting(cmd_versions))

    p = sub.add_parser("delta-version-at", help="version deltalake loads for timestamps (ms since the epoch)")
    p.add_argument("table")
    p.add_argument("timestamps", type=int, nargs="+")
    p.set_defaults(fn=_exiting(cmd_version_at))

    p = sub.add_parser("delta-write", help="write a Parquet file into a Delta table with write_deltalake")
    p.add_argument("table")
    p.add_argument("--input", required=True)
    p.add_argument("--mode", choices=["append", "overwrite"], default="append")
    p.add_argument("--partition-by")
    p.add_argument("--predicate", help="SQL predicate for an overwrite of the matching rows (replaceWhere)")
    p.add_argument("--schema-mode", choices=["merge", "overwrite"])
    p.add_argument("--configuration", action="append", help="table property k=v (new tables)")
    p.set_defaults(fn=_exiting(cmd_write))

    p = sub.add_parser("delta-check", help="compare Tarn's rows of every version (DIR/V.jsonl) with deltalake")
    p.add_argument("table")
    p.add_argument("--tarn-rows", required=True)
    p.add_argument("--first", type=int, default=0, help="first version to compare")
    p.add_argument("--max-report", type=int, default=5, help="differing rows printed per side and version")
    p.set_defaults(fn=_exiting(cmd_check))

    p = sub.add_parser("delta-dml", help="deltalake delete / update / optimize / restore / vacuum / cleanup")
    p.add_argument("table")
    p.add_argument("action", choices=["delete", "update", "optimize", "restore", "vacuum", "cleanup"])
    p.add_argument("--predicate", help="SQL predicate (delete, update)")
    p.add_argument("--set", action="append", help="update: column=SQL expression")
    p.add_argument("--version", type=int, help="restore: the version to restore")
    p.add_argument("--target-size", type=int, help="optimize: target file size in bytes")
    p.set_defaults(fn=_exiting(cmd_dml))

    p = sub.add_parser("delta-checkpoint", help="deltalake writes a checkpoint of the latest version")
    p.add_argument("table")
    p.set_defaults(fn=_exiting(cmd_checkpoint))

    p = sub.add_parser("delta-gen-parquet", help="seeded pyarrow Parquet input for delta-write")
    p.add_argument("output")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rows", type=int, default=100)
    p.add_argument("--id-start", type=int, default=0)
    p.add_argument("--part", help="every row's part value (default: random among a few)")
    p.add_argument("--pk", help="comma-separated values pk is drawn from (default 0,1,2,3)")
    p.add_argument("--ntz", action="store_true", help="add a timestamp_ntz column")
    p.add_argument("--extra", action="store_true", help="add a column c_extra (for schema evolution)")
    p.add_argument("--edges", action=argparse_bool(), default=True,
                   help="put edge values (NaN, extremes) first (default on; --no-edges turns off)")
    p.set_defaults(fn=_exiting(cmd_gen_parquet))


def argparse_bool():
    import argparse  # noqa: PLC0415
    return argparse.BooleanOptionalAction
