import Foundation
import PlinthClient
import PlinthJSON

/// `plinth bench scheduler`: scheduler throughput. Creates `pods` pods that only the
/// benchmark's nodes accept, then `nodes` Node objects (Ready, no agent behind them), and times
/// the bindings by counting the pods still without a node every 100 ms; prints pods bound per
/// second from the first binding to the last, and the server's RSS when its PID is given. The
/// nodes are deleted afterwards, and the namespace unless `keep`. (Nodes without agents are
/// marked Unknown after the server's node-monitor grace period, 50 s by default; a run must end
/// before that.)
public struct SchedulerBenchmark: Sendable {
    let kubeconfigPath: String
    let nodes: Int
    let pods: Int
    let connections: Int
    let serverPID: Int?
    let namespace: String
    let keep: Bool

    public init(kubeconfigPath: String, nodes: Int, pods: Int, connections: Int, serverPID: Int?, namespace: String, keep: Bool) {
        self.kubeconfigPath = kubeconfigPath
        self.nodes = max(1, nodes)
        self.pods = max(1, pods)
        self.connections = max(1, connections)
        self.serverPID = serverPID
        self.namespace = namespace
        self.keep = keep
    }

    public func run() async throws {
        let api = APIClient(config: try ClientConfig.load(path: kubeconfigPath), connectionsPerHost: connections)
        do {
            try await measure(api)
        } catch {
            await api.shutdown()
            throw error
        }
        await api.shutdown()
    }

    /// Sends `count` requests made by `body`, `connections` at a time.
    func fanOut(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            for _ in 0..<min(connections, count) {
                let i = next
                next += 1
                group.addTask { try await body(i) }
            }
            while try await group.next() != nil {
                guard next < count else { continue }
                let i = next
                next += 1
                group.addTask { try await body(i) }
            }
        }
    }

    func measure(_ api: APIClient) async throws {
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let label = "bench.plinth.dev/scheduler"
        _ = try? await api.request(.POST, "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])

        say("creating \(pods) pods in \(namespace) for nodes labelled \(label)=\(run)")
        let spec: JSON = ["nodeSelector": [label: .string(run)], "terminationGracePeriodSeconds": 0,
                          "containers": [["name": "c", "image": "busybox", "resources": ["requests": ["cpu": "100m", "memory": "64Mi"]]]]]
        let started = ContinuousClock.now
        try await fanOut(pods) { i in
            let pod: JSON = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string("sched-\(run)-\(i)")], "spec": spec]
            _ = try await api.request(.POST, "/api/v1/namespaces/\(namespace)/pods", pod)
        }
        say("created in \(fmt(seconds(ContinuousClock.now - started), 1)) s; creating \(nodes) nodes")

        let nodesStarted = ContinuousClock.now
        let now = ISO8601DateFormatter().string(from: Date())
        try await fanOut(nodes) { i in
            let node: JSON = ["apiVersion": "v1", "kind": "Node",
                              "metadata": ["name": .string("bench-\(run)-\(i)"), "labels": [label: .string(run), "kubernetes.io/hostname": .string("bench-\(run)-\(i)")]],
                              "status": ["capacity": ["cpu": "32", "memory": "128Gi", "pods": "110"],
                                         "allocatable": ["cpu": "32", "memory": "128Gi", "pods": "110"],
                                         "conditions": [["type": "Ready", "status": "True", "reason": "KubeletReady", "message": "benchmark node",
                                                         "lastHeartbeatTime": .string(now), "lastTransitionTime": .string(now)]]]]
            _ = try await api.request(.POST, "/api/v1/nodes", node)
        }
        say("nodes created in \(fmt(seconds(ContinuousClock.now - nodesStarted), 1)) s")

        var firstBound: ContinuousClock.Instant?
        var unbound = pods
        let deadline = ContinuousClock.now + .seconds(120)
        while unbound > 0 && ContinuousClock.now < deadline {
            let page = try await api.request(.GET, "/api/v1/namespaces/\(namespace)/pods?fieldSelector=spec.nodeName%3D&limit=1")
            unbound = (page["items"]?.arrayValue?.count ?? 0) + Int(page[path: ["metadata", "remainingItemCount"]]?.intValue ?? 0)
            if unbound < pods && firstBound == nil { firstBound = .now }
            if unbound > 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        let ended = ContinuousClock.now
        let bound = pods - unbound
        if let firstBound, bound > 0 {
            let span = seconds(ended - firstBound)
            say("\(bound) of \(pods) pods bound to \(nodes) nodes; first binding \(fmt(seconds(firstBound - nodesStarted), 1)) s after the nodes began, "
                + "last \(fmt(seconds(ended - nodesStarted), 1)) s after")
            say("throughput: \(fmt(Double(bound) / max(span, 0.1), 0)) pods/s (first binding to last)")
        } else {
            say("no pod was bound in 120 s")
        }
        if let serverPID, let status = FileManager.default.contents(atPath: "/proc/\(serverPID)/status"),
           let rss = procStatusKB(Array(status), "VmRSS") {
            say("server RSS: \(rss / 1024) MB")
        }

        say("cleaning up")
        _ = try? await api.send(.DELETE, "/api/v1/nodes?labelSelector=\(label)%3D\(run)")
        if !keep { _ = try? await api.request(.DELETE, "/api/v1/namespaces/\(namespace)") }
    }
}
