/// The JSON spellings of values whose protobuf form differs: base64 for bytes, RFC 3339 for
/// meta/v1 Time and MicroTime, Go's duration strings for meta/v1 Duration.
enum ProtobufValueFormats {
    // MARK: - Base64 (standard alphabet, padded), as Go's encoding/json writes []byte

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func base64Encode<C: Collection<UInt8>>(_ data: C) -> String where C.Index == Int {
        var out: [UInt8] = []
        out.reserveCapacity((data.count + 2) / 3 * 4)
        var i = data.startIndex
        while i + 2 < data.endIndex {
            let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = data.endIndex - i
        if rest == 1 {
            let n = UInt32(data[i]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], 61, 61]
        } else if rest == 2 {
            let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], 61]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes standard base64; padding is optional, "\r" and "\n" are ignored (as Go's decoder does).
    static func base64Decode(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count / 4 * 3)
        var acc: UInt32 = 0
        var bits = 0
        var padding = 0
        for c in s.utf8 {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            case UInt8(ascii: "="): padding += 1; continue
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"): continue
            default: return nil
            }
            if padding > 0 { return nil }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        if bits >= 6 || padding > 2 { return nil }
        return out
    }

    // MARK: - Duration

    static func formatDuration(nanoseconds d: Int64) -> String {
        if d == 0 { return "0s" }
        let negative = d < 0
        let u = d.magnitude
        var s: String
        if u < 1_000_000_000 {
            // Sub-second: the largest of ns, µs, ms that keeps an integer part.
            let (unit, scale): (String, UInt64) = u < 1000 ? ("ns", 1) : u < 1_000_000 ? ("µs", 1000) : ("ms", 1_000_000)
            s = fraction(u, scale) + unit
        } else {
            let totalSeconds = u / 1_000_000_000
            let hours = totalSeconds / 3600
            let minutes = totalSeconds / 60 % 60
            s = fraction(u % 60_000_000_000, 1_000_000_000) + "s"
            if hours > 0 {
                s = String(hours) + "h" + String(minutes) + "m" + s
            } else if minutes > 0 {
                s = String(minutes) + "m" + s
            }
        }
        return negative ? "-" + s : s
    }

    /// `v / scale` with the remainder as decimals, trailing zeros dropped.
    private static func fraction(_ v: UInt64, _ scale: UInt64) -> String {
        let whole = String(v / scale)
        var rem = v % scale
        if rem == 0 { return whole }
        var width = 0
        var s = scale
        while s > 1 { s /= 10; width += 1 }
        while rem % 10 == 0 { rem /= 10; width -= 1 }
        let digits = String(rem)
        return whole + "." + String(repeating: "0", count: width - digits.count) + digits
    }

    /// Parses a Go duration string ("1h30m", "1.5s", "300ms", "-2m3.4s").
    static func parseDuration(_ string: String) -> Int64? {
        var b = Substring(string)
        var negative = false
        if b.first == "-" || b.first == "+" { negative = b.first == "-"; b = b.dropFirst() }
        if b == "0" { return 0 }
        guard !b.isEmpty else { return nil }
        var total: Double = 0
        while !b.isEmpty {
            let numberPart = b.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !numberPart.isEmpty, let value = Double(numberPart) else { return nil }
            b = b.dropFirst(numberPart.count)
            let unitPart = b.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            b = b.dropFirst(unitPart.count)
            let scale: Double
            switch unitPart {
            case "ns": scale = 1
            case "us", "µs", "μs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3600e9
            default: return nil
            }
            total += value * scale
        }
        guard total < 9.3e18 else { return nil }
        let n = Int64(total.rounded())
        return negative ? -n : n
    }
}
