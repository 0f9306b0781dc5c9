// TarnParquet re-exports TarnColumnar (and through it TarnCodecs) for its users.
@_exported import TarnColumnar
