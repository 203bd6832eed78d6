import Foundation
import PlinthAPIMachinery

/// Timestamps the server writes (`creationTimestamp` and friends): RFC 3339 at second
/// precision, as metav1.Time prints them.
public enum Timestamp {
    public static func now() -> String {
        RFC3339.format(seconds: Int64(Date().timeIntervalSince1970.rounded(.down)))
    }
}
