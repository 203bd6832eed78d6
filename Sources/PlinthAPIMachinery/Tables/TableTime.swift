import Foundation
import PlinthJSON

/// RFC 3339 timestamps as the printers need them: parsed by hand (no formatter objects on the
/// hot path), compared, and turned into ages.
enum TableTime {
    /// Go's zero `time.Time` (0001-01-01T00:00:00Z), which `metav1.Time` treats as unset.
    static let goZero: Double = -62_135_596_800

    /// Seconds since the Unix epoch, or nil when the text is not an RFC 3339 timestamp.
    static func parse(_ text: String) -> Double? {
        RFC3339.parse(text).map { Double($0.seconds) + Double($0.nanos) / 1e9 }
    }

    /// A timestamp field: nil when missing, null, empty, malformed or Go's zero time.
    static func seconds(_ value: JSON?) -> Double? {
        guard let s = value?.stringValue, !s.isEmpty, let t = parse(s), t != goZero else { return nil }
        return t
    }

    /// `translateTimestampSince`: the age of a timestamp, "<unknown>" when unset.
    static func since(_ value: JSON?, now: Date) -> String {
        guard let t = seconds(value) else { return "<unknown>" }
        return since(t, now: now)
    }

    static func since(_ t: Double, now: Date) -> String {
        HumanDuration.format(now.timeIntervalSince1970 - t)
    }

    /// `time.Time.UTC().Format(time.RFC3339)`: whole seconds, "Z".
    static func formatRFC3339(_ t: Double) -> String {
        RFC3339.format(seconds: Int64(t.rounded(.down)))
    }
}
