#!/usr/bin/env python3
"""Run Tarn's Parquet benchmark workloads beside pyarrow in one run and print the ratios.

usage: Benchmarks/run.py [--rows N] [--repeat R] [--data DIR] [--json OUT]

Workloads (the events dataset of ../shared/bench/gen_events.py, see Benchmarks/README.md):
  parquet.write.events.zstd  in-memory rows -> zstd Parquet file (Tarn vs pq.write_table(compression="zstd"))
  parquet.read.events        full read of a zstd file to memory, for the file each engine wrote
Each engine runs in its own process: one warm-up, then R timed runs; medians are compared.
Ratio = pyarrow time / Tarn time (above 1 means Tarn is faster).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(os.path.dirname(ROOT), "shared", "bench", "gen_events.py")


def tarn_binary():
    subprocess.run(["swift", "build", "-c", "release", "--product", "TarnBenchmarks"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    return os.path.join(out, "TarnBenchmarks")


def run_tarn(binary, args, repeat):
    out = subprocess.run([binary] + args + [str(repeat + 1)], check=True, capture_output=True, text=True).stdout
    runs = [json.loads(line) for line in out.splitlines() if line.strip()]
    return runs[1:]


PYARROW_WORKER = r"""
import json, sys, time
import pyarrow.parquet as pq
mode, repeat = sys.argv[1], int(sys.argv[-1])
for i in range(repeat + 1):
    if mode == "write":
        table = pq.read_table(sys.argv[2]) if i == 0 else table
        start = time.perf_counter(); pq.write_table(table, sys.argv[3], compression="zstd"); t = time.perf_counter() - start
        rows = table.num_rows
    else:
        start = time.perf_counter(); table = pq.read_table(sys.argv[2]); t = time.perf_counter() - start
        rows = table.num_rows; del table
    if i > 0:
        print(json.dumps({"engine": "pyarrow", "workload": mode, "rows": rows, "seconds": t}), flush=True)
"""


def run_pyarrow(args, repeat):
    out = subprocess.run([sys.executable, "-c", PYARROW_WORKER] + args + [str(repeat)], check=True,
                         capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def median(runs):
    return statistics.median(r["seconds"] for r in runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--data", default=os.path.join(ROOT, ".build", "bench-data"))
    ap.add_argument("--json", help="write the results here as JSON")
    a = ap.parse_args()
    os.makedirs(a.data, exist_ok=True)
    source = os.path.join(a.data, f"events{a.rows}.parquet")
    if not os.path.exists(source):
        print(f"generating {a.rows} events rows...", file=sys.stderr)
        subprocess.run([sys.executable, GEN, str(a.rows), source], check=True)
    binary = tarn_binary()
    tarn_file, pa_file = os.path.join(a.data, "tarn.zstd.parquet"), os.path.join(a.data, "pyarrow.zstd.parquet")
    results = []

    tw = run_tarn(binary, ["write", source, tarn_file, "zstd"], a.repeat)
    pw = run_pyarrow(["write", source, pa_file], a.repeat)
    results.append(("parquet.write.events.zstd", tw, pw))
    for name, f in (("parquet.read.events (pyarrow's file)", pa_file), ("parquet.read.events (Tarn's file)", tarn_file)):
        tr = run_tarn(binary, ["read", f], a.repeat)
        pr = run_pyarrow(["read", f], a.repeat)
        results.append((name, tr, pr))

    print(f"\n{a.rows:,} events rows, median of {a.repeat} runs after a warm-up, 2 engines in one run")
    print(f"{'workload':40} {'Tarn s':>8} {'pyarrow s':>10} {'ratio':>7}")
    report = []
    for name, t, p in results:
        ratio = median(p) / median(t)
        print(f"{name:40} {median(t):8.3f} {median(p):10.3f} {ratio:6.2f}x")
        report.append({"workload": name, "rows": a.rows, "tarn_seconds": median(t), "pyarrow_seconds": median(p),
                       "ratio_pyarrow_over_tarn": ratio, "tarn_runs": [r["seconds"] for r in t],
                       "pyarrow_runs": [r["seconds"] for r in p]})
    sizes = {"tarn_zstd_bytes": os.path.getsize(tarn_file), "pyarrow_zstd_bytes": os.path.getsize(pa_file)}
    print(f"file sizes: Tarn {sizes['tarn_zstd_bytes']:,} B, pyarrow {sizes['pyarrow_zstd_bytes']:,} B")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%d"), "results": report, **sizes}, f, indent=2)


if __name__ == "__main__":
    main()
