/// An image held on a host: the names it was pulled or imported under, its manifest and config
/// digests, its layers (by uncompressed digest, bottom first) and what its config says a
/// container runs.
public struct StoredImage: Sendable, Codable, Equatable {
    /// Normalised references (`docker.io/library/busybox:latest`).
    public var names: [String]
    /// The config digest: the image's identity.
    public var id: String
    public var manifestDigest: String
    /// `registry/repository@<manifest digest>`, as pods' `imageID` shows it.
    public var repoDigests: [String]
    /// Compressed layer blobs (digest and media type), bottom first.
    public var layerBlobs: [LayerBlob]
    /// Uncompressed layer digests (`rootfs.diff_ids`), bottom first.
    public var diffIDs: [String]
    public var size: Int64
    public var config: ContainerDefaults

    public struct LayerBlob: Sendable, Codable, Equatable {
        public var digest: String
        public var mediaType: String
        public var size: Int64
    }

    /// The parts of the image config a container starts from.
    public struct ContainerDefaults: Sendable, Codable, Equatable {
        public var entrypoint: [String]
        public var cmd: [String]
        public var env: [String]
        public var workingDir: String
        public var user: String
    }
}
