import ArgumentParser
import PlinthAPIServer

@main
struct Plinth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plinth",
        abstract: "One Kubernetes API over your Linux hosts: pods, virtual machines and clusters, governed by namespaces.",
        version: "plinth \(VersionInfo.plinthVersion) (Kubernetes 1.\(VersionInfo.kubernetesMinor) compatible)",
        subcommands: [UpCommand.self, ServerCommand.self, VersionCommand.self, BenchCommand.self]
    )
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Plinth's version and the Kubernetes version it is compatible with.")

    func run() {
        print("plinth \(VersionInfo.plinthVersion)")
        print("Kubernetes compatibility: v1.\(VersionInfo.kubernetesMinor)")
    }
}
