#!/usr/bin/env python3
"""Run Tarn's row-level-change workloads (MERGE, DELETE) beside delta-rs (deltalake) in one run.

usage: Benchmarks/dml_run.py [--rows N] [--repeat R] [--data DIR] [--events FILE] [--scratch-path P | --tarn BIN]
                             [--layout own|tarn] [--json OUT]

Workloads (events dataset of ../shared/bench/gen_events.py, N rows):
  1  MERGE of 100,000 source rows (10 % existing ids, seeded; 90 % new ids beyond the max)
     ON target.id = source.id: WHEN MATCHED UPDATE SET amount, note; WHEN NOT MATCHED INSERT *
  2  DELETE WHERE customer_id < 1000 (1 % of the rows)
  3  the same DELETE on a Tarn table with delta.enableDeletionVectors=true (Tarn only); the run
     fails unless the commit re-adds only removed files, each with a deletion vector
What is timed: Tarn, the whole `tarn merge` / `tarn delete` process (source Parquet read, table
open, DML, commit; Tarn fsyncs, its default). deltalake, inside a fresh Python process after its
imports: pq.read_table(source) (merge only) + DeltaTable(path) + merge(...).execute() / delete(...);
the process's wall time is reported beside it. Every run starts from a fresh copy of a prepared
table (copy and sync not timed) and its result is checked against pyarrow before the next run.
Ratios are deltalake's time over Tarn's (above 1: Tarn is faster).
"""
import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from urllib.parse import unquote

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from benchlib import GEN, ROOT, CheckFailed, cents, check, commits, copy_of, fresh, live_files, run, tarn_binary, workload  # noqa: E402 (beside this script)

SCHEMA = "id long, ts timestamp, event_date date, customer_id long, category string, amount double, note string"
DELETE_WHERE = "customer_id < 1000"
SEED = 20241121
TYPES = {"id": pa.int64(), "customer_id": pa.int64(), "amount": pa.float64(), "note": pa.string()}


# MARK: Setup


def events(data, rows, given):
    path = given or os.path.join(data, f"events{rows}.parquet")
    if not os.path.exists(path):
        subprocess.run([sys.executable, GEN, str(rows), path], check=True)
    return path


def merge_source(data, rows, source_rows, matching):
    """`matching` existing ids chosen at random and the rest new ids N, N+1, …, rows in random order;
    the other columns are generated events values (seeded)."""
    path = os.path.join(data, f"merge-source-{rows}-{source_rows}-{matching}.parquet")
    rng = np.random.default_rng(SEED)
    matched = rng.choice(rows, matching, replace=False).astype(np.int64)
    ids = np.concatenate([matched, np.arange(rows, rows + source_rows - matching, dtype=np.int64)])
    ids = ids[rng.permutation(source_rows)]
    if not os.path.exists(path):
        spec = importlib.util.spec_from_file_location("gen_events", GEN)
        gen = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(gen)
        pq.write_table(gen.gen_events(source_rows, SEED + 1).set_column(0, "id", pa.array(ids)), path, compression="none")
    return path, matched


def prepare_tarn(binary, source, path, dv):
    fresh(path)
    if dv:
        run([binary, "create", path, "--schema", SCHEMA, "--property", "delta.enableDeletionVectors=true"])
    run([binary, "write", path, "--input", source])


def prepare_delta(source, path):
    from deltalake import write_deltalake
    write_deltalake(fresh(path), pq.read_table(source))


# MARK: Timed operations

DELTA_OP = r"""
import json, sys, time
import pyarrow.parquet as pq
from deltalake import DeltaTable
op, path, arg = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
if op == "merge":
    source = pq.read_table(arg)
    m = (DeltaTable(path).merge(source, predicate="target.id = source.id", source_alias="source", target_alias="target")
         .when_matched_update(updates={"amount": "source.amount", "note": "source.note"})
         .when_not_matched_insert_all().execute())
else:
    m = DeltaTable(path).delete(arg)
print(json.dumps({"seconds": time.perf_counter() - t0, "metrics": m}, default=str))
"""


def timed(args):
    t0 = time.perf_counter()
    out = run(args)
    return time.perf_counter() - t0, json.loads(out.strip().splitlines()[-1])


def tarn_op(binary, op, path, merge_src):
    if op == "merge":
        args = [binary, "merge", path, "--source", merge_src, "--on", "target.id = source.id", "--json",
                "--when-matched-update", "SET amount = source.amount, note = source.note", "--when-not-matched-insert", "*"]
    else:
        args = [binary, "delete", path, "--where", DELETE_WHERE, "--json"]
    wall, out = timed(args)
    return {"seconds": wall, "engine_ms": int(out["operationMetrics"].get("executionTimeMs", "0")), "result": out}


def delta_op(op, path, merge_src):
    wall, out = timed([sys.executable, "-c", DELTA_OP, op, path, merge_src if op == "merge" else DELETE_WHERE])
    return {"seconds": out["seconds"], "process_seconds": wall, "result": out["metrics"]}


# MARK: Reading a table back (independently of both engines)


def roaring32(b, pos):
    """Decodes one portable 32-bit Roaring bitmap at b[pos:]; returns (values, end)."""
    cookie = int.from_bytes(b[pos:pos + 4], "little")
    pos += 4
    runs = None
    if cookie & 0xFFFF == 12347:
        size = (cookie >> 16) + 1
        runs = b[pos:pos + (size + 7) // 8]
        pos += (size + 7) // 8
    else:
        check(cookie == 12346, f"bad roaring cookie {cookie}")
        size = int.from_bytes(b[pos:pos + 4], "little")
        pos += 4
    header = np.frombuffer(b, dtype="<u2", count=2 * size, offset=pos).reshape(size, 2)
    pos += 4 * size
    if runs is None or size >= 4:
        pos += 4 * size                       # offset header
    out = []
    for i, (key, card1) in enumerate(header):
        base = int(key) << 16
        if runs is not None and runs[i // 8] >> (i % 8) & 1:
            n = int.from_bytes(b[pos:pos + 2], "little")
            pairs = np.frombuffer(b, dtype="<u2", count=2 * n, offset=pos + 2).reshape(n, 2)
            pos += 2 + 4 * n
            out += [np.arange(s, s + l + 1, dtype=np.int64) + base for s, l in pairs.astype(np.int64)]
        elif card1 + 1 <= 4096:
            out.append(np.frombuffer(b, dtype="<u2", count=int(card1) + 1, offset=pos).astype(np.int64) + base)
            pos += 2 * (int(card1) + 1)
        else:
            bits = np.unpackbits(np.frombuffer(b, dtype=np.uint8, count=8192, offset=pos), bitorder="little")
            out.append(np.flatnonzero(bits).astype(np.int64) + base)
            pos += 8192
    return (np.concatenate(out) if out else np.zeros(0, np.int64)), pos


def deleted_rows(path, dv):
    """The row positions of a deletion vector in a file beside the table (storage type `u`)."""
    check(dv["storageType"] == "u", f"deletion vector storage '{dv['storageType']}' not read by this benchmark")
    z = dv["pathOrInlineDv"]
    uuid = z85_decode(z[-20:])
    name = f"deletion_vector_{uuid[:8]}-{uuid[8:12]}-{uuid[12:16]}-{uuid[16:20]}-{uuid[20:]}.bin"
    with open(os.path.join(path, z[:-20], name), "rb") as f:
        check("offset" in dv, "a deletion vector in a file without an offset")
        f.seek(dv["offset"])
        size = int.from_bytes(f.read(4), "big")
        data = f.read(size)
    check(size == dv["sizeInBytes"], f"deletion vector size {size} != descriptor {dv['sizeInBytes']}")
    check(int.from_bytes(data[:4], "little") == 1681511377, "bad deletion vector magic")
    buckets, pos, rows = int.from_bytes(data[4:12], "little"), 12, []
    for _ in range(buckets):
        high = int.from_bytes(data[pos:pos + 4], "little")
        values, pos = roaring32(data, pos + 4)
        rows.append(values + (high << 32))
    out = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    check(len(out) == dv["cardinality"], f"deletion vector holds {len(out)} rows, descriptor says {dv['cardinality']}")
    return out


def z85_decode(s):
    chars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
    out = b""
    for i in range(0, len(s), 5):
        v = 0
        for c in s[i:i + 5]:
            v = v * 85 + chars.index(c)
        out += v.to_bytes(4, "big")
    return out.hex()


def read_live(path, columns):
    parts = []
    for rel, add in live_files(path).items():
        t = pq.read_table(os.path.join(path, rel), columns=columns)
        if add.get("deletionVector"):
            keep = np.ones(t.num_rows, dtype=bool)
            keep[deleted_rows(path, add["deletionVector"])] = False
            t = t.filter(pa.array(keep))
        parts.append(t.cast(pa.schema([(c, TYPES[c]) for c in columns])))
    return pa.concat_tables(parts)


# MARK: Expected results and checks

class Expected:
    def __init__(self, events_path, merge_src, matched):
        e = pq.read_table(events_path, columns=["id", "customer_id", "amount", "note"])
        self.rows = e.num_rows
        kept = e.filter(pc.greater_equal(e["customer_id"], 1000))
        self.delete_rows, self.delete_id_sum = kept.num_rows, pc.sum(kept["id"]).as_py()
        self.delete_customer_sum = pc.sum(kept["customer_id"]).as_py()
        s = pq.read_table(merge_src).sort_by("id")
        self.matched = pa.array(np.sort(matched))
        self.inserted = s.filter(pc.greater_equal(s["id"], self.rows))
        self.updated = s.filter(pc.less(s["id"], self.rows))
        self.updated_customers = e.filter(pc.is_in(e["id"], self.matched)).sort_by("id")["customer_id"]
        self.untouched_cents = cents(e.filter(pc.invert(pc.is_in(e["id"], self.matched)))["amount"])


def check_merge(path, x, engine):
    t = read_live(path, ["id", "customer_id", "amount", "note"])
    n = x.rows + x.inserted.num_rows
    check(t.num_rows == n, f"{engine} merge: {t.num_rows:,} rows, expected {n:,}")
    check(pc.count_distinct(t["id"]).as_py() == n and pc.min(t["id"]).as_py() == 0 and pc.max(t["id"]).as_py() == n - 1,
          f"{engine} merge: ids are not exactly 0..{n - 1}")
    upd = t.filter(pc.is_in(t["id"], x.matched)).sort_by("id")
    check(upd["amount"].equals(x.updated["amount"]) and upd["note"].equals(x.updated["note"]),
          f"{engine} merge: matched rows do not carry the source's amount and note")
    check(upd["customer_id"].equals(x.updated_customers), f"{engine} merge: matched rows changed a column not in SET")
    ins = t.filter(pc.greater_equal(t["id"], x.rows)).sort_by("id")
    for c in ("customer_id", "amount", "note"):
        check(ins[c].equals(x.inserted[c]), f"{engine} merge: inserted rows differ from the source in {c}")
    untouched = pc.and_(pc.invert(pc.is_in(t["id"], x.matched)), pc.less(t["id"], x.rows))
    rest = cents(t.filter(untouched)["amount"])
    check(rest == x.untouched_cents, f"{engine} merge: untouched rows' amounts changed (sum {rest} != {x.untouched_cents} cents)")


def check_delete(path, x, engine):
    t = read_live(path, ["id", "customer_id"])
    check(t.num_rows == x.delete_rows, f"{engine} delete: {t.num_rows:,} rows, expected {x.delete_rows:,}")
    check(pc.min(t["customer_id"]).as_py() >= 1000, f"{engine} delete: rows with customer_id < 1000 remain")
    check(pc.sum(t["id"]).as_py() == x.delete_id_sum and pc.sum(t["customer_id"]).as_py() == x.delete_customer_sum,
          f"{engine} delete: the remaining rows are not the ones with customer_id >= 1000")


def check_dv_commit(path, before_files):
    """The DELETE commit of a deletion-vector table adds no data file: every add re-adds a removed
    path with a deletion vector, and no new Parquet file appeared in the table directory."""
    version, actions = list(commits(path))[-1]
    adds = [a["add"] for a in actions if "add" in a]
    removed = {unquote(a["remove"]["path"]) for a in actions if "remove" in a}
    check(adds, f"deletion-vector delete, version {version}: no add actions")
    for a in adds:
        check(a.get("deletionVector") is not None, f"version {version}: add {a['path']} has no deletionVector (a new data file)")
        check(unquote(a["path"]) in removed, f"version {version}: add {a['path']} is not a removed file")
    now = parquet_files(path)
    check(now == before_files, f"version {version}: new Parquet files appeared: {sorted(now - before_files)}")
    return {"version": version, "adds_with_dv": len(adds), "removes": len(removed)}


def parquet_files(path):
    return {os.path.relpath(os.path.join(d, f), path) for d, _, fs in os.walk(path) for f in fs if f.endswith(".parquet")}


# MARK: Driver


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", default=os.path.join(ROOT, ".build", "bench-data"))
    ap.add_argument("--events", help="a prepared events Parquet file of --rows rows (default: generated into --data)")
    ap.add_argument("--scratch-path", help="swift build --scratch-path for the release tarn")
    ap.add_argument("--tarn", help="use this tarn binary instead of building one")
    ap.add_argument("--source-rows", type=int, default=100_000)
    ap.add_argument("--matching", type=int, default=10_000, help="source rows whose id exists in the table")
    ap.add_argument("--layout", choices=["own", "tarn"], default="own",
                    help="own: each engine's table written by its own writer; tarn: both start from Tarn's table")
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args()
    os.makedirs(a.data, exist_ok=True)
    binary = a.tarn or tarn_binary(a.scratch_path)
    src = events(a.data, a.rows, a.events)
    check(pq.ParquetFile(src).metadata.num_rows == a.rows, f"{src} does not hold {a.rows} rows")
    merge_src, matched = merge_source(a.data, a.rows, a.source_rows, a.matching)
    x = Expected(src, merge_src, matched)
    d = lambda n: os.path.join(a.data, f"dml-{n}")
    print("preparing tables (not timed)", flush=True)
    prepare_tarn(binary, src, d("tarn"), dv=False)
    prepare_tarn(binary, src, d("tarn-dv"), dv=True)
    if a.layout == "own":
        prepare_delta(src, d("delta"))
    else:
        shutil.copytree(d("tarn"), fresh(d("delta")))
    layouts = {e: {"files": len(f), "bytes": sum(a["size"] for a in f.values())}
               for e, f in ((e, live_files(d(e))) for e in ("tarn", "delta", "tarn-dv"))}
    work = d("work")

    def tarn_run(op, prepared, verify):
        def body():
            path = copy_of(prepared, work)
            files = parquet_files(path)
            r = tarn_op(binary, op, path, merge_src)
            r["check"] = verify(path, files)
            return r
        return body

    def delta_run(op):
        def body():
            path = copy_of(d("delta"), work)
            r = delta_op(op, path, merge_src)
            (check_merge if op == "merge" else check_delete)(path, x, "deltalake")
            return r
        return body

    results = {}
    results["1 merge"] = workload("merge", a.repeat, {
        "tarn": tarn_run("merge", d("tarn"), lambda p, _: check_merge(p, x, "Tarn")), "delta": delta_run("merge")})
    results["2 delete"] = workload("delete", a.repeat, {
        "tarn": tarn_run("delete", d("tarn"), lambda p, _: check_delete(p, x, "Tarn")), "delta": delta_run("delete")})

    dv_verify = lambda p, files: (check_dv_commit(p, files), check_delete(p, x, "Tarn (deletion vectors)"))[0]
    results["3 delete, deletion vectors"] = workload("delete-dv", a.repeat, {"tarn": tarn_run("delete", d("tarn-dv"), dv_verify)})
    fresh(work)
    report(a, results, layouts)


def report(a, results, layouts):
    med = lambda rs, k="seconds": statistics.median(r[k] for r in rs)
    delta_delete = med(results["2 delete"]["delta"])
    print(f"\nTarn beside deltalake, {a.rows:,} events rows, median of {a.repeat}; ratio = deltalake time / Tarn time"
          f" (tables: {'each engine its own writer' if a.layout == 'own' else 'both from Tarn’s table'})")
    for e, l in layouts.items():
        print(f"  prepared {e:8} table: {l['files']} files, {l['bytes'] / 1e6:,.0f} MB")
    out = []
    for name, runs in results.items():
        t = med(runs["tarn"])
        row = {"workload": name, "tarn_seconds": t, "tarn_engine_ms": med(runs["tarn"], "engine_ms"),
               "tarn_runs": [r["seconds"] for r in runs["tarn"]], "tarn_result": runs["tarn"][-1]["result"]}
        line = f"{name:32} Tarn {t:7.3f} s (in-process {row['tarn_engine_ms'] / 1000:.3f} s)"
        if "delta" in runs:
            dl = med(runs["delta"])
            row.update({"delta_seconds": dl, "delta_process_seconds": med(runs["delta"], "process_seconds"),
                        "delta_runs": [r["seconds"] for r in runs["delta"]], "ratio": dl / t,
                        "delta_result": runs["delta"][-1]["result"]})
            line += f"  deltalake {dl:7.3f} s (process {row['delta_process_seconds']:.3f} s)  {dl / t:5.2f}x"
        else:
            row["ratio_to_delta_delete"] = delta_delete / t
            row["commit"] = runs["tarn"][-1]["check"]
            line += f"  (vs deltalake's copy-on-write delete {delta_delete / t:5.2f}x; commit {row['commit']})"
        print(line)
        out.append(row)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%d"), "rows": a.rows, "repeat": a.repeat, "layout": a.layout,
                       "layouts": layouts, "results": out}, f, indent=2, default=str)


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as e:
        sys.exit(f"CHECK FAILED: {e}")
