import AsyncHTTPClient
import Foundation
import PlinthJSON

/// A host's images: pulls them through a `RegistryClient` (layers fetched and unpacked in
/// parallel), imports OCI layouts for air-gapped hosts, keeps their records in `images.json`,
/// and their blobs in a `BlobStore` and unpacked layers in `layers/<diffID hex>` shared by
/// every container that uses them. Concurrent pulls of one reference share one fetch.
public actor ImageStore {
    public let root: String
    public let blobs: BlobStore
    let registry: RegistryClient
    private var images: [StoredImage]
    private var inFlight: [String: [CheckedContinuation<StoredImage, any Error>]] = [:]

    public init(root: String, registry: RegistryClient) throws {
        self.root = root
        self.blobs = try BlobStore(root: root)
        self.registry = registry
        try FileManager.default.createDirectory(atPath: root + "/layers", withIntermediateDirectories: true)
        if let data = FileManager.default.contents(atPath: root + "/images.json") {
            images = (try? JSONDecoder().decode([StoredImage].self, from: data)) ?? []
        } else {
            images = []
        }
    }

    public func list() -> [StoredImage] { images }

    /// The stored image a reference names (by tag or digest), if any.
    public func image(_ name: String) -> StoredImage? {
        guard let ref = try? ImageReference(name) else { return nil }
        let full = ref.description
        if let digest = ref.digest {
            return images.first { $0.manifestDigest == digest && $0.repoDigests.contains(ref.registry + "/" + ref.repository + "@" + digest) }
                ?? images.first { $0.manifestDigest == digest }
        }
        return images.first { $0.names.contains(full) }
    }

    /// Pulls `name` (or joins a pull of it already under way) and returns the stored image.
    /// `progress` gets (bytes fetched, bytes to fetch) as layers arrive.
    public func pull(_ name: String, credentials: RegistryClient.Credentials? = nil,
                     progress: @escaping @Sendable (Int64, Int64) -> Void = { _, _ in }) async throws -> StoredImage {
        let ref = try ImageReference(name)
        let key = ref.description
        if inFlight[key] != nil {
            return try await withCheckedThrowingContinuation { inFlight[key, default: []].append($0) }
        }
        inFlight[key] = []
        let result: Result<StoredImage, any Error>
        do { result = .success(try await fetch(ref, credentials: credentials, progress: progress)) } catch { result = .failure(error) }
        for waiter in inFlight.removeValue(forKey: key) ?? [] { waiter.resume(with: result) }
        return try result.get()
    }

    private func fetch(_ ref: ImageReference, credentials: RegistryClient.Credentials?,
                       progress: @escaping @Sendable (Int64, Int64) -> Void) async throws -> StoredImage {
        var configured = registry
        if let credentials { configured.configuration.credentials[ref.registry] = credentials }
        let client = configured
        let (manifestBytes, mediaType, digest) = try await client.manifest(ref)
        let manifest = try JSON.parse(manifestBytes)
        guard mediaType.contains("manifest"), let configDigest = manifest.string("config", "digest") else {
            throw ImageError("\(ref): unsupported manifest type \"\(mediaType)\"")
        }
        try blobs.write(manifestBytes, digest: digest)
        try await client.fetchBlob(ref, digest: configDigest, into: blobs)
        let layers = try Self.layerBlobs(manifest)
        let total = layers.reduce(0) { $0 + $1.size }
        let counter = ProgressCounter(total: total, report: progress)
        let store = blobs, layerRoot = root + "/layers"
        let config = try JSON.parse(blobs.read(configDigest))
        let diffIDs = try Self.diffIDs(config)
        guard diffIDs.count == layers.count else { throw ImageError("\(ref): config lists \(diffIDs.count) layers, manifest \(layers.count)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (layer, diffID) in zip(layers, diffIDs) {
                group.addTask {
                    try await client.fetchBlob(ref, digest: layer.digest, into: store) { counter.add(layer.digest, $0) }
                    counter.add(layer.digest, layer.size)
                    try Self.unpack(layer, diffID: diffID, from: store, into: layerRoot)
                }
            }
            try await group.waitForAll()
        }
        return try record(ref: ref, manifestDigest: digest, configDigest: configDigest, config: config, layers: layers, diffIDs: diffIDs)
    }

    /// Imports every image of an OCI image layout directory (`index.json` + `blobs/`), naming
    /// each by its `org.opencontainers.image.ref.name` annotation (a tag or a full name), or
    /// `name` when given. Returns the images imported.
    public func importLayout(_ dir: String, name: String? = nil) async throws -> [StoredImage] {
        guard let indexData = FileManager.default.contents(atPath: dir + "/index.json") else {
            throw ImageError("\(dir) is not an OCI image layout (no index.json)")
        }
        let source = try BlobStore(root: dir)
        func copy(_ digest: String) throws -> [UInt8] {
            let bytes = try source.read(digest)
            try blobs.write(bytes, digest: digest)
            return bytes
        }
        var imported: [StoredImage] = []
        for entry in try JSON.parse([UInt8](indexData))["manifests"]?.arrayValue ?? [] {
            guard let digest = entry.string("digest") else { continue }
            var manifestDigest = digest
            var manifest = try JSON.parse(copy(digest))
            if manifest["manifests"] != nil {
                guard let pick = manifest["manifests"]?.arrayValue?.first(where: { $0.string("platform", "architecture") == RegistryClient.hostArchitecture }),
                      let d = pick.string("digest") else { continue }
                manifestDigest = d
                manifest = try JSON.parse(copy(d))
            }
            let refName = entry.string("annotations", "io.containerd.image.name") ?? entry.string("annotations", "org.opencontainers.image.ref.name")
            let fullName: String
            if let name { fullName = imported.isEmpty ? name : name + "-\(imported.count)" }
            else if let refName, refName.contains("/") || refName.contains(".") { fullName = refName }
            else { throw ImageError("\(dir): manifest \(digest) has no image name; pass one") }
            let ref = try ImageReference(fullName)
            guard let configDigest = manifest.string("config", "digest") else { throw ImageError("\(dir): manifest \(manifestDigest) has no config") }
            let config = try JSON.parse(copy(configDigest))
            let layers = try Self.layerBlobs(manifest)
            let diffIDs = try Self.diffIDs(config)
            guard diffIDs.count == layers.count else { throw ImageError("\(dir): config lists \(diffIDs.count) layers, manifest \(layers.count)") }
            for (layer, diffID) in zip(layers, diffIDs) {
                _ = try copy(layer.digest)
                try Self.unpack(layer, diffID: diffID, from: blobs, into: root + "/layers")
            }
            imported.append(try record(ref: ref, manifestDigest: manifestDigest, configDigest: configDigest, config: config, layers: layers, diffIDs: diffIDs))
        }
        return imported
    }

    /// Removes images not used by `inUse` (names or ids), then blobs and layers no image needs.
    /// Returns the names of the images removed.
    public func collectGarbage(inUse: Set<String>) throws -> [String] {
        let (keep, drop) = images.reduce(into: ([StoredImage](), [StoredImage]())) { acc, image in
            if inUse.contains(image.id) || image.names.contains(where: inUse.contains) || image.repoDigests.contains(where: inUse.contains) {
                acc.0.append(image)
            } else {
                acc.1.append(image)
            }
        }
        images = keep
        try save()
        var blobsInUse = Set<String>()
        var layersInUse = Set<String>()
        for image in keep {
            blobsInUse.formUnion([image.id, image.manifestDigest] + image.layerBlobs.map(\.digest))
            layersInUse.formUnion(image.diffIDs.compactMap(DigestHasher.hex))
        }
        blobs.collect(keeping: blobsInUse)
        for dir in (try? FileManager.default.contentsOfDirectory(atPath: root + "/layers")) ?? [] where !layersInUse.contains(dir) {
            try? FileManager.default.removeItem(atPath: root + "/layers/" + dir)
        }
        return drop.flatMap(\.names)
    }

    /// The unpacked directory of a layer, by uncompressed digest.
    public nonisolated func layerPath(_ diffID: String) -> String? {
        DigestHasher.hex(diffID).map { root + "/layers/" + $0 }
    }

    private func record(ref: ImageReference, manifestDigest: String, configDigest: String, config: JSON, layers: [StoredImage.LayerBlob],
                        diffIDs: [String]) throws -> StoredImage {
        let c = config["config"] ?? [:]
        func strings(_ key: String) -> [String] { (c[key]?.arrayValue ?? []).compactMap(\.stringValue) }
        let name = ref.description
        let repoDigest = ref.registry + "/" + ref.repository + "@" + manifestDigest
        var image = StoredImage(names: ref.tag != nil ? [name] : [], id: configDigest, manifestDigest: manifestDigest,
                                repoDigests: [repoDigest], layerBlobs: layers, diffIDs: diffIDs,
                                size: layers.reduce(0) { $0 + $1.size },
                                config: .init(entrypoint: strings("Entrypoint"), cmd: strings("Cmd"), env: strings("Env"),
                                              workingDir: c.string("WorkingDir") ?? "", user: c.string("User") ?? ""))
        // A name moves to the newest image pulled under it, as with `docker pull`.
        for i in images.indices { images[i].names.removeAll { image.names.contains($0) } }
        if let i = images.firstIndex(where: { $0.id == configDigest && $0.manifestDigest == manifestDigest }) {
            image.names = Array(Set(images[i].names + image.names)).sorted()
            image.repoDigests = Array(Set(images[i].repoDigests + image.repoDigests)).sorted()
            images[i] = image
        } else {
            images.append(image)
        }
        images.removeAll { $0.names.isEmpty && $0.repoDigests.isEmpty }
        try save()
        return image
    }

    private func save() throws {
        let data = try JSONEncoder().encode(images)
        let temp = root + "/images.json.tmp"
        guard FileManager.default.createFile(atPath: temp, contents: data) else { throw ImageError("cannot write \(temp)") }
        if rename(temp, root + "/images.json") != 0 { throw ImageError("cannot write \(root)/images.json") }
    }

    static func layerBlobs(_ manifest: JSON) throws -> [StoredImage.LayerBlob] {
        try (manifest["layers"]?.arrayValue ?? []).map { l in
            guard let d = l.string("digest") else { throw ImageError("manifest layer without a digest") }
            return .init(digest: d, mediaType: l.string("mediaType") ?? "", size: l["size"]?.intValue.map { Int64($0) } ?? 0)
        }
    }

    static func diffIDs(_ config: JSON) throws -> [String] {
        (config[path: ["rootfs", "diff_ids"]]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// Unpacks one compressed layer into `layers/<diffID hex>` unless it is there, checking that
    /// the uncompressed stream matches `diffID`. Writes into a temporary directory renamed into
    /// place, so a present layer directory is always complete.
    static func unpack(_ layer: StoredImage.LayerBlob, diffID: String, from store: BlobStore, into layers: String) throws {
        guard let hex = DigestHasher.hex(diffID) else { throw ImageError("invalid layer digest \(diffID)") }
        let target = layers + "/" + hex
        if FileManager.default.fileExists(atPath: target) { return }
        let compressed = layer.mediaType.hasSuffix("gzip") || layer.mediaType.hasSuffix("tar.gzip")
        guard compressed || layer.mediaType.hasSuffix(".tar") || layer.mediaType.hasSuffix("tar") else {
            throw ImageError("layer \(layer.digest): unsupported media type \(layer.mediaType)")
        }
        let temp = layers + "/.tmp-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        do {
            let unpacker = try LayerUnpacker(root: temp)
            let tar = TarReader(sink: unpacker)
            var hasher = DigestHasher()
            let gunzip = compressed ? try Gunzip() : nil
            guard let input = FileHandle(forReadingAtPath: try store.path(layer.digest)) else { throw ImageError("layer \(layer.digest) is not stored") }
            defer { try? input.close() }
            func take(_ bytes: [UInt8]) throws {
                hasher.update(bytes)
                try tar.feed(bytes)
            }
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                if let gunzip { try gunzip.feed([UInt8](chunk), into: take) } else { try take([UInt8](chunk)) }
            }
            if let gunzip, !gunzip.isFinished { throw ImageError("layer \(layer.digest) is truncated") }
            unpacker.finish()
            let actual = hasher.finish()
            guard actual == diffID else { throw ImageError("layer \(layer.digest): uncompressed digest \(actual) does not match \(diffID)") }
            if rename(temp, target) != 0 {
                if FileManager.default.fileExists(atPath: target) { try? FileManager.default.removeItem(atPath: temp) } else {
                    throw ImageError("cannot store layer \(diffID): \(String(cString: strerror(errno)))")
                }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        }
    }
}

/// Sums fetched bytes over layers fetched in parallel for a pull's progress report.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done: [String: Int64] = [:]
    let total: Int64
    let report: @Sendable (Int64, Int64) -> Void

    init(total: Int64, report: @escaping @Sendable (Int64, Int64) -> Void) {
        self.total = total
        self.report = report
    }

    func add(_ digest: String, _ bytes: Int64) {
        let sum = lock.withLock { () -> Int64 in
            done[digest] = bytes
            return done.values.reduce(0, +)
        }
        report(sum, total)
    }
}
