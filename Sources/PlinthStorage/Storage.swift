/// The store an API server needs, in etcd's terms (after kine): keys are paths such as
/// `/registry/configmaps/default/x`, values are opaque bytes, and every write gets the next
/// global revision, which the API layer serves as `resourceVersion`.
///
/// Implementations: `SQLiteStore` (embedded, default) and, later, an etcd v3 client. Both map
/// their native failures onto `StorageError`. All methods may be called concurrently; a write
/// returns only once it is durable.
public protocol Storage: Sendable {
    /// The newest committed revision.
    func currentRevision() async throws -> Int64

    /// The latest live value of `key`, or nil.
    func get(_ key: String) async throws -> StoredValue?

    /// Live values whose keys start with `prefix`, in key order, as of `revision` (0 = latest).
    /// Starts at `startKey` (inclusive) when given; returns at most `limit` items (0 = all).
    func list(prefix: String, startKey: String?, revision: Int64, limit: Int) async throws -> ListResult

    /// Writes `value` if `key` has no live value. Throws `.keyExists`. With `requiring`, the
    /// write happens only if each of those started writes succeeded (else `.requirementFailed`).
    func create(_ key: String, value: [UInt8], requiring: [PendingWrite]) async throws -> StoredValue

    /// Replaces the value if the key's live revision is `expectedRevision`.
    /// Throws `.notFound`, or `.conflict` carrying the current value; `requiring` as for `create`.
    func update(_ key: String, value: [UInt8], expectedRevision: Int64, requiring: [PendingWrite]) async throws -> StoredValue

    /// Starts an `update` and returns at once; its result comes from the handle. Writes given
    /// the handle in `requiring` are applied after it and only if it succeeded. A backend
    /// without native support may apply a requiring write after awaiting each requirement's
    /// result (slower, same outcome).
    func startUpdate(_ key: String, value: [UInt8], expectedRevision: Int64) -> PendingWrite

    /// Deletes the key if live (and, when given, at `expectedRevision`). Returns the deleted
    /// value with the revision of the deletion as `modRevision`.
    func delete(_ key: String, expectedRevision: Int64?) async throws -> StoredValue

    /// Events for keys under `prefix` with revisions strictly after `afterRevision`, in revision
    /// order, batched as they were committed. Fails with `.compacted` when history is gone.
    /// Each batch says up to which revision the watcher is now complete.
    func watch(prefix: String, afterRevision: Int64) -> AsyncThrowingStream<WatchBatch, any Error>

    /// Asks the store to send every watcher a batch (possibly without events) carrying the
    /// current revision, as etcd's progress notifications do; caches use it for consistent reads.
    func requestProgress()

    /// Forgets history at and before `revision`: older revisions can no longer be listed or watched from.
    func compact(revision: Int64) async throws

    /// The revision up to which history has been compacted (0 = none).
    func compactedRevision() async throws -> Int64

    /// Bytes used by the store on disk (for metrics).
    func sizeInBytes() async -> Int64
}

extension Storage {
    /// `create` with no requirements.
    public func create(_ key: String, value: [UInt8]) async throws -> StoredValue {
        try await create(key, value: value, requiring: [])
    }

    /// `update` with no requirements.
    public func update(_ key: String, value: [UInt8], expectedRevision: Int64) async throws -> StoredValue {
        try await update(key, value: value, expectedRevision: expectedRevision, requiring: [])
    }
}

/// A value as stored, with the revision that created the key and the one that last changed it.
public struct StoredValue: Sendable, Equatable {
    public var key: String
    public var value: [UInt8]
    public var createRevision: Int64
    public var modRevision: Int64

    public init(key: String, value: [UInt8], createRevision: Int64, modRevision: Int64) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
    }
}

public struct ListResult: Sendable {
    public var items: [StoredValue]
    /// The revision the list was read at.
    public var revision: Int64
    /// True when more items follow the last one returned.
    public var more: Bool

    public init(items: [StoredValue], revision: Int64, more: Bool) {
        self.items = items
        self.revision = revision
        self.more = more
    }
}

/// One committed change. For `.delete`, `value` is the last value before the deletion.
public struct StoreEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case put, delete }
    public var kind: Kind
    public var key: String
    public var value: [UInt8]
    public var revision: Int64
    public var createRevision: Int64

    public init(kind: Kind, key: String, value: [UInt8], revision: Int64, createRevision: Int64) {
        self.kind = kind
        self.key = key
        self.value = value
        self.revision = revision
        self.createRevision = createRevision
    }

    public var isCreate: Bool { kind == .put && createRevision == revision }
}

/// What a watch delivers: the events of one commit (or none, for a progress notification) and
/// the revision through which the watcher has now seen everything.
public struct WatchBatch: Sendable {
    public var events: [StoreEvent]
    public var revision: Int64
    public init(events: [StoreEvent], revision: Int64) {
        self.events = events
        self.revision = revision
    }
}

/// Sentinel errors every backend maps its own failures onto.
public enum StorageError: Error, Sendable, Equatable {
    case keyExists(key: String)
    case notFound(key: String)
    /// The key's revision was not the expected one; carries the current value.
    case conflict(key: String, current: StoredValue)
    /// The requested revision was compacted away.
    case compacted(requested: Int64, compacted: Int64)
    /// The requested revision is newer than the store's.
    case futureRevision(requested: Int64, current: Int64)
    /// The backend failed (I/O, corruption, unreachable); the operation did not happen.
    case unavailable(String)
    /// A write this one required did not succeed; this one did not happen.
    case requirementFailed(key: String)
}

extension String {
    /// The smallest string greater than every string with this prefix (etcd's range end).
    public var prefixRangeEnd: String {
        var bytes = Array(utf8)
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return String(decoding: bytes, as: UTF8.self)
            }
            bytes.removeLast()
        }
        return "\u{10FFFF}"
    }
}
