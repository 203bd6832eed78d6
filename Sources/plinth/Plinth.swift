import ArgumentParser
import Foundation
import PlinthAPIServer

@main
struct Plinth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plinth",
        abstract: "One Kubernetes API over your Linux hosts: pods, virtual machines and clusters, governed by namespaces.",
        version: "plinth \(VersionInfo.plinthVersion) (Kubernetes 1.\(VersionInfo.kubernetesMinor) compatible)",
        subcommands: [UpCommand.self, ServerCommand.self, LoginCommand.self, LogoutCommand.self, CredentialCommand.self,
                      UserCommand.self, GroupCommand.self, NamespaceCommand.self, KeysCommand.self, AgentCommand.self, ImageCommand.self, ContainerShimCommand.self, VersionCommand.self, BenchCommand.self]
    )
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Plinth's version and the Kubernetes version it is compatible with.")

    func run() {
        print("plinth \(VersionInfo.plinthVersion)")
        print("Kubernetes compatibility: v1.\(VersionInfo.kubernetesMinor)")
    }
}

/// `plinth keys rotate`: a new token-signing key (tokens signed with older keys stay valid).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Manage token-signing keys.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rotate", abstract: "Start signing tokens with a new key; running servers sign with it within 30 seconds.")
        @Option(name: .long, help: "The server's data directory (default: ~/.plinth).") var dataDir: String?
        func run() async throws {
            let dir = (dataDir.map { ($0 as NSString).expandingTildeInPath }) ?? ((ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.plinth")
            let kid = try SigningKeyRing.rotate(in: dir + "/signing-keys")
            print("new signing key \(kid)")
        }
    }
}
