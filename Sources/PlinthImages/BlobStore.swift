import Foundation

/// Content-addressed storage of image blobs (manifests, configs, compressed layers) shared by
/// every pod on a host: `ROOT/blobs/sha256/<hex>`. A blob is written under a temporary name and
/// renamed into place only after its digest matched, so a present blob is always whole and right.
public struct BlobStore: Sendable {
    public let root: String

    public init(root: String) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: root + "/blobs/sha256", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/ingest", withIntermediateDirectories: true)
    }

    public func path(_ digest: String) throws(ImageError) -> String {
        guard let hex = DigestHasher.hex(digest) else { throw ImageError("invalid digest \"\(digest)\"") }
        return root + "/blobs/sha256/" + hex
    }

    public func has(_ digest: String) -> Bool {
        (try? path(digest)).map { FileManager.default.fileExists(atPath: $0) } ?? false
    }

    public func read(_ digest: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: try path(digest)) else { throw ImageError("blob \(digest) is not stored") }
        return [UInt8](data)
    }

    /// Stores bytes already in memory after checking them against `digest`; a blob already
    /// stored is left as it is.
    public func write(_ bytes: [UInt8], digest: String) throws {
        if has(digest) { return }
        let writer = try ingest(expecting: digest)
        try writer.append(bytes)
        try writer.commit()
    }

    /// Starts writing a blob whose chunks arrive over time.
    public func ingest(expecting digest: String) throws -> BlobWriter {
        let target = try path(digest)
        let temp = root + "/ingest/" + UUID().uuidString
        guard FileManager.default.createFile(atPath: temp, contents: nil), let handle = FileHandle(forWritingAtPath: temp) else {
            throw ImageError("cannot write \(temp)")
        }
        return BlobWriter(handle: handle, temp: temp, target: target, expected: digest)
    }

    /// Removes every blob not in `keep`.
    public func collect(keeping keep: Set<String>) {
        let dir = root + "/blobs/sha256"
        for hex in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where !keep.contains("sha256:" + hex) {
            try? FileManager.default.removeItem(atPath: dir + "/" + hex)
        }
    }
}

/// One blob being written: chunks are hashed as they are appended; `commit` renames the file
/// into place when the digest matches and deletes it when not.
public final class BlobWriter {
    let handle: FileHandle
    let temp: String
    let target: String
    let expected: String
    private var hasher = DigestHasher()
    public private(set) var size: Int64 = 0

    init(handle: FileHandle, temp: String, target: String, expected: String) {
        self.handle = handle
        self.temp = temp
        self.target = target
        self.expected = expected
    }

    public func append(_ bytes: [UInt8]) throws {
        hasher.update(bytes)
        size += Int64(bytes.count)
        try handle.write(contentsOf: bytes)
    }

    public func commit() throws {
        try handle.close()
        let actual = hasher.finish()
        guard actual == expected else {
            try? FileManager.default.removeItem(atPath: temp)
            throw ImageError("digest mismatch: expected \(expected), got \(actual)")
        }
        if rename(temp, target) != 0 { throw ImageError("cannot store blob \(expected): \(String(cString: strerror(errno)))") }
    }

    public func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temp)
    }
}
