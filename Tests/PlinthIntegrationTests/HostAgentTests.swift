import Foundation
import PlinthJSON
import Testing

/// `plinth agent` with the fake runtime against the real server and kubectl: the host registers
/// a Ready Node and renews its Lease, a pod bound to it runs and reports its status and Events,
/// deletion is finished by the agent, and a silent host goes Unknown, is tainted, loses its pods
/// to NoExecute eviction, and is Ready again when its agent comes back. The host carries a taint
/// only this test's pods tolerate, so other tests' pods never land on it.
@Suite("host agent", .plinthServer)
struct HostAgentTests {
    func jsonpath(_ s: PlinthServer, _ args: String...) throws -> String {
        try s.kubectl(Array(args)).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func agentRunsPodsAndSilentHostsLoseThem() async throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("agent")
        let node = "host-\(ns)"
        let taint = "plinth.dev/agent-test"
        let agentArgs = ["--name", node, "--runtime", "fake", "--cpu", "4", "--memory", "8Gi", "--label", "\(taint)=\(ns)",
                         "--register-with-taints", "\(taint)=\(ns):NoSchedule", "--lease-duration", "4"]
        var agent = try s.startAgent(agentArgs)
        defer {
            agent.stop()
            _ = try? s.kubectl("delete", "node", node, "--wait=false")
        }
        let ready = #"jsonpath={.status.conditions[?(@.type=="Ready")].status}"#

        // Registered: Ready, with the capacity, labels, taint and version info the agent reports.
        try poll("node \(node) Ready") { try jsonpath(s, "get", "node", node, "-o", ready) == "True" }
        let n = try JSON.parse(Array(s.kubectl("get", "node", node, "-o", "json").stdout.utf8))
        #expect(n.string("status", "nodeInfo", "kubeletVersion") == "v1.33.0")
        #expect(n.string("status", "nodeInfo", "containerRuntimeVersion")?.hasPrefix("fake://") == true)
        #expect(n.string("status", "capacity", "cpu") == "4")
        #expect(n.string("status", "allocatable", "memory") == "8Gi")
        #expect(n.string("metadata", "labels", "kubernetes.io/hostname") == node)
        #expect(n[path: ["spec", "taints"]]?.arrayValue?.first?.string("key") == taint)
        try poll("lease \(node)") {
            try s.kubectl("get", "lease", node, "-n", "kube-node-lease", "-o", "jsonpath={.spec.holderIdentity}").stdout == node
        }
        let renewed = try jsonpath(s, "get", "lease", node, "-n", "kube-node-lease", "-o", "jsonpath={.spec.renewTime}")
        try poll("lease \(node) renewed") {
            try jsonpath(s, "get", "lease", node, "-n", "kube-node-lease", "-o", "jsonpath={.spec.renewTime}") != renewed
        }
        #expect(try s.kubectl("get", "nodes").stdout.contains(node))

        // A pod runs there and reports status; default NoExecute tolerations were added.
        func pod(_ name: String, extraTolerations: String = "") -> String {
            """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "\(name)"},
             "spec": {"nodeSelector": {"\(taint)": "\(ns)"},
                      "tolerations": [{"key": "\(taint)", "operator": "Exists"}\(extraTolerations)],
                      "containers": [{"name": "main", "image": "busybox"}]}}
            """
        }
        #expect(try s.kubectl(["create", "-n", ns, "-f", "-"], stdin: pod("web")).status == 0)
        try poll("pod web Running") { try jsonpath(s, "get", "pod", "web", "-n", ns, "-o", "jsonpath={.status.phase}") == "Running" }
        let p = try JSON.parse(Array(s.kubectl("get", "pod", "web", "-n", ns, "-o", "json").stdout.utf8))
        #expect(p.string("spec", "nodeName") == node)
        #expect(p.string("status", "podIP")?.hasPrefix("10.244.") == true)
        #expect(p.string("status", "hostIP") == "127.0.0.1")
        #expect(p[path: ["status", "containerStatuses"]]?.arrayValue?.first?["ready"] == .bool(true))
        #expect(p[path: ["status", "containerStatuses"]]?.arrayValue?.first?[path: ["state", "running", "startedAt"]] != nil)
        #expect(p[path: ["status", "conditions"]]?.arrayValue?.first { $0.string("type") == "Ready" }?.string("status") == "True")
        let tolerations = p[path: ["spec", "tolerations"]]?.arrayValue ?? []
        for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
            #expect(tolerations.contains { $0.string("key") == key && $0["tolerationSeconds"] == .int(300) }, "\(key)")
        }
        let table = try s.kubectl("get", "pod", "web", "-n", ns).stdout
        #expect(table.contains("1/1") && table.contains("Running"), "\(table)")
        let reasons = try jsonpath(s, "get", "events", "-n", ns, "--field-selector", "involvedObject.name=web", "-o", "jsonpath={.items[*].reason}")
        for reason in ["Scheduled", "Created", "Started"] { #expect(reasons.contains(reason), "\(reasons)") }

        // Deleting it: the agent stops it and finishes the deletion (well before the 30 s grace).
        let started = Date()
        #expect(try s.kubectl("delete", "pod", "web", "-n", ns).status == 0)
        #expect(Date().timeIntervalSince(started) < 20)

        // A pod that tolerates an unreachable host for only 1 s.
        let short = #", {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 1}"#
        #expect(try s.kubectl(["create", "-n", ns, "-f", "-"], stdin: pod("short", extraTolerations: short)).status == 0)
        try poll("pod short Running") { try jsonpath(s, "get", "pod", "short", "-n", ns, "-o", "jsonpath={.status.phase}") == "Running" }

        // The agent stops: the node goes Unknown (kubectl: NotReady), is tainted unreachable,
        // and the pod is evicted once its toleration runs out.
        agent.stop()
        try poll("node \(node) Unknown") { try jsonpath(s, "get", "node", node, "-o", ready) == "Unknown" }
        let reason = #"jsonpath={.status.conditions[?(@.type=="Ready")].reason}"#
        #expect(try jsonpath(s, "get", "node", node, "-o", reason) == "NodeStatusUnknown")
        #expect(try s.kubectl("get", "node", node).stdout.contains("NotReady"))
        let taints = try jsonpath(s, "get", "node", node, "-o", "jsonpath={range .spec.taints[*]}{.key}:{.effect} {end}")
        #expect(taints.contains("node.kubernetes.io/unreachable:NoSchedule") && taints.contains("node.kubernetes.io/unreachable:NoExecute"), "\(taints)")
        try poll("pod short evicted") {
            let r = try s.kubectl("get", "pod", "short", "-n", ns, "-o", "jsonpath={.metadata.deletionTimestamp}")
            return r.status != 0 || !r.stdout.isEmpty
        }
        let evictions = try jsonpath(s, "get", "events", "-n", ns, "--field-selector", "reason=TaintManagerEviction", "-o", "jsonpath={.items[*].message}")
        #expect(evictions.contains("Marking for deletion Pod \(ns)/short"), "\(evictions)")

        // The agent comes back: Ready again, taints gone.
        agent = try s.startAgent(agentArgs)
        try poll("node \(node) Ready again") { try jsonpath(s, "get", "node", node, "-o", ready) == "True" }
        try poll("unreachable taints removed") {
            !(try jsonpath(s, "get", "node", node, "-o", "jsonpath={.spec.taints[*].key}")).contains("unreachable")
        }
    }
}
