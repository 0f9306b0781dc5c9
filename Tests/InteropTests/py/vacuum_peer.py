#!/usr/bin/env python3
"""deltalake (delta-rs 1.6.6) as the peer of Tarn's VACUUM (VacuumInteropTests).

  python3 vacuum_peer.py list PATH [--full]
      deltalake's dry-run vacuum of the table at PATH with retention 0 and the retention check off
      (vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=True, full=...)); prints one JSON
      line {"files": [relative paths, sorted], "version": latest version, "ok": true}. Nothing is deleted.
A missing deltalake is an ImportError: exit 1, so the Swift test fails (never skips).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True

import deltalake  # noqa: E402  (required: the test must fail without it)


def cmd_list(args) -> int:
    dt = deltalake.DeltaTable(args.table)
    files = dt.vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=True, full=args.full)
    print(json.dumps({"files": sorted(files), "version": dt.version(), "ok": True}), flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="deltalake's dry-run vacuum list (retention 0)")
    p.add_argument("table")
    p.add_argument("--full", action="store_true")
    p.set_defaults(fn=cmd_list)
    args = parser.parse_args()
    rc = args.fn(args)
    sys.stdout.flush()
    os._exit(rc)  # deltalake's runtime threads sometimes abort the interpreter's teardown


if __name__ == "__main__":
    main()
