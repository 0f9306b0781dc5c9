// TarnTable: tables, snapshots, scans and transactions over TarnDelta (spec/delta.md).
@_exported import TarnDelta
