import ArgumentParser
import PlinthRuntime

struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run everything on this machine: the API server with the embedded store, the scheduler and controllers, and a host agent that runs pods as runc containers.",
        discussion: """
        State lives in --data-dir; the admin kubeconfig is written there, and the local host agent keeps \
        images, pods and logs under DATA-DIR/agent. Stop with Ctrl-C; restart on the same data dir to carry on. \
        The host agent needs root and runc; without them (or with --no-agent) the control plane runs alone.
        """
    )

    @OptionGroup var options: ControlPlaneOptions

    @Flag(help: "Run no host agent for this machine.")
    var noAgent = false

    @Option(help: "Port of the local host agent's log endpoint (0: none).")
    var agentPort: Int = 10250

    @OptionGroup var registries: RegistryOptions

    @OptionGroup var podNetwork: PodNetworkOptions

    func run() async throws {
        var agent: ControlPlane.LocalAgentSettings?
        if !noAgent {
            if let missing = RuncRuntime.unavailableReason() {
                print("plinth: no host agent for this machine: \(missing); pods stay Pending until a host joins (plinth agent)")
            } else {
                agent = .init(registries: registries, podNetwork: podNetwork, port: agentPort)
            }
        }
        try await ControlPlane.run(options, role: "all-in-one", localAgent: agent)
    }
}

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the control plane (API server and controllers) without a host agent."
    )

    @OptionGroup var options: ControlPlaneOptions

    func run() async throws {
        try await ControlPlane.run(options, role: "server")
    }
}
