// ByteSearch: substring tests on raw bytes (a log line or commit file) without decoding them,
// used to skip parsing text that cannot hold what the caller looks for.

public enum ByteSearch {
    /// Whether `needle`'s UTF-8 bytes occur in `haystack`.
    public static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard let first = n.first else { return true }
        guard haystack.count >= n.count else { return false }
        return haystack.withUnsafeBufferPointer { h in
            var i = 0
            let last = h.count - n.count
            while i <= last {
                if h[i] == first {
                    var k = 1
                    while k < n.count && h[i + k] == n[k] { k += 1 }
                    if k == n.count { return true }
                }
                i += 1
            }
            return false
        }
    }
}
