// HarnessSupport: what the reliability harnesses share: the report line every run prints and
// the failure type a harness throws when an invariant breaks (naming seed, step and table).
import TarnCodecs

/// An invariant the harness found broken: the message names the seed and step to reproduce it.
public struct HarnessFailure: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
