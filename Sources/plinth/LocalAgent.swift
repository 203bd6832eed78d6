import Foundation
import Logging
import PlinthAgent
import PlinthClient
import PlinthRuntime
import ServiceLifecycle

/// The host agent `plinth up` runs for its own machine once the API server listens: Node named
/// after the host, pods as runc containers under `<data dir>/agent`, logs served on `port`. It
/// talks to the server over HTTPS with the admin kubeconfig, as any agent does.
struct LocalAgent: Service {
    let announce: Announcer
    let kubeconfigPath: String
    let directory: String
    let registries: RegistryOptions
    let podNetwork: PodNetworkOptions
    let port: Int
    let logger: Logger

    func run() async throws {
        guard await cancelWhenGracefulShutdown({ await announce.waitForURL() }) != nil else { return }
        let api = APIClient(config: try ClientConfig.load(path: kubeconfigPath),
                            connectionsPerHost: HostAgent.watches(withNetwork: podNetwork.podNetwork == "bridge") + 8)
        let system = SystemInfo.current()
        let nodeName = ProcessInfo.processInfo.hostName.lowercased()
        let config = HostAgentConfiguration(nodeName: nodeName, address: "127.0.0.1",
                                            capacity: ["cpu": String(system.cpus), "memory": "\(system.memoryKiB)Ki", "pods": "110",
                                                       "ephemeral-storage": "100Gi"],
                                            port: port)
        var network: BridgePodNetwork?
        do {
            network = try podNetwork.network(in: directory)
        } catch {
            // The host still runs pods without one; say why they get loopback only.
            logger.warning("local agent: no pod network (pods get loopback only): \(error)")
        }
        let runtime = try registries.runcRuntime(in: directory, network: network)
        let agent = HostAgent(config: config, api: api, runtime: runtime, network: network, system: system, logger: logger)
        let server = port > 0 ? try AgentServer(runtime: runtime, host: "127.0.0.1", port: port, directory: directory + "/pki", nodeName: nodeName,
                                                clientCA: try ClientConfig.load(path: kubeconfigPath).tls.trustRoots ?? .default, logger: logger) : nil
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await agent.run() }
            if let server {
                group.addTask {
                    // Without its log endpoint the host still runs pods; say so and go on.
                    do { try await server.run() } catch { logger.warning("local agent: no log endpoint on port \(port): \(error)") }
                }
            }
        }
        await api.shutdown()
    }
}
