import Foundation
import PlinthJSON
import Testing

/// Two hosts on one machine, each agent in a network namespace of its own joined to the server
/// by a bridge the test makes (and removes): both register as Nodes and reach the server only
/// over the bridge; pods spread over them by resources, required anti-affinity keeps replicas
/// apart (and says why a third cannot run), and when one agent is killed its Node goes NotReady
/// and its Deployment's pods come back on the other host.
@Suite("two hosts in network namespaces")
struct MultiHostTests {
    static let tools = ["/usr/sbin/ip", "/usr/bin/kubectl"]

    /// A bridge with the server's address and one namespace per host, each with a veth on it.
    struct Network {
        let id: String
        let bridge: String
        let subnet: String
        var serverAddress: String { subnet + ".1" }
        func namespace(_ i: Int) -> String { "plinth-\(id)-\(i)" }
        func address(_ i: Int) -> String { subnet + ".\(i + 2)" }
        /// The host end of host i's veth pair, on the bridge.
        func veth(_ i: Int) -> String { "plv\(id)\(i)" }

        init(hosts: Int) throws {
            id = String(UUID().uuidString.prefix(6).lowercased())
            bridge = "plbr\(id)"
            // Outside the service range (10.96.0.0/12) and the test servers' pod ranges (10.150.0.0 and up).
            subnet = "10.\(Int.random(in: 80..<90)).\(Int.random(in: 0..<255))"
            try Self.ip("link", "add", bridge, "type", "bridge")
            try Self.ip("addr", "add", serverAddress + "/24", "dev", bridge)
            try Self.ip("link", "set", bridge, "up")
            for i in 0..<hosts {
                let (ns, veth) = (namespace(i), veth(i))
                try Self.ip("netns", "add", ns)
                try Self.ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
                try Self.ip("link", "set", veth, "master", bridge, "up")
                try Self.ip("-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0")
                try Self.ip("-n", ns, "link", "set", "eth0", "up")
                try Self.ip("-n", ns, "link", "set", "lo", "up")
            }
        }

        /// Each veth pair is deleted explicitly: the kernel tears down a deleted namespace's
        /// interfaces later, in the background, so `netns del` alone can leave them for a while.
        func remove(hosts: Int) {
            for i in 0..<hosts {
                _ = try? Self.ip("link", "del", veth(i))
                _ = try? Self.ip("netns", "del", namespace(i))
            }
            _ = try? Self.ip("link", "del", bridge)
        }

        @discardableResult
        static func ip(_ args: String...) throws -> String { try ip(args) }

        @discardableResult
        static func ip(_ args: [String]) throws -> String {
            let r = try CommandResult.run("/usr/sbin/ip", args, environment: ProcessInfo.processInfo.environment, timeout: 20)
            guard r.status == 0 else { throw TestFailure("ip \(args.joined(separator: " ")): \(r.stderr)") }
            return r.stdout
        }

        /// What the network leaves on the machine: interfaces and namespaces named for it.
        func leftovers() throws -> String {
            (try Self.ip("-o", "link", "show") + Self.ip("netns", "list")).split(separator: "\n").filter { $0.contains(id) }.joined(separator: "\n")
        }
    }

    @Test(.enabled(if: getuid() == 0 && tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) },
                   "needs root and iproute2 (apt-get install iproute2) to make network namespaces"))
    func hostsInNetworkNamespacesShareWorkAndTakeOverFromALostOne() throws {
        let network = try Network(hosts: 2)
        let server = try PlinthServer()
        defer {
            server.cleanUp()
            network.remove(hosts: 2)
            var left = (try? network.leftovers()) ?? "?"
            for _ in 0..<50 where !left.isEmpty {
                usleep(100_000)
                left = (try? network.leftovers()) ?? "?"
            }
            #expect(left == "", "network state left behind:\n\(left)")
        }
        try server.start(listen: network.serverAddress + ":0")
        #expect(server.url.hasPrefix("https://\(network.serverAddress):"))

        var environment = ProcessInfo.processInfo.environment
        environment["PLINTH_EXIT_WITH_PARENT"] = "1"
        var agents: [RunningCommand] = []
        defer { for a in agents { a.stop() } }
        for i in 0..<2 {
            let args = ["netns", "exec", network.namespace(i), PlinthServer.binary, "agent", "--kubeconfig", server.kubeconfig,
                        "--name", "host-\(i)", "--address", network.address(i), "--runtime", "fake", "--cpu", "2", "--memory", "4Gi",
                        "--port", "10250", "--lease-duration", "4"]
            agents.append(try RunningCommand(path: "/usr/sbin/ip", args: args, environment: environment))
        }
        func get(_ args: String...) throws -> String {
            try server.kubectl(Array(args)).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let ready = #"jsonpath={.status.conditions[?(@.type=="Ready")].status}"#
        for (i, agent) in agents.enumerated() {
            do {
                try poll("host-\(i) Ready", timeout: 60) { try get("get", "node", "host-\(i)", "-o", ready) == "True" }
            } catch {
                throw TestFailure("\(error); the agent printed:\n\(agent.output.suffix(3000))")
            }
            #expect(try get("get", "node", "host-\(i)", "-o", #"jsonpath={.status.addresses[?(@.type=="InternalIP")].address}"#) == network.address(i))
        }

        // Spread by resources: four pods of 600m on two hosts of 2 CPUs go two and two.
        func deployment(_ name: String, replicas: Int, cpu: String, extra: String = "") -> String {
            """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "\(name)"},
             "spec": {"replicas": \(replicas), "selector": {"matchLabels": {"app": "\(name)"}},
                      "template": {"metadata": {"labels": {"app": "\(name)"}},
                                   "spec": {"terminationGracePeriodSeconds": 0,
                                            "tolerations": [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 1},
                                                            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 1}],
                                            \(extra)
                                            "containers": [{"name": "c", "image": "busybox", "resources": {"requests": {"cpu": "\(cpu)"}}}]}}}}
            """
        }
        #expect(try server.kubectl(["apply", "-f", "-"], stdin: deployment("web", replicas: 4, cpu: "600m")).status == 0)
        /// The hosts of the app's running pods that are not being deleted (those on a lost host
        /// stay Terminating, as upstream's do, until the host comes back or its Node is deleted).
        func running(_ app: String) throws -> [String] {
            let list = try JSON.parse(Array(server.kubectl("get", "pods", "-l", "app=\(app)", "-o", "json").stdout.utf8))
            return (list["items"]?.arrayValue ?? []).filter { $0[path: ["metadata", "deletionTimestamp"]] == nil && $0.string("status", "phase") == "Running" }
                .compactMap { $0.string("spec", "nodeName") }.sorted()
        }
        try poll("web running on both hosts") { try running("web") == ["host-0", "host-0", "host-1", "host-1"] }
        #expect(try get("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.hostIP}").split(separator: " ").map(String.init).sorted()
                == [network.address(0), network.address(0), network.address(1), network.address(1)])

        // Required anti-affinity: one replica per host; a third has nowhere to go, and says why.
        let apart = #""affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"app": "apart"}}, "topologyKey": "kubernetes.io/hostname"}]}},"#
        #expect(try server.kubectl(["apply", "-f", "-"], stdin: deployment("apart", replicas: 3, cpu: "10m", extra: apart)).status == 0)
        try poll("apart running once per host") { try running("apart") == ["host-0", "host-1"] }
        try poll("the third apart pod explains itself") {
            try get("get", "pods", "-l", "app=apart", "-o", #"jsonpath={.items[*].status.conditions[?(@.type=="PodScheduled")].message}"#)
                .contains("0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.")
        }
        #expect(try server.kubectl("delete", "deployment", "apart").status == 0)

        // A host lost: its Node goes NotReady, its pods are evicted, and the Deployment brings them
        // back on the other host.
        agents[0].stop(signal: SIGKILL)
        try poll("host-0 NotReady", timeout: 60) { try get("get", "node", "host-0").contains("NotReady") }
        #expect(try get("get", "node", "host-0", "-o", ready) == "Unknown")
        let evicted = try get("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[?(@.spec.nodeName==\"host-0\")].metadata.name}")
        // host-1 has room for three pods of 600m: the fourth waits, unschedulable, rather than go to the lost host.
        try poll("web running three times on host-1", timeout: 60) { try running("web") == ["host-1", "host-1", "host-1"] }
        try poll("the pods of host-0 marked for deletion") {
            try get("get", "events", "--field-selector", "reason=TaintManagerEviction", "-o", "jsonpath={.items[*].message}")
                .split(separator: " ").count >= 2 * evicted.split(separator: " ").count
        }
        #expect(try get("get", "pods", "-l", "app=web", "--field-selector", "status.phase=Pending", "-o", "name").split(separator: "\n").count == 1)
    }
}
