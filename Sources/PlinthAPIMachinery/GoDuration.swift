/// Go's `time.Duration` text form, as Kubernetes writes durations in API fields (protobuf
/// `Duration` values) and in kubelet messages.
public enum GoDuration {
    /// A duration as Go's `time.Duration.String` prints it: `1h2m3.5s`, `50.1ms`, `0s`.
    public static func format(nanoseconds d: Int64) -> String {
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

    /// Parses a Go duration string into nanoseconds ("1h30m", "1.5s", "300ms", "-2m3.4s").
    public static func parse(_ string: String) -> Int64? {
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
