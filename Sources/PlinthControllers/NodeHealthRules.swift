import PlinthAPIMachinery
import PlinthJSON

/// Upstream node lifecycle rules as pure functions over Node and Pod objects: when a silent
/// host's conditions become Unknown, which taints a node's Ready condition calls for, and when
/// a pod on a `NoExecute`-tainted node must go.
enum NodeHealthRules {
    static let conditionTypes = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]

    /// The node with every condition (and a missing Ready) set to `Unknown`, as upstream's
    /// `tryUpdateNodeHealth` does once its agent has been silent past the grace period. Heartbeat
    /// times are kept; transition times move to `now` where the status changes.
    static func markedUnknown(_ node: JSON, now: String) -> JSON {
        var conditions = node[path: ["status", "conditions"]]?.arrayValue ?? []
        let created = node.string("metadata", "creationTimestamp") ?? now
        for type in conditionTypes {
            let index = conditions.firstIndex { $0.string("type") == type }
            // Upstream: a condition the agent never posted is "never updated", its heartbeat the
            // node's creation; one it stopped posting keeps its last heartbeat.
            let neverPosted = index == nil
            let reason = neverPosted ? "NodeStatusNeverUpdated" : "NodeStatusUnknown"
            let message = neverPosted ? "Kubelet never posted node status." : "Kubelet stopped posting node status."
            var c: JSON = index.map { conditions[$0] } ?? ["type": .string(type)]
            guard c.string("status") != "Unknown" else { continue }
            c["status"] = "Unknown"
            if c["lastHeartbeatTime"] == nil { c["lastHeartbeatTime"] = .string(created) }
            c["lastTransitionTime"] = .string(now)
            c["reason"] = .string(reason)
            c["message"] = .string(message)
            if let index { conditions[index] = c } else { conditions.append(c) }
        }
        var out = node
        out[path: ["status", "conditions"]] = .array(conditions)
        return out
    }

    /// The node with the taints its Ready condition calls for (upstream TaintNodesByCondition
    /// and taint-based eviction): `unreachable` (Unknown) or `not-ready` (False), each as
    /// NoSchedule and NoExecute; neither while Ready is True (or not yet reported).
    static func withConditionTaints(_ node: JSON, now: String) -> JSON {
        let wanted: String?
        switch Conditions.status(node, "Ready") {
        case "Unknown": wanted = NodeTaints.unreachable
        case "False": wanted = NodeTaints.notReady
        default: wanted = nil
        }
        let current = Taint.of(node: node)
        var next = current.filter { t in
            ![NodeTaints.unreachable, NodeTaints.notReady].contains(t.key) || (t.key == wanted && (t.effect == "NoSchedule" || t.effect == "NoExecute"))
        }
        if let wanted {
            if !next.contains(where: { $0.key == wanted && $0.effect == "NoSchedule" }) {
                next.append(Taint(key: wanted, effect: "NoSchedule"))
            }
            if !next.contains(where: { $0.key == wanted && $0.effect == "NoExecute" }) {
                next.append(Taint(key: wanted, effect: "NoExecute", timeAdded: now))
            }
        }
        guard next != current else { return node }
        var out = node
        out[path: ["spec", "taints"]] = next.isEmpty ? nil : .array(next.map(\.json))
        return out
    }

    /// When (Unix seconds) a pod on a node with these `NoExecute` taints must be evicted: now for
    /// an untolerated taint, `timeAdded + tolerationSeconds` for a tolerated one with a limit
    /// (the earliest such), never (nil) when every taint is tolerated without limit.
    static func evictionTime(pod: JSON, taints: [Taint], now: Int64) -> Int64? {
        let tolerations = pod[path: ["spec", "tolerations"]]?.arrayValue ?? []
        var earliest: Int64?
        for taint in taints where taint.effect == "NoExecute" {
            // Upstream (`GetMatchingTolerations`) takes the first toleration that matches each
            // taint; the smallest limit among those decides, and none means forever.
            guard let used = tolerations.first(where: { taint.isTolerated(by: $0) }) else { return now }
            guard let limit = used["tolerationSeconds"]?.intValue else { continue }
            let added = taint.timeAdded.flatMap { RFC3339.parse($0)?.seconds } ?? now
            let due = added + max(0, limit)
            earliest = min(earliest ?? due, due)
        }
        return earliest
    }
}
