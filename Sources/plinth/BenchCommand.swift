import ArgumentParser
import PlinthBench

extension APIBenchmark.Kind: ExpressibleByArgument {}

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures.",
        subcommands: [BenchAPICommand.self]
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
