import ArgumentParser

struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run everything on this machine: the API server with the embedded store and the controllers (the scheduler and the local host agent join here as they land).",
        discussion: "State lives in --data-dir; the admin kubeconfig is written there. Stop with Ctrl-C; restart on the same data dir to carry on."
    )

    @OptionGroup var options: ControlPlaneOptions

    func run() async throws {
        try await ControlPlane.run(options, role: "all-in-one")
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
