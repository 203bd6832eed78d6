import PlinthAPIMachinery
import PlinthJSON
import Synchronization

/// One object as the watch cache holds it: its served bytes (with `metadata.resourceVersion`)
/// ready to be written into responses, and the parsed form, made on first use.
///
/// Most objects are only ever served as bytes (gets, lists, watches without selectors), so the
/// cache does not parse what the store sends it: the resourceVersion is spliced into the
/// stored bytes. Writers that already hold the parsed object hand it over.
public struct CachedObject: Sendable {
    public var key: String
    public var bytes: [UInt8]
    public var revision: Int64
    public var createRevision: Int64
    private var parsed: ParsedObject

    public init(key: String, object: JSON, bytes: [UInt8], revision: Int64, createRevision: Int64) {
        self.init(key: key, parsed: ParsedObject(object), bytes: bytes, revision: revision, createRevision: createRevision)
    }

    private init(key: String, parsed: ParsedObject, bytes: [UInt8], revision: Int64, createRevision: Int64) {
        self.key = key
        self.bytes = bytes
        self.revision = revision
        self.createRevision = createRevision
        self.parsed = parsed
    }

    /// Builds the served form from stored bytes (which never carry a resourceVersion).
    public init(key: String, stored: [UInt8], revision: Int64, createRevision: Int64) throws {
        if let spliced = ResourceVersionSplice.insert(revision: revision, into: stored) {
            self.init(key: key, parsed: ParsedObject(nil), bytes: spliced, revision: revision, createRevision: createRevision)
        } else {
            var object = try JSON.parse(stored)
            object[path: ["metadata", "resourceVersion"]] = .string(String(revision))
            self.init(key: key, object: object, bytes: object.serialized(), revision: revision, createRevision: createRevision)
        }
    }

    /// The parsed object (parsed from `bytes` the first time it is asked for).
    public var object: JSON { parsed.value(parsing: bytes) }

    /// The last segment of the storage key.
    public var name: String {
        guard let slash = key.lastIndex(of: "/") else { return key }
        return String(key[key.index(after: slash)...])
    }

    public var namespace: String? { object.string("metadata", "namespace") }
}

/// The lazily parsed form of a cached object, shared by copies of the `CachedObject`.
final class ParsedObject: Sendable {
    private let state: Mutex<JSON?>

    init(_ value: JSON?) { state = Mutex(value) }

    func value(parsing bytes: [UInt8]) -> JSON {
        if let v = state.withLock({ $0 }) { return v }
        // Served bytes always parse: they were produced by this server.
        let v = (try? JSON.parse(bytes)) ?? .null
        state.withLock { $0 = v }
        return v
    }
}

/// Puts `"resourceVersion":"N"` into the metadata of an object's bytes without parsing them,
/// for the canonical layout every write produces (`{"kind":…,"apiVersion":…,"metadata":{…`).
enum ResourceVersionSplice {
    static let metadataKey = Array(#""metadata":{"#.utf8)

    static func insert(revision: Int64, into stored: [UInt8]) -> [UInt8]? {
        guard let at = metadataStart(stored) else { return nil }
        let rv = Array("\"resourceVersion\":\"\(revision)\"".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(stored.count + rv.count + 1)
        out.append(contentsOf: stored[..<at])
        out.append(contentsOf: rv)
        if at < stored.count, stored[at] != UInt8(ascii: "}") { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: stored[at...])
        return out
    }

    /// The index just after `"metadata":{` when it is the third top-level key after kind and
    /// apiVersion strings (no escapes in them); nil for any other layout.
    static func metadataStart(_ b: [UInt8]) -> Int? {
        var i = 0
        guard b.count > 2, b[0] == UInt8(ascii: "{") else { return nil }
        i = 1
        for expectedKey in [#""kind":""#, #""apiVersion":""#] {
            let k = Array(expectedKey.utf8)
            guard b.count >= i + k.count, Array(b[i..<i + k.count]) == k else { return nil }
            i += k.count
            while i < b.count, b[i] != UInt8(ascii: "\"") {
                if b[i] == UInt8(ascii: "\\") { return nil }
                i += 1
            }
            guard i + 1 < b.count, b[i + 1] == UInt8(ascii: ",") else { return nil }
            i += 2
        }
        guard b.count >= i + metadataKey.count, Array(b[i..<i + metadataKey.count]) == metadataKey else { return nil }
        return i + metadataKey.count
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

extension CachedObject {
    /// The object as served under `r`'s version. Versions of a custom resource share storage
    /// (conversion `None`), so only the apiVersion changes; every other resource is served as stored.
    public func converted(to r: ResourceType) -> CachedObject {
        guard r.convertsAPIVersion, object.string("apiVersion") != r.apiVersion else { return self }
        var o = object
        o["apiVersion"] = .string(r.apiVersion)
        return CachedObject(key: key, object: o, bytes: o.serialized(), revision: revision, createRevision: createRevision)
    }

    /// Whether the served bytes contain `needle` (a cheap test before parsing, e.g. for a key
    /// such as `"ownerReferences"` that most objects lack).
    public func bytesContain(_ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard bytes.count >= n.count, let first = n.first else { return false }
        var i = 0
        let last = bytes.count - n.count
        while i <= last {
            if bytes[i] == first {
                var j = 1
                while j < n.count && bytes[i + j] == n[j] { j += 1 }
                if j == n.count { return true }
            }
            i += 1
        }
        return false
    }
}
