import PlinthAPIMachinery
import PlinthJSON

/// One step of keeping a DaemonSet's pod on every node that should run it (upstream's
/// `manage`, `rollingUpdate` and `updateDaemonSetStatus`): on which nodes to create a pod, which
/// pods to delete (on nodes that should not run one, failed ones, duplicates, and old ones the
/// rolling update replaces within `maxUnavailable`), and the status to report.
public struct DaemonSetPlan: Sendable {
    /// The taints every daemon pod tolerates (upstream `AddOrUpdateDaemonPodTolerations`), so
    /// daemons keep running on unready, pressured and cordoned nodes.
    public static let defaultTolerations: [JSON] = [
        ["key": .string(NodeTaints.notReady), "operator": "Exists", "effect": "NoExecute"],
        ["key": .string(NodeTaints.unreachable), "operator": "Exists", "effect": "NoExecute"],
        ["key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"],
        ["key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"],
        ["key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"],
        ["key": .string(NodeTaints.unschedulable), "operator": "Exists", "effect": "NoSchedule"],
    ]
    public static let hashLabel = "controller-revision-hash"
    public static let generationLabel = "pod-template-generation"

    /// Nodes that should run a pod and have none.
    public var createOn: [String] = []
    public var delete: [JSON] = []
    /// Failed pods among `delete` (upstream records `FailedDaemonPod` for each).
    public var failed: [JSON] = []
    public var status: JSON
    /// Seconds until a ready pod becomes available (minReadySeconds), when one is waiting.
    public var recheckAfter: Int64?

    /// `pods` are the daemon set's pods, in any state; `hash` is the current template's revision
    /// hash. A daemon set being deleted only reports.
    public init(_ daemonSet: JSON, hash: String, nodes: [JSON], pods: [JSON], now: Int64) {
        let template = daemonSet[path: ["spec", "template"]] ?? [:]
        let generation = daemonSet[path: ["metadata", "generation"]]?.intValue
        let minReady = daemonSet[path: ["spec", "minReadySeconds"]]?.intValue ?? 0
        let deleting = daemonSet[path: ["metadata", "deletionTimestamp"]] != nil

        var byNode: [String: [JSON]] = [:]
        for pod in pods where pod[path: ["metadata", "deletionTimestamp"]] == nil {
            if let node = Self.targetNode(of: pod) { byNode[node, default: []].append(pod) }
        }
        func isUpdated(_ pod: JSON) -> Bool {
            let labels = pod[path: ["metadata", "labels"]]
            return labels?.string(Self.hashLabel) == hash
                || (generation != nil && labels?.string(Self.generationLabel) == String(generation!))
        }
        func isAvailable(_ pod: JSON) -> Bool { ActivePods.isAvailable(pod, minReadySeconds: minReady, now: now) }

        var desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0
        var oldOnNodes: [JSON] = []   // one old, running daemon pod per node that should run one
        var unavailableNodes = 0
        for node in nodes {
            let name = node.string("metadata", "name") ?? ""
            let fit = Self.fit(template: template, node: node)
            // The oldest pod is the node's daemon; later ones are duplicates.
            let onNode = (byNode[name] ?? []).sorted { Self.creation($0) < Self.creation($1) }
            let running = onNode.filter { !PodPhase.isTerminal($0) }
            let failedHere = onNode.filter { $0.string("status", "phase") == "Failed" }
            if fit.shouldRun {
                desired += 1
                if let daemon = running.first {
                    current += 1
                    if ActivePods.isReady(daemon) {
                        ready += 1
                        if isAvailable(daemon) { available += 1 }
                        else if let wait = ActivePods.secondsUntilAvailable(daemon, minReadySeconds: minReady, now: now) {
                            recheckAfter = min(recheckAfter ?? wait, wait)
                        }
                    }
                    if isUpdated(daemon) { updated += 1 } else { oldOnNodes.append(daemon) }
                    if !isAvailable(daemon) { unavailableNodes += 1 }
                    delete += running.dropFirst()
                } else {
                    unavailableNodes += 1
                    if failedHere.isEmpty { createOn.append(name) }
                }
                delete += failedHere
                failed += failedHere
            } else {
                if !running.isEmpty { misscheduled += 1 }
                if !fit.shouldContinueRunning { delete += running }
                delete += failedHere
            }
        }

        // A rolling update replaces old pods: unavailable ones at once, available ones while
        // fewer than maxUnavailable nodes are without an available daemon.
        let strategy = daemonSet[path: ["spec", "updateStrategy", "type"]]?.stringValue ?? "RollingUpdate"
        if strategy == "RollingUpdate" {
            let maxUnavailable = max(1, (IntOrPercent(daemonSet[path: ["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"]])
                ?? .count(1)).scaled(desired, roundUp: true))
            var budget = maxUnavailable - unavailableNodes
            for pod in oldOnNodes {
                if !isAvailable(pod) { delete.append(pod); continue }
                if budget > 0 { delete.append(pod); budget -= 1 }
            }
        }
        if deleting { createOn = []; delete = []; failed = [] }

        var s: JSON = ["currentNumberScheduled": .int(Int64(current)), "numberMisscheduled": .int(Int64(misscheduled)),
                       "desiredNumberScheduled": .int(Int64(desired)), "numberReady": .int(Int64(ready))]
        if let g = daemonSet[path: ["metadata", "generation"]], !g.isNull { s["observedGeneration"] = g }
        if updated > 0 { s["updatedNumberScheduled"] = .int(Int64(updated)) }
        if available > 0 { s["numberAvailable"] = .int(Int64(available)) }
        if desired - available > 0 { s["numberUnavailable"] = .int(Int64(desired - available)) }
        status = s
    }

    /// Upstream `NodeShouldRunDaemonPod`: a node runs the daemon when it matches the template's
    /// node name, selector and required node affinity and every NoSchedule/NoExecute taint is
    /// tolerated; a pod already there keeps running unless a NoExecute taint is not tolerated.
    public static func fit(template: JSON, node: JSON) -> (shouldRun: Bool, shouldContinueRunning: Bool) {
        let name = node.string("metadata", "name") ?? ""
        let labels = (node[path: ["metadata", "labels"]]?.objectValue ?? JSONObject()).reduce(into: [String: String]()) { out, kv in
            if let v = kv.value.stringValue { out[kv.key] = v }
        }
        if let wanted = template.string("spec", "nodeName"), !wanted.isEmpty, wanted != name { return (false, false) }
        let selector = template[path: ["spec", "nodeSelector"]]?.objectValue ?? JSONObject()
        guard selector.allSatisfy({ labels[$0.key] == $0.value.stringValue }) else { return (false, false) }
        let terms = template[path: ["spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"]]?
            .arrayValue ?? []
        if !terms.isEmpty, !terms.contains(where: { NodeSelectorTerm($0).matches(name: name, labels: labels) }) { return (false, false) }
        let tolerations = tolerations(template)
        let untolerated = Taint.of(node: node).filter { t in
            (t.effect == "NoSchedule" || t.effect == "NoExecute") && !tolerations.contains { t.isTolerated(by: $0) }
        }
        if untolerated.isEmpty { return (true, true) }
        return (false, !untolerated.contains { $0.effect == "NoExecute" })
    }

    /// The template's tolerations with the daemon defaults added (network-unavailable too for
    /// host-network pods), as the pods get them.
    public static func tolerations(_ template: JSON) -> [JSON] {
        var all = template[path: ["spec", "tolerations"]]?.arrayValue ?? []
        var defaults = defaultTolerations
        if template[path: ["spec", "hostNetwork"]]?.boolValue == true {
            defaults.append(["key": "node.kubernetes.io/network-unavailable", "operator": "Exists", "effect": "NoSchedule"])
        }
        for d in defaults where !all.contains(where: { $0.string("key") == d.string("key") && $0.string("effect") == d.string("effect") }) {
            all.append(d)
        }
        return all
    }

    /// The daemon pod for `node`: the template's pod with the revision labels, the default
    /// tolerations, and required node affinity to exactly that node (upstream
    /// `ReplaceDaemonSetPodNodeNameNodeAffinity`; the scheduler binds it there).
    public static func pod(_ base: JSON, template: JSON, node: String, hash: String, generation: Int64?) -> JSON {
        var pod = base
        pod[path: ["metadata", "labels", hashLabel]] = .string(hash)
        if let generation { pod[path: ["metadata", "labels", generationLabel]] = .string(String(generation)) }
        pod[path: ["spec", "tolerations"]] = .array(tolerations(template))
        let term: JSON = ["matchFields": [["key": "metadata.name", "operator": "In", "values": [.string(node)]]]]
        pod[path: ["spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"]] = ["nodeSelectorTerms": [term]]
        return pod
    }

    /// The node a daemon pod is for: where it is bound, else the node its affinity names.
    public static func targetNode(of pod: JSON) -> String? {
        if let n = pod.string("spec", "nodeName"), !n.isEmpty { return n }
        let terms = pod[path: ["spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"]]?
            .arrayValue ?? []
        for term in terms {
            for f in term["matchFields"]?.arrayValue ?? [] where f.string("key") == "metadata.name" && f.string("operator") == "In" {
                if let values = f["values"]?.arrayValue, values.count == 1 { return values[0].stringValue }
            }
        }
        return nil
    }

    static func creation(_ pod: JSON) -> String {
        (pod.string("metadata", "creationTimestamp") ?? "") + (pod.string("metadata", "name") ?? "")
    }
}
