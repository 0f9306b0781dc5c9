"""Change data feed peer: deltalake (delta-rs 1.6.6) writes and reads Delta change data feeds.

Commands (run as `python3 cdf_peer.py CMD ...`; each prints a one-line JSON summary last on stdout):
  build PATH --seed N [--partitioned]   a table with delta.enableChangeDataFeed=true and a seeded mix of appends,
                                        deletes, updates, merges, overwrites, compactions and restores
  cdf PATH --from V [--to V]            deltalake's load_cdf rows as canonical JSON lines (spec/rows.md), keys in
                                        table-schema order then _change_type, _commit_version; _commit_timestamp
                                        (ms) per version goes to the summary
  cdf ... --tarn-rows FILE              instead of printing, compare FILE (Tarn's rows, same form) with deltalake's
                                        as multisets; exit 1 on a difference
A missing deltalake is an error (the tests fail, never skip).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
from decimal import Decimal

import pyarrow as pa

import delta_peer
import rowformat as rf

# Plain partition values: deltalake 1.6.6 load_cdf cannot open its own change data files under escaped
# partition directories (it does not decode the cdc path: "part=c%253Dd" in the log, "part=c%3Dd" on disk).
PARTS = ["a", "b", "c", "d"]
CDF = {"delta.enableChangeDataFeed": "true"}
SCHEMA = pa.schema([
    pa.field("id", pa.int64(), nullable=False), pa.field("part", pa.string()), pa.field("v", pa.int32()),
    pa.field("amount", pa.decimal128(10, 2)), pa.field("name", pa.string()), pa.field("score", pa.float64()),
    pa.field("day", pa.date32()), pa.field("ts", pa.timestamp("us", tz="UTC")), pa.field("tags", pa.list_(pa.string())),
    pa.field("info", pa.struct([pa.field("a", pa.int64()), pa.field("b", pa.string())])),
])


def _summary(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str), flush=True)


def _deltalake():
    import deltalake  # noqa: PLC0415 - a missing module must fail the caller
    return deltalake


# ================================================================ build

def gen_rows(r: random.Random, ids: list[int]) -> pa.Table:
    def maybe(x):
        return None if r.random() < 0.1 else x
    cols = {
        "id": ids,
        "part": [r.choice(PARTS) for _ in ids],
        "v": [maybe(r.randint(-100, 100)) for _ in ids],
        "amount": [maybe(Decimal(r.randint(-99999, 99999)).scaleb(-2)) for _ in ids],
        "name": [maybe(r.choice(["x", "y z", "ü", ""]) + str(r.randint(0, 9))) for _ in ids],
        "score": [maybe(round(r.uniform(-1000, 1000), 3)) for _ in ids],
        "day": [maybe(dt.date(2024, 1, 1) + dt.timedelta(days=r.randint(-500, 500))) for _ in ids],
        "ts": [maybe(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=r.randint(-10**12, 10**12)))
               for _ in ids],
        "tags": [maybe([r.choice(["p", "q", None]) for _ in range(r.randint(0, 3))]) for _ in ids],
        "info": [maybe({"a": maybe(r.randint(-5, 5)), "b": maybe(r.choice(["m", "n"]))}) for _ in ids],
    }
    return pa.Table.from_pydict(cols, schema=SCHEMA)


class Builder:
    def __init__(self, path: str, seed: int, partitioned: bool):
        self.path, self.r, self.partitioned = path, random.Random(seed), partitioned
        self.next_id, self.log = 0, []

    def rows(self, n: int) -> pa.Table:
        ids = list(range(self.next_id, self.next_id + n))
        self.next_id += n
        return gen_rows(self.r, ids)

    def table(self):
        return _deltalake().DeltaTable(self.path)

    def note(self, what: str, before: int) -> None:
        after = self.table().version()
        self.log.append(f"v{after}: {what}" if after != before else f"(no commit) {what}")

    def current_ids(self) -> list[int]:
        return sorted(self.table().to_pyarrow_table(columns=["id"]).column("id").to_pylist())

    def create(self) -> None:
        _deltalake().write_deltalake(self.path, self.rows(self.r.randint(20, 50)), configuration=CDF,
                                     partition_by=["part"] if self.partitioned else None)
        self.log.append("v0: create")

    def step(self, op: str) -> None:
        r, before = self.r, self.table().version()
        if op == "append":
            _deltalake().write_deltalake(self.path, self.rows(r.randint(5, 30)), mode="append")
        elif op == "delete":
            pred = r.choice(["v < 0", f"part = '{r.choice(PARTS)}'", "name IS NULL", f"id % 3 = {r.randint(0, 2)}"])
            self.table().delete(pred)
            op = f"delete where {pred}"
        elif op == "update":
            pred = r.choice(["v > 20", f"part = '{r.choice(PARTS)}'", "score < 0"])
            self.table().update(updates={"v": "v + 1", "name": "concat(name, '!')"}, predicate=pred)
            op = f"update where {pred}"
        elif op == "merge":
            self.merge()
        elif op == "overwrite":
            _deltalake().write_deltalake(self.path, self.rows(r.randint(10, 30)), mode="overwrite")
        elif op == "optimize":
            for _ in range(2):
                _deltalake().write_deltalake(self.path, self.rows(r.randint(2, 5)), mode="append")
                self.note("append (before optimize)", before)
                before = self.table().version()
            self.table().optimize.compact()
        elif op == "restore":
            target = r.randint(max(0, before - 3), max(0, before - 1))
            self.table().restore(target)
            op = f"restore version {target}"
        self.note(op, before)

    def merge(self) -> None:
        r, ids = self.r, self.current_ids()
        matched = r.sample(ids, min(len(ids), r.randint(1, 10)))
        source = gen_rows(r, matched + list(range(self.next_id, self.next_id + r.randint(0, 8))))
        self.next_id += 8
        m = self.table().merge(source, "t.id = s.id", source_alias="s", target_alias="t")
        if r.random() < 0.5:
            m = m.when_matched_delete(predicate="s.v < 0")
        m.when_matched_update(updates={"v": "s.v", "name": "s.name", "amount": "s.amount"}) \
            .when_not_matched_insert_all().execute()


def cmd_build(args) -> int:
    b = Builder(args.table, args.seed, args.partitioned)
    b.create()
    ops = ["append", "delete", "update", "merge", "overwrite", "optimize", "restore", "delete", "update", "merge"]
    b.r.shuffle(ops)
    for op in ops:
        b.step(op)
    _summary({"command": "build", "table": args.table, "version": b.table().version(), "ops": b.log, "ok": True})
    return 0


# ================================================================ cdf

def load_cdf(path: str, start: int, end) -> tuple[pa.Table, list[str]]:
    """deltalake's change feed with columns in table-schema order (without _commit_timestamp), and that order."""
    dl = _deltalake()
    feed = pa.table(dl.DeltaTable(path).load_cdf(starting_version=start, ending_version=end))
    schema_table = dl.DeltaTable(path, version=end) if end is not None else dl.DeltaTable(path)
    order = [f.name for f in schema_table.schema().fields] + ["_change_type", "_commit_version"]
    return feed, order


def cmd_cdf(args) -> int:
    feed, order = load_cdf(args.table, args.start, args.end)
    times = {}
    if feed.num_rows:
        versions = feed.column("_commit_version").to_pylist()
        millis = feed.column("_commit_timestamp").cast(pa.timestamp("ms")).cast(pa.int64()).to_pylist()
        times = {str(v): t for v, t in sorted(set(zip(versions, millis)))}
    data = feed.select(order)
    rows = rf.table_rows(data)
    summary = {"command": "cdf", "table": args.table, "from": args.start, "to": args.end, "rows": len(rows),
               "timestamps": times, "columns": order}
    if args.tarn_rows is None:
        sys.stdout.write("".join(rf.dump_row(row) + "\n" for row in sorted(rows, key=rf.dump_row)))
        _summary({**summary, "ok": True})
        return 0
    with open(args.tarn_rows, encoding="utf-8") as fh:
        lines = [line for line in fh.read().split("\n") if line.strip()]
    problems: list[str] = []
    delta_peer.compare_rows(data.schema, rows, lines, f"versions {args.start}..{args.end}", problems, max_report=8)
    _summary({**summary, "tarn_rows": len(lines), "problems": problems, "ok": not problems})
    return 0 if not problems else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="a CDF-enabled table with a seeded mix of deltalake DML")
    p.add_argument("table")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--partitioned", action="store_true")
    p.set_defaults(fn=cmd_build)
    p = sub.add_parser("cdf", help="deltalake's load_cdf rows, canonical (or compared with Tarn's)")
    p.add_argument("table")
    p.add_argument("--from", dest="start", type=int, required=True)
    p.add_argument("--to", dest="end", type=int, default=None)
    p.add_argument("--tarn-rows", default=None)
    p.set_defaults(fn=cmd_cdf)
    args = ap.parse_args(argv)
    try:
        return args.fn(args)
    except Exception as e:  # noqa: BLE001 - reported as the summary, exit 1
        _summary({"command": args.command, "ok": False, "error": f"{type(e).__name__}: {e}"})
        return 1


if __name__ == "__main__":
    # Leave with os._exit after flushing: deltalake's runtime threads sometimes abort the
    # interpreter's normal shutdown ("terminate called without an active exception").
    rc = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(rc)
