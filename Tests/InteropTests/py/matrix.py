"""The pyarrow-written Parquet test matrix (`peer.py write-matrix`): seeded data and the list of cases."""
from __future__ import annotations

import random
from decimal import Context, Decimal

import numpy as np
import pyarrow as pa

UTC = "UTC"
DAY_1900, DAY_2100 = -25567, 47482           # 1900-01-01, 2100-01-01 as days since the epoch
DAY_0001, DAY_9999 = -719162, 2932896        # 0001-01-01, 9999-12-31
US_PER_DAY = 86_400_000_000
DEC_CTX = Context(prec=100)
CODECS = ["none", "snappy", "gzip", "zstd", "lz4"]
PAGE_VERSIONS = ["1.0", "2.0"]

# name -> Arrow type of every column of the type matrix (all nullable except "id").
TYPES = {
    "c_bool": pa.bool_(), "c_int8": pa.int8(), "c_int16": pa.int16(), "c_int32": pa.int32(),
    "c_int64": pa.int64(), "c_float32": pa.float32(), "c_float64": pa.float64(),
    "c_string": pa.string(), "c_binary": pa.binary(), "c_date32": pa.date32(),
    "c_ts_us_utc": pa.timestamp("us", UTC), "c_ts_ms_utc": pa.timestamp("ms", UTC),
    "c_ts_ns_utc": pa.timestamp("ns", UTC), "c_ts_us_ntz": pa.timestamp("us"),
    "c_dec_9_2": pa.decimal128(9, 2), "c_dec_18_4": pa.decimal128(18, 4), "c_dec_38_10": pa.decimal128(38, 10),
    "c_list_int32": pa.list_(pa.int32()), "c_list_string": pa.list_(pa.string()),
    "c_struct": pa.struct([("a", pa.int64()), ("b", pa.string()), ("c", pa.list_(pa.float64()))]),
    "c_map_string_int64": pa.map_(pa.string(), pa.int64()), "c_map_int32_string": pa.map_(pa.int32(), pa.string()),
    "c_list_struct": pa.list_(pa.struct([("x", pa.int32()), ("y", pa.string())])),
    "c_list_list_int64": pa.list_(pa.list_(pa.int64())),
}
# Extra columns used by the encoding / special cases.
EXTRA = {
    "c_fsb": pa.binary(6), "c_string_sorted": pa.string(), "c_binary_sorted": pa.binary(),
    "c_int32_sorted": pa.int32(), "c_int64_sorted": pa.int64(), "c_int64_extreme": pa.int64(),
    "c_dec_5_0": pa.decimal128(5, 0), "c_date32_wide": pa.date32(),
    "c_ts_us_utc_wide": pa.timestamp("us", UTC), "c_ts_us_ntz_wide": pa.timestamp("us"),
}
WIDE_DAYS = (-4_371_953, 6_583_348)          # -10000-01-01 .. +19994-08-06 (proleptic Gregorian)
WIDE_EDGES = [-719528, -719529, 2932897, DAY_0001, DAY_9999, -719163, 0]  # 0000-01-01, -0001-12-31, +10000-01-01
ALL_TYPES = {**TYPES, **EXTRA}

FLOAT_EDGES = [float("nan"), float("inf"), float("-inf"), -0.0, 0.0, 1.0, 0.1, -2.5]
CHARS = "abcdefxyz ABC019_-\"\\/\t\n\x00éßø中文字😀🎉"
NUMERIC_EDGES = {  # unscaled/extreme values placed at the start of the column (after "id" ordering)
    "c_int8": [-128, 127, 0, -1], "c_int16": [-32768, 32767, 0], "c_int32": [-2**31, 2**31 - 1, 0],
    "c_int64": [-2**63, 2**63 - 1, 0], "c_int64_extreme": [-2**63, 2**63 - 1, -2**63, 0, 2**63 - 1],
    "c_float32": FLOAT_EDGES + [3.4028234663852886e38, 1e-45, 1.1754943508222875e-38, 16777217.0],
    "c_float64": FLOAT_EDGES + [1.7976931348623157e308, 5e-324, 1e16, 2.0**53 + 2, 1 / 3],
    "c_string": ["", "a", "😀", "x" * 300], "c_binary": [b"", b"\x00", bytes(range(256))],
    "c_date32": [0, -1, DAY_0001, DAY_9999, 59], "c_ts_us_utc": [0, -1, 1, DAY_0001 * US_PER_DAY],
    "c_ts_ms_utc": [0, -1, 1], "c_ts_ns_utc": [0, -1, 1, -1001, 999, -2**63 + 1, 2**63 - 1],
    "c_ts_us_ntz": [0, -1, (DAY_9999 + 1) * US_PER_DAY - 1],
    "c_dec_9_2": [0, -150, 10**9 - 1, -(10**9 - 1), 5], "c_dec_18_4": [0, 10**18 - 1, -(10**18 - 1)],
    "c_dec_38_10": [0, 10**38 - 1, -(10**38 - 1), -1], "c_dec_5_0": [12, 0, -99999, 99999],
    "c_date32_wide": WIDE_EDGES, "c_ts_us_utc_wide": [d * US_PER_DAY for d in WIDE_EDGES] + [-1],
    "c_ts_us_ntz_wide": [d * US_PER_DAY - 1 for d in WIDE_EDGES],
}


class Gen:
    """Seeded random values for every column kind (deterministic for a given seed)."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)

    def text(self, n_max=12):
        return "".join(self.r.choice(CHARS) for _ in range(self.r.randint(0, n_max)))

    def maybe(self, fn, p_null=0.15):
        return None if self.r.random() < p_null else fn()

    def value(self, name: str, t: pa.DataType, i: int):
        """A random non-null value of the column (Python form accepted by pa.array)."""
        r = self.r
        if name == "c_string_sorted" or name == "c_binary_sorted":
            s = f"prefix/{['alpha', 'beta', 'gamma'][min(i // 1000, 2)]}/{i // 7:06d}/{i % 7}"  # ascending
            return s.encode() if name == "c_binary_sorted" else s
        if name in ("c_int32_sorted", "c_int64_sorted"):
            return i * 3 + r.randint(0, 2) + (1 << 40 if name == "c_int64_sorted" else -5000)
        if name.endswith("_wide"):
            days = r.randint(*WIDE_DAYS)
            return days if pa.types.is_date32(t) else days * US_PER_DAY + r.randint(0, US_PER_DAY - 1)
        if pa.types.is_boolean(t):
            return r.random() < 0.5
        if pa.types.is_integer(t):
            bits = t.bit_width
            if r.random() < 0.5:
                return r.randint(-100, 100)
            return r.randint(-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
        if pa.types.is_floating(t):
            v = r.choice([r.gauss(0, 1), r.gauss(0, 1e6), r.uniform(-1e30, 1e30), float(r.randint(-1000, 1000))])
            if r.random() < 0.02:
                v = r.choice(FLOAT_EDGES)
            return float(np.float32(v)) if t == pa.float32() else v
        if pa.types.is_string(t):
            return self.text()
        if pa.types.is_fixed_size_binary(t):
            return bytes(r.randint(0, 255) for _ in range(t.byte_width))
        if pa.types.is_binary(t):
            return bytes(r.randint(0, 255) for _ in range(r.randint(0, 16)))
        if pa.types.is_date32(t):
            return r.randint(DAY_1900, DAY_2100)
        if pa.types.is_timestamp(t):
            us = r.randint(DAY_1900 * US_PER_DAY, DAY_2100 * US_PER_DAY)
            return {"s": us // 10**6, "ms": us // 1000, "us": us, "ns": us * 1000 + r.randint(0, 999)}[t.unit]
        if pa.types.is_decimal(t):
            digits = r.choice([2, t.precision // 2, t.precision])
            return Decimal(r.randint(-(10**digits - 1), 10**digits - 1)).scaleb(-t.scale, DEC_CTX)
        if pa.types.is_struct(t):
            return {f.name: self.maybe(lambda f=f: self.value(f.name, f.type, i)) for f in t}
        if pa.types.is_map(t):
            keys = dict.fromkeys(self.value("k", t.key_type, i) for _ in range(r.randint(0, 4)))
            return [(k, self.maybe(lambda: self.value("v", t.item_type, i))) for k in keys]
        if pa.types.is_list(t):
            return [self.maybe(lambda: self.value("e", t.value_type, i)) for _ in range(r.randint(0, 4))]
        raise TypeError(t)


def column(name: str, t: pa.DataType, rows: int, gen: Gen, nullable=True, edges=True, all_null=False) -> pa.Array:
    """A column of `rows` values: edge values first, then random data with 10-30 % nulls."""
    p_null = gen.r.uniform(0.10, 0.30) if nullable else 0.0
    head = NUMERIC_EDGES.get(name, []) if edges else []
    values = []
    for i in range(rows):
        if all_null:
            values.append(None)
        elif i < len(head):
            values.append(head[i])
        else:
            values.append(None if gen.r.random() < p_null else gen.value(name, t, i))
    if pa.types.is_decimal(t):
        values = [Decimal(v).scaleb(-t.scale, DEC_CTX) if isinstance(v, int) else v for v in values]
    if pa.types.is_date32(t) or pa.types.is_timestamp(t):
        return pa.array(values, pa.int64()).cast(t) if pa.types.is_timestamp(t) else \
            pa.array(values, pa.int32()).cast(t)
    return pa.array(values, t)


def make_table(names: list[str], rows: int, seed: int, **kw) -> pa.Table:
    """Table with a required int64 'id' column followed by the named columns."""
    gen = Gen(seed)
    fields = [pa.field("id", pa.int64(), nullable=False)] + [pa.field(n, ALL_TYPES[n]) for n in names]
    arrays = [pa.array(range(rows), pa.int64())] + [column(n, ALL_TYPES[n], rows, gen, **kw) for n in names]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


ENCODING_COLUMNS = {
    "DELTA_BINARY_PACKED": ["c_int8", "c_int16", "c_int32", "c_int64", "c_date32", "c_ts_us_utc",
                            "c_ts_ns_utc", "c_int32_sorted", "c_int64_sorted", "c_int64_extreme"],
    "DELTA_LENGTH_BYTE_ARRAY": ["c_string", "c_binary", "c_string_sorted"],
    "DELTA_BYTE_ARRAY": ["c_string", "c_binary", "c_string_sorted", "c_binary_sorted", "c_fsb", "c_dec_38_10"],
    "BYTE_STREAM_SPLIT": ["c_float32", "c_float64", "c_int32", "c_int64", "c_int16", "c_date32", "c_fsb",
                          "c_dec_9_2", "c_dec_38_10"],
}
# 800-row groups with >= 3 data pages per column chunk (dictionary-encoded chunks included).
PAGED = dict(row_group_size=800, data_page_size=2048, write_batch_size=128, max_rows_per_page=300)


def cases(seed: int):
    """Yield (name, group, table, write_table kwargs) for every case of the matrix."""
    type_names = list(TYPES)
    types_table = make_table(type_names, 2000, seed)
    for codec in CODECS:
        for version in PAGE_VERSIONS:
            for dictionary in (True, False):
                name = f"types__{codec}__v{version[0]}__{'dict' if dictionary else 'plain'}"
                yield name, "types", types_table, dict(PAGED, compression=codec, data_page_version=version,
                                                       use_dictionary=dictionary)
    for k, (encoding, names) in enumerate(ENCODING_COLUMNS.items()):
        table = make_table(names, 3000, seed + 100 + k)
        for codec in ("none", "zstd"):
            for version in PAGE_VERSIONS:
                yield (f"enc__{encoding}__{codec}__v{version[0]}", "encoding", table,
                       dict(PAGED, compression=codec, data_page_version=version, use_dictionary=False,
                            column_encoding={n: encoding for n in names}))
    decimals = ["c_dec_5_0", "c_dec_9_2", "c_dec_18_4", "c_dec_38_10"]
    dec_table = make_table(decimals, 1500, seed + 200)
    yield "decimal_as_integer", "special", dec_table, dict(PAGED, store_decimal_as_integer=True)
    yield "decimal_as_integer__dbp", "special", dec_table, dict(
        PAGED, store_decimal_as_integer=True, use_dictionary=False,
        column_encoding={"c_dec_5_0": "DELTA_BINARY_PACKED", "c_dec_9_2": "DELTA_BINARY_PACKED",
                         "c_dec_18_4": "DELTA_BINARY_PACKED"})
    ts_table = make_table(["c_ts_us_utc", "c_ts_ns_utc", "c_ts_us_ntz"], 1500, seed + 300)
    yield "int96_timestamps", "special", ts_table, dict(PAGED, use_deprecated_int96_timestamps=True)
    null_names = ["c_int32", "c_int64", "c_float64", "c_string", "c_binary", "c_date32", "c_ts_us_utc",
                  "c_dec_18_4", "c_dec_38_10", "c_list_int32", "c_struct", "c_map_string_int64"]
    nulls = make_table(null_names, 1500, seed + 400, all_null=True).append_column(
        pa.field("c_float32", pa.float32()), column("c_float32", pa.float32(), 1500, Gen(seed)))
    yield "all_null_columns", "special", nulls, dict(row_group_size=750)
    yield "dates_outside_0001_9999", "special", make_table(
        ["c_date32_wide", "c_ts_us_utc_wide", "c_ts_us_ntz_wide"], 1000, seed + 700), dict(row_group_size=400)
    yield "empty", "special", make_table(type_names, 0, seed), {}
    yield "five_row_groups", "special", make_table(type_names, 2500, seed + 500), dict(row_group_size=500)
    yield "dictionary_fallback", "special", make_table(["c_string", "c_int64", "c_float64", "c_binary"], 3000,
                                                        seed + 600), dict(PAGED, dictionary_pagesize_limit=1024)
    required = pa.table({n: types_table[n].fill_null(types_table[n].filter(types_table[n].is_valid())[0])
                         for n in ["c_int32", "c_string", "c_float64", "c_ts_us_utc", "c_dec_18_4"]})
    yield "required_columns", "special", required.cast(pa.schema(
        [pa.field(f.name, f.type, nullable=False) for f in required.schema])), dict(PAGED)
    yield "legacy_nested_names", "special", types_table, dict(PAGED, use_compliant_nested_type=False)
    yield "page_index_checksum_bloom", "special", types_table, dict(
        PAGED, write_page_index=True, write_page_checksum=True,
        bloom_filter_options={"c_int64": {"ndv": 1000}, "c_string": {"ndv": 1000}})
