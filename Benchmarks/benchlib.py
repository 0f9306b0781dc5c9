"""Shared harness of the Delta benchmark runners (dml_run.py, maint_run.py, delta_run.py): the release
`tarn` build, scratch tables (fresh directories, synced copies), subprocess runs, result checks that stop a
run, a JSON-log replay of the live files, exact sums of amounts, and the alternating repeat loop."""
import json
import os
import shutil
import subprocess
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.compute as pc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(os.path.dirname(ROOT), "shared", "bench", "gen_events.py")


class CheckFailed(Exception):
    """A result that is not what the workload must produce: the run stops."""


def check(ok, message):
    if not ok:
        raise CheckFailed(message)


def tarn_binary(scratch):
    extra = ["--scratch-path", scratch] if scratch else []
    # The Swift runtime is linked statically, as a shipped binary would be (process start 5 ms, not 11 ms).
    subprocess.run(["swift", "build", "-c", "release", "--product", "tarn", "--static-swift-stdlib", *extra], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path", *extra], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    return os.path.join(out, "tarn")


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    return path


def copy_of(prepared, work):
    shutil.copytree(prepared, fresh(work))
    os.sync()
    return work


def run(args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def commits(path):
    """(version, actions) of every JSON commit; the log must start at version 0 (no cleanup)."""
    log = os.path.join(path, "_delta_log")
    names = sorted(n for n in os.listdir(log) if n.endswith(".json") and n[:-5].isdigit())
    check(names and int(names[0][:-5]) == 0, f"{path}: the log does not start at version 0")
    for n in names:
        with open(os.path.join(log, n)) as f:
            yield int(n[:-5]), [json.loads(line) for line in f if line.strip()]


def live_files(path):
    """path → add action of the latest version, replaying every JSON commit (checkpoints ignored)."""
    files = {}
    for _, actions in commits(path):
        for a in actions:
            if "remove" in a:
                files.pop(unquote(a["remove"]["path"]), None)
        for a in actions:
            if "add" in a:
                files[unquote(a["add"]["path"])] = a["add"]
    return files


def cents(amounts):
    """The exact sum of amounts (generated rounded to cents) in cents, independent of row order."""
    return pc.sum(pc.cast(pc.round(pc.multiply(amounts, 100.0)), pa.int64())).as_py() or 0


def workload(name, repeat, engines, detail=lambda r: ""):
    """Runs each engine's (prepare-copy, timed op, check) `repeat` times, engines alternating."""
    runs = {e: [] for e in engines}
    for i in range(repeat):
        for e, body in engines.items():
            r = body()
            runs[e].append(r)
            print(f"  {name} run {i + 1} {e}: {r['seconds']:.3f} s{detail(r)}", flush=True)
    return runs
