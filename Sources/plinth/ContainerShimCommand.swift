import ArgumentParser
import Foundation
import PlinthRuntime

/// `plinth container-shim`: the process the runc runtime leaves with each running container
/// (see `ContainerShim`). Started by the host agent, not by people.
struct ContainerShimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "container-shim", abstract: "Run one container (used by the host agent).",
                                                    shouldDisplay: false)

    @Option var runc: String
    @Option var runcRoot: String
    @Option var bundle: String
    @Option var id: String
    @Option var log: String
    @Option var stdinSocket: String?
    @Flag var stdinOnce = false

    func run() throws {
        let code = try ContainerShim(runc: runc, runcRoot: runcRoot, bundle: bundle, id: id, logPath: log, stdinSocket: stdinSocket, stdinOnce: stdinOnce).run()
        throw ExitCode(code)
    }
}
