import Foundation
import PlinthClient
import PlinthJSON

/// Pod network throughput and latency on one host, next to the bare kernel path: two pods on a
/// running cluster (a server and a client) with a Service in front of the server; the TCP probe
/// runs inside the pods' network namespaces (entered with nsenter, so no image needs the tool)
/// and measures client → server pod IP, client → ClusterIP, and the same between two network
/// namespaces joined by a bare veth pair (no bridge, no nftables).
public struct NetworkBenchmark: Sendable {
    let kubeconfigPath: String
    /// The host agent's data directory, where pods' network namespaces are pinned.
    let agentDirectory: String
    let namespace: String
    let seconds: Double
    let pings: Int
    let image: String
    let executable: String

    public init(kubeconfigPath: String, agentDirectory: String, namespace: String, seconds: Double, pings: Int, image: String, executable: String) {
        self.kubeconfigPath = kubeconfigPath
        self.agentDirectory = agentDirectory
        // A name of its own per run: the last run's namespace may still be going away.
        self.namespace = namespace + "-" + String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        self.seconds = seconds
        self.pings = pings
        self.image = image
        self.executable = executable
    }

    static let port = 5001

    public func run() async throws {
        let api = APIClient(config: try ClientConfig.load(path: kubeconfigPath), connectionsPerHost: 4)
        var servers: [Process] = []
        defer {
            for s in servers where s.isRunning { s.terminate() }
            Self.removeBareNamespaces()
        }
        do {
            let ns = "/api/v1/namespaces/\(namespace)"
            _ = try? await api.request(.POST, "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
            for name in ["bench-server", "bench-client"] {
                let pod: JSON = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "labels": ["app": .string(name)]],
                                 "spec": ["terminationGracePeriodSeconds": 0,
                                          "containers": [["name": "c", "image": .string(image), "imagePullPolicy": "IfNotPresent", "command": ["sleep", "3600"]]]]]
                _ = try await api.request(.POST, ns + "/pods", pod)
            }
            let service: JSON = ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "bench-server"],
                                 "spec": ["selector": ["app": "bench-server"], "ports": [["port": .int(Int64(Self.port))]]]]
            let clusterIP = try await api.request(.POST, ns + "/services", service).string("spec", "clusterIP") ?? ""
            var pods: [String: JSON] = [:]
            let deadline = ContinuousClock.now + .seconds(120)
            while pods.count < 2 {
                guard ContinuousClock.now < deadline else { throw BenchError("the bench pods did not start within 120 s") }
                try await Task.sleep(for: .milliseconds(200))
                for name in ["bench-server", "bench-client"] {
                    let pod = try await api.request(.GET, ns + "/pods/" + name)
                    if pod.string("status", "phase") == "Running", pod.string("status", "podIP") != nil { pods[name] = pod }
                }
            }
            func netns(_ pod: JSON) -> String { agentDirectory + "/runtime/pods/\(pod.string("metadata", "uid") ?? "")/ns/net" }
            let serverNS = netns(pods["bench-server"]!), clientNS = netns(pods["bench-client"]!)
            guard FileManager.default.fileExists(atPath: serverNS) else { throw BenchError("no network namespace at \(serverNS): is --agent-data-dir this host's agent's?") }
            servers.append(try startServer(inNamespace: serverNS))
            try Self.makeBareNamespaces()
            servers.append(try startServer(inNamespace: "/run/netns/plinth-bench-b"))
            try await Task.sleep(for: .seconds(2))  // the Service's endpoints reach the proxy

            say("pod network on this host, \(fmt(seconds, 0)) s streams, \(pings) pings of 64 bytes each (TCP, one connection)")
            say(pad("path", 34) + pad("Gbit/s", 10) + pad("p50 µs", 10) + pad("p90 µs", 10) + "p99 µs")
            let paths = [("bare veth pair (no bridge, no rules)", "/run/netns/plinth-bench-a", "10.250.0.2"),
                         ("pod → pod IP", clientNS, pods["bench-server"]!.string("status", "podIP")!),
                         ("pod → ClusterIP", clientNS, clusterIP)]
            for (label, from, target) in paths {
                let gbps = try probe(from, ["stream", "--to", "\(target):\(Self.port)", "--seconds", String(seconds)])
                let rtts = try probe(from, ["ping", "--to", "\(target):\(Self.port)", "--count", String(pings)])
                let gbpsValue = gbps.split(separator: " ").last.flatMap { Double($0) } ?? 0
                let quantiles = rtts.split(separator: " ").compactMap { Double($0) }
                guard quantiles.count == 3 else { throw BenchError("unexpected ping output: \(rtts)") }
                say(pad(label, 34) + pad(fmt(gbpsValue, 2), 10) + pad(fmt(quantiles[0], 0), 10) + pad(fmt(quantiles[1], 0), 10) + fmt(quantiles[2], 0))
            }
        } catch {
            _ = try? await api.send(.DELETE, "/api/v1/namespaces/\(namespace)")
            await api.shutdown()
            throw error
        }
        _ = try? await api.send(.DELETE, "/api/v1/namespaces/\(namespace)")
        await api.shutdown()
    }

    func startServer(inNamespace path: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        p.arguments = ["--net=" + path, executable, "bench", "tcp-probe", "serve", "--port", String(Self.port)]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Runs the probe client in a network namespace; its last output line.
    func probe(_ namespacePath: String, _ arguments: [String]) throws -> String {
        let r = try Self.command("/usr/bin/nsenter", ["--net=" + namespacePath, executable, "bench", "tcp-probe"] + arguments)
        return r.split(separator: "\n").last.map(String.init) ?? ""
    }

    @discardableResult
    static func command(_ path: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0 else { throw BenchError("\(path) \(arguments.joined(separator: " ")): \(text)") }
        return text
    }

    /// Two namespaces joined by a veth pair, 10.250.0.1 and 10.250.0.2: the kernel's own path.
    static func makeBareNamespaces() throws {
        removeBareNamespaces()
        for ns in ["plinth-bench-a", "plinth-bench-b"] {
            try command("/usr/sbin/ip", ["netns", "add", ns])
            try command("/usr/sbin/ip", ["-n", ns, "link", "set", "lo", "up"])
        }
        try command("/usr/sbin/ip", ["-n", "plinth-bench-a", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", "plinth-bench-b"])
        for (ns, ip) in [("plinth-bench-a", "10.250.0.1"), ("plinth-bench-b", "10.250.0.2")] {
            try command("/usr/sbin/ip", ["-n", ns, "addr", "add", ip + "/30", "dev", "eth0"])
            try command("/usr/sbin/ip", ["-n", ns, "link", "set", "eth0", "up"])
        }
    }

    static func removeBareNamespaces() {
        for ns in ["plinth-bench-a", "plinth-bench-b"] { _ = try? command("/usr/sbin/ip", ["netns", "del", ns]) }
    }
}
