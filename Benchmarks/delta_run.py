#!/usr/bin/env python3
"""Run Tarn's Delta table workloads beside delta-rs (deltalake) in one run and print the ratios.

usage: Benchmarks/delta_run.py [--rows N] [--repeat R] [--data DIR] [--json OUT] [--durable]

Workloads (../shared/reference/benchmark-workloads.md, events dataset of ../shared/bench/gen_events.py):
  1   bulk write of N rows, unpartitioned          (Tarn: tarn bench write --input; delta-rs: write_deltalake)
  1p  bulk write partitioned by event_date
  2   500 appends of 2,000 rows, one process       (commits/s, commit latency p50/p99, first vs last tenth)
  3   open version 5000 and the latest of a 10,000-commit table, without and with checkpoints
Tarn runs without fsync unless --durable (delta-rs does not fsync its files either); both engines
time only the operation itself (input already in memory). Ratios are Tarn's speed over delta-rs's.
"""
import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time

from benchlib import GEN, ROOT, fresh  # noqa: E402 (beside this script)


def tarn_binary():
    subprocess.run(["swift", "build", "-c", "release", "--product", "tarn"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    return os.path.join(out, "tarn")


def tarn(binary, *args):
    out = subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def events(data, rows):
    path = os.path.join(data, f"events{rows}.parquet")
    if not os.path.exists(path):
        subprocess.run([sys.executable, GEN, str(rows), path], check=True)
    return path


def bulk(binary, data, source, repeat, partition, durable):
    import pyarrow.parquet as pq
    from deltalake import write_deltalake
    table = pq.read_table(source)
    target = os.path.join(data, "bulk")
    tarn_s, delta_s = [], []
    for _ in range(repeat):
        args = ["bench", "write", "--input", source, "--output", fresh(target), "--json"]
        if partition:
            args += ["--partition-by", "event_date"]
        if not durable:
            args.append("--no-fsync")
        tarn_s.append(tarn(binary, *args)["seconds"])
        fresh(target)
        start = time.perf_counter()
        write_deltalake(target, table, partition_by=["event_date"] if partition else None)
        delta_s.append(time.perf_counter() - start)
    fresh(target)
    return table.num_rows, statistics.median(tarn_s), statistics.median(delta_s), tarn_s, delta_s


def appends(binary, data, source, commits, rows, durable):
    import pyarrow.parquet as pq
    from deltalake import write_deltalake
    table = pq.read_table(source)
    target = os.path.join(data, "appends")
    args = ["bench", "write", "--input", source, "--commits", str(commits), "--rows-per-commit", str(rows),
            "--output", fresh(target), "--json"] + ([] if durable else ["--no-fsync"])
    t = tarn(binary, *args)
    fresh(target)
    lat = []
    start = time.perf_counter()
    for c in range(commits):
        chunk = table.slice((c * rows) % table.num_rows, rows)
        t0 = time.perf_counter()
        write_deltalake(target, chunk, mode="append")
        lat.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - start
    fresh(target)
    s = sorted(lat)
    tenth = max(1, commits // 10)
    d = {"commits_per_second": commits / total, "commit_latency_ms_p50": s[len(s) // 2],
         "commit_latency_ms_p99": s[min(len(s) - 1, int(len(s) * 0.99))],
         "commit_latency_ms_first_tenth_p50": statistics.median(lat[:tenth]),
         "commit_latency_ms_last_tenth_p50": statistics.median(lat[-tenth:])}
    return t, d


def synthetic_log(path, versions):
    """A table of `versions` commits, each adding one (absent) data file with statistics."""
    log = os.path.join(fresh(path), "_delta_log")
    os.makedirs(log)
    schema = json.dumps({"type": "struct", "fields": [{"name": "id", "type": "long", "nullable": True, "metadata": {}}]})
    base = int(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc).timestamp())
    for v in range(versions):
        lines = [json.dumps({"commitInfo": {"timestamp": (base + v) * 1000, "operation": "WRITE"}})]
        if v == 0:
            lines.append(json.dumps({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}}))
            lines.append(json.dumps({"metaData": {"id": "bench", "format": {"provider": "parquet", "options": {}},
                                                  "schemaString": schema, "partitionColumns": [], "configuration": {},
                                                  "createdTime": base * 1000}}))
        stats = json.dumps({"numRecords": 10, "minValues": {"id": v * 10}, "maxValues": {"id": v * 10 + 9}, "nullCount": {"id": 0}})
        lines.append(json.dumps({"add": {"path": f"part-{v:05d}.parquet", "partitionValues": {}, "size": 1000,
                                         "modificationTime": (base + v) * 1000, "dataChange": True, "stats": stats}}))
        name = os.path.join(log, f"{v:020d}.json")
        with open(name, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.utime(name, (base + v, base + v))


DELTA_OPEN = r"""
import json, sys, time
from deltalake import DeltaTable
path, version, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = []
for i in range(repeat + 1):
    t0 = time.perf_counter()
    t = DeltaTable(path) if version == "latest" else DeltaTable(path, version=int(version))
    _ = t.version()
    if i > 0:
        runs.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"median_ms": sorted(runs)[len(runs) // 2]}))
"""


def open_times(binary, path, repeat):
    out = {}
    for version in ("5000", "latest"):
        args = ["bench", "open", path, "--repeat", str(repeat), "--json"] + ([] if version == "latest" else ["--version", version])
        t = tarn(binary, *args)["median_ms"]
        d = json.loads(subprocess.run([sys.executable, "-c", DELTA_OPEN, path, version, str(repeat)], check=True,
                                      capture_output=True, text=True).stdout)["median_ms"]
        out[version] = (t, d)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", default=os.path.join(ROOT, ".build", "bench-data"))
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--durable", action="store_true", help="let Tarn fsync (its default outside benchmarks)")
    a = ap.parse_args()
    os.makedirs(a.data, exist_ok=True)
    binary = tarn_binary()
    results = []
    source = events(a.data, a.rows)
    for name, partition in (("1 bulk write", False), ("1p bulk write by event_date", True)):
        n, t, d, ts, ds = bulk(binary, a.data, source, a.repeat, partition, a.durable)
        results.append({"workload": name, "tarn_rows_per_s": n / t, "delta_rows_per_s": n / d, "ratio": d / t,
                        "tarn_seconds": ts, "delta_seconds": ds})
    t, d = appends(binary, a.data, events(a.data, 1_000_000), 500, 2000, a.durable)
    results.append({"workload": "2 500 appends x 2000 rows", "tarn": t, "delta": d,
                    "ratio": t["commits_per_second"] / d["commits_per_second"]})
    table = os.path.join(a.data, "commits10k")
    synthetic_log(table, 10_000)
    no_cp = open_times(binary, table, a.repeat + 2)
    for v in range(1000, 10_000, 1000):
        subprocess.run([binary, "checkpoint", table, "--version", str(v)], check=True, stdout=subprocess.DEVNULL)
    with_cp = open_times(binary, table, a.repeat + 2)
    for label, times in (("3 open (no checkpoint)", no_cp), ("3c open (checkpoints every 1000)", with_cp)):
        for version, (t, d) in times.items():
            results.append({"workload": f"{label} version {version}", "tarn_ms": t, "delta_ms": d, "ratio": d / t})
    print(f"\nTarn beside deltalake, {a.rows:,} events rows, median of {a.repeat}; ratio = Tarn speed / delta-rs speed"
          f"{'' if a.durable else ' (Tarn without fsync)'}")
    for r in results:
        if "tarn_rows_per_s" in r:
            print(f"{r['workload']:45} Tarn {r['tarn_rows_per_s']:>12,.0f} rows/s  delta-rs {r['delta_rows_per_s']:>12,.0f} rows/s  {r['ratio']:5.2f}x")
        elif "tarn_ms" in r:
            print(f"{r['workload']:45} Tarn {r['tarn_ms']:9.1f} ms      delta-rs {r['delta_ms']:9.1f} ms      {r['ratio']:5.2f}x")
        else:
            t, d = r["tarn"], r["delta"]
            print(f"{r['workload']:45} Tarn {t['commits_per_second']:7.1f} commits/s (p50 {t['commit_latency_ms_p50']:.1f} ms, p99 {t['commit_latency_ms_p99']:.1f} ms,"
                  f" first/last tenth {t['commit_latency_ms_first_tenth_p50']:.1f}/{t['commit_latency_ms_last_tenth_p50']:.1f} ms)")
            print(f"{'':45} delta-rs {d['commits_per_second']:7.1f} commits/s (p50 {d['commit_latency_ms_p50']:.1f} ms, p99 {d['commit_latency_ms_p99']:.1f} ms,"
                  f" first/last tenth {d['commit_latency_ms_first_tenth_p50']:.1f}/{d['commit_latency_ms_last_tenth_p50']:.1f} ms)  {r['ratio']:5.2f}x")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%d"), "rows": a.rows, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
