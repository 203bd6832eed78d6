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

    @Test func largeClustersScoreOnlyEnoughFeasibleNodesInTurn() {
        #expect(Placement.feasibleNodesToFind(50) == 50)
        #expect(Placement.feasibleNodesToFind(500) == 230)
        #expect(Placement.feasibleNodesToFind(5000) == 500)
        // 200 equal nodes: 100 are looked at per decision, and the next decision starts after them.
        let nodes = (0..<200).map { node(String(format: "n%03d", $0)) }
        var start = 0
        guard case .node(let first) = Placement.standard.choose(pod("p"), nodes: nodes, start: &start) else { Issue.record("no node"); return }
        #expect(start == 100 && first < "n100")
        guard case .node(let second) = Placement.standard.choose(pod("p"), nodes: nodes, start: &start) else { Issue.record("no node"); return }
        #expect(start == 0 && second >= "n100")
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

@Suite("inter-pod affinity")
struct InterPodAffinityTests {
    func node(_ name: String, zone: String) -> NodeInfo {
        NodeInfo(["metadata": ["name": .string(name), "labels": ["kubernetes.io/hostname": .string(name), "zone": .string(zone)]],
                  "status": ["allocatable": ["cpu": "4", "memory": "8Gi", "pods": "110"]]])
    }

    func pod(_ name: String, app: String, namespace: String = "default", affinity: JSON = .null) -> PodInfo {
        var spec: JSON = ["containers": [["name": "c", "image": "busybox"]]]
        if !affinity.isNull { spec["affinity"] = affinity }
        return PodInfo(["metadata": ["name": .string(name), "namespace": .string(namespace), "labels": ["app": .string(app)]], "spec": spec])
    }

    func term(_ app: String, key: String = "kubernetes.io/hostname", extra: JSON = [:]) -> JSON {
        var t: JSON = ["labelSelector": ["matchLabels": ["app": .string(app)]], "topologyKey": .string(key)]
        for (k, v) in extra.objectValue ?? JSONObject() { t[k] = v }
        return t
    }

    @Test func antiAffinitySpreadsAndSaysWhyNot() {
        let avoidWeb: JSON = ["podAntiAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": [term("web")]]]
        var a = node("a", zone: "z1")
        a.add(pod("web-1", app: "web", affinity: avoidWeb))
        let b = node("b", zone: "z1")
        #expect(Placement.standard.choose(pod("web-2", app: "web", affinity: avoidWeb), nodes: [a, b]) == .node("b"))
        var b2 = b
        b2.add(pod("web-2", app: "web", affinity: avoidWeb))
        #expect(Placement.standard.choose(pod("web-3", app: "web", affinity: avoidWeb), nodes: [a, b2])
                == .unschedulable("0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules."))
        // The existing pods' terms keep others of their kind away even when the newcomer says nothing.
        #expect(Placement.standard.choose(pod("web-4", app: "web"), nodes: [a, b2])
                == .unschedulable("0/2 nodes are available: 2 node(s) didn't satisfy existing pods anti-affinity rules."))
        // Pods of another namespace are not what the term is about.
        if case .unschedulable = Placement.standard.choose(pod("web-5", app: "web", namespace: "other"), nodes: [a, b2]) {
            Issue.record("a pod of another namespace was kept away")
        }
        // A zone-wide term closes every node of the zone.
        let avoidZone: JSON = ["podAntiAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": [term("db", key: "zone")]]]
        var c = node("c", zone: "z1")
        c.add(pod("db-1", app: "db"))
        #expect(Placement.standard.choose(pod("db-2", app: "db", affinity: avoidZone), nodes: [a, node("b", zone: "z1"), c, node("d", zone: "z2")]) == .node("d"))
    }

    @Test func affinityFollowsItsGroupAndLetsTheFirstStart() {
        let withCache: JSON = ["podAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": [term("cache")]]]
        var b = node("b", zone: "z1")
        b.add(pod("cache-1", app: "cache"))
        #expect(Placement.standard.choose(pod("web-1", app: "web", affinity: withCache), nodes: [node("a", zone: "z1"), b, node("c", zone: "z1")]) == .node("b"))
        #expect(Placement.standard.choose(pod("web-1", app: "web", affinity: withCache), nodes: [node("a", zone: "z1")])
                == .unschedulable("0/1 nodes are available: 1 node(s) didn't match pod affinity rules."))
        // A pod whose term selects itself may be the first of its group anywhere.
        let selfGroup: JSON = ["podAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": [term("cache")]]]
        if case .unschedulable(let why) = Placement.standard.choose(pod("cache-1", app: "cache", affinity: selfGroup), nodes: [node("a", zone: "z1")]) {
            Issue.record("the first of a group was refused: \(why)")
        }
    }
}
