import ArgumentParser
import Foundation
import PlinthBench
import PlinthRuntime

extension APIBenchmark.Kind: ExpressibleByArgument {}

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures.",
        subcommands: [BenchAPICommand.self, BenchPodsCommand.self, BenchSchedulerCommand.self, BenchNetworkCommand.self, BenchServiceRulesCommand.self,
                      BenchTCPProbeCommand.self]
    )
}

struct BenchAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Load an API server through its kubeconfig: creates, GETs and a LIST of ConfigMaps (or custom resources); prints rates, latencies and the server's RSS."
    )

    @Option(name: .long, help: "Kubeconfig of the server to load.")
    var kubeconfig: String

    @Option(name: .long, help: "Concurrent connections.")
    var connections: Int = 16

    @Option(name: .long, help: "What to load: configmap, or custom (custom resources of a CRD the benchmark installs).")
    var kind: APIBenchmark.Kind = .configmap

    @Option(name: .long, help: "Objects to create.")
    var creates: Int = 20_000

    @Option(name: .long, help: "GET requests to send.")
    var gets: Int = 50_000

    @Option(name: .long, help: "PID of the server, to report its RSS (read from /proc).")
    var serverPid: Int?

    @Option(name: .long, help: "Namespace to create (and leave) the objects in.")
    var namespace: String = "bench"

    func run() async throws {
        try await APIBenchmark(kubeconfigPath: kubeconfig, connections: connections, creates: creates, gets: gets,
                               serverPID: serverPid, namespace: namespace, kind: kind).run()
    }
}

struct BenchPodsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pods",
        abstract: "Pod start latency: creates pods one after another and prints create → Running percentiles (have the image on the host first)."
    )

    @Option(name: .long, help: "Kubeconfig of the server.")
    var kubeconfig: String

    @Option(name: .long, help: "Pods to create.")
    var pods: Int = 100

    @Option(name: .long, help: "Image of the pods' one container.")
    var image: String = "busybox"

    @Option(name: .long, help: "Milliseconds between creates.")
    var intervalMs: Int = 100

    @Option(name: .long, help: "A node selector key=value, to place the pods on one host (repeatable).")
    var nodeSelector: [String] = []

    @Option(name: .long, help: "Namespace to create the pods in (deleted afterwards unless --keep).")
    var namespace: String = "bench-pods"

    @Flag(name: .long, help: "Keep the namespace and its pods.")
    var keep = false

    func run() async throws {
        var selector: [String: String] = [:]
        for s in nodeSelector {
            let parts = s.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw ValidationError("--node-selector \(s): want key=value") }
            selector[String(parts[0])] = String(parts[1])
        }
        try await PodStartBenchmark(kubeconfigPath: kubeconfig, pods: pods, image: image, command: ["sleep", "3600"], nodeSelector: selector,
                                    interval: .milliseconds(intervalMs), namespace: namespace, keep: keep).run()
    }
}

struct BenchSchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Scheduler throughput: pods waiting for Node objects without agents; prints pods bound per second and the server's RSS."
    )

    @Option(name: .long, help: "Kubeconfig of the server.")
    var kubeconfig: String

    @Option(name: .long, help: "Node objects to create.")
    var nodes: Int = 500

    @Option(name: .long, help: "Pods to create (before the nodes).")
    var pods: Int = 10_000

    @Option(name: .long, help: "Concurrent connections for the creates.")
    var connections: Int = 16

    @Option(name: .long, help: "PID of the server, to report its RSS (read from /proc).")
    var serverPid: Int?

    @Option(name: .long, help: "Namespace to create the pods in (deleted afterwards unless --keep).")
    var namespace: String = "bench-scheduler"

    @Flag(name: .long, help: "Keep the namespace and its pods.")
    var keep = false

    func run() async throws {
        try await SchedulerBenchmark(kubeconfigPath: kubeconfig, nodes: nodes, pods: pods, connections: connections, serverPID: serverPid,
                                     namespace: namespace, keep: keep).run()
    }
}

struct BenchNetworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Pod network throughput and latency on this host: pod → pod IP and pod → ClusterIP next to a bare veth pair (run as root beside the host's agent)."
    )

    @Option(name: .long, help: "Kubeconfig of the server.")
    var kubeconfig: String

    @Option(name: .long, help: "This host's agent data directory (plinth up: DATA-DIR/agent).")
    var agentDataDir: String

    @Option(name: .long, help: "Seconds each stream runs.")
    var seconds: Double = 5

    @Option(name: .long, help: "Round trips per latency measurement.")
    var pings: Int = 20000

    @Option(name: .long, help: "Image of the two pods (only their network namespaces are used).")
    var image: String = "busybox"

    @Option(name: .long, help: "Prefix of the namespace for the pods and the Service (a random suffix is added; deleted afterwards).")
    var namespace: String = "bench-network"

    func run() async throws {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        try await NetworkBenchmark(kubeconfigPath: kubeconfig, agentDirectory: agentDataDir, namespace: namespace, seconds: seconds, pings: pings,
                                   image: image, executable: executable).run()
    }
}

struct BenchTCPProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcp-probe",
        abstract: "The TCP tool `bench network` runs inside network namespaces: serve, stream (prints Gbit/s), ping (prints p50 p90 p99 µs).",
        shouldDisplay: false
    )

    @Argument(help: "serve, stream or ping")
    var mode: String

    @Option(name: .long, help: "serve: the port to listen on.")
    var port: Int = 5001

    @Option(name: .long, help: "stream, ping: IP:PORT of the server.")
    var to: String?

    @Option(name: .long, help: "stream: seconds to send for.")
    var seconds: Double = 5

    @Option(name: .long, help: "ping: round trips.")
    var count: Int = 10000

    func run() throws {
        if mode == "serve" { try TCPProbe.serve(port: port) }
        guard let to, let colon = to.lastIndex(of: ":"), let targetPort = Int(to[to.index(after: colon)...]) else {
            throw ValidationError("--to IP:PORT is needed for \(mode)")
        }
        let host = String(to[..<colon])
        switch mode {
        case "stream":
            print("gbps " + String(format: "%.3f", try TCPProbe.stream(host: host, port: targetPort, seconds: seconds)))
        case "ping":
            let rtts = try TCPProbe.ping(host: host, port: targetPort, count: count)
            let q = { (p: Double) in rtts[min(rtts.count - 1, Int(Double(rtts.count) * p))] }
            print(String(format: "%.1f %.1f %.1f", q(0.5), q(0.9), q(0.99)))
        default:
            throw ValidationError("mode must be serve, stream or ping")
        }
    }
}

struct BenchServiceRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service-rules",
        abstract: "Time to program Services into this network namespace's nftables (as a host's proxy does), then to change one endpoint; run in a namespace of its own: unshare --net plinth bench service-rules."
    )

    @Option(name: .long, help: "Services (one port each).")
    var services: Int = 1000

    @Option(name: .long, help: "Ready endpoints per Service.")
    var endpoints: Int = 10

    @Option(name: .long, help: "Times to program the whole set.")
    var rounds: Int = 5

    func run() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-bench-rules-\(getpid())").path
        let network = try BridgePodNetwork(bridge: "plbench", stateDirectory: state)
        func rules(variant: Int) -> [ServicePortRule] {
            (0..<services).map { i in
                ServicePortRule(id: "bench/svc-\(i):http", proto: "tcp", clusterIP: "10.96.\(i / 250).\(i % 250 + 1)", port: 80,
                                nodePort: 30000 + i % 2768,
                                endpoints: (0..<endpoints).map { j in .init(ip: "10.244.\(j).\((i + variant * (j == 0 ? 1 : 0)) % 250 + 2)", port: 8080) })
            }
        }
        var timings: [Duration] = []
        for round in 0..<rounds {
            let set = rules(variant: round)
            let started = ContinuousClock.now
            try await network.program(services: set)
            timings.append(ContinuousClock.now - started)
        }
        try await network.tearDown()
        try? FileManager.default.removeItem(atPath: state)
        let sorted = timings.sorted()
        func ms(_ d: Duration) -> String { String(format: "%.0f", Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15) }
        print("programmed \(services) Services × \(endpoints) endpoints (\(services * endpoints) endpoint chains) \(rounds) times, each round changing an endpoint of every Service")
        print("median \(ms(sorted[sorted.count / 2])) ms, fastest \(ms(sorted[0])) ms, "
              + "slowest \(ms(sorted.last!)) ms")
    }
}
