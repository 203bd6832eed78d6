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

    // MARK: - Time

    /// Seconds since the epoch as RFC 3339 in UTC: "2006-01-02T15:04:05Z", or with
    /// `fractionDigits` digits of the nanoseconds ("…05.000000Z" for MicroTime).
    static func formatTime(seconds: Int64, nanos: Int32, fractionDigits: Int = 0) -> String {
        var days = seconds / 86_400
        var rem = seconds % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        var s = ""
        if y < 0 { s += "-" }
        s += pad(abs(y), 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T"
        s += pad(rem / 3600, 2) + ":" + pad(rem / 60 % 60, 2) + ":" + pad(rem % 60, 2)
        if fractionDigits > 0 {
            var frac = Int64(max(0, min(nanos, 999_999_999)))
            for _ in 0..<(9 - fractionDigits) { frac /= 10 }
            s += "." + pad(frac, fractionDigits)
        }
        return s + "Z"
    }

    /// Parses RFC 3339 ("2006-01-02T15:04:05Z", optional fraction, "Z" or "±hh:mm").
    static func parseTime(_ string: String) -> (seconds: Int64, nanos: Int32)? {
        let b = Array(string.utf8)
        func num(_ at: Int, _ n: Int) -> Int64? {
            guard at + n <= b.count else { return nil }
            var v: Int64 = 0
            for c in b[at..<at + n] {
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard b.count >= 20, let year = num(0, 4), b[4] == 45, let month = num(5, 2), b[7] == 45,
              let day = num(8, 2), b[10] == 84 || b[10] == 116, let hour = num(11, 2), b[13] == 58,
              let minute = num(14, 2), b[16] == 58, let second = num(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var nanos: Int64 = 0
        if i < b.count && b[i] == 46 {
            i += 1
            var digits = 0
            while i < b.count && b[i] >= 48 && b[i] <= 57 {
                if digits < 9 { nanos = nanos * 10 + Int64(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            if digits < 9 { for _ in digits..<9 { nanos *= 10 } }
        }
        var offset: Int64 = 0
        guard i < b.count else { return nil }
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45, let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = num(i + 4, 2) {
            offset = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = days(fromCivil: year, month, day)
        return (days * 86_400 + hour * 3600 + minute * 60 + second - offset, Int32(nanos))
    }

    /// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar.
    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    // MARK: - Duration (Go's time.Duration.String and time.ParseDuration)

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
