import AsyncHTTPClient
import ArgumentParser
import Foundation
import PlinthImages

/// `plinth image`: the images of this host's agent (pull, import for air-gapped hosts, list,
/// prune), in the agent's data directory.
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "image", abstract: "Manage the images of this host's agent.",
                                                    subcommands: [Pull.self, Import.self, List.self, Prune.self])

    struct Store: ParsableArguments {
        @Option(help: "The agent's data directory (default: /var/lib/plinth/agent/<host name>).")
        var dataDir: String?

        @Option(name: .customLong("registry-mirror"), help: "A mirror for a registry, REGISTRY=URL (repeatable).")
        var registryMirrors: [String] = []

        @Option(name: .customLong("insecure-registry"), help: "A registry reached over plain HTTP (repeatable).")
        var insecureRegistries: [String] = []

        func open() throws -> ImageStore {
            let root = (dataDir ?? "/var/lib/plinth/agent/" + ProcessInfo.processInfo.hostName.lowercased()) + "/images"
            var mirrors: [String: [String]] = [:]
            for m in registryMirrors {
                let parts = m.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--registry-mirror \(m): want REGISTRY=URL") }
                mirrors[parts[0], default: []].append(parts[1])
            }
            return try ImageStore(root: root, registry: RegistryClient(http: HTTPClient.shared,
                                                                       configuration: .init(mirrors: mirrors, plainHTTP: Set(insecureRegistries))))
        }
    }

    static func describe(_ image: StoredImage) -> String {
        let name = image.names.isEmpty ? (image.repoDigests.first ?? image.id) : image.names.joined(separator: ",")
        return "\(name)\t\(image.id.prefix(19))\t\(image.size) bytes"
    }

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pull an image from its registry (or a mirror).")
        @OptionGroup var store: Store
        @Argument(help: "Image reference, e.g. busybox or 127.0.0.1:5000/app:1.") var image: String

        func run() async throws {
            let images = try store.open()
            let started = ContinuousClock.now
            let pulled = try await images.pull(image) { done, total in
                FileHandle.standardError.write(Data("\rpulling \(image): \(done)/\(total) bytes".utf8))
            }
            FileHandle.standardError.write(Data("\n".utf8))
            print("pulled \(ImageCommand.describe(pulled)) in \(ContinuousClock.now - started)")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import the images of an OCI image layout directory (for hosts without registry access).")
        @OptionGroup var store: Store
        @Option(help: "Name for the image (default: the layout's org.opencontainers.image.ref.name annotation).") var name: String?
        @Argument(help: "An OCI image layout directory (index.json, blobs/).") var path: String

        func run() async throws {
            for image in try await store.open().importLayout(path, name: name) { print("imported \(ImageCommand.describe(image))") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the images on this host.")
        @OptionGroup var store: Store

        func run() async throws {
            print("IMAGE\tID\tSIZE")
            for image in await try store.open().list() { print(ImageCommand.describe(image)) }
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove images not named on the command line, and the blobs and layers only they used.")
        @OptionGroup var store: Store
        @Argument(help: "Images to keep.") var keep: [String] = []

        func run() async throws {
            let keep = Set(keep.compactMap { try? ImageReference($0).description })
            for name in try await store.open().collectGarbage(inUse: keep) { print("removed \(name)") }
        }
    }
}
