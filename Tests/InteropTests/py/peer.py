#!/usr/bin/env python3
"""Python peer of Tarn's interoperability tests: pyarrow as the independent oracle.

Subcommands (exit 0 on success, 1 on any mismatch or error, 2 on bad usage):
  canonical FILE.parquet [--columns a,b]   canonical JSON lines (spec/rows.md) of the file, to stdout
  write-matrix OUTDIR [--seed N]           pyarrow-written Parquet matrix + NAME.jsonl + manifest.json
  check-tarn DIR [--recursive] [--max-report N]
                                           verify Tarn-written X.parquet against X.jsonl / X.schema.json / stats
  row-counts ROOT...                       {"path", "rows"} (or {"path", "error"}) per *.parquet, to stdout
  selftest [--skip-matrix]                 prove the oracle passes pyarrow's own output and fails on tampering
Every subcommand prints a one-line JSON summary: to stdout, or to stderr when stdout carries data
(canonical, row-counts).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import struct
import sys
import tempfile
import time
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pyarrow.types as pt

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matrix  # noqa: E402
import rowformat as rf  # noqa: E402
import delta_peer  # noqa: E402  (delta-* subcommands)


def summary(obj: dict, stream=sys.stdout) -> None:
    """Print the one-line JSON summary."""
    print(json.dumps(obj, sort_keys=False), file=stream, flush=True)


# ================================================================ canonical

def cmd_canonical(args) -> int:
    columns = args.columns.split(",") if args.columns else None
    rows = rf.table_rows(rf.read_parquet(args.file, columns))
    sys.stdout.write("".join(rf.dump_row(row) + "\n" for row in rows))
    summary({"command": "canonical", "file": args.file, "rows": len(rows)}, sys.stderr)
    return 0


# ================================================================ write-matrix

def write_case(outdir: str, name: str, group: str, table: pa.Table, params: dict) -> dict:
    """Write one case's Parquet file and its canonical rows (read back from the file); return its manifest entry."""
    path = os.path.join(outdir, f"{name}.parquet")
    pq.write_table(table, path, **params)
    rows = rf.table_rows(rf.read_parquet(path))
    with open(os.path.join(outdir, f"{name}.jsonl"), "w", encoding="utf-8") as fh:
        fh.writelines(rf.dump_row(row) + "\n" for row in rows)
    md = pq.ParquetFile(path).metadata
    return {"name": name, "group": group, "file": f"{name}.parquet", "rows_file": f"{name}.jsonl",
            "rows": md.num_rows, "row_groups": md.num_row_groups,
            "columns": [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in table.schema],
            "physical_types": sorted({md.schema.column(j).physical_type for j in range(md.num_columns)}),
            "params": params}


def cmd_write_matrix(args) -> int:
    start = time.monotonic()
    os.makedirs(args.outdir, exist_ok=True)
    entries = [write_case(args.outdir, *case) for case in matrix.cases(args.seed)]
    manifest = {"format": "tarn-interop-matrix/1", "seed": args.seed,
                "generator": {"pyarrow": pa.__version__, "python": sys.version.split()[0]}, "cases": entries}
    with open(os.path.join(args.outdir, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1)
    size = sum(os.path.getsize(os.path.join(args.outdir, f"{e['name']}.{ext}"))
               for e in entries for ext in ("parquet", "jsonl"))
    summary({"command": "write-matrix", "outdir": args.outdir, "cases": len(entries),
             "rows": sum(e["rows"] for e in entries), "bytes": size,
             "seconds": round(time.monotonic() - start, 2)})
    return 0


# ================================================================ check-tarn

def check_rows(table: pa.Table, jsonl_path: str, problems: list) -> None:
    """(a) pyarrow's canonical rows equal the foreign JSON lines, value by value."""
    expected = rf.table_rows(table)
    with open(jsonl_path, encoding="utf-8") as fh:
        lines = [line for line in fh.read().split("\n") if line.strip()]
    if len(lines) != len(expected):
        problems.append(f"row count: pyarrow reads {len(expected)} rows, jsonl has {len(lines)} lines")
    names = table.column_names
    for i, (exp, line) in enumerate(zip(expected, lines)):
        try:
            act = rf.load_row(line)
        except ValueError as e:
            problems.append(f"row {i}: invalid JSON ({e})")
            continue
        if not isinstance(act, dict) or list(act) != names:
            got = list(act) if isinstance(act, dict) else type(act).__name__
            problems.append(f"row {i}: expected an object with keys {names}, got {got}")
            if not isinstance(act, dict):
                continue
        for field in table.schema:
            if field.name in act:
                rf.compare_value(field.type, exp[field.name], act[field.name], f"row {i} column {field.name}",
                                 problems)


def check_schema(schema: pa.Schema, schema_path: str, problems: list) -> None:
    """(b) the pyarrow schema maps to the Delta schema JSON, with matching top-level nullability."""
    with open(schema_path, encoding="utf-8") as fh:
        delta = json.load(fh)
    fields = delta.get("fields", []) if isinstance(delta, dict) else []
    want, got = [f["name"] for f in fields], schema.names
    if want != got:
        problems.append(f"schema: Delta fields {want} but pyarrow reads {got}")
    for f in fields:
        if f["name"] not in got:
            continue
        arrow_field = schema.field(f["name"])
        rf.check_delta_type(f["type"], arrow_field.type, f"schema field {f['name']}", problems)
        if bool(f.get("nullable", True)) != arrow_field.nullable:
            problems.append(f"schema field {f['name']}: Delta nullable={f.get('nullable')} "
                            f"but pyarrow reads nullable={arrow_field.nullable}")


_TIME_UNITS = {"milliseconds": "ms", "microseconds": "us", "nanoseconds": "ns"}
_PER_SECOND = {"s": 1, "ms": 1000, "us": 10**6, "ns": 10**9}


def stat_domain_values(t: pa.DataType, column_schema, arr: pa.ChunkedArray):
    """Non-null (non-NaN) values of a column chunk in the domain of its Parquet statistics, or None if unsupported."""
    arr = arr.drop_null()
    if pt.is_dictionary(t):
        t, arr = t.value_type, arr.cast(t.value_type)
    values = arr.to_pylist() if not (pt.is_date32(t) or pt.is_timestamp(t)) else arr.cast(
        pa.int32() if pt.is_date32(t) else pa.int64()).to_pylist()
    if pt.is_floating(t):
        return [v for v in values if not math.isnan(v)]
    if pt.is_boolean(t) or pt.is_integer(t) or pt.is_date32(t):
        return values
    if pt.is_string(t) or pt.is_large_string(t):
        return [v.encode("utf-8") for v in values]
    if pt.is_binary(t) or pt.is_large_binary(t) or pt.is_fixed_size_binary(t):
        return values
    if pt.is_decimal(t):
        return [rf.unscaled(v, t.scale) for v in values]
    if pt.is_timestamp(t):
        unit = _TIME_UNITS.get(json.loads(column_schema.logical_type.to_json()).get("timeUnit"))
        if unit is None:
            return None
        num, den = _PER_SECOND[unit], _PER_SECOND[t.unit]
        return [v * num // den for v in values]
    return None


def decode_stat(t: pa.DataType, column_schema, raw):
    """A raw Parquet statistic as a value comparable with stat_domain_values."""
    if pt.is_decimal(t) and isinstance(raw, bytes):
        return int.from_bytes(raw, "big", signed=True)
    if pt.is_unsigned_integer(t):
        return raw % (1 << (64 if column_schema.physical_type == "INT64" else 32))
    return raw


def check_stats(pf: pq.ParquetFile, problems: list) -> None:
    """(c) every row group's primitive top-level column has exact min/max/null_count statistics."""
    md = pf.metadata
    leaf = {md.schema.column(j).path: j for j in range(md.num_columns)}
    for i in range(md.num_row_groups):
        if md.row_group(i).num_rows == 0:  # an empty row group needs no statistics
            continue
        group = pf.read_row_group(i)
        for field in pf.schema_arrow:
            t, j = field.type, leaf.get(field.name)
            if pt.is_nested(t) or j is None or md.schema.column(j).physical_type == "INT96":
                continue
            where = f"row group {i} column {field.name}"
            chunk, col_schema = md.row_group(i).column(j), md.schema.column(j)
            st = chunk.statistics if chunk.is_stats_set else None
            if st is None:
                problems.append(f"{where}: no statistics")
                continue
            data = group.column(field.name)
            if not st.has_null_count or st.null_count != data.null_count:
                problems.append(f"{where}: null_count {st.null_count if st.has_null_count else 'absent'}, "
                                f"data has {data.null_count} nulls")
            values = stat_domain_values(t, col_schema, data)
            if not values:  # unsupported type, or all null / all NaN: min/max may be absent
                continue
            if not st.has_min_max:
                problems.append(f"{where}: has_min_max is false but the chunk has {len(values)} values")
                continue
            for label, want, raw in (("min", min(values), st.min_raw), ("max", max(values), st.max_raw)):
                got = decode_stat(t, col_schema, raw)
                if got != want or (isinstance(want, bytes) and type(got) is not bytes):
                    problems.append(f"{where}: statistics {label} is {got!r}, data gives {want!r}")


def check_file(base: str) -> tuple[list, int]:
    """All checks for BASE.parquet + BASE.jsonl (+ BASE.schema.json); returns (problems, rows)."""
    problems: list = []
    try:
        pf = pq.ParquetFile(base + ".parquet")
        table = rf.read_parquet(base + ".parquet")
    except Exception as e:  # noqa: BLE001 - any pyarrow failure is a finding
        return [f"pyarrow cannot read the file: {type(e).__name__}: {e}"], 0
    checks = [("rows", lambda: check_rows(table, base + ".jsonl", problems)),
              ("statistics", lambda: check_stats(pf, problems))]
    if os.path.exists(base + ".schema.json"):
        checks.insert(1, ("schema", lambda: check_schema(table.schema, base + ".schema.json", problems)))
    for label, check in checks:
        try:
            check()
        except Exception as e:  # noqa: BLE001 - e.g. malformed schema JSON or an unsupported type
            problems.append(f"{label} check failed: {type(e).__name__}: {e}")
    return problems, table.num_rows


def find_pairs(root: str, recursive: bool) -> list[str]:
    """Base paths X for which X.parquet and X.jsonl both exist."""
    dirs = [d for d, _, _ in os.walk(root)] if recursive else [root]
    bases = []
    for d in sorted(dirs):
        for name in sorted(os.listdir(d)):
            base = os.path.join(d, name[:-len(".parquet")])
            if name.endswith(".parquet") and os.path.isfile(base + ".jsonl"):
                bases.append(base)
    return bases


def check_dir(root: str, recursive=False, max_report=100, quiet=False) -> dict:
    """Run check_file on every pair under root; print mismatches to stderr; return the summary."""
    bases = find_pairs(root, recursive)
    total, rows, bad_files = 0, 0, []
    for base in bases:
        problems, n = check_file(base)
        rows += n
        total += len(problems)
        if problems:
            bad_files.append(os.path.relpath(base + ".parquet", root))
            if not quiet:
                for p in problems[:max_report]:
                    print(f"MISMATCH {base}.parquet: {p}", file=sys.stderr)
                if len(problems) > max_report:
                    print(f"MISMATCH {base}.parquet: ... and {len(problems) - max_report} more", file=sys.stderr)
    return {"command": "check-tarn", "dir": root, "files": len(bases), "rows": rows, "mismatches": total,
            "failed_files": bad_files, "ok": bool(bases) and total == 0}


def cmd_check_tarn(args) -> int:
    result = check_dir(args.dir, args.recursive, args.max_report)
    if not result["files"]:
        print(f"check-tarn: no X.parquet with X.jsonl beside it in {args.dir}", file=sys.stderr)
    summary(result)
    return 0 if result["ok"] else 1


# ================================================================ row-counts

def cmd_row_counts(args) -> int:
    """Per-file errors are data (exit 0); a root that does not exist is a usage error (exit 1)."""
    files, errors = 0, 0
    missing = [root for root in args.roots if not os.path.exists(root)]
    for root in missing:
        print(f"row-counts: no such path {root}", file=sys.stderr)
    for root in args.roots:
        paths = [root] if os.path.isfile(root) else sorted(
            os.path.join(d, f) for d, _, names in os.walk(root) for f in names if f.endswith(".parquet"))
        for path in paths:
            files += 1
            try:
                print(json.dumps({"path": path, "rows": pq.ParquetFile(path).metadata.num_rows}))
            except Exception as e:  # noqa: BLE001 - reported per file
                errors += 1
                print(json.dumps({"path": path, "error": f"{type(e).__name__}: {e}"}))
    summary({"command": "row-counts", "files": files, "errors": errors, "missing_roots": missing}, sys.stderr)
    return 1 if missing else 0


# ================================================================ selftest

GOLDEN_TABLE = {  # column -> (arrow array, expected canonical JSON values)
    "d": (pa.array([0, -1, -719162, 2932896, -719163, -719528, -719529, 2932897], pa.int32()).cast(pa.date32()),
          ["1970-01-01", "1969-12-31", "0001-01-01", "9999-12-31", "0000-12-31", "0000-01-01",
           "-0001-12-31", "+10000-01-01"]),
    "ts_ns": (pa.array([-1, -1000, -1001, 999, 1_000_000_001, 0, 86_400 * 10**9, None], pa.timestamp("ns", "UTC")),
              ["1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999998Z",
               "1970-01-01T00:00:00.000000Z", "1970-01-01T00:00:01.000000Z", "1970-01-01T00:00:00.000000Z",
               "1970-01-02T00:00:00.000000Z", None]),
    "ts_ntz": (pa.array([-62135596800 * 10**6, 253402300799999999, 1, 0, 0, 0, 0, 0], pa.timestamp("us")),
               ["0001-01-01T00:00:00.000000", "9999-12-31T23:59:59.999999", "1970-01-01T00:00:00.000001"]
               + ["1970-01-01T00:00:00.000000"] * 5),
    "dec": (pa.array([-150, 0, 1, -1, 12345, None, 99, -99], pa.int64()),
            ["-1.50", "0.00", "0.01", "-0.01", "123.45", None, "0.99", "-0.99"]),
    "dec0": (pa.array([12, -7, 0, 1, 2, 3, 4, 5], pa.int64()), ["12", "-7", "0", "1", "2", "3", "4", "5"]),
    "f32": (pa.array([0.1, 1.0, float("nan"), float("inf"), float("-inf"), -0.0, 3.4028234663852886e38, None],
                     pa.float32()), [0.1, 1.0, "NaN", "Infinity", "-Infinity", -0.0, 3.4028235e38, None]),
    "b": (pa.array([b"", b"\x00", b"ab", b"abc", b"\xff\xfe", b"x", b"yz", None]),
          ["", "AA==", "YWI=", "YWJj", "//4=", "eA==", "eXo=", None]),
}


def golden_check() -> list:
    """The format writer reproduces hand-written canonical values (years, floors, scales, floats, base64)."""
    cols = {}
    for name, (arr, _) in GOLDEN_TABLE.items():
        if name.startswith("dec"):
            scale = 2 if name == "dec" else 0
            arr = pa.array([None if v is None else Decimal(v).scaleb(-scale) for v in arr.to_pylist()],
                           pa.decimal128(9, scale))
        cols[name] = arr
    rows = rf.table_rows(pa.table(cols))
    problems = []
    for name, (_, want) in GOLDEN_TABLE.items():
        got = [row[name] for row in rows]
        if json.dumps(got) != json.dumps(want):
            problems.append(f"golden {name}: {json.dumps(got)} != {json.dumps(want)}")
    if rf.dump_row({"x": 1.0, "y": "é"}) != '{"x":1.0,"y":"é"}':
        problems.append("golden dump_row text differs")
    return problems


def write_tarn_like(directory: str, name: str, table: pa.Table, **params) -> str:
    """Write NAME.parquet, NAME.jsonl (canonical) and NAME.schema.json (Delta) as Tarn would; return the base."""
    os.makedirs(directory, exist_ok=True)
    base = os.path.join(directory, name)
    pq.write_table(table, base + ".parquet", **params)
    with open(base + ".jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(rf.dump_row(r) + "\n" for r in rf.table_rows(rf.read_parquet(base + ".parquet")))
    with open(base + ".schema.json", "w", encoding="utf-8") as fh:
        json.dump({"type": "struct", "fields": [rf.delta_field(f) for f in table.schema]}, fh)
    return base


def edit_jsonl(base: str, row: int, column: str, fn) -> None:
    """Rewrite one value of BASE.jsonl in place (tampering for negative tests)."""
    with open(base + ".jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    if fn is None:
        del rows[row]
    else:
        rows[row][column] = fn(rows[row][column])
    with open(base + ".jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def patch_footer_int32(path: str, old: int, new: int) -> int:
    """Replace little-endian int32 `old` by `new` inside the footer only (corrupts statistics); returns hits."""
    with open(path, "rb") as fh:
        data = bytearray(fh.read())
    footer_len = struct.unpack("<i", data[-8:-4])[0]
    start = len(data) - 8 - footer_len
    footer = bytes(data[start:-8])
    hits = footer.count(struct.pack("<i", old))
    if not hits:
        raise AssertionError(f"{old} not found in the footer of {path}")
    data[start:-8] = footer.replace(struct.pack("<i", old), struct.pack("<i", new))
    with open(path, "wb") as fh:
        fh.write(data)
    return hits


DELTA_COLUMNS = ["c_bool", "c_int8", "c_int16", "c_int32", "c_int64", "c_float32", "c_float64", "c_string",
                 "c_binary", "c_date32", "c_ts_us_utc", "c_ts_us_ntz", "c_dec_9_2", "c_dec_38_10",
                 "c_list_int32", "c_list_string", "c_struct", "c_map_string_int64", "c_map_int32_string",
                 "c_list_struct", "c_list_list_int64"]
STAT_SENTINEL = -2**31 + 7  # distinctive minimum of row group 1 in the self-test file


def negative_cases(table: pa.Table):
    """(name, tamper(base)) pairs; each must make check-tarn report at least one mismatch."""
    f32 = table["c_float32"].to_pylist()
    row32 = next(i for i, v in enumerate(f32) if v is not None and math.isfinite(v) and v != 0)

    def next_float32(v):  # one float32 ulp up, printed as a float64 number
        return float(np.nextafter(np.float32(v), np.float32(math.inf)))

    def rewrite_schema(fn):
        def tamper(base):
            with open(base + ".schema.json", encoding="utf-8") as fh:
                schema = json.load(fh)
            fn(schema["fields"])
            with open(base + ".schema.json", "w", encoding="utf-8") as fh:
                json.dump(schema, fh)
        return tamper

    return [
        ("string value altered", lambda b: edit_jsonl(b, 20, "c_string", lambda v: (v or "") + "!")),
        ("float32 one ulp off", lambda b: edit_jsonl(b, row32, "c_float32", next_float32)),
        ("NaN replaced by null", lambda b: edit_jsonl(b, 0, "c_float64", lambda v: None)),
        ("-0.0 written as 0.0", lambda b: edit_jsonl(b, 3, "c_float64", lambda v: 0.0)),
        ("integer written as float", lambda b: edit_jsonl(b, 5, "id", float)),
        ("timestamp off by 1us", lambda b: edit_jsonl(b, 0, "c_ts_us_utc", lambda v: "1970-01-01T00:00:00.000001Z")),
        ("decimal scale differs", lambda b: edit_jsonl(b, 1, "c_dec_9_2", lambda v: "-1.5")),
        ("nested list element altered", lambda b: edit_jsonl(
            b, next(i for i, v in enumerate(table["c_list_int32"].to_pylist()) if v and v[0] is not None),
            "c_list_int32", lambda v: [v[0] + 1] + v[1:])),
        ("row missing", lambda b: edit_jsonl(b, 7, None, None)),
        ("schema type differs", rewrite_schema(lambda fs: fs[4].update(type="long"))),
        ("schema nullability differs", rewrite_schema(lambda fs: fs[0].update(nullable=True))),
        ("schema nested type differs", rewrite_schema(
            lambda fs: next(f for f in fs if f["name"] == "c_list_int32")["type"].update(elementType="long"))),
        ("statistics min corrupted", lambda b: patch_footer_int32(b + ".parquet", STAT_SENTINEL, STAT_SENTINEL - 1)),
    ]


def cmd_selftest(args) -> int:
    tmp = tempfile.mkdtemp(prefix="peer-selftest-")
    try:
        return run_selftest(tmp, args.skip_matrix)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_selftest(tmp: str, skip_matrix: bool) -> int:
    """Positive and negative checks of the oracle inside the scratch directory `tmp`."""
    start, failures, checks = time.monotonic(), [], 0

    def expect(label: str, ok: bool, detail=""):
        nonlocal checks
        checks += 1
        if not ok:
            failures.append(f"{label}: {detail}")
            print(f"SELFTEST FAIL {label}: {detail}", file=sys.stderr)

    golden = golden_check()
    expect("golden canonical values", not golden, "; ".join(golden))
    table = matrix.make_table(DELTA_COLUMNS, 1200, seed=11)
    c_int32 = table["c_int32"].to_pylist()
    c_int32[410] = STAT_SENTINEL  # row group 1's minimum, corrupted in the footer by a negative case
    table = table.set_column(table.schema.get_field_index("c_int32"), "c_int32", pa.array(c_int32, pa.int32()))
    good = os.path.join(tmp, "good")
    write_tarn_like(good, "delta_types", table, row_group_size=400, data_page_size=2048, write_batch_size=128)
    write_tarn_like(good, "delta_types_v2_zstd", table, row_group_size=500, compression="zstd",
                    data_page_version="2.0", use_dictionary=False)
    base = write_tarn_like(good, "float32_long_form", table.select(["id", "c_float32"]))
    with open(base + ".jsonl", "w", encoding="utf-8") as fh:  # float32 written as its exact float64 value
        for i, v in enumerate(table["c_float32"].to_pylist()):
            fh.write(rf.dump_row({"id": i, "c_float32": rf.format_float(v, is_float32=False)}) + "\n")
    result = check_dir(good)
    expect("pyarrow output passes check-tarn", result["ok"] and result["files"] == 3, json.dumps(result))

    for name, tamper in negative_cases(table):
        case_dir = os.path.join(tmp, "neg-" + name.replace(" ", "_"))
        shutil.copytree(good, case_dir, ignore=shutil.ignore_patterns("delta_types_v2*", "float32*"))
        tamper(os.path.join(case_dir, "delta_types"))
        result = check_dir(case_dir, quiet=True)
        expect(f"tampering '{name}' is detected", result["mismatches"] > 0, json.dumps(result))
    nostats = os.path.join(tmp, "neg-no_statistics")
    write_tarn_like(nostats, "t", table, write_statistics=False)
    expect("missing statistics are detected", check_dir(nostats, quiet=True)["mismatches"] > 0)

    if not skip_matrix:
        mdir = os.path.join(tmp, "matrix")
        os.makedirs(mdir)
        cases = [write_case(mdir, *case)["name"] for case in matrix.cases(7)]
        result = check_dir(mdir)
        expect("write-matrix output passes check-tarn", result["ok"] and result["files"] == len(cases),
               json.dumps(result))
    summary({"command": "selftest", "checks": checks, "failures": len(failures), "ok": not failures,
             "seconds": round(time.monotonic() - start, 2)})
    return 0 if not failures else 1


# ================================================================ main

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="peer.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("canonical", help="canonical JSON lines of a Parquet file")
    p.add_argument("file")
    p.add_argument("--columns", help="comma-separated top-level columns, in output order")
    p.set_defaults(fn=cmd_canonical)
    p = sub.add_parser("write-matrix", help="write the pyarrow Parquet matrix")
    p.add_argument("outdir")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(fn=cmd_write_matrix)
    p = sub.add_parser("check-tarn", help="check Tarn-written X.parquet/X.jsonl/X.schema.json")
    p.add_argument("dir")
    p.add_argument("--recursive", action="store_true")
    p.add_argument("--max-report", type=int, default=100, help="mismatch lines printed per file")
    p.set_defaults(fn=cmd_check_tarn)
    p = sub.add_parser("row-counts", help="row count of every *.parquet under the roots")
    p.add_argument("roots", nargs="+")
    p.set_defaults(fn=cmd_row_counts)
    p = sub.add_parser("selftest", help="prove the oracle passes and fails when it should")
    p.add_argument("--skip-matrix", action="store_true")
    p.set_defaults(fn=cmd_selftest)
    delta_peer.register(sub)
    args = parser.parse_args(argv)
    try:
        return args.fn(args)
    except Exception as e:  # noqa: BLE001 - readable message instead of a traceback
        print(f"peer.py {args.command}: {type(e).__name__}: {e}", file=sys.stderr)
        data_on_stdout = args.command in ("canonical", "row-counts")
        summary({"command": args.command, "ok": False, "error": f"{type(e).__name__}: {e}"},
                 sys.stderr if data_on_stdout else sys.stdout)
        return 1


if __name__ == "__main__":
    sys.exit(main())
