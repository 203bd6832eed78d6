import ArgumentParser
import Foundation
import PlinthImages

/// `plinth image`: the images of this host's agent (pull, import for air-gapped hosts, list,
/// prune), in the agent's data directory (`--data-dir`, as given to `plinth agent`).
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "image", abstract: "Manage the images of this host's agent.",
                                                    subcommands: [Pull.self, Import.self, List.self, Prune.self])

    /// The node name `plinth agent` uses by default on this machine.
    static var hostName: String { ProcessInfo.processInfo.hostName.lowercased() }

    static func describe(_ image: StoredImage) -> String {
        let name = image.names.isEmpty ? (image.repoDigests.first ?? image.id) : image.names.joined(separator: ",")
        return "\(name)\t\(image.id.prefix(19))\t\(image.size) bytes"
    }

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pull an image from its registry (or a mirror).")
        @OptionGroup var storage: AgentStorageOptions
        @Argument(help: "Image reference, e.g. busybox or 127.0.0.1:5000/app:1.") var image: String

        func run() async throws {
            let images = try storage.images(node: ImageCommand.hostName)
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
        @OptionGroup var storage: AgentStorageOptions
        @Option(help: "Name for the image (default: the layout's org.opencontainers.image.ref.name annotation).") var name: String?
        @Argument(help: "An OCI image layout directory (index.json, blobs/).") var path: String

        func run() async throws {
            for image in try await storage.images(node: ImageCommand.hostName).importLayout(path, name: name) { print("imported \(ImageCommand.describe(image))") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the images on this host.")
        @OptionGroup var storage: AgentStorageOptions

        func run() async throws {
            print("IMAGE\tID\tSIZE")
            for image in await try storage.images(node: ImageCommand.hostName).list() { print(ImageCommand.describe(image)) }
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove images not named on the command line, and the blobs and layers only they used.")
        @OptionGroup var storage: AgentStorageOptions
        @Argument(help: "Images to keep.") var keep: [String] = []

        func run() async throws {
            let keep = Set(keep.compactMap { try? ImageReference($0).description })
            for name in try await storage.images(node: ImageCommand.hostName).collectGarbage(inUse: keep) { print("removed \(name)") }
        }
    }
}
