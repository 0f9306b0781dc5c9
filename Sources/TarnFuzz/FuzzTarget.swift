// FuzzTarget: the fuzz entry points (placeholder until the fuzz harness lands).
public enum FuzzTarget: String, CaseIterable, Sendable {
    case thrift
}
