#!/usr/bin/env python3
"""deltalake (delta-rs) as the independent judge of Tarn's CHECK constraints (ConstraintInteropTests).

Subcommands; each prints one JSON object on stdout and exits 0 unless the usage or the peer is broken
(a refused append is a result, not a failure: {"ok": false, "error": ...}):
  create PATH --schema-json JSON --rows JSON      create a table with deltalake from JSON rows
  append PATH --rows JSON                         append rows with deltalake (types from the table schema)
  add-constraint PATH NAME EXPR                   dt.alter.add_constraint; reports the stored expression
  state PATH                                      version, protocol, configuration and the sorted ids
Rows are JSON objects; decimals are strings, dates 'YYYY-MM-DD', timestamps ISO text.
A missing deltalake is an ImportError: exit 1, so the Swift test fails (never skips).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from decimal import Decimal

sys.dont_write_bytecode = True

import pyarrow as pa  # noqa: E402
import deltalake  # noqa: E402  (required: the test must fail without it)
from deltalake import DeltaTable, write_deltalake  # noqa: E402


def arrow_type(t):
    """pyarrow type of a Delta schema JSON type (the primitives the tests use)."""
    simple = {"long": pa.int64(), "integer": pa.int32(), "short": pa.int16(), "byte": pa.int8(), "string": pa.string(),
              "double": pa.float64(), "float": pa.float32(), "boolean": pa.bool_(), "date": pa.date32(),
              "timestamp": pa.timestamp("us", tz="UTC"), "timestamp_ntz": pa.timestamp("us")}
    if isinstance(t, str) and t in simple:
        return simple[t]
    if isinstance(t, str) and t.startswith("decimal("):
        p, s = t[len("decimal("):-1].split(",")
        return pa.decimal128(int(p), int(s))
    raise ValueError(f"unsupported Delta type in the constraint peer: {t}")


def convert(value, t: pa.DataType):
    if value is None:
        return None
    if pa.types.is_decimal(t):
        return Decimal(value)
    if pa.types.is_date(t):
        return dt.date.fromisoformat(value)
    if pa.types.is_timestamp(t):
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return stamp if t.tz else stamp.replace(tzinfo=None)
    return value


def arrow_schema(schema_json: dict) -> pa.Schema:
    return pa.schema([pa.field(f["name"], arrow_type(f["type"]), nullable=f.get("nullable", True))
                      for f in schema_json["fields"]])


def table_schema(path: str) -> pa.Schema:
    return arrow_schema(json.loads(DeltaTable(path).schema().to_json()))


def to_arrow(rows: list[dict], schema: pa.Schema) -> pa.Table:
    columns = [pa.array([convert(r.get(f.name), f.type) for r in rows], type=f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def attempt(body) -> dict:
    try:
        body()
        return {"ok": True}
    except Exception as e:  # noqa: BLE001 - a refused write is the result being reported
        return {"ok": False, "error": f"{type(e).__name__}: {e}"}


def cmd_create(a) -> dict:
    schema = arrow_schema(json.loads(a.schema_json))
    return attempt(lambda: write_deltalake(a.path, to_arrow(json.loads(a.rows), schema), mode="error"))


def cmd_append(a) -> dict:
    schema = table_schema(a.path)
    return attempt(lambda: write_deltalake(a.path, to_arrow(json.loads(a.rows), schema), mode="append"))


def cmd_add_constraint(a) -> dict:
    out = attempt(lambda: DeltaTable(a.path).alter.add_constraint({a.name: a.expr}))
    config = DeltaTable(a.path).metadata().configuration
    out["stored"] = {k: v for k, v in config.items() if k.lower().startswith("delta.constraints.")}
    return out


def cmd_state(a) -> dict:
    t = DeltaTable(a.path)
    p = t.protocol()
    ids = sorted(t.to_pyarrow_table(columns=["id"]).column("id").to_pylist(), key=lambda v: (v is None, v))
    return {"ok": True, "version": t.version(), "configuration": dict(t.metadata().configuration),
            "protocol": {"minReaderVersion": p.min_reader_version, "minWriterVersion": p.min_writer_version,
                         "readerFeatures": p.reader_features, "writerFeatures": p.writer_features},
            "ids": ids}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create")
    c.add_argument("path")
    c.add_argument("--schema-json", required=True)
    c.add_argument("--rows", required=True)
    c.set_defaults(func=cmd_create)
    ap = sub.add_parser("append")
    ap.add_argument("path")
    ap.add_argument("--rows", required=True)
    ap.set_defaults(func=cmd_append)
    ac = sub.add_parser("add-constraint")
    ac.add_argument("path")
    ac.add_argument("name")
    ac.add_argument("expr")
    ac.set_defaults(func=cmd_add_constraint)
    st = sub.add_parser("state")
    st.add_argument("path")
    st.set_defaults(func=cmd_state)
    a = parser.parse_args()
    result = a.func(a)
    result["deltalake"] = deltalake.__version__
    print(json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    # Leave with os._exit after flushing: deltalake's runtime threads sometimes abort the
    # interpreter's normal shutdown ("terminate called without an active exception").
    rc = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(rc)
