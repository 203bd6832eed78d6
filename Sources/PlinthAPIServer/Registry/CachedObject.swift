import PlinthJSON

/// One object as the watch cache holds it: parsed, with `metadata.resourceVersion` set, and
/// its serialized bytes ready to be written into responses without re-encoding.
public struct CachedObject: Sendable {
    public var key: String
    public var object: JSON
    public var bytes: [UInt8]
    public var revision: Int64
    public var createRevision: Int64

    public init(key: String, object: JSON, bytes: [UInt8], revision: Int64, createRevision: Int64) {
        self.key = key
        self.object = object
        self.bytes = bytes
        self.revision = revision
        self.createRevision = createRevision
    }

    /// Builds the served form from stored bytes (which never carry a resourceVersion).
    public init(key: String, stored: [UInt8], revision: Int64, createRevision: Int64) throws {
        var object = try JSON.parse(stored)
        object[path: ["metadata", "resourceVersion"]] = .string(String(revision))
        self.init(key: key, object: object, bytes: object.serialized(), revision: revision, createRevision: createRevision)
    }

    public var name: String { object.string("metadata", "name") ?? "" }
    public var namespace: String? { object.string("metadata", "namespace") }

    public var labels: [String: String] {
        guard let o = object[path: ["metadata", "labels"]]?.objectValue else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in o { if let s = v.stringValue { out[k] = s } }
        return out
    }
}

/// What a watcher receives.
public enum CacheWatchEvent: Sendable {
    case added(CachedObject)
    case modified(CachedObject)
    case deleted(CachedObject)
    case bookmark(Int64)
    /// The watch cannot continue (e.g. the cache had to relist); carries the Status to send.
    case error(JSON)

    public var typeName: String {
        switch self {
        case .added: return "ADDED"
        case .modified: return "MODIFIED"
        case .deleted: return "DELETED"
        case .bookmark: return "BOOKMARK"
        case .error: return "ERROR"
        }
    }
}
