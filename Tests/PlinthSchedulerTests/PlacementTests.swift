import PlinthAPIMachinery
import PlinthJSON
import PlinthScheduler
import Testing

@Suite("scheduling plugins")
struct PlacementTests {
    func node(_ name: String, cpu: String = "4", memory: String = "8Gi", pods: Int = 110, labels: JSON = [:],
              taints: [JSON] = [], unschedulable: Bool = false) -> NodeInfo {
        NodeInfo(["metadata": ["name": .string(name), "labels": labels],
                  "spec": ["taints": .array(taints), "unschedulable": .bool(unschedulable)],
                  "status": ["allocatable": ["cpu": .string(cpu), "memory": .string(memory), "pods": .string(String(pods))]]])
    }

    func pod(_ name: String, cpu: String? = nil, memory: String? = nil, spec: JSON = [:]) -> PodInfo {
        var requests: JSON = [:]
        if let cpu { requests["cpu"] = .string(cpu) }
        if let memory { requests["memory"] = .string(memory) }
        var s = spec
        s["containers"] = [["name": "c", "image": "busybox", "resources": ["requests": requests]]]
        return PodInfo(["metadata": ["name": .string(name), "namespace": "default"], "spec": s])
    }

    @Test func noNodesAtAll() {
        #expect(Placement.standard.choose(pod("p"), nodes: []) == .unschedulable("no nodes available to schedule pods"))
    }

    @Test func resourcesDecideAndTheMessageCountsReasons() {
        var busy = node("a", cpu: "1")
        busy.add(pod("x", cpu: "800m"))
        let nodes = [busy, node("b", cpu: "1", taints: [["key": "dedicated", "value": "db", "effect": "NoSchedule"]]),
                     node("c", cpu: "500m")]
        #expect(Placement.standard.choose(pod("p", cpu: "600m"), nodes: nodes)
                == .unschedulable("0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: db}, 2 Insufficient cpu."))
        let tolerant = pod("p", cpu: "600m", spec: ["tolerations": [["key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"]]])
        #expect(Placement.standard.choose(tolerant, nodes: nodes) == .node("b"))
    }

    @Test func leastAllocatedSpreads() {
        var a = node("a")
        a.add(pod("x", cpu: "2", memory: "4Gi"))
        #expect(Placement.standard.choose(pod("p", cpu: "100m", memory: "100Mi"), nodes: [a, node("b")]) == .node("b"))
    }

    @Test func selectorsAffinityAndCordon() {
        let nodes = [node("a", labels: ["disk": "hdd"]), node("b", labels: ["disk": "ssd"]), node("c", labels: ["disk": "ssd"], unschedulable: true)]
        #expect(Placement.standard.choose(pod("p", spec: ["nodeSelector": ["disk": "ssd"]]), nodes: nodes) == .node("b"))
        let affinity: JSON = ["affinity": ["nodeAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": ["nodeSelectorTerms": [
            ["matchExpressions": [["key": "disk", "operator": "NotIn", "values": ["ssd"]]]]]]]]]
        #expect(Placement.standard.choose(pod("p", spec: affinity), nodes: nodes) == .node("a"))
        #expect(Placement.standard.choose(pod("p", spec: ["nodeSelector": ["disk": "nvme"]]), nodes: nodes)
                == .unschedulable("0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector."))
        let preferred: JSON = ["affinity": ["nodeAffinity": ["preferredDuringSchedulingIgnoredDuringExecution": [
            ["weight": 50, "preference": ["matchExpressions": [["key": "disk", "operator": "In", "values": ["hdd"]]]]]]]]]
        #expect(Placement.standard.choose(pod("p", spec: preferred), nodes: nodes) == .node("a"))
    }

    @Test func tooManyPods() {
        var full = node("a", pods: 1)
        full.add(pod("x"))
        #expect(Placement.standard.choose(pod("p"), nodes: [full]) == .unschedulable("0/1 nodes are available: 1 Too many pods."))
    }

    @Test func tolerationMatching() {
        let t = Taint(key: "k", value: "v", effect: "NoExecute")
        #expect(t.isTolerated(by: ["operator": "Exists"]))
        #expect(t.isTolerated(by: ["key": "k", "operator": "Exists", "effect": "NoExecute"]))
        #expect(!t.isTolerated(by: ["key": "k", "operator": "Exists", "effect": "NoSchedule"]))
        #expect(t.isTolerated(by: ["key": "k", "value": "v"]))
        #expect(!t.isTolerated(by: ["key": "k", "value": "w"]))
        #expect(!t.isTolerated(by: ["key": "other", "operator": "Exists"]))
    }
}

@Suite("scheduling scores")
struct ScoreTests {
    let t = PlacementTests()

    @Test func preferNoScheduleTaintsCountAgainstTheWorstNode() {
        let soft = { (k: String) -> JSON in ["key": .string(k), "value": "x", "effect": "PreferNoSchedule"] }
        let a = t.node("a", taints: [soft("one")])
        let b = t.node("b", taints: [soft("one"), soft("two"), soft("three"), soft("four")])
        let p = t.pod("p", spec: ["tolerations": [["key": "three", "operator": "Exists"], ["key": "four", "operator": "Exists"]]])
        // a has 1 untolerated taint, b has 2: a wins.
        #expect(Placement.standard.choose(p, nodes: [a, b]) == .node("a"))
    }

    @Test func preferredAffinityIsScaledToTheBestNode() {
        let term = { (k: String, w: Int) -> JSON in ["weight": .int(Int64(w)), "preference": ["matchExpressions": [["key": .string(k), "operator": "Exists"]]]] }
        let p = t.pod("p", spec: ["affinity": ["nodeAffinity": ["preferredDuringSchedulingIgnoredDuringExecution": [term("zone-a", 1), term("gpu", 100)]]]])
        var busy = t.node("a", labels: ["zone-a": "yes"])
        busy.add(t.pod("x", cpu: "1"))
        // No node has a gpu; the weight-1 preference must still win over a little more free cpu.
        #expect(Placement.standard.choose(p, nodes: [busy, t.node("b")]) == .node("a"))
    }
}
