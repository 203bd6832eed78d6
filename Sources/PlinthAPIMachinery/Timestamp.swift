import Foundation

/// Timestamps the control plane and agents write: `creationTimestamp` and friends at second
/// precision, as metav1.Time prints them, and MicroTime (Lease `renewTime`, audit events) with
/// microseconds.
public enum Timestamp {
    public static func now() -> String {
        RFC3339.format(seconds: Int64(Date().timeIntervalSince1970.rounded(.down)))
    }

    /// `d` in RFC 3339 with microseconds, as metav1.MicroTime prints it.
    public static func micro(_ d: Date = Date()) -> String {
        let t = d.timeIntervalSince1970
        let seconds = Int64(t.rounded(.down))
        return RFC3339.format(seconds: seconds, nanos: Int32((t - Double(seconds)) * 1e9), fractionDigits: 6)
    }
}
