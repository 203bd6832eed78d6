import AsyncHTTPClient
import ArgumentParser
import Foundation
import PlinthImages
import PlinthRuntime

/// How a host agent reaches registries: shared by `plinth agent`, `plinth image` and the local
/// agent of `plinth up`.
struct RegistryOptions: ParsableArguments {
    @Option(name: .customLong("registry-mirror"), help: "A mirror for a registry, REGISTRY=URL (repeatable; e.g. docker.io=http://127.0.0.1:5000), tried before the registry.")
    var registryMirrors: [String] = []

    @Option(name: .customLong("insecure-registry"), help: "A registry reached over plain HTTP (repeatable; loopback registries always are).")
    var insecureRegistries: [String] = []

    func validate() throws {
        for m in registryMirrors where m.split(separator: "=", maxSplits: 1).count != 2 {
            throw ValidationError("--registry-mirror \(m): want REGISTRY=URL")
        }
    }

    /// An image store under `directory` with the mirrors and plain-HTTP registries given.
    func images(in directory: String) throws -> ImageStore {
        var mirrors: [String: [String]] = [:]
        for m in registryMirrors {
            let parts = m.split(separator: "=", maxSplits: 1).map(String.init)
            mirrors[parts[0], default: []].append(parts[1])
        }
        let registry = RegistryClient(http: HTTPClient.shared, configuration: .init(mirrors: mirrors, plainHTTP: Set(insecureRegistries)))
        return try ImageStore(root: directory + "/images", registry: registry)
    }

    /// A runc runtime keeping its state under `directory`, its containers run by this binary's
    /// `container-shim`.
    func runcRuntime(in directory: String, network: (any PodNetwork)?) throws -> RuncRuntime {
        let binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return try RuncRuntime(root: directory + "/runtime", images: images(in: directory), shimCommand: [binary, "container-shim"], network: network)
    }
}

/// Where a host agent keeps its state, and its registries: shared by `plinth agent` and
/// `plinth image`, which work on the same image store.
struct AgentStorageOptions: ParsableArguments {
    @Option(help: "The agent's data directory: images, pods and logs (default: /var/lib/plinth/agent/<node name>).")
    var dataDir: String?

    @OptionGroup var registries: RegistryOptions

    /// The agent's data directory for node `nodeName`.
    func directory(node nodeName: String) -> String { dataDir ?? "/var/lib/plinth/agent/" + nodeName }

    /// The image store of node `nodeName`'s agent.
    func images(node nodeName: String) throws -> ImageStore { try registries.images(in: directory(node: nodeName)) }
}
