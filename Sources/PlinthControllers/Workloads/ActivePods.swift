import PlinthAPIMachinery
import PlinthJSON

/// What replica-keeping controllers read of their pods (upstream's `controller_utils`): which
/// count as active, ready and available, and which to delete first when there are too many.
public enum ActivePods {
    /// Not finished and not being deleted (upstream `IsPodActive`).
    public static func isActive(_ pod: JSON) -> Bool {
        !PodPhase.isTerminal(pod) && pod[path: ["metadata", "deletionTimestamp"]] == nil
    }

    /// The `Ready` condition is True.
    public static func isReady(_ pod: JSON) -> Bool {
        readySince(pod) != nil
    }

    /// When the pod became ready (the Ready condition's transition time), if it is ready.
    static func readySince(_ pod: JSON) -> Int64? {
        guard let c = pod[path: ["status", "conditions"]]?.arrayValue?.first(where: { $0.string("type") == "Ready" }),
              c.string("status") == "True" else { return nil }
        return c.string("lastTransitionTime").flatMap { RFC3339.parse($0)?.seconds } ?? 0
    }

    /// Ready for at least `minReadySeconds` at `now` (upstream `IsPodAvailable`).
    public static func isAvailable(_ pod: JSON, minReadySeconds: Int64, now: Int64) -> Bool {
        guard let since = readySince(pod) else { return false }
        return minReadySeconds == 0 || since + minReadySeconds <= now
    }

    /// Seconds until a ready pod becomes available, if it is ready but not yet available.
    public static func secondsUntilAvailable(_ pod: JSON, minReadySeconds: Int64, now: Int64) -> Int64? {
        guard minReadySeconds > 0, let since = readySince(pod), since + minReadySeconds > now else { return nil }
        return since + minReadySeconds - now
    }

    /// `pods` in the order to delete them when scaling down: unscheduled before scheduled,
    /// pending before unknown before running, not ready before ready, ready for less time before
    /// longer, more restarts before fewer, newer before older (upstream `ActivePods` ordering).
    public static func deletionOrder(_ pods: [JSON]) -> [JSON] {
        func rank(_ p: JSON) -> (Int, Int, Int, Int64, Int64, String) {
            let scheduled = (p.string("spec", "nodeName") ?? "").isEmpty ? 0 : 1
            let phase: Int
            switch p.string("status", "phase") {
            case "Pending": phase = 0
            case "Running": phase = 2
            default: phase = 1
            }
            let since = readySince(p)
            let restarts = (p[path: ["status", "containerStatuses"]]?.arrayValue ?? []).map { $0["restartCount"]?.intValue ?? 0 }.max() ?? 0
            let created = p.string("metadata", "creationTimestamp") ?? ""
            return (scheduled, phase, since == nil ? 0 : 1, -(since ?? 0), -restarts, created)
        }
        return pods.map { ($0, rank($0)) }.sorted { a, b in
            let (x, y) = (a.1, b.1)
            if x.0 != y.0 { return x.0 < y.0 }
            if x.1 != y.1 { return x.1 < y.1 }
            if x.2 != y.2 { return x.2 < y.2 }
            if x.3 != y.3 { return x.3 < y.3 }
            if x.4 != y.4 { return x.4 < y.4 }
            return x.5 > y.5
        }.map(\.0)
    }
}
