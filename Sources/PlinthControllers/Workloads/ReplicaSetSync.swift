import PlinthAPIMachinery
import PlinthJSON

/// One step of keeping a ReplicaSet (or ReplicationController) at its replica count, decided
/// from the pods it owns (upstream `manageReplicas` and `calculateStatus`): how many pods to
/// create, which to delete, and the status to report.
public struct ReplicaSetSync: Sendable {
    /// Upstream's `burstReplicas`: at most this many creations or deletions per step.
    public static let burst = 500

    public var create = 0
    public var delete: [JSON] = []
    /// `status` without conditions (the controller adds ReplicaFailure from what its writes met).
    public var status: JSON
    /// Seconds until a ready pod becomes available (minReadySeconds), when one is waiting.
    public var recheckAfter: Int64?

    /// `pods` are the pods the controller owns, in any state. A controller being deleted only reports.
    public init(_ owner: JSON, pods: [JSON], now: Int64) {
        let wanted = Int(owner[path: ["spec", "replicas"]]?.intValue ?? 1)
        let minReady = owner[path: ["spec", "minReadySeconds"]]?.intValue ?? 0
        let active = pods.filter(ActivePods.isActive)
        if owner[path: ["metadata", "deletionTimestamp"]] == nil {
            let diff = active.count - wanted
            if diff < 0 {
                create = min(-diff, Self.burst)
            } else if diff > 0 {
                delete = Array(ActivePods.deletionOrder(active).prefix(min(diff, Self.burst)))
            }
        }
        let templateLabels = owner[path: ["spec", "template", "metadata", "labels"]]?.objectValue ?? JSONObject()
        var fullyLabeled = 0, ready = 0, available = 0
        for p in active {
            let labels = p[path: ["metadata", "labels"]]?.objectValue ?? JSONObject()
            if templateLabels.allSatisfy({ labels[$0.key] == $0.value }) { fullyLabeled += 1 }
            if ActivePods.isReady(p) {
                ready += 1
                if ActivePods.isAvailable(p, minReadySeconds: minReady, now: now) {
                    available += 1
                } else if let wait = ActivePods.secondsUntilAvailable(p, minReadySeconds: minReady, now: now) {
                    recheckAfter = min(recheckAfter ?? wait, wait)
                }
            }
        }
        // Upstream omits zero counts (omitempty) except `replicas`.
        var s: JSON = ["replicas": .int(Int64(active.count))]
        if fullyLabeled > 0 { s["fullyLabeledReplicas"] = .int(Int64(fullyLabeled)) }
        if ready > 0 { s["readyReplicas"] = .int(Int64(ready)) }
        if available > 0 { s["availableReplicas"] = .int(Int64(available)) }
        if let g = owner[path: ["metadata", "generation"]], !g.isNull { s["observedGeneration"] = g }
        status = s
    }
}
