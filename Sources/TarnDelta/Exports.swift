// TarnDelta: the Delta Lake protocol without I/O policy (spec/delta.md).
@_exported import TarnParquet
@_exported import TarnStorage
