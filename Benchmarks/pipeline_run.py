#!/usr/bin/env python3
"""Run Tarn's pipeline layer (issue 6): JSON-lines ingest into bronze beside pyarrow + deltalake, then
Tarn's silver and gold stages on that bronze.

usage: Benchmarks/pipeline_run.py [--rows N] [--repeat R] [--rows-per-file F] [--data DIR]
                                  [--scratch-path P | --tarn BIN] [--json OUT]

Data: N events rows of ../shared/bench/gen_events.py as JSON lines (cached under DIR), split by lines into
files of F rows (default 1,000,000) in a landing directory that both engines ingest.
Workloads:
  ingest  the landing files into an unpartitioned bronze Delta table: `tarn pipeline run FILE --stage bronze`
          (files source, format jsonl, a contract with the events schema, id long not null; target append;
          Tarn also adds its lineage columns _source_file, _ingested_at, _run_id) vs pyarrow.json.read_json of
          each file (explicit schema; event_date read as a string and cast to date32, which read_json cannot
          parse) + one write_deltalake(mode="append") of the concatenated table. Fresh directory every run,
          engines alternating. Checked for both: N rows, ids exactly 0..N-1, the source's amounts (sum in cents).
  silver  Tarn alone, on the last Tarn bronze: dedup keys [id] order_by ts tie_breaker _source_file, expectations
          (owner bench@example.com) not_null id → drop, accepted_values category (the 50 categories) → warn;
          target merge keys [id] (a fresh silver: the first run is a plain write). Checked: N distinct ids, the
          amounts, nothing rejected or dropped as a duplicate, no expectation failed.
  gold    Tarn alone: silver read in full, aggregate group_by [event_date] count → events, sum(amount) → revenue;
          target overwrite. Checked: one row per event_date of the source with its count and revenue; events sum to N.
  After the timed runs, a run of the whole pipeline must find no new data in any stage (not timed as a workload).
What is timed: the whole `tarn` process (it fsyncs, its default); deltalake inside a fresh Python process after
its imports, with the process's wall time beside it. Peak RSS is the child's ru_maxrss (maint_run.measured).
Rows/s = input rows / seconds. Ratio = deltalake time / Tarn time.
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

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from benchlib import GEN, ROOT, CheckFailed, cents, check, fresh, tarn_binary, workload  # noqa: E402 (beside this script)
from maint_run import check_rows, measured, read_live  # noqa: E402 (the maintenance runner's launcher and table checks)

PIPELINE = "events"


def categories():
    """The 50 categories of gen_events.py (imported from the generator itself)."""
    spec = importlib.util.spec_from_file_location("gen_events", GEN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.CATEGORIES)


# MARK: Setup: the JSON-lines source, the landing files, the pipeline file


def source_jsonl(data, rows):
    path = os.path.join(data, f"events{rows}.jsonl")
    if not os.path.exists(path):
        print(f"generating {path} (not timed)", flush=True)
        subprocess.run([sys.executable, GEN, str(rows), path + ".tmp", "--format", "jsonl"], check=True)
        os.replace(path + ".tmp", path)
    return path


def landing(data, source, rows, per_file):
    """The source split by lines into files of `per_file` rows, named in row order (built once, then renamed)."""
    path = os.path.join(data, f"pipeline-landing-{rows}-{per_file}")
    if os.path.isdir(path):
        return path
    tmp = fresh(path + ".tmp")
    os.makedirs(tmp)
    out, count, part = None, 0, 0
    with open(source) as f:
        for line in f:
            if out is None or count == per_file:
                if out:
                    out.close()
                out, count, part = open(os.path.join(tmp, f"part-{part:05d}.jsonl"), "w"), 0, part + 1
            out.write(line)
            count += 1
    if out:
        out.close()
    os.replace(tmp, path)
    return path


STRING_SCHEMA = pa.schema([pa.field("id", pa.int64(), nullable=False), ("ts", pa.timestamp("us", tz="UTC")), ("event_date", pa.string()),
                           ("customer_id", pa.int64()), ("category", pa.string()), ("amount", pa.float64()), ("note", pa.string())])


def read_source(landing_dir):
    """The landing files as one table (event_date as a date), read with pyarrow: the reference for every check."""
    files = sorted(os.path.join(landing_dir, n) for n in os.listdir(landing_dir) if n.endswith(".jsonl"))
    t = pa.concat_tables(pj.read_json(f, parse_options=pj.ParseOptions(explicit_schema=STRING_SCHEMA)) for f in files)
    return t.set_column(2, pa.field("event_date", pa.date32()), pc.cast(t["event_date"], pa.date32())), len(files)


def pipeline_yaml(landing_dir, cats, stages):
    """The pipeline file: bronze, silver and gold (spec/pipeline.md); `stages` keeps the first ones only."""
    fields = [("id", "long", False), ("ts", "timestamp", True), ("event_date", "date", True), ("customer_id", "long", True),
              ("category", "string", True), ("amount", "double", True), ("note", "string", True)]
    bronze = [
        "  - name: bronze",
        f"    source: {{files: {json.dumps(landing_dir)}, pattern: \"*.jsonl\", format: jsonl}}",
        "    contract:",
        "      fields:",
        *(f"        - {{name: {n}, type: {t}, nullable: {'true' if null else 'false'}}}" for n, t, null in fields),
        "    target: {path: bronze, mode: append}",
    ]
    silver = [
        "  - name: silver",
        "    source: {table: bronze}",
        "    transforms:",
        "      - dedup: {keys: [id], order_by: ts, tie_breaker: _source_file}",
        "    expectations:",
        "      owner: bench@example.com",
        "      checks:",
        "        - {name: id_present, not_null: id, action: drop}",
        f"        - {{name: known_category, accepted_values: {{column: category, values: [{', '.join(cats)}]}}, action: warn}}",
        "    target: {path: silver, mode: merge, keys: [id]}",
    ]
    gold = [
        "  - name: gold",
        "    source: {table: silver, read: full}",
        "    transforms:",
        "      - aggregate: {group_by: [event_date], aggregates: [{fn: count, as: events}, {fn: sum, column: amount, as: revenue}]}",
        "    target: {path: gold, mode: overwrite}",
    ]
    body = {"bronze": bronze, "silver": bronze + silver, "gold": bronze + silver + gold}[stages]
    return "\n".join([f"pipeline: {PIPELINE}", "stages:", *body, ""])


# MARK: Timed runs


PEER = r"""
import json, os, sys, time
import pyarrow as pa, pyarrow.compute as pc, pyarrow.json as pj
from deltalake import write_deltalake
landing, path = sys.argv[1], sys.argv[2]
schema = pa.schema([pa.field("id", pa.int64(), nullable=False), ("ts", pa.timestamp("us", tz="UTC")), ("event_date", pa.string()),
                    ("customer_id", pa.int64()), ("category", pa.string()), ("amount", pa.float64()), ("note", pa.string())])
t0 = time.perf_counter()
files = sorted(os.path.join(landing, n) for n in os.listdir(landing) if n.endswith(".jsonl"))
t = pa.concat_tables(pj.read_json(f, parse_options=pj.ParseOptions(explicit_schema=schema)) for f in files)
t = t.set_column(2, pa.field("event_date", pa.date32()), pc.cast(t["event_date"], pa.date32()))
write_deltalake(path, t, mode="append")
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": t.num_rows}))
"""


def stage_records(stdout):
    """The per-stage JSON objects `tarn pipeline run --json` prints."""
    return [json.loads(line) for line in stdout.splitlines() if line.strip().startswith("{")]


def run_log_duration(work, stage):
    """duration_seconds of the newest run-log record of `stage` (the in-process time), or None."""
    path = os.path.join(work, "_runs", f"{PIPELINE}.jsonl")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    mine = [r for r in records if r.get("stage") == stage]
    return mine[-1].get("duration_seconds") if mine else None


class Bench:
    def __init__(self, a, binary):
        self.a, self.binary = a, os.path.abspath(binary)
        self.work = os.path.join(a.data, "pipeline-work")
        self.peer_table = os.path.join(a.data, "pipeline-peer-bronze")
        self.cats = categories()
        src = source_jsonl(a.data, a.rows)
        self.landing = landing(a.data, src, a.rows, a.rows_per_file)
        print(f"reading the {a.rows:,} source rows for the checks (not timed)", flush=True)
        t, self.files = read_source(self.landing)
        check(t.num_rows == a.rows, f"the landing files hold {t.num_rows:,} rows, expected {a.rows:,}")
        self.amount = cents(t["amount"])
        days = t.group_by("event_date").aggregate([("id", "count"), ("amount", "sum")])
        self.days = {d: (n, s) for d, n, s in zip(days["event_date"].to_pylist(), days["id_count"].to_pylist(), days["amount_sum"].to_pylist())}
        del t, days

    def file(self, stages):
        path = os.path.join(self.work, f"pipeline-{stages}.yaml")
        with open(path, "w") as f:
            f.write(pipeline_yaml(self.landing, self.cats, stages))
        return path

    def tarn_stage(self, stages, stage):
        """One `tarn pipeline run FILE --stage S --json` process; its record must say succeeded."""
        wall, rss, out = measured([self.binary, "pipeline", "run", self.file(stages), "--stage", stage, "--json"])
        records = stage_records(out)
        check(len(records) == 1 and records[0]["stage"] == stage, f"tarn pipeline run --stage {stage} printed {out[-2000:]!r}")
        r = records[0]
        check(r["status"] == "succeeded", f"stage {stage}: status {r['status']} ({r.get('error_message')})")
        return {"seconds": wall, "rss": rss, "result": r, "in_process": run_log_duration(self.work, stage)}

    # Ingest

    def ingest(self):
        n = self.a.rows

        def tarn_run():
            fresh(self.work)
            os.makedirs(self.work)
            r = self.tarn_stage("bronze", "bronze")
            res = r["result"]
            check(res["rows_read"] == n and res["rows_loaded"] == n and res["rows_rejected"] == 0 and res["rows_written"] == n,
                  f"Tarn bronze counts: {res}")
            check_rows(os.path.join(self.work, "bronze"), n, self.amount, "Tarn bronze")
            return r

        def delta_run():
            wall, rss, out = measured([sys.executable, "-c", PEER, self.landing, fresh(self.peer_table)])
            r = json.loads(out.strip().splitlines()[-1])
            check(r["rows"] == n, f"deltalake read {r['rows']:,} rows, expected {n:,}")
            check_rows(self.peer_table, n, self.amount, "deltalake bronze")
            return {"seconds": r["seconds"], "process_seconds": wall, "rss": rss}

        detail = lambda r: f" ({self.a.rows / r['seconds']:,.0f} rows/s, peak RSS {r['rss'] / 2**20:,.0f} MiB)"
        runs = workload("ingest", self.a.repeat, {"tarn": tarn_run, "delta": delta_run}, detail)
        fresh(self.peer_table)
        return runs

    # Silver and gold (on the bronze of the last Tarn ingest run)

    def downstream(self):
        n = self.a.rows
        silver_runs, gold_runs = [], []
        for i in range(self.a.repeat):
            for name in os.listdir(self.work):
                if name not in ("bronze", "bronze_dead_letter") and not name.endswith(".yaml"):
                    fresh(os.path.join(self.work, name))
            s = self.tarn_stage("gold", "silver")
            self.check_silver(s["result"])
            g = self.tarn_stage("gold", "gold")
            self.check_gold(g["result"])
            for label, r, runs in (("silver", s, silver_runs), ("gold", g, gold_runs)):
                runs.append(r)
                print(f"  {label} run {i + 1} tarn: {r['seconds']:.3f} s ({r['result']['rows_read'] / r['seconds']:,.0f} rows/s, "
                      f"peak RSS {r['rss'] / 2**20:,.0f} MiB)", flush=True)
        self.check_idempotent()
        return {"silver": silver_runs, "gold": gold_runs}

    def check_silver(self, res):
        n = self.a.rows
        check(res["rows_read"] == n and res["rows_written"] == n and res["rows_rejected"] == 0 and res["rows_duplicate"] == 0,
              f"Tarn silver counts: {res}")
        check_rows(os.path.join(self.work, "silver"), n, self.amount, "Tarn silver")
        failed = self.failed_expectations("silver")
        check(not failed, f"Tarn silver: expectations failed: {failed}")

    def failed_expectations(self, stage):
        with open(os.path.join(self.work, "_runs", f"{PIPELINE}.jsonl")) as f:
            records = [json.loads(line) for line in f if line.strip()]
        last = [r for r in records if r.get("stage") == stage][-1]
        return [e for e in last.get("expectations", []) if not e.get("passed", True)]

    def check_gold(self, res):
        n = self.a.rows
        check(res["rows_read"] == n and res["rows_written"] == len(self.days), f"Tarn gold counts: {res} ({len(self.days)} days)")
        t = read_live(os.path.join(self.work, "gold"), ["event_date", "events", "revenue"])
        dates = t["event_date"].to_pylist()
        check(len(dates) == len(set(dates)) == len(self.days), f"Tarn gold: {len(dates)} rows for {len(set(dates))} dates, expected {len(self.days)}")
        check(pc.sum(t["events"]).as_py() == n, f"Tarn gold: events sum to {pc.sum(t['events']).as_py():,}, expected {n:,}")
        for d, e, rev in zip(dates, t["events"].to_pylist(), t["revenue"].to_pylist()):
            want_n, want_rev = self.days.get(d, (None, None))
            check(e == want_n and abs(rev - want_rev) < 0.01, f"Tarn gold {d}: {e} events, revenue {rev}; the source has {want_n}, {want_rev}")

    def check_idempotent(self):
        """The whole pipeline, run again, finds nothing new in any stage."""
        _, _, out = measured([self.binary, "pipeline", "run", self.file("gold"), "--json"])
        status = {r["stage"]: r["status"] for r in stage_records(out)}
        check(status == {"bronze": "no_new_data", "silver": "no_new_data", "gold": "no_new_data"},
              f"a re-run of the whole pipeline was not a no-op: {status}")
        print(f"  re-run of the whole pipeline: {status}", flush=True)


# MARK: Report


def report(a, b, ingest, down):
    med = lambda rs, k="seconds": statistics.median(r[k] for r in rs)
    rate = lambda rows, s: f"{rows / s:>12,.0f} rows/s"
    rss = lambda rs: f"RSS {max(r['rss'] for r in rs) / 2**20:,.0f} MiB"
    n = a.rows
    print(f"\nTarn beside deltalake, median of {a.repeat}; {n:,} rows in {b.files} JSON-lines files; ratio = deltalake time / Tarn time")
    t, dl, dlp = med(ingest["tarn"]), med(ingest["delta"]), med(ingest["delta"], "process_seconds")
    inside = [r["in_process"] for r in ingest["tarn"] if r["in_process"] is not None]
    print(f"{'ingest jsonl → bronze':26} Tarn {t:7.3f} s {rate(n, t)} ({rss(ingest['tarn'])}"
          + (f", in-process {statistics.median(inside):.3f} s" if inside else "") + ")  "
          f"deltalake {dl:7.3f} s {rate(n, dl)} (process {dlp:.3f} s, {rss(ingest['delta'])})  ratio {dl / t:5.2f}x (process {dlp / t:.2f}x)")
    rows = [{"workload": "ingest", "rows": n, "files": b.files, "tarn_seconds": t, "delta_seconds": dl, "delta_process_seconds": dlp,
             "ratio": dl / t, "tarn_rows_per_second": n / t, "delta_rows_per_second": n / dl,
             "tarn_runs": [r["seconds"] for r in ingest["tarn"]], "delta_runs": [r["seconds"] for r in ingest["delta"]],
             "tarn_rss": [r["rss"] for r in ingest["tarn"]], "delta_rss": [r["rss"] for r in ingest["delta"]],
             "tarn_result": ingest["tarn"][-1]["result"]}]
    for name, label in (("silver", "silver dedup+expect+merge"), ("gold", "gold aggregate+overwrite")):
        runs = down[name]
        s = med(runs)
        inside = [r["in_process"] for r in runs if r["in_process"] is not None]
        print(f"{label:26} Tarn {s:7.3f} s {rate(n, s)} ({rss(runs)}"
              + (f", in-process {statistics.median(inside):.3f} s" if inside else "") + ")  deltalake –  (Tarn only)")
        rows.append({"workload": name, "rows": n, "tarn_seconds": s, "tarn_rows_per_second": n / s,
                     "tarn_runs": [r["seconds"] for r in runs], "tarn_rss": [r["rss"] for r in runs],
                     "tarn_in_process": inside, "tarn_result": runs[-1]["result"]})
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%d"), "rows": n, "repeat": a.repeat, "results": rows}, f, indent=2, default=str)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rows-per-file", type=int, default=1_000_000, help="rows per landing file")
    ap.add_argument("--data", default=os.path.join(ROOT, ".build", "bench-data"))
    ap.add_argument("--scratch-path", help="swift build --scratch-path for the release tarn")
    ap.add_argument("--tarn", help="use this tarn binary instead of building one")
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args()
    os.makedirs(a.data, exist_ok=True)
    b = Bench(a, a.tarn or tarn_binary(a.scratch_path))
    ingest = b.ingest()
    down = b.downstream()
    report(a, b, ingest, down)
    shutil.rmtree(b.work, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as e:
        sys.exit(f"CHECK FAILED: {e}")
