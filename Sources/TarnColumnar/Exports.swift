// TarnColumnar re-exports TarnCodecs so users see TarnError and JSONValue with one import.
@_exported import TarnCodecs
