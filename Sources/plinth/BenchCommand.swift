import ArgumentParser
import PlinthBench

extension APIBenchmark.Kind: ExpressibleByArgument {}

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures.",
        subcommands: [BenchAPICommand.self, BenchPodsCommand.self, BenchSchedulerCommand.self]
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
