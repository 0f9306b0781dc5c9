"""Canonical JSON-lines row format (spec/rows.md), built independently from pyarrow types.

This module owns three things used by peer.py:
  * arrow -> canonical JSON values (`table_rows`, `dump_row`, `read_parquet`),
  * comparison of a foreign (Tarn-written) JSON row against the canonical one (`compare_value`),
  * the Delta schema JSON <-> Arrow type mapping (`check_delta_type`, `arrow_to_delta`).
"""
from __future__ import annotations

import base64
import decimal
import json
import math
import re

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pyarrow.types as pt

_DEC_CTX = decimal.Context(prec=200)
_US_PER_DAY = 86_400_000_000
_US_PER_UNIT = {"s": 1_000_000, "ms": 1000, "us": 1, "ns": None}
_NONFINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


# ---------------------------------------------------------------- scalar formatting

def civil_from_days(days: int) -> tuple[int, int, int]:
    """Proleptic Gregorian (year, month, day) for days since 1970-01-01 (H. Hinnant's algorithm)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def format_date(days: int) -> str:
    """'YYYY-MM-DD'; astronomical year, sign only outside 0000-9999, at least 4 digits."""
    y, m, d = civil_from_days(days)
    year = f"{y:04d}" if 0 <= y <= 9999 else f"{'-' if y < 0 else '+'}{abs(y):04d}"
    return f"{year}-{m:02d}-{d:02d}"


def format_timestamp(micros: int, utc: bool) -> str:
    """'YYYY-MM-DDTHH:MM:SS.ffffff' plus 'Z' when the instant is UTC-adjusted."""
    days, rem = divmod(micros, _US_PER_DAY)
    secs, frac = divmod(rem, 1_000_000)
    hh, rest = divmod(secs, 3600)
    mm, ss = divmod(rest, 60)
    return f"{format_date(days)}T{hh:02d}:{mm:02d}:{ss:02d}.{frac:06d}{'Z' if utc else ''}"


def to_micros(value: int, unit: str) -> int:
    """Timestamp value in `unit` to microseconds, truncating toward negative infinity."""
    return value // 1000 if unit == "ns" else value * _US_PER_UNIT[unit]


def unscaled(value: decimal.Decimal, scale: int) -> int:
    """The unscaled integer of a decimal value with the given scale."""
    return int(value.scaleb(scale, context=_DEC_CTX))


def format_decimal(unscaled_value: int, scale: int) -> str:
    """Decimal string with exactly `scale` fractional digits ('-1.50', '0.00', '12')."""
    sign = "-" if unscaled_value < 0 else ""
    digits = str(abs(unscaled_value))
    if scale <= 0:
        return sign + digits + "0" * (-scale)
    digits = digits.rjust(scale + 1, "0")
    return f"{sign}{digits[:-scale]}.{digits[-scale:]}"


def format_float(value, is_float32: bool):
    """JSON value for a float: number (shortest round-trip repr) or 'NaN'/'Infinity'/'-Infinity'."""
    if value is None:
        return None
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    # float32: the shortest decimal that round-trips through float32 (numpy's shortest repr).
    return float(str(np.float32(value))) if is_float32 else float(value)


# ---------------------------------------------------------------- arrays -> JSON values

def _nested_lists(arr: pa.Array, offsets: list, values: list) -> list:
    valid = arr.is_valid().to_pylist()
    return [values[offsets[i]:offsets[i + 1]] if ok else None for i, ok in enumerate(valid)]


def column_values(arr: pa.Array) -> list:
    """Canonical JSON values (Python objects) for every slot of an Arrow array."""
    t = arr.type
    if pt.is_dictionary(t):
        return column_values(arr.dictionary_decode())
    if pt.is_null(t):
        return [None] * len(arr)
    if pt.is_boolean(t) or pt.is_integer(t) or pt.is_string(t) or pt.is_large_string(t) \
            or pt.is_string_view(t):
        return arr.to_pylist()
    if pt.is_floating(t):
        f32 = t != pa.float64()
        return [format_float(v, f32) for v in arr.to_pylist()]
    if pt.is_binary(t) or pt.is_large_binary(t) or pt.is_fixed_size_binary(t) or pt.is_binary_view(t):
        return [None if v is None else base64.b64encode(v).decode("ascii") for v in arr.to_pylist()]
    if pt.is_date32(t):
        return [None if v is None else format_date(v) for v in arr.cast(pa.int32()).to_pylist()]
    if pt.is_date64(t):
        return [None if v is None else format_date(v // 86_400_000) for v in arr.cast(pa.int64()).to_pylist()]
    if pt.is_timestamp(t):
        utc = t.tz is not None
        ints = arr.cast(pa.int64()).to_pylist()
        return [None if v is None else format_timestamp(to_micros(v, t.unit), utc) for v in ints]
    if pt.is_decimal(t):
        return [None if v is None else format_decimal(unscaled(v, t.scale), t.scale) for v in arr.to_pylist()]
    if pt.is_struct(t):
        names = [t.field(i).name for i in range(t.num_fields)]
        children = [column_values(c) for c in arr.flatten()]
        valid = arr.is_valid().to_pylist()
        return [dict(zip(names, vals)) if ok else None for ok, *vals in zip(valid, *children)]
    if pt.is_map(t):
        keys, items = (column_values(c) for c in arr.values.flatten())
        if pt.is_string(t.key_type) or pt.is_large_string(t.key_type):
            entries = list(zip(keys, items))
            return [None if e is None else dict(e) for e in _nested_lists(arr, arr.offsets.to_pylist(), entries)]
        entries = [{"key": k, "value": v} for k, v in zip(keys, items)]
        return _nested_lists(arr, arr.offsets.to_pylist(), entries)
    if pt.is_list(t) or pt.is_large_list(t):
        return _nested_lists(arr, arr.offsets.to_pylist(), column_values(arr.values))
    if pt.is_fixed_size_list(t):
        size = t.list_size
        offsets = [(arr.offset + i) * size for i in range(len(arr) + 1)]
        return _nested_lists(arr, offsets, column_values(arr.values))
    raise TypeError(f"no canonical JSON form for arrow type {t}")


def read_parquet(path, columns=None) -> pa.Table:
    """Read a Parquet file as the canonical reader sees it.

    INT96 columns are read at microsecond precision (floor) and marked UTC (Spark/Impala convention).
    """
    pf = pq.ParquetFile(path, coerce_int96_timestamp_unit="us")
    table = pf.read(columns=columns)
    schema = pf.schema
    int96 = {schema.column(i).path for i in range(len(schema)) if schema.column(i).physical_type == "INT96"}
    for i, field in enumerate(table.schema):
        if field.name in int96 and pt.is_timestamp(field.type) and field.type.tz is None:
            new_type = pa.timestamp(field.type.unit, tz="UTC")
            table = table.set_column(i, field.with_type(new_type), table.column(i).cast(new_type))
    if columns:
        table = table.select(columns)
    return table


def table_rows(table: pa.Table) -> list[dict]:
    """Canonical rows (dicts with keys in schema order) of an Arrow table."""
    names = table.column_names
    cols = []
    for col in table.columns:
        values = []
        for chunk in col.chunks:
            values.extend(column_values(chunk))
        cols.append(values)
    return [dict(zip(names, vals)) for vals in zip(*cols)] if names else [{}] * table.num_rows


def dump_row(row: dict) -> str:
    """One canonical JSON line (compact separators, UTF-8, no NaN literals)."""
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _parse_int(text: str):
    # "-0" must keep its sign when it lands in a float column.
    return -0.0 if text == "-0" else int(text)


def load_row(line: str):
    """Parse one foreign JSON line."""
    return json.loads(line, parse_int=_parse_int)


# ---------------------------------------------------------------- comparison

def _as_float(value):
    if isinstance(value, str):
        return _NONFINITE.get(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _same_float(expected, actual, is_float32: bool) -> bool:
    e, a = _as_float(expected), _as_float(actual)
    if a is None or e is None:
        return False
    if is_float32:
        e, a = float(np.float32(e)), float(np.float32(a))
    if math.isnan(e) or math.isnan(a):
        return math.isnan(e) and math.isnan(a)
    return e == a and math.copysign(1.0, e) == math.copysign(1.0, a)


def _js(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def compare_value(t: pa.DataType, expected, actual, where: str, out: list) -> None:
    """Append '<where>: ...' messages to `out` for every difference between canonical and foreign values."""
    def bad(msg=None):
        out.append(f"{where}: {msg or 'expected ' + _js(expected)}, got {_js(actual)}")

    if pt.is_dictionary(t):
        t = t.value_type
    if expected is None or actual is None:
        if expected is not None or actual is not None:
            bad()
    elif pt.is_floating(t):
        if not _same_float(expected, actual, t != pa.float64()):
            bad()
    elif pt.is_boolean(t):
        if actual is not expected:
            bad()
    elif pt.is_integer(t):
        if type(actual) is not int or actual != expected:
            bad()
    elif pt.is_struct(t):
        if not isinstance(actual, dict) or list(actual) != list(expected):
            return bad(f"expected object with keys {_js(list(expected))}")
        for i in range(t.num_fields):
            f = t.field(i)
            compare_value(f.type, expected[f.name], actual[f.name], f"{where}.{f.name}", out)
    elif pt.is_map(t) and isinstance(expected, dict):
        if not isinstance(actual, dict) or list(actual) != list(expected):
            return bad(f"map keys/order differ: expected {_js(expected)}")
        for k in expected:
            compare_value(t.item_type, expected[k], actual[k], f"{where}[{json.dumps(k)}]", out)
    elif pt.is_map(t) or pt.is_list(t) or pt.is_large_list(t) or pt.is_fixed_size_list(t):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return bad(f"expected array of length {len(expected)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            if pt.is_map(t):
                if not isinstance(a, dict) or list(a) != ["key", "value"]:
                    out.append(f"{where}[{i}]: expected a {{\"key\", \"value\"}} object, got {_js(a)}")
                    continue
                compare_value(t.key_type, e["key"], a["key"], f"{where}[{i}].key", out)
                compare_value(t.item_type, e["value"], a["value"], f"{where}[{i}].value", out)
            else:
                compare_value(t.value_type, e, a, f"{where}[{i}]", out)
    elif type(actual) is not str or actual != expected:
        bad()


# ---------------------------------------------------------------- Delta schema types

DELTA_PRIMITIVES = {
    "boolean": pa.bool_(), "byte": pa.int8(), "short": pa.int16(), "integer": pa.int32(),
    "long": pa.int64(), "float": pa.float32(), "double": pa.float64(), "string": pa.string(),
    "binary": pa.binary(), "date": pa.date32(), "timestamp_ntz": pa.timestamp("us"),
}
_DECIMAL_RE = re.compile(r"decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)")
UTC_NAMES = ("UTC", "+00:00")


def check_delta_type(delta, t: pa.DataType, where: str, out: list) -> None:
    """Append a message to `out` for every place where Arrow type `t` does not map to Delta type `delta`."""
    def bad(what=None):
        out.append(f"{where}: Delta type {json.dumps(delta)} but pyarrow reads {what or t}")

    if isinstance(delta, str):
        m = _DECIMAL_RE.fullmatch(delta)
        if delta == "timestamp":
            if not (pt.is_timestamp(t) and t.unit == "us" and t.tz in UTC_NAMES):
                bad()
        elif m:
            if not (pt.is_decimal128(t) and (t.precision, t.scale) == (int(m[1]), int(m[2]))):
                bad()
        elif delta in DELTA_PRIMITIVES:
            if t != DELTA_PRIMITIVES[delta]:
                bad()
        else:
            out.append(f"{where}: unknown Delta type {json.dumps(delta)}")
        return
    kind = delta.get("type") if isinstance(delta, dict) else None
    if kind == "struct":
        if not pt.is_struct(t):
            return bad()
        names = [f["name"] for f in delta["fields"]]
        got = [t.field(i).name for i in range(t.num_fields)]
        if names != got:
            return bad(f"struct fields {got} (expected {names})")
        for f in delta["fields"]:
            check_delta_type(f["type"], t.field(f["name"]).type, f"{where}.{f['name']}", out)
    elif kind == "array":
        if not pt.is_list(t):
            return bad()
        check_delta_type(delta["elementType"], t.value_type, f"{where}[]", out)
    elif kind == "map":
        if not pt.is_map(t):
            return bad()
        check_delta_type(delta["keyType"], t.key_type, f"{where}.key", out)
        check_delta_type(delta["valueType"], t.item_type, f"{where}.value", out)
    else:
        out.append(f"{where}: unknown Delta type {json.dumps(delta)}")


def arrow_to_delta(t: pa.DataType):
    """Delta schema JSON type for an Arrow type (inverse of check_delta_type; used by the self-test)."""
    for name, arrow_type in DELTA_PRIMITIVES.items():
        if t == arrow_type:
            return name
    if pt.is_timestamp(t) and t.unit == "us" and t.tz in UTC_NAMES:
        return "timestamp"
    if pt.is_decimal128(t):
        return f"decimal({t.precision},{t.scale})"
    if pt.is_struct(t):
        return {"type": "struct", "fields": [delta_field(t.field(i)) for i in range(t.num_fields)]}
    if pt.is_list(t):
        return {"type": "array", "elementType": arrow_to_delta(t.value_type),
                "containsNull": t.value_field.nullable}
    if pt.is_map(t):
        return {"type": "map", "keyType": arrow_to_delta(t.key_type), "valueType": arrow_to_delta(t.item_type),
                "valueContainsNull": t.item_field.nullable}
    raise TypeError(f"arrow type {t} has no Delta equivalent")


def delta_field(field: pa.Field) -> dict:
    """Delta schema JSON field for an Arrow field."""
    return {"name": field.name, "type": arrow_to_delta(field.type), "nullable": field.nullable, "metadata": {}}
