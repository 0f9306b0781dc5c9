// LogPath: the URI form of file paths in the log (PROTOCOL.md "Path" fields are URIs). Decoding
// is RFC 3986 percent-decoding, applied exactly once; encoding escapes what delta-rs escapes
// (space, control characters, % \ { } ^ [ ] " < > # | * ` and non-ASCII) and keeps '/'.

public enum LogPath {
    /// Percent-decodes a log path once. Invalid escapes are kept literally.
    public static func decode(_ uri: String) -> String {
        guard uri.utf8.contains(UInt8(ascii: "%")) else { return uri }
        var out: [UInt8] = []
        let b = Array(uri.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes a relative path for the log.
    public static func encode(_ path: String) -> String {
        let special = Set(" %\\{}^[]\"<>#|*`".utf8)
        var out: [UInt8] = []
        let digits = Array("0123456789ABCDEF".utf8)
        for c in path.utf8 {
            if c < 0x21 || c >= 0x7F || special.contains(c) {
                out.append(UInt8(ascii: "%"))
                out.append(digits[Int(c >> 4)])
                out.append(digits[Int(c & 15)])
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 48 ... 57: return c - 48
        case 65 ... 70: return c - 55
        case 97 ... 102: return c - 87
        default: return nil
        }
    }
}
