#!/usr/bin/env python3
"""Run Tarn's maintenance workloads (OPTIMIZE, Z-order, VACUUM) beside delta-rs (deltalake) in one run.

usage: Benchmarks/maint_run.py [--repeat R] [--data DIR] [--scratch-path P | --tarn BIN] [--only 4,5,6,mem]
                               [--zorder-rows N] [--zorder-files F] [--big-gb G] [--keep-big] [--json OUT]

Workloads (../shared/reference/benchmark-workloads.md, events rows of ../shared/bench/gen_events.py):
  4    compact the 500 small files of workload 2 (500 appends of 2,000 rows, each engine's table written by
       its own writer: `tarn bench write --commits 500`, 500 write_deltalake appends); `tarn optimize` vs
       DeltaTable.optimize.compact(). Checked: every id once, the same amounts, 500 files removed.
  5    Z-order the 10 M rows written as 40 files in random row order (seeded shuffle), by customer_id,
       category, into about F = 40 files (each engine's target size calibrated by one untimed run); `tarn
       optimize --zorder-by` vs optimize.z_order(). Checked as 4. Then the quality check: files skipped by the min/max statistics in the log's
       adds for 10 `customer_id = k`, 10 `customer_id BETWEEN k AND k+500` (k seeded) and `category = c`
       for every category, for both engines' results (target: Tarn skips >= 50 % for every predicate).
  6    vacuum the 500 files workload 4's compaction removed (retention 0, forced): `tarn vacuum
       --retention-hours 0 --force` vs vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False).
       Checked: the removed files are gone, the live ones present, the latest version reads.
  mem  peak resident memory of `tarn optimize --target-size 128MiB` compacting a G GB table of ~40 MB files
       (copies of the 10 M rows written by `tarn write`); target below 1 GiB. Checked: row count and id sum (from
       the files the log names), every file removed. The table is deleted afterwards (--keep-big keeps it).
What is timed: the whole `tarn` process (Tarn fsyncs, its default); deltalake inside a fresh Python process
after its imports (DeltaTable(path) + the operation), the process's wall time beside it. Peak RSS is the
child's ru_maxrss (os.wait4 in a small launcher process). Every run starts from a fresh copy of a prepared table (copy not timed), and its
result is checked with pyarrow against the log before the next run. Ratio = deltalake time / Tarn time.
"""
import argparse
import json
import os
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

SEED = 20241121
ZORDER = ["customer_id", "category"]
GIB = 1 << 30


# MARK: Setup


def events(data, rows):
    path = os.path.join(data, f"events{rows}.parquet")
    if not os.path.exists(path):
        subprocess.run([sys.executable, GEN, str(rows), path], check=True)
    return path


def shuffled(data, source):
    """The rows of `source` in a seeded random order (uncompressed, like gen_events.py's files)."""
    path = source.replace(".parquet", f"-shuffled{SEED}.parquet")
    if not os.path.exists(path):
        t = pq.read_table(source)
        pq.write_table(t.take(pa.array(np.random.default_rng(SEED).permutation(t.num_rows))), path + ".tmp", compression="none")
        os.replace(path + ".tmp", path)
    return path


# Spawns the measured process from a fresh, small interpreter: Linux carries the parent's peak RSS over fork and
# exec into the child's ru_maxrss, so a child of this (large) process would report at least our own peak.
LAUNCH = r"""
import os, sys, time
t0 = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(f"{time.perf_counter() - t0} {usage.ru_maxrss * 1024}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measured(args):
    """Runs a process; returns (wall seconds, peak RSS bytes, stdout). A non-zero exit fails the run."""
    base = os.path.join("/tmp", f"maint-run-{os.getpid()}")
    with open(base + ".out", "w+") as out, open(base + ".err", "w+") as err:
        code = subprocess.run([sys.executable, "-c", LAUNCH, base + ".usage", *args], stdout=out, stderr=err).returncode
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    check(code == 0, f"{' '.join(args[:3])} … exited {code}: {stderr[-2000:]}")
    with open(base + ".usage") as f:
        wall, rss = f.read().split()
    for suffix in (".out", ".err", ".usage"):
        os.remove(base + suffix)
    return float(wall), int(rss), stdout


def last_json(text):
    return json.loads(text.strip().splitlines()[-1])


def appends_with_deltalake(source, path, commits, rows):
    from deltalake import write_deltalake
    t = pq.read_table(source)
    for c in range(commits):
        write_deltalake(path, t.slice(c * rows, rows), mode="append")


# MARK: Reading a table back from its log (independently of both engines)


def last_commit(path, operation):
    """The data actions of the newest commit whose commitInfo.operation is `operation`."""
    found = None
    for version, actions in commits(path):
        info = next((a["commitInfo"] for a in actions if "commitInfo" in a), {})
        if info.get("operation") == operation:
            found = (version, [a["add"] for a in actions if "add" in a], [a["remove"] for a in actions if "remove" in a])
    check(found is not None, f"{path}: no {operation} commit in the log")
    return found


def read_live(path, columns):
    files = live_files(path)
    check(not any(a.get("deletionVector") for a in files.values()), f"{path}: deletion vectors are not read by this benchmark")
    return pa.concat_tables(pq.read_table(os.path.join(path, rel), columns=columns) for rel in files)


def check_rows(path, n, amount_cents, engine):
    """The table holds ids 0..n-1 once each and the source's amounts (sum in cents)."""
    t = read_live(path, ["id", "amount"])
    check(t.num_rows == n, f"{engine}: {t.num_rows:,} rows, expected {n:,}")
    check(pc.count_distinct(t["id"]).as_py() == n and pc.min(t["id"]).as_py() == 0 and pc.max(t["id"]).as_py() == n - 1,
          f"{engine}: ids are not exactly 0..{n - 1}")
    check(cents(t["amount"]) == amount_cents, f"{engine}: the amounts changed (sum {cents(t['amount'])} != {amount_cents} cents)")


def check_optimize(path, removed_count, engine):
    """The newest OPTIMIZE commit removed `removed_count` files and changed no data (dataChange=false)."""
    version, adds, removes = last_commit(path, "OPTIMIZE")
    check(len(removes) == removed_count, f"{engine}: OPTIMIZE (version {version}) removed {len(removes)} files, expected {removed_count}")
    check(all(not a.get("dataChange", True) for a in adds + removes), f"{engine}: OPTIMIZE (version {version}) has dataChange=true actions")
    return {"version": version, "files_added": len(adds), "bytes_added": sum(a["size"] for a in adds), "files_removed": len(removes)}


# MARK: Z-order quality: files skipped by the log's min/max statistics

def predicates(categories):
    rng = np.random.default_rng(SEED)
    points = [int(k) for k in rng.integers(0, 100_001, 10)]
    ranges = [int(k) for k in rng.integers(0, 99_501, 10)]
    return {"customer_id = k": [(k, k) for k in points],
            "customer_id BETWEEN k AND k+500": [(k, k + 500) for k in ranges],
            "category = c": [(c, c) for c in categories]}


def skipping(path, preds):
    """Per kind of predicate: the fraction of live files whose [min, max] misses the predicate's [lo, hi]."""
    bounds = []
    for rel, add in live_files(path).items():
        stats = json.loads(add.get("stats") or "{}")
        lo, hi = stats.get("minValues", {}), stats.get("maxValues", {})
        check(all(c in lo and c in hi for c in ZORDER), f"{path}: file {rel} has no min/max statistics for {ZORDER}")
        bounds.append({c: (lo[c], hi[c]) for c in ZORDER})
    out = {}
    for kind, ranges in preds.items():
        column = "category" if kind.startswith("category") else "customer_id"
        out[kind] = [sum(1 for b in bounds if h < b[column][0] or lo > b[column][1]) / len(bounds) for lo, h in ranges]
    return out, len(bounds)


def describe_skipping(s):
    return "; ".join(f"{kind}: mean {statistics.mean(f):.0%}, min {min(f):.0%}" for kind, f in s.items())


# MARK: Timed operations

DELTA_OP = r"""
import json, sys, time
from deltalake import DeltaTable
op, path, arg = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
dt = DeltaTable(path)
if op == "compact":
    m = dt.optimize.compact()
elif op == "zorder":
    m = dt.optimize.z_order(json.loads(arg)["columns"], target_size=json.loads(arg)["target_size"])
else:
    m = {"deleted": len(dt.vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False))}
print(json.dumps({"seconds": time.perf_counter() - t0, "metrics": m}, default=str))
"""


def rss(r):
    """The peak-RSS part of a run's progress line."""
    return f", peak RSS {r['rss'] / 2**20:,.0f} MiB"


def tarn_op(binary, args):
    wall, rss, out = measured([binary, *args, "--json"])
    return {"seconds": wall, "rss": rss, "result": last_json(out)}


def delta_op(op, path, arg=""):
    wall, rss, out = measured([sys.executable, "-c", DELTA_OP, op, path, arg])
    r = last_json(out)
    return {"seconds": r["seconds"], "process_seconds": wall, "rss": rss, "result": r["metrics"]}


# MARK: Workloads

class Bench:
    def __init__(self, a, binary):
        self.a, self.binary = a, os.path.abspath(binary)
        self.work = self.d("work")

    def d(self, name):
        return os.path.join(self.a.data, f"maint-{name}")

    def compaction(self):
        """Workload 4 (and the tables of workload 6)."""
        src = events(self.a.data, 1_000_000)
        amount = cents(pq.read_table(src, columns=["amount"])["amount"])
        print("workload 4: preparing 500-append tables (not timed)", flush=True)
        run([self.binary, "bench", "write", "--input", src, "--commits", "500", "--rows-per-commit", "2000",
             "--output", fresh(self.d("w4-tarn")), "--no-fsync", "--json"])
        appends_with_deltalake(src, fresh(self.d("w4-delta")), 500, 2000)
        for e in ("tarn", "delta"):
            check(len(live_files(self.d(f"w4-{e}"))) == 500, f"the {e} table of workload 4 does not hold 500 files")

        def verify(path, engine):
            check_rows(path, 1_000_000, amount, engine)
            return check_optimize(path, 500, engine)

        def tarn_run():
            r = tarn_op(self.binary, ["optimize", copy_of(self.d("w4-tarn"), self.work)])
            r["check"] = verify(self.work, "Tarn compaction")
            return r

        def delta_run():
            r = delta_op("compact", copy_of(self.d("w4-delta"), self.work))
            r["check"] = verify(self.work, "deltalake compaction")
            return r
        runs = workload("compact", self.a.repeat, {"tarn": tarn_run, "delta": delta_run}, rss)
        for e, op in (("tarn", lambda p: tarn_op(self.binary, ["optimize", p])), ("delta", lambda p: delta_op("compact", p))):
            op(copy_of(self.d(f"w4-{e}"), fresh(self.d(f"w6-{e}"))))      # workload 6's tables
        return runs

    def zorder(self):
        """Workload 5 and its quality check."""
        n, files = self.a.zorder_rows, self.a.zorder_files
        src = shuffled(self.a.data, events(self.a.data, n))
        base = pq.read_table(src, columns=["amount", "category"])
        amount, categories = cents(base["amount"]), sorted(pc.unique(base["category"]).to_pylist())
        del base
        print(f"workload 5: preparing {files} files of {n:,} shuffled rows per engine (not timed)", flush=True)
        run([self.binary, "bench", "write", "--input", src, "--commits", str(files), "--rows-per-commit", str(n // files),
             "--output", fresh(self.d("w5-tarn")), "--no-fsync", "--json"])
        appends_with_deltalake(src, fresh(self.d("w5-delta")), files, n // files)
        for e in ("tarn", "delta"):
            live = live_files(self.d(f"w5-{e}"))
            check(len(live) == files, f"the {e} table of workload 5 holds {len(live)} files, not {files}")
        preds = predicates(categories)
        before = {e: skipping(self.d(f"w5-{e}"), preds)[0] for e in ("tarn", "delta")}
        target = {e: sum(a["size"] for a in live_files(self.d(f"w5-{e}")).values()) // files for e in ("tarn", "delta")}

        def verify(path, engine):
            check_rows(path, n, amount, engine)
            c = check_optimize(path, files, engine)
            c["skipping"], c["files"] = skipping(path, preds)
            return c

        def tarn_run():
            args = ["optimize", copy_of(self.d("w5-tarn"), self.work), "--zorder-by", ",".join(ZORDER), "--target-size", str(target["tarn"])]
            r = tarn_op(self.binary, args)
            r["check"] = verify(self.work, "Tarn Z-order")
            return r

        def delta_run():
            r = delta_op("zorder", copy_of(self.d("w5-delta"), self.work), json.dumps({"columns": ZORDER, "target_size": target["delta"]}))
            r["check"] = verify(self.work, "deltalake Z-order")
            return r

        # Calibration (not timed; also a warm-up): Z-ordered rows compress better than shuffled ones and an engine's
        # files need not end at the target, so one run at input bytes / F scales each engine's target by files / F.
        for e, body in (("tarn", tarn_run), ("delta", delta_run)):
            c = body()["check"]
            print(f"  zorder calibration {e}: target {target[e]:,} bytes gave {c['files_added']} files, {c['bytes_added']:,} bytes", flush=True)
            target[e] = target[e] * c["files_added"] // files
        runs = workload("zorder", self.a.repeat, {"tarn": tarn_run, "delta": delta_run}, rss)
        for e in ("tarn", "delta"):
            runs[e][-1]["target_size"], runs[e][-1]["skipping_before"] = target[e], before[e]
        return runs

    def vacuum(self):
        """Workload 6 (needs workload 4's compacted tables)."""
        def body(engine, op):
            def go():
                path = copy_of(self.d(f"w6-{engine}"), self.work)
                removed = {unquote(r["path"]) for r in last_commit(path, "OPTIMIZE")[2]}
                live = set(live_files(path))
                check(len(removed) == 500 and all(os.path.exists(os.path.join(path, p)) for p in removed),
                      f"{engine}: the prepared table does not hold the 500 removed files")
                r = op(path)
                gone = [p for p in removed if not os.path.exists(os.path.join(path, p))]
                check(len(gone) == 500, f"{engine} vacuum: {500 - len(gone)} of the 500 removed files remain")
                check(all(os.path.exists(os.path.join(path, p)) for p in live), f"{engine} vacuum deleted a live file")
                check(set(live_files(path)) == live, f"{engine} vacuum changed the live files")
                check(pq.ParquetDataset([os.path.join(path, p) for p in live]).read(columns=["id"]).num_rows == 1_000_000,
                      f"{engine} vacuum: the latest version no longer reads 1,000,000 rows")
                return r
            return go
        tarn = lambda p: tarn_op(self.binary, ["vacuum", p, "--retention-hours", "0", "--force"])
        return workload("vacuum", self.a.repeat, {"tarn": body("tarn", tarn), "delta": body("delta", lambda p: delta_op("vacuum", p))},
                        rss)

    def memory(self):
        """Peak RSS of compacting a big table of ~40 MB files (built from copies of the 10 M rows)."""
        src = events(self.a.data, 10_000_000)
        big = fresh(self.d("big"))
        copies, total = 0, 0
        print(f"memory: writing a {self.a.big_gb:g} GB table (not timed)", flush=True)
        while total < self.a.big_gb * 1e9:
            extra = ["--property", f"delta.targetFileSize={24 << 20}"] if copies == 0 else []
            run([self.binary, "write", big, "--input", src, *extra])
            copies += 1
            total = sum(a["size"] for a in live_files(big).values())
        before = len(live_files(big))
        rows = copies * pq.ParquetFile(src).metadata.num_rows
        id_sum = copies * pc.sum(pq.read_table(src, columns=["id"])["id"]).as_py()
        r = tarn_op(self.binary, ["optimize", big, "--target-size", "128MiB"])
        after = live_files(big)
        got_rows = sum(pq.ParquetFile(os.path.join(big, p)).metadata.num_rows for p in after)
        got_sum = sum(pc.sum(b.column(0)).as_py() for p in after for b in pq.ParquetFile(os.path.join(big, p)).iter_batches(columns=["id"]))
        check(got_rows == rows and got_sum == id_sum, f"memory: after compaction {got_rows:,} rows (id sum {got_sum}), expected {rows:,} ({id_sum})")
        opt = check_optimize(big, before, "Tarn compaction of the big table")
        if not self.a.keep_big:
            fresh(big)
        r.update({"table_bytes": total, "files_before": before, "files_after": len(after), "rows": rows, "check": opt})
        print(f"  memory: {total / 1e9:.2f} GB, {before} files → {len(after)}: {r['seconds']:.1f} s, peak RSS {r['rss'] / 2**20:,.0f} MiB", flush=True)
        return r


# MARK: Report

def report(a, results):
    med = lambda rs, k="seconds": statistics.median(r[k] for r in rs)
    print(f"\nTarn beside deltalake, median of {a.repeat}; ratio = deltalake time / Tarn time")
    out = []
    targets = {"4 compaction": 1.5, "5 z-order": 5.0, "6 vacuum": 1.0}
    for name, runs in results.items():
        if name == "memory":
            r = runs
            ok = r["rss"] < GIB
            print(f"{'memory: compact ' + format(r['table_bytes'] / 1e9, '.2f') + ' GB':32} Tarn {r['seconds']:7.1f} s, "
                  f"peak RSS {r['rss'] / 2**20:,.0f} MiB ({r['files_before']} → {r['files_after']} files)  "
                  f"target < 1024 MiB {'✓' if ok else 'MISSED'}")
            out.append({"workload": "memory", **r})
            continue
        t, dl = med(runs["tarn"]), med(runs["delta"])
        ratio = dl / t
        engine = [r["result"]["durationMs"] / 1000 for r in runs["tarn"] if "durationMs" in r["result"]]
        inside = f", in-process {statistics.median(engine):.3f} s" if engine else ""
        print(f"{name:32} Tarn {t:7.3f} s (RSS {max(r['rss'] for r in runs['tarn']) / 2**20:,.0f} MiB{inside})  "
              f"deltalake {dl:7.3f} s (process {med(runs['delta'], 'process_seconds'):.3f} s, RSS {max(r['rss'] for r in runs['delta']) / 2**20:,.0f} MiB)"
              f"  {ratio:5.2f}x  target >= {targets[name]}x {'✓' if ratio >= targets[name] else 'MISSED'}")
        row = {"workload": name, "tarn_seconds": t, "delta_seconds": dl, "ratio": ratio,
               "delta_process_seconds": med(runs["delta"], "process_seconds"),
               "tarn_runs": [r["seconds"] for r in runs["tarn"]], "delta_runs": [r["seconds"] for r in runs["delta"]],
               "tarn_rss": [r["rss"] for r in runs["tarn"]], "delta_rss": [r["rss"] for r in runs["delta"]],
               "tarn_result": runs["tarn"][-1]["result"], "delta_result": runs["delta"][-1]["result"]}
        for e in ("tarn", "delta"):
            c = runs[e][-1].get("check")
            if c:
                row[f"{e}_check"] = c
                print(f"{'':32}   {e}: {c['files_removed']} files → {c['files_added']} ({c['bytes_added'] / 1e6:,.0f} MB)"
                      + (f", target size {runs[e][-1]['target_size']:,} bytes" if "target_size" in runs[e][-1] else ""))
        if name == "5 z-order":
            row["quality"] = quality(runs)
        out.append(row)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%d"), "repeat": a.repeat, "results": out}, f, indent=2, default=str)


def quality(runs):
    print(f"{'':32}   files skipped by min/max statistics (from the log):")
    q = {}
    for e in ("tarn", "delta"):
        last = runs[e][-1]
        s, files = last["check"]["skipping"], last["check"]["files"]
        print(f"{'':34} {e:5} before, {len(last['skipping_before']['category = c'])} categories: {describe_skipping(last['skipping_before'])}")
        print(f"{'':34} {e:5} after, {files} files: {describe_skipping(s)}")
        q[e] = {"files": files, "after": s, "before": last["skipping_before"]}
    worst = {kind: min(f) for kind, f in q["tarn"]["after"].items()}
    ok = all(v >= 0.5 for v in worst.values())
    print(f"{'':34} Z-order quality target (Tarn skips >= 50 % for every predicate): {'✓' if ok else 'MISSED'} (worst {worst})")
    q["target_met"] = ok
    return q


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", default=os.path.join(ROOT, ".build", "bench-data"))
    ap.add_argument("--scratch-path", help="swift build --scratch-path for the release tarn")
    ap.add_argument("--tarn", help="use this tarn binary instead of building one")
    ap.add_argument("--only", default="4,5,6,mem", help="comma-separated workloads: 4, 5, 6 (needs 4), mem")
    ap.add_argument("--zorder-rows", type=int, default=10_000_000)
    ap.add_argument("--zorder-files", type=int, default=40)
    ap.add_argument("--big-gb", type=float, default=5.0, help="size of the memory workload's table")
    ap.add_argument("--keep-big", action="store_true", help="keep the memory workload's table")
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args()
    os.makedirs(a.data, exist_ok=True)
    only = set(a.only.split(","))
    check(not ("6" in only and "4" not in only), "workload 6 vacuums workload 4's compacted tables: --only must include 4")
    b = Bench(a, a.tarn or tarn_binary(a.scratch_path))
    results = {}
    if "4" in only:
        results["4 compaction"] = b.compaction()
    if "5" in only:
        results["5 z-order"] = b.zorder()
    if "6" in only:
        results["6 vacuum"] = b.vacuum()
    if "mem" in only:
        results["memory"] = b.memory()
    fresh(b.work)
    report(a, results)


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as e:
        sys.exit(f"CHECK FAILED: {e}")
