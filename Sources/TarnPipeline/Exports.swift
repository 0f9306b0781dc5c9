// The pipeline layer re-exports the column types its API is written in.
@_exported import TarnColumnar
