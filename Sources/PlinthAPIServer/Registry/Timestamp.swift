import Foundation
import PlinthAPIMachinery

/// Timestamps the server writes (`creationTimestamp` and friends): RFC 3339 at second
/// precision, as metav1.Time prints them.
enum Timestamp {
    static func now() -> String {
        RFC3339.format(seconds: Int64(Date().timeIntervalSince1970.rounded(.down)))
    }
}
