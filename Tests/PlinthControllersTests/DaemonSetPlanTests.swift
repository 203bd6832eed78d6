import PlinthControllers
import PlinthJSON
import Testing

/// Where a DaemonSet's pods go and which go when, against upstream's rules.
@Suite("daemon set plan")
struct DaemonSetPlanTests {
    static let template: JSON = ["metadata": ["labels": ["app": "agent"]],
                                 "spec": ["nodeSelector": ["role": "worker"], "containers": [["name": "c", "image": "busybox"]]]]

    func daemonSet(maxUnavailable: JSON = 1) -> JSON {
        ["metadata": ["name": "agent", "namespace": "ns", "uid": "ds-uid", "generation": 3],
         "spec": ["selector": ["matchLabels": ["app": "agent"]], "template": Self.template,
                  "updateStrategy": ["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": maxUnavailable]]]]
    }

    func node(_ name: String, role: String = "worker", taints: [JSON] = []) -> JSON {
        var n: JSON = ["metadata": ["name": .string(name), "labels": ["role": .string(role)]]]
        if !taints.isEmpty { n[path: ["spec", "taints"]] = .array(taints) }
        return n
    }

    func pod(_ name: String, node: String, hash: String, ready: Bool = true, phase: String = "Running", created: String = "2026-01-01T00:00:00Z") -> JSON {
        var status: JSON = ["phase": .string(phase)]
        if ready { status["conditions"] = [["type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"]] }
        return ["metadata": ["name": .string(name), "creationTimestamp": .string(created),
                             "labels": ["app": "agent", DaemonSetPlan.hashLabel: .string(hash)]],
                "spec": ["nodeName": .string(node)], "status": status]
    }

    @Test func runsOnMatchingNodesThatItTolerates() {
        let nodes = [node("a"), node("b", role: "db"), node("c", taints: [["key": "gpu", "effect": "NoSchedule"]]),
                     node("d", taints: [["key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"]])]
        let plan = DaemonSetPlan(daemonSet(), hash: "h1", nodes: nodes, pods: [], now: 0)
        #expect(plan.createOn == ["a", "d"], "not on a node the selector misses or whose taint is not tolerated; cordoned is fine")
        #expect(plan.status["desiredNumberScheduled"] == .int(2) && plan.status["currentNumberScheduled"] == .int(0))
        #expect(plan.status["numberUnavailable"] == .int(2) && plan.status["observedGeneration"] == .int(3))

        let pod = DaemonSetPlan.pod(["metadata": ["labels": ["app": "agent"]], "spec": Self.template["spec"] ?? [:]],
                                    template: Self.template, node: "a", hash: "h1", generation: 3)
        #expect(DaemonSetPlan.targetNode(of: pod) == "a")
        #expect(pod.string("metadata", "labels", DaemonSetPlan.hashLabel) == "h1")
        #expect(pod.string("metadata", "labels", DaemonSetPlan.generationLabel) == "3")
        let keys = (pod[path: ["spec", "tolerations"]]?.arrayValue ?? []).compactMap { $0.string("key") }
        #expect(keys.contains("node.kubernetes.io/unreachable") && keys.contains("node.kubernetes.io/unschedulable"))
    }

    @Test func misplacedDuplicateAndFailedPodsGo() {
        let nodes = [node("a"), node("b", role: "db"), node("c", taints: [["key": "evict", "effect": "NoExecute"]]),
                     node("e", taints: [["key": "soft", "effect": "NoSchedule"]])]
        let pods = [pod("a-1", node: "a", hash: "h1", created: "2026-01-01T00:00:00Z"),
                    pod("a-2", node: "a", hash: "h1", created: "2026-01-02T00:00:00Z"),
                    pod("b-1", node: "b", hash: "h1"),
                    pod("c-1", node: "c", hash: "h1"),
                    pod("e-1", node: "e", hash: "h1")]
        let plan = DaemonSetPlan(daemonSet(), hash: "h1", nodes: nodes, pods: pods, now: 100)
        let deleted = Set(plan.delete.compactMap { $0.string("metadata", "name") })
        #expect(deleted == ["a-2", "b-1", "c-1"], "the newer duplicate, off-selector and untolerated NoExecute; a NoSchedule taint spares a running pod")
        #expect(plan.status["numberMisscheduled"] == .int(3))

        let failed = DaemonSetPlan(daemonSet(), hash: "h1", nodes: [node("a")],
                                   pods: [pod("a-1", node: "a", hash: "h1", ready: false, phase: "Failed")], now: 100)
        #expect(failed.failed.count == 1 && failed.delete.count == 1 && failed.createOn.isEmpty, "replaced on a later step")
    }

    @Test func rollingUpdateReplacesWithinMaxUnavailable() {
        let nodes = ["a", "b", "c", "d"].map { node($0) }
        let old = nodes.compactMap { $0.string("metadata", "name") }.map { pod("\($0)-old", node: $0, hash: "h1") }
        let plan = DaemonSetPlan(daemonSet(maxUnavailable: "50%"), hash: "h2", nodes: nodes, pods: old, now: 100)
        #expect(plan.delete.count == 2, "50% of 4 nodes")
        #expect(plan.status["updatedNumberScheduled"] == nil && plan.status["numberAvailable"] == .int(4))

        // One node already replaced but not yet ready: only one more old pod may go.
        var mixed = Array(old.dropFirst())
        mixed.append(pod("a-new", node: "a", hash: "h2", ready: false))
        let next = DaemonSetPlan(daemonSet(maxUnavailable: 2), hash: "h2", nodes: nodes, pods: mixed, now: 100)
        #expect(next.delete.count == 1 && next.createOn.isEmpty)
        #expect(next.status["updatedNumberScheduled"] == .int(1))

        var onDelete = daemonSet()
        onDelete[path: ["spec", "updateStrategy"]] = ["type": "OnDelete"]
        #expect(DaemonSetPlan(onDelete, hash: "h2", nodes: nodes, pods: old, now: 100).delete.isEmpty)
    }
}
