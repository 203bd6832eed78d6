/// `k8s.io/apimachinery/pkg/util/duration.HumanDuration`: a succinct duration with about two
/// or three significant figures ("45s", "2m5s", "10m", "3h20m", "5d", "2y100d").
public enum HumanDuration {
    public static func format(_ seconds: Double) -> String {
        // Go works on an int64 count of nanoseconds; do the same so truncation matches.
        let d: Int64
        if seconds.isNaN {
            d = 0
        } else if seconds >= 9.2e9 {
            d = Int64.max
        } else if seconds <= -9.2e9 {
            d = Int64.min
        } else {
            d = Int64((seconds * 1e9).rounded(.towardZero))
        }
        return format(nanoseconds: d)
    }

    static func format(nanoseconds d: Int64) -> String {
        let second: Int64 = 1_000_000_000
        let minute = 60 * second
        let hour = 60 * minute
        // Up to a second and a bit in the future counts as now (clock skew between machines).
        let secs = d / second
        if secs < -1 { return "<invalid>" }
        if secs < 0 { return "0s" }
        if secs < 60 * 2 { return "\(secs)s" }
        let minutes = d / minute
        if minutes < 10 {
            let s = secs % 60
            return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
        }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = d / hour
        if hours < 8 {
            let m = minutes % 60
            return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let h = hours % 24
            return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let dy = (hours / 24) % 365
            return dy == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(dy)d"
        }
        return "\(hours / 24 / 365)y"
    }
}
