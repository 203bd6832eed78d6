import Foundation
import PlinthJSON
import Testing

/// The pod network across hosts: two runc hosts, each an agent in a network namespace of its
/// own (as MultiHostTests makes them), get pod CIDRs from the server; a pod on one reaches a
/// pod on the other by its address, pods reach the server's network through outbound NAT, a
/// connection between hosts outlives restarts of both agents and the server, a Deployment's
/// Service spreads requests over both hosts' pods through its ClusterIP and its DNS name (from
/// the host's cluster DNS) and follows readiness, its NodePort answers on every host and its
/// load-balancer address (from the server's pool) from the one host that announces it, a
/// NetworkPolicy admits only the pods it names (and removing it restores traffic), an isolated
/// namespace keeps other namespaces out, and when the pods and hosts go, nothing of the network
/// is left: no interfaces, routes, nftables tables, announced or recorded addresses.
@Suite("pod network across hosts")
struct PodNetworkTests {
    static let tools = ["/usr/sbin/ip", "/usr/bin/nsenter", "/usr/sbin/nft", "/usr/sbin/runc", "/bin/busybox", "/usr/bin/kubectl"]

    @Test(.enabled(if: getuid() == 0 && tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) },
                   "needs root, iproute2, util-linux, nftables, runc and busybox-static (apt-get install iproute2 util-linux nftables runc busybox-static)"))
    func podsOnTwoHostsReachEachOtherAndTheNetworkGoesWithThem() throws {
        let network = try MultiHostTests.Network(hosts: 2)
        let server = try PlinthServer()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-podnet-\(network.id)").path
        defer {
            server.cleanUp()
            network.remove(hosts: 2)
            try? FileManager.default.removeItem(atPath: work)
        }
        let loadBalancerPool = ["--load-balancer-pool", network.subnet + ".240/28"]
        try server.start(listen: network.serverAddress + ":0", arguments: loadBalancerPool)
        let serverPort = try #require(server.url.split(separator: ":").last.map(String.init))

        // The hosts have no registry: the image is imported into each (the air-gapped way).
        let image = "plinth.test/busybox:1.36"
        let builder = PlinthServer.packageRoot.appendingPathComponent("scripts/busybox-image").path
        let built = try CommandResult.run(builder, ["--layout", work + "/layout", "--name", image], environment: ProcessInfo.processInfo.environment, timeout: 60)
        #expect(built.status == 0, "\(built.stderr)")
        var environment = ProcessInfo.processInfo.environment
        environment["PLINTH_EXIT_WITH_PARENT"] = "1"
        var agents: [RunningCommand] = []
        defer { for a in agents { a.stop(signal: SIGKILL) } }
        func startAgent(_ i: Int) throws -> RunningCommand {
            // nsenter enters only the network namespace: the agent keeps the machine's mounts (cgroups for runc).
            try RunningCommand(path: "/usr/bin/nsenter", args: [
                "--net=/run/netns/\(network.namespace(i))", PlinthServer.binary, "agent", "--kubeconfig", server.kubeconfig,
                "--name", "host-\(i)", "--address", network.address(i), "--runtime", "runc", "--data-dir", "\(work)/host-\(i)", "--port", "10250",
                // Renewed every second: the test server calls a host silent after 6 s.
                "--lease-duration", "4",
            ], environment: environment)
        }
        for i in 0..<2 {
            let imported = try CommandResult.run(PlinthServer.binary, ["image", "import", "--data-dir", "\(work)/host-\(i)", work + "/layout"],
                                                 environment: environment, timeout: 60)
            #expect(imported.status == 0, "\(imported.stderr)")
            agents.append(try startAgent(i))
        }
        func get(_ args: String...) throws -> String {
            try server.kubectl(Array(args)).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func inHost(_ i: Int, _ args: String...) throws -> String {
            try MultiHostTests.Network.ip(["-n", network.namespace(i)] + args)
        }

        // Each host gets a pod CIDR of its own and builds its bridge and routes from it.
        var podCIDRs: [String] = []
        for (i, agent) in agents.enumerated() {
            do {
                try poll("host-\(i) Ready", timeout: 60) {
                    try get("get", "node", "host-\(i)", "-o", #"jsonpath={.status.conditions[?(@.type=="Ready")].status}"#) == "True"
                }
            } catch {
                throw TestFailure("\(error); the agent printed:\n\(agent.output.suffix(3000))")
            }
            let cidr = try get("get", "node", "host-\(i)", "-o", "jsonpath={.spec.podCIDR}")
            #expect(cidr.range(of: #"^10\.[0-9]+\.[0-9]+\.0/24$"#, options: .regularExpression) != nil, "host-\(i): \(cidr)")
            podCIDRs.append(cidr)
        }
        #expect(podCIDRs[0] != podCIDRs[1])
        for i in 0..<2 {
            let gateway = podCIDRs[i].replacingOccurrences(of: ".0/24", with: ".1/24")
            try poll("host-\(i)'s bridge and route to the other host") {
                (try? inHost(i, "-o", "addr", "show", "dev", "plinth0"))?.contains(gateway) == true
                    && (try? inHost(i, "route", "show", "proto", "98"))?.contains("\(podCIDRs[1 - i]) via \(network.address(1 - i))") == true
            }
        }

        func pod(_ name: String, host: Int, command: String, namespace: String = "default") -> String {
            """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "\(name)", "namespace": "\(namespace)", "labels": {"app": "\(name)"}},
             "spec": {"nodeSelector": {"kubernetes.io/hostname": "host-\(host)"}, "terminationGracePeriodSeconds": 1,
                      "containers": [{"name": "c", "image": "\(image)", "imagePullPolicy": "IfNotPresent", "command": ["sh", "-c", "\(command)"]}]}}
            """
        }
        #expect(try server.kubectl(["apply", "-f", "-"], stdin: pod("web", host: 0, command: "exec httpd -f -p 8080 -h /etc")).status == 0)
        #expect(try server.kubectl(["apply", "-f", "-"], stdin: pod("client", host: 1, command: "exec sleep 3600")).status == 0)
        let waited = try server.kubectl(["wait", "--for=condition=Ready", "pod/web", "pod/client", "--timeout=90s"], timeout: 100)
        #expect(waited.status == 0, "\(waited.stderr)\n\(agents[0].output.suffix(2000))\n\(agents[1].output.suffix(2000))")
        let webIP = try get("get", "pod", "web", "-o", "jsonpath={.status.podIP}")
        let clientIP = try get("get", "pod", "client", "-o", "jsonpath={.status.podIP}")
        #expect(webIP.hasPrefix(podCIDRs[0].replacingOccurrences(of: ".0/24", with: ".")), "web: \(webIP) in \(podCIDRs[0])")
        #expect(clientIP.hasPrefix(podCIDRs[1].replacingOccurrences(of: ".0/24", with: ".")), "client: \(clientIP) in \(podCIDRs[1])")

        // Host 1's pod fetches a file from host 0's pod by its address, across the hosts' routes.
        let fetched = try server.kubectl("exec", "client", "--", "sh", "-c", #"printf 'GET /hostname HTTP/1.0\r\n\r\n' | nc -w 5 \#(webIP) 8080"#)
        #expect(fetched.status == 0 && fetched.stdout.contains("200 OK") && fetched.stdout.hasSuffix("web\n"), "\(fetched.stdout)\(fetched.stderr)")
        // The server's bridge has no route to pod subnets: only NAT to host 1's address gets an answer back.
        let outbound = try server.kubectl("exec", "client", "--", "sh", "-c", "nc -w 5 \(network.serverAddress) \(serverPort) </dev/null && echo connected")
        #expect(outbound.stdout.contains("connected"), "\(outbound.stdout)\(outbound.stderr)")

        // A connection across the hosts outlives restarts of both agents and of the server: a
        // client streams lines through one TCP connection to an echo server on the other host.
        #expect(try server.kubectl(["apply", "-f", "-"], stdin: pod("echoer", host: 0, command: "exec nc -ll -p 9000 -e cat")).status == 0)
        #expect(try server.kubectl(["wait", "--for=condition=Ready", "pod/echoer", "--timeout=60s"], timeout: 70).status == 0)
        let echoerIP = try get("get", "pod", "echoer", "-o", "jsonpath={.status.podIP}")
        #expect(try server.kubectl("exec", "client", "--", "sh", "-c",
                                   "( (while true; do echo ping; sleep 0.1; done) | nc \(echoerIP) 9000 > /tmp/echoed 2>&1 ) < /dev/null > /dev/null 2>&1 &").status == 0)
        func echoed() throws -> Int { Int(try get("exec", "client", "--", "sh", "-c", "grep -c ping /tmp/echoed")) ?? 0 }
        try poll("the echo stream flowing") { try echoed() > 5 }
        for i in 0..<2 {
            agents[i].stop()
            agents[i] = try startAgent(i)
        }
        server.stop()
        try server.start(listen: network.serverAddress + ":" + serverPort, arguments: loadBalancerPool)
        try poll("both hosts Ready and untainted after the restarts", timeout: 60) {
            try get("get", "nodes", "-o", #"jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}"#) == "True True"
                && get("get", "nodes", "-o", "jsonpath={.items[*].spec.taints}").isEmpty
        }
        let before = try echoed()
        try poll("the same connection still echoing") { try echoed() > before + 10 }
        #expect(try get("exec", "client", "--", "sh", "-c", "grep -vc ping /tmp/echoed || true") == "0", "the stream saw something else")

        // A Deployment with one replica on each host (required anti-affinity) behind a Service
        // (a named target port), through its ClusterIP from a pod: requests spread over both
        // hosts' pods, and follow readiness.
        let echo = """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "echo"},
             "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "echo"}},
                      "template": {"metadata": {"labels": {"app": "echo"}},
                                   "spec": {"terminationGracePeriodSeconds": 1,
                                            "affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                                                {"labelSelector": {"matchLabels": {"app": "echo"}}, "topologyKey": "kubernetes.io/hostname"}]}},
                                            "containers": [{"name": "c", "image": "\(image)", "imagePullPolicy": "IfNotPresent",
                                                            "ports": [{"name": "http", "containerPort": 8080}],
                                                            "readinessProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 1},
                                                            "command": ["sh", "-c", "mkdir /www && echo $HOSTNAME > /www/name && touch /tmp/ready && exec httpd -f -p 8080 -h /www"]}]}}}}
            ---
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "echo"},
             "spec": {"type": "LoadBalancer", "selector": {"app": "echo"}, "ports": [{"name": "web", "port": 80, "targetPort": "http"}]}}
            """
        #expect(try server.kubectl(["apply", "-f", "-"], stdin: echo).status == 0)
        do {
            try poll("echo ready on both hosts", timeout: 90) { try get("get", "deployment", "echo", "-o", "jsonpath={.status.readyReplicas}") == "2" }
        } catch {
            throw TestFailure("\(error): \(try get("get", "pods", "-o", "wide"))\n\(try get("describe", "pods", "-l", "app=echo"))")
        }
        let clusterIP = try get("get", "service", "echo", "-o", "jsonpath={.spec.clusterIP}")
        let nodePort = try get("get", "service", "echo", "-o", "jsonpath={.spec.ports[0].nodePort}")
        func echoPod(on host: Int) throws -> String {
            try get("get", "pods", "-l", "app=echo", "--field-selector", "spec.nodeName=host-\(host)", "-o", "jsonpath={.items[0].metadata.name}")
        }
        let backends = [try echoPod(on: 0), try echoPod(on: 1)]
        /// Who answers 20 requests to the ClusterIP from the client pod.
        func answers() throws -> [String] {
            let r = try server.kubectl("exec", "client", "--", "sh", "-c",
                                       #"for i in $(seq 20); do printf 'GET /name HTTP/1.0\r\n\r\n' | nc -w 3 \#(clusterIP) 80 | tail -n 1; done"#)
            return r.stdout.split(separator: "\n").map(String.init)
        }
        try poll("the ClusterIP reaches both hosts' pods") { Set(try answers()) == Set(backends) }
        // The same through cluster DNS: the pod's resolv.conf names its host's DNS with the
        // namespace's search path; the short name, the full name and the named port's SRV resolve.
        let resolvConf = try server.kubectl("exec", "client", "--", "cat", "/etc/resolv.conf").stdout
        let gateway1 = podCIDRs[1].replacingOccurrences(of: ".0/24", with: ".1")
        #expect(resolvConf == "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver \(gateway1)\noptions ndots:5\n", "\(resolvConf)")
        for name in ["echo", "echo.default.svc.cluster.local"] {
            let byName = try server.kubectl("exec", "client", "--", "sh", "-c", #"printf 'GET /name HTTP/1.0\r\n\r\n' | nc -w 5 \#(name) 80 | tail -n 1"#)
            #expect(backends.contains(byName.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(name): \(byName.stdout)\(byName.stderr)")
        }
        let srv = try server.kubectl("exec", "client", "--", "busybox", "nslookup", "-type=srv", "_web._tcp.echo.default.svc.cluster.local")
        #expect(srv.stdout.contains("service = 0 100 80 echo.default.svc.cluster.local"), "\(srv.stdout)\(srv.stderr)")
        let missing = try server.kubectl("exec", "client", "--", "busybox", "nslookup", "nothing.default.svc.cluster.local")
        #expect(missing.status != 0 && missing.stdout.contains("NXDOMAIN"), "\(missing.stdout)")

        #expect(try server.kubectl("exec", backends[0], "--", "rm", "/tmp/ready").status == 0)
        try poll("an unready pod gets no requests") { Set(try answers()) == [backends[1]] }
        #expect(try server.kubectl("exec", backends[0], "--", "touch", "/tmp/ready").status == 0)
        try poll("a pod ready again gets requests again") { Set(try answers()) == Set(backends) }
        // The NodePort answers on each host's address, from outside the hosts.
        for i in 0..<2 {
            let reply = try CommandResult.run("/bin/busybox", ["nc", "-w", "5", network.address(i), nodePort], stdin: "GET /name HTTP/1.0\r\n\r\n",
                                              environment: environment, timeout: 20)
            #expect(reply.stdout.contains("200 OK") && backends.contains { reply.stdout.hasSuffix($0 + "\n") }, "host-\(i): \(reply.stdout)\(reply.stderr)")
        }
        // Its load-balancer address, from the pool, answers from outside the hosts (one host announces it).
        let loadBalancerIP = try get("get", "service", "echo", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}")
        #expect(loadBalancerIP.hasPrefix(network.subnet + ".24") || loadBalancerIP.hasPrefix(network.subnet + ".25"), "\(loadBalancerIP)")
        #expect(try get("get", "service", "echo").contains(loadBalancerIP), "kubectl shows the external IP")
        try poll("the load-balancer address answers") {
            let reply = try CommandResult.run("/bin/busybox", ["nc", "-w", "3", loadBalancerIP, "80"], stdin: "GET /name HTTP/1.0\r\n\r\n",
                                              environment: environment, timeout: 20)
            return backends.contains { reply.stdout.hasSuffix($0 + "\n") }
        }
        let announcers = try (0..<2).filter { try inHost($0, "-o", "addr", "show").contains(loadBalancerIP + "/32") }
        #expect(announcers.count == 1, "hosts announcing \(loadBalancerIP): \(announcers)")

        // A Service with no ready endpoint refuses at once rather than leaving clients to time out.
        #expect(try server.kubectl("delete", "deployment", "echo").status == 0)
        var attempt = ""
        do {
            try poll("the Service without endpoints refuses") {
                attempt = try server.kubectl("exec", "client", "--", "sh", "-c", "nc -w 3 \(clusterIP) 80 </dev/null 2>&1").stdout
                return attempt.contains("Connection refused")
            }
        } catch {
            throw TestFailure("\(error): \(attempt); \(try get("get", "pods,endpointslices", "-o", "wide"))")
        }

        // NetworkPolicy: web admits only pods labelled role=friend; labels and the policy's
        // removal take effect on connections made afterwards.
        func reachesWeb(from client: String = "client", namespace: String = "default", ip: String? = nil) throws -> Bool {
            let r = try server.kubectl("exec", client, "-n", namespace, "--", "sh", "-c",
                                       #"printf 'GET /hostname HTTP/1.0\r\n\r\n' | busybox timeout 3 nc \#(ip ?? webIP) 8080 | tail -n 1"#)
            return r.stdout.hasSuffix("\n") && !r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        let policy = """
            {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "web-ingress"},
             "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"role": "friend"}}}]}]}}
            """
        #expect(try server.kubectl(["apply", "-f", "-"], stdin: policy).status == 0)
        try poll("the policy cuts the client off") { try !reachesWeb() }
        #expect(try server.kubectl("label", "pod", "client", "role=friend").status == 0)
        try poll("a friend gets through") { try reachesWeb() }
        #expect(try server.kubectl("label", "pod", "client", "role-").status == 0)
        try poll("no longer a friend") { try !reachesWeb() }
        #expect(try server.kubectl("delete", "networkpolicy", "web-ingress").status == 0)
        try poll("without the policy, everyone again") { try reachesWeb() }

        // An isolated namespace (a namespace policy's network.isolated): its pods reach each
        // other, pods of other namespaces reach none of them.
        let isolated = "iso-\(network.id)"
        #expect(try server.kubectl(["apply", "-f", "-"], stdin: """
            {"apiVersion": "plinth.dev/v1alpha1", "kind": "NamespacePolicy", "metadata": {"name": "\(isolated)"}, "spec": {"network": {"isolated": true}}}
            """).status == 0)
        try poll("the isolated namespace and its NetworkPolicy") { try get("get", "networkpolicy", "plinth-policy", "-n", isolated, "-o", "name") != "" }
        #expect(try server.kubectl(["apply", "-f", "-"], stdin: pod("inside", host: 0, command: "exec httpd -f -p 8080 -h /etc", namespace: isolated)).status == 0)
        #expect(try server.kubectl(["apply", "-f", "-"], stdin: pod("neighbour", host: 1, command: "exec sleep 3600", namespace: isolated)).status == 0)
        let isolatedReady = try server.kubectl(["wait", "--for=condition=Ready", "pod/inside", "pod/neighbour", "-n", isolated, "--timeout=90s"], timeout: 100)
        #expect(isolatedReady.status == 0, "\(isolatedReady.stderr)")
        let insideIP = try get("get", "pod", "inside", "-n", isolated, "-o", "jsonpath={.status.podIP}")
        try poll("a pod of the namespace gets in") { try reachesWeb(from: "neighbour", namespace: isolated, ip: insideIP) }
        #expect(try !reachesWeb(ip: insideIP), "a pod of another namespace got into the isolated one")
        #expect(try server.kubectl("delete", "pods", "--all", "-n", isolated, "--wait=true", "--timeout=60s").status == 0)

        // Pods gone: their interfaces and addresses go with them.
        #expect(try server.kubectl("delete", "pod", "web", "client", "echoer", "--wait=true", "--timeout=60s").status == 0)
        #expect(try server.kubectl("delete", "service", "echo").status == 0)
        try poll("the load-balancer address withdrawn") { try (0..<2).allSatisfy { try !inHost($0, "-o", "addr", "show").contains(loadBalancerIP) } }
        for i in 0..<2 {
            try poll("host-\(i)'s pod interfaces and addresses freed") {
                let links = try inHost(i, "-o", "link", "show", "master", "plinth0")
                let book = (try? FileManager.default.contentsOfDirectory(atPath: "\(work)/host-\(i)/network/addresses/\(podCIDRs[i].replacingOccurrences(of: "/", with: "-"))")) ?? []
                return links.isEmpty && book.allSatisfy { $0 == "last-reserved" }
            }
        }
        // A Node deleted: the other host stops routing to it.
        agents[1].stop()
        #expect(try server.kubectl("delete", "node", "host-1").status == 0)
        try poll("host-0 no longer routes to host-1") { try inHost(0, "route", "show", "proto", "98").isEmpty }
        // A host whose agent stops with no pods takes its network down.
        agents[0].stop()
        for i in 0..<2 {
            #expect(try inHost(i, "-o", "link", "show").split(separator: "\n").allSatisfy { !$0.contains("plinth0") && !$0.contains(": pl") },
                    "host-\(i) kept interfaces")
            #expect(try inHost(i, "route", "show", "proto", "98").isEmpty)
            let tables = try CommandResult.run("/usr/bin/nsenter", ["--net=/run/netns/\(network.namespace(i))", "/usr/sbin/nft", "list", "tables"],
                                               environment: environment, timeout: 20)
            #expect(tables.status == 0 && tables.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "host-\(i): \(tables.stdout)")
            #expect(!FileManager.default.fileExists(atPath: "\(work)/host-\(i)/network/addresses"))
        }
    }
}
