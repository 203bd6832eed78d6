import ArgumentParser
import Foundation
import Logging
import PlinthAgent
import PlinthAPIMachinery
import PlinthClient
import PlinthRuntime
import ServiceLifecycle

/// `plinth agent`: runs the host agent for this machine against a Plinth server.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run a host agent: register this host as a Node and run the pods bound to it.",
        discussion: """
        With --runtime runc (the default) pods run as OCI containers: images are pulled into \
        --data-dir (see --registry-mirror for air-gapped hosts, and `plinth image import`), each pod \
        gets its own network, IPC and UTS namespaces, and containers keep running when the agent \
        restarts. With --runtime fake the agent runs nothing: pods go Running without processes, so \
        one machine can act as many hosts (--count) for scale tests.
        """)

    @OptionGroup var connection: AdminConnection

    @Option(help: "API server URL (default: the kubeconfig's).")
    var server: String?

    @Option(help: "Node name (default: this machine's host name). With --count, names are NAME-0 … NAME-(N-1).")
    var name: String?

    @Option(help: "Pod runtime: runc (containers), or fake (pods go Running without processes, for scale tests).")
    var runtime: String = "runc"

    @OptionGroup var storage: AgentStorageOptions

    @OptionGroup var podNetwork: PodNetworkOptions

    @Option(help: "The host's address for the Node and pods' hostIP.")
    var address: String = "127.0.0.1"

    @Option(help: "CPU capacity (default: this machine's CPUs).")
    var cpu: String?

    @Option(help: "Memory capacity (default: this machine's memory).")
    var memory: String?

    @Option(help: "Pod capacity.")
    var pods: Int = 110

    @Option(name: .customLong("label"), help: "A Node label key=value (repeatable).")
    var labels: [String] = []

    @Option(name: .customLong("register-with-taints"), help: "Taints the Node is created with, key=value:Effect (repeatable).")
    var taints: [String] = []

    @Option(help: "How many fake hosts to run in this process (fake runtime only).")
    var count: Int = 1

    @Option(help: "First fake host's pod subnet index: host i hands out 10.(244+(index+i)/256).((index+i)%256).x.")
    var subnetIndex: Int = 0

    @Option(help: "Seconds a Node's Lease stays valid without renewal; renewed every quarter of it.")
    var leaseDuration: Int = 40

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "Port of the agent's HTTPS endpoint on --address, which the server reaches for pod logs (0: none; hosts run with --count serve none).")
    var port: Int = 10250

    func validate() throws {
        guard runtime == "fake" || runtime == "runc" else { throw ValidationError("--runtime must be runc or fake") }
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard count == 1 || runtime == "fake" else { throw ValidationError("--count is for the fake runtime; run one agent per host with runc") }
        for l in labels where !l.contains("=") { throw ValidationError("--label \(l): want key=value") }
        for t in taints where Taint(t) == nil {
            throw ValidationError("--register-with-taints \(t): want key=value:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute")
        }
        guard leaseDuration >= 4 else { throw ValidationError("--lease-duration must be at least 4 seconds") }
    }

    func run() async throws {
        var logger = Logger(label: "plinth-agent")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var clientConfig = try ClientConfig.load(path: connection.path)
        if let server { clientConfig.server = server.hasSuffix("/") ? String(server.dropLast()) : server }
        // Each host's watches hold a connection each; the rest share what is left.
        let watches = HostAgent.watches(withNetwork: runtime == "runc" && podNetwork.podNetwork == "bridge")
        let api = APIClient(config: clientConfig, connectionsPerHost: count * watches + 8)
        let system = SystemInfo.current()
        let baseName = name ?? ProcessInfo.processInfo.hostName.lowercased()
        var labelMap: [String: String] = [:]
        for l in labels {
            let parts = l.split(separator: "=", maxSplits: 1)
            labelMap[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        let capacity = [
            "cpu": cpu ?? String(system.cpus), "memory": memory ?? "\(system.memoryKiB)Ki", "pods": String(pods),
            "ephemeral-storage": "100Gi",
        ]
        var runtimes: [any PodRuntime] = []
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = try (0..<count).map { i in
            let index = subnetIndex + i
            let config = HostAgentConfiguration(nodeName: count == 1 ? baseName : "\(baseName)-\(i)", address: address,
                                                labels: labelMap, taints: taints.compactMap { Taint($0) },
                                                capacity: capacity, leaseDurationSeconds: leaseDuration, port: count == 1 ? port : 0)
            let podRuntime: any PodRuntime
            var network: BridgePodNetwork?
            if runtime == "fake" {
                podRuntime = FakePodRuntime(addressPrefix: "10.\(244 + index / 256).\(index % 256)")
            } else {
                let directory = storage.directory(node: config.nodeName)
                network = try podNetwork.network(in: directory)
                podRuntime = try storage.registries.runcRuntime(in: directory, network: network)
            }
            runtimes.append(podRuntime)
            return .init(service: HostAgent(config: config, api: api, runtime: podRuntime, network: network, system: system, logger: logger))
        }
        if count == 1 && port > 0 {
            let nodeName = baseName
            services.append(.init(service: try AgentServer(runtime: runtimes[0], host: address, port: port,
                                                          directory: storage.directory(node: nodeName) + "/pki", nodeName: nodeName,
                                                          clientCA: clientConfig.tls.trustRoots ?? .default, logger: logger)))
        }
        if ProcessInfo.processInfo.environment["PLINTH_EXIT_WITH_PARENT"] == "1" {
            services.append(.init(service: ParentWatcher(logger: logger), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await api.shutdown()
    }
}
