#!/usr/bin/env python3
"""deltalake (delta-rs 1.6.6) as the independent judge of Tarn's DELETE / UPDATE / MERGE (DMLInteropTests).

Subcommands (run as `python3 dml_peer.py CMD ...`); each prints one JSON summary line last on stdout and exits 0
when it ran (differences are reported as {"ok": false, "problems": [...]}), 1 when the peer itself is broken:
  merge PATH --source PARQUET --spec JSON [--tarn-rows FILE] [--tarn-cdf FILE]
        deltalake merges the Parquet source into the table at PATH with the clauses of the spec
        ({"predicate": ..., "clauses": [{"kind", "action", "condition", "set"}]}, aliases source / target);
        reports its metrics (camelCase, from the result and from the commit's operationMetrics); compares its
        rows after the merge with FILE and its load_cdf of the merge version with the CDF FILE (Tarn's rows).
        A merge deltalake refuses is a result: {"merged": false, "error": ...}.
  cdf-ranges PATH --tarn-dir DIR [--skip-versions V,...]
        for every DIR/cdf-FROM-TO.jsonl (Tarn's change rows without _commit_timestamp, canonical JSON lines):
        deltalake's load_cdf(FROM, TO) equals it as a multiset. Rows of the skipped versions (commits deltalake
        is known to misread) are left out of both sides and only counted.
A missing deltalake is an ImportError at start: exit 1, so the Swift test fails (never skips).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys

sys.dont_write_bytecode = True

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import deltalake  # noqa: E402  (required: the test must fail without it)
from deltalake.exceptions import DeltaError  # noqa: E402

import cdf_peer  # noqa: E402
import delta_peer  # noqa: E402
import rowformat as rf  # noqa: E402


def _summary(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str), flush=True)


def camel(name: str) -> str:
    """num_target_rows_inserted -> numTargetRowsInserted (Spark's and Tarn's metric names)."""
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _ints(metrics: dict) -> dict:
    out = {}
    for k, v in (metrics or {}).items():
        try:
            out[camel(k)] = int(v)
        except (TypeError, ValueError):
            out[camel(k)] = v
    return out


def _read_lines(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [line for line in fh.read().split("\n") if line.strip()]


# ================================================================ merge

def build_merger(dt, source: pa.Table, spec: dict):
    """A TableMerger with the spec's clauses in order (delta-rs applies them first-match, like Spark)."""
    m = dt.merge(source, spec["predicate"], source_alias="source", target_alias="target")
    for c in spec["clauses"]:
        kind, action, cond, values = c["kind"], c["action"], c.get("condition"), c.get("set")
        if kind == "matched" and action == "update":
            m = m.when_matched_update_all(predicate=cond) if values == "*" else \
                m.when_matched_update(updates=values, predicate=cond)
        elif kind == "matched" and action == "delete":
            m = m.when_matched_delete(predicate=cond)
        elif kind == "notMatched" and action == "insert":
            m = m.when_not_matched_insert_all(predicate=cond) if values == "*" else \
                m.when_not_matched_insert(updates=values, predicate=cond)
        elif kind == "notMatchedBySource" and action == "update":
            m = m.when_not_matched_by_source_update(updates=values, predicate=cond)
        elif kind == "notMatchedBySource" and action == "delete":
            m = m.when_not_matched_by_source_delete(predicate=cond)
        else:
            raise ValueError(f"unsupported clause {c}")
    return m


def cmd_merge(args) -> int:
    spec = json.loads(args.spec)
    source = pq.read_table(args.source)
    before = deltalake.DeltaTable(args.table).version()
    out = {"command": "merge", "table": args.table, "version_before": before, "source_rows": source.num_rows}
    try:
        metrics = build_merger(deltalake.DeltaTable(args.table), source, spec).execute()
    except DeltaError as e:
        after = deltalake.DeltaTable(args.table).version()
        _summary({**out, "merged": False, "error": f"{type(e).__name__}: {e}", "version": after, "ok": True})
        return 0
    dt = deltalake.DeltaTable(args.table)
    version = dt.version()
    commit = next((h for h in dt.history(1) if h.get("version") == version), {})
    out.update(merged=True, version=version, metrics=_ints(metrics),
               commit_metrics=_ints(commit.get("operationMetrics")), operation=commit.get("operation"))
    problems: list[str] = []
    if args.tarn_rows:
        table, reader = delta_peer.read_arrow(dt)
        rows = delta_peer.canonical_rows(table)
        out.update(rows=len(rows), reader=reader.split(" ")[0])
        delta_peer.compare_rows(table.schema, rows, _read_lines(args.tarn_rows), "rows after MERGE", problems, 8)
    if args.tarn_cdf:
        feed, order = cdf_peer.load_cdf(args.table, version, version)
        data = feed.select(order)
        rows = rf.table_rows(data)
        out["cdf_rows"] = len(rows)
        delta_peer.compare_rows(data.schema, rows, _read_lines(args.tarn_cdf), f"change rows of version {version}",
                                problems, 8)
    _summary({**out, "problems": problems, "ok": not problems})
    return 0


# ================================================================ change data feed ranges

RANGE_FILE = re.compile(r"^cdf-(\d+)-(\d+)\.jsonl$")


def cmd_cdf_ranges(args) -> int:
    ranges = sorted((int(m.group(1)), int(m.group(2)), os.path.join(args.tarn_dir, m.group(0)))
                    for m in map(RANGE_FILE.match, os.listdir(args.tarn_dir)) if m)
    skip = {int(v) for v in args.skip_versions.split(",") if v} if args.skip_versions else set()
    problems: list[str] = []
    per_range = []
    for start, end, path in ranges:
        where = f"versions {start}..{end}"
        try:
            feed, order = cdf_peer.load_cdf(args.table, start, end)
        except Exception as e:  # noqa: BLE001 - a range deltalake cannot read is a finding
            problems.append(f"{where}: deltalake's load_cdf fails: {type(e).__name__}: {e}")
            per_range.append({"from": start, "to": end, "error": str(e)})
            continue
        data = feed.select(order)
        rows = rf.table_rows(data)
        lines = _read_lines(path)
        skipped = {"delta": sum(r["_commit_version"] in skip for r in rows)}
        tarn_rows = [rf.load_row(line) for line in lines]
        skipped["tarn"] = sum(r.get("_commit_version") in skip for r in tarn_rows)
        rows = [r for r in rows if r["_commit_version"] not in skip]
        lines = [line for line, r in zip(lines, tarn_rows) if r.get("_commit_version") not in skip]
        before = len(problems)
        delta_peer.compare_rows(data.schema, rows, lines, where, problems, 6)
        types = {}
        for t in data.column("_change_type").to_pylist():
            types[t] = types.get(t, 0) + 1
        per_range.append({"from": start, "to": end, "delta_rows": len(rows), "tarn_rows": len(lines),
                          "change_types": types, "skipped_rows": skipped, "mismatches": len(problems) - before})
    _summary({"command": "cdf-ranges", "table": args.table, "ranges": per_range, "problems": problems,
              "ok": not problems})
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("merge", help="deltalake MERGE with the spec's clauses; compare with Tarn's result")
    p.add_argument("table")
    p.add_argument("--source", required=True)
    p.add_argument("--spec", required=True)
    p.add_argument("--tarn-rows")
    p.add_argument("--tarn-cdf")
    p.set_defaults(fn=cmd_merge)
    p = sub.add_parser("cdf-ranges", help="deltalake's load_cdf of every range DIR/cdf-FROM-TO.jsonl names")
    p.add_argument("table")
    p.add_argument("--tarn-dir", required=True)
    p.add_argument("--skip-versions", help="comma-separated versions left out of the comparison")
    p.set_defaults(fn=cmd_cdf_ranges)
    args = ap.parse_args(argv)
    try:
        rc = args.fn(args)
    except Exception as e:  # noqa: BLE001 - reported, exit 1
        print(f"dml_peer.py {args.command}: {type(e).__name__}: {e}", file=sys.stderr)
        _summary({"command": args.command, "ok": False, "error": f"{type(e).__name__}: {e}"})
        rc = 1
    # deltalake's runtime threads sometimes abort the interpreter's teardown; leave directly.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(rc)


if __name__ == "__main__":
    main()
