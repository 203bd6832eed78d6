import CSQLite
import Dispatch
import PlinthStorage
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The embedded store: a revision log in one SQLite file (WAL mode, `synchronous=FULL`).
///
/// Table `kv` holds one row per revision. `succ_rev` is the revision that superseded a row
/// (NULL while it is the newest row of its key), so "the latest row per key" is a partial
/// unique index and "the row visible at revision R" is `rev <= R AND (succ_rev IS NULL OR
/// succ_rev > R)` — no per-key MAX scans. Deletions are tombstone rows that keep the last value
/// (watchers get it in DELETED events).
///
/// Writes from all callers are queued and committed together by one serial writer: each drain
/// of the queue is one transaction and one fsync (group commit). Callers resume only after the
/// commit, so an acknowledged write is durable. Reads use a pool of read-only connections,
/// which WAL lets run beside the writer.
public final class SQLiteStore: Storage, @unchecked Sendable {
    public let path: String

    private let writer: SQLiteConnection
    private let writeQueue = DispatchQueue(label: "plinth.sqlite.writer", qos: .userInitiated)
    private let pending = Mutex<PendingWrites>(PendingWrites())
    private let readers = Mutex<[SQLiteConnection]>([])
    private let watchers = Mutex<WatcherRegistry>(WatcherRegistry())
    /// Next revision to hand out; touched only on `writeQueue`.
    private var nextRevision: Int64 = 1

    struct PendingWrites {
        var ops: [WriteRequest] = []
        var drainScheduled = false
    }

    /// Opens (creating if needed) the store at `path`.
    public init(path: String) throws {
        self.path = path
        do {
            writer = try SQLiteConnection(path: path, readOnly: false)
            try writer.exec("PRAGMA journal_mode=WAL")
            try writer.exec("PRAGMA synchronous=FULL")
            try writer.exec("PRAGMA cache_size=-65536")
            try writer.exec("""
                CREATE TABLE IF NOT EXISTS kv (
                    rev INTEGER PRIMARY KEY,
                    key TEXT NOT NULL,
                    value BLOB,
                    create_rev INTEGER NOT NULL,
                    prev_rev INTEGER NOT NULL DEFAULT 0,
                    deleted INTEGER NOT NULL DEFAULT 0,
                    succ_rev INTEGER
                );
                CREATE INDEX IF NOT EXISTS kv_key_rev ON kv(key, rev);
                CREATE UNIQUE INDEX IF NOT EXISTS kv_latest ON kv(key) WHERE succ_rev IS NULL;
                CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT OR IGNORE INTO meta(name, value) VALUES ('rev', 0), ('compact', 0);
                """)
            let s = try writer.statement("SELECT value FROM meta WHERE name='rev'")
            _ = try s.step()
            let rev = s.int(0)
            s.reset()
            nextRevision = rev + 1
            watchers.withLock { $0.committedRevision = rev }
        } catch {
            throw StorageError.unavailable(error.message)
        }
    }

    // MARK: Reads

    public func currentRevision() async throws -> Int64 {
        watchers.withLock { $0.committedRevision }
    }

    /// The last committed revision, without suspending.
    public var committedRevision: Int64 { watchers.withLock { $0.committedRevision } }

    public func get(_ key: String) async throws -> StoredValue? {
        try withReader { c throws(StorageErrorWrapper) -> StoredValue? in
            let s = try c.statement("SELECT rev, create_rev, value FROM kv WHERE key=?1 AND succ_rev IS NULL AND deleted=0")
            defer { s.reset() }
            s.bind(1, key)
            guard try s.step() else { return nil }
            return StoredValue(key: key, value: s.blob(2), createRevision: s.int(1), modRevision: s.int(0))
        }
    }

    public func list(prefix: String, startKey: String?, revision: Int64, limit: Int) async throws -> ListResult {
        try listSync(prefix: prefix, startKey: startKey, revision: revision, limit: limit)
    }

    func listSync(prefix: String, startKey: String?, revision: Int64, limit: Int) throws -> ListResult {
        let outcome = try withReader { c throws(StorageErrorWrapper) -> Result<ListResult, StorageError> in
            try c.statement("BEGIN").run()
            defer { try? c.statement("COMMIT").run() }
            let meta = try c.statement("SELECT (SELECT value FROM meta WHERE name='rev'), (SELECT value FROM meta WHERE name='compact')")
            _ = try meta.step()
            let current = meta.int(0)
            let compacted = meta.int(1)
            meta.reset()
            let atRevision = revision == 0 ? current : revision
            if atRevision > current { return .failure(.futureRevision(requested: revision, current: current)) }
            if atRevision < compacted { return .failure(.compacted(requested: revision, compacted: compacted)) }
            let from = max(startKey ?? prefix, prefix)
            let s: Statement
            if revision == 0 {
                s = try c.statement("SELECT key, value, create_rev, rev FROM kv WHERE key >= ?1 AND key < ?2 AND succ_rev IS NULL AND deleted = 0 ORDER BY key LIMIT ?3")
            } else {
                s = try c.statement("SELECT key, value, create_rev, rev FROM kv WHERE key >= ?1 AND key < ?2 AND rev <= ?4 AND (succ_rev IS NULL OR succ_rev > ?4) AND deleted = 0 ORDER BY key LIMIT ?3")
                s.bind(4, atRevision)
            }
            defer { s.reset() }
            s.bind(1, from)
            s.bind(2, prefix.prefixRangeEnd)
            s.bind(3, limit > 0 ? Int64(limit + 1) : -1)
            var items: [StoredValue] = []
            while try s.step() {
                items.append(StoredValue(key: s.text(0), value: s.blob(1), createRevision: s.int(2), modRevision: s.int(3)))
            }
            var more = false
            if limit > 0 && items.count > limit {
                items.removeLast()
                more = true
            }
            return .success(ListResult(items: items, revision: atRevision, more: more))
        }
        return try outcome.get()
    }

    public func compactedRevision() async throws -> Int64 {
        try withReader { c throws(StorageErrorWrapper) -> Int64 in
            let s = try c.statement("SELECT value FROM meta WHERE name='compact'")
            defer { s.reset() }
            _ = try s.step()
            return s.int(0)
        }
    }

    public func sizeInBytes() async -> Int64 {
        var total: Int64 = 0
        for suffix in ["", "-wal", "-shm"] {
            var st = stat()
            if stat(path + suffix, &st) == 0 { total += Int64(st.st_size) }
        }
        return total
    }

    private func withReader<T>(_ body: (SQLiteConnection) throws(StorageErrorWrapper) -> T) throws -> T {
        let conn: SQLiteConnection
        if let c = readers.withLock({ $0.popLast() }) {
            conn = c
        } else {
            do {
                conn = try SQLiteConnection(path: path, readOnly: true)
            } catch {
                throw StorageError.unavailable(error.message)
            }
        }
        defer { readers.withLock { $0.append(conn) } }
        do {
            return try body(conn)
        } catch {
            throw StorageError.unavailable(error.message)
        }
    }

    // MARK: Writes

    public func create(_ key: String, value: [UInt8], requiring: [PendingWrite]) async throws -> StoredValue {
        try await submit(.create(key: key, value: value), requiring: requiring)
    }

    public func update(_ key: String, value: [UInt8], expectedRevision: Int64, requiring: [PendingWrite]) async throws -> StoredValue {
        try await submit(.update(key: key, value: value, expected: expectedRevision), requiring: requiring)
    }

    public func startUpdate(_ key: String, value: [UInt8], expectedRevision: Int64) -> PendingWrite {
        let handle = PendingWrite()
        enqueue(WriteRequest(op: .update(key: key, value: value, expected: expectedRevision), completion: .handle(handle)))
        return handle
    }

    public func delete(_ key: String, expectedRevision: Int64?) async throws -> StoredValue {
        try await submit(.delete(key: key, expected: expectedRevision))
    }

    public func compact(revision: Int64) async throws {
        _ = try await submit(.compact(revision: revision))
    }

    private func submit(_ op: WriteOp, requiring: [PendingWrite] = []) async throws -> StoredValue {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<StoredValue, any Error>) in
            enqueue(WriteRequest(op: op, completion: .continuation(cont), requiring: requiring))
        }
    }

    /// Queues a write in arrival order (the order writes are applied in) and starts a drain if
    /// none is running.
    private func enqueue(_ request: WriteRequest) {
        let schedule = pending.withLock { p -> Bool in
            p.ops.append(request)
            if p.drainScheduled { return false }
            p.drainScheduled = true
            return true
        }
        if schedule { writeQueue.async { self.drain() } }
    }

    /// Commits everything queued so far in one transaction, then resumes the callers and
    /// publishes the events. Runs on `writeQueue` only.
    private func drain() {
        while true {
            let batch = pending.withLock { p -> [WriteRequest] in
                let ops = p.ops
                p.ops = []
                if ops.isEmpty { p.drainScheduled = false }
                return ops
            }
            if batch.isEmpty { return }
            commit(batch)
        }
    }

    private func commit(_ batch: [WriteRequest]) {
        let firstRevision = nextRevision
        var results: [Result<StoredValue, StorageError>] = []
        results.reserveCapacity(batch.count)
        var events: [StoreEvent] = []
        events.reserveCapacity(batch.count)
        do {
            // Prepared once and cached: sqlite3_exec would parse the text again on every commit.
            try writer.statement("BEGIN IMMEDIATE").run()
            for request in batch {
                // A requirement was queued earlier, so it has been applied (or refused) by now.
                let result = request.requiring.allSatisfy({ $0.applied == true })
                    ? try apply(request.op, events: &events)
                    : .failure(.requirementFailed(key: request.op.key))
                results.append(result)
                if case .handle(let h) = request.completion { h.markOrdered(try? result.get()) }
            }
            if nextRevision != firstRevision {
                let s = try writer.statement("UPDATE meta SET value=?1 WHERE name='rev'")
                s.bind(1, nextRevision - 1)
                try s.run()
            }
            try writer.statement("COMMIT").run()
        } catch {
            try? writer.exec("ROLLBACK")
            // The revisions this batch took are not handed out again (a gap is harmless): a write
            // chained on one of them as ordered must fail, not match a later, different value.
            for request in batch { request.completion.finish(.failure(.unavailable(error.message))) }
            return
        }
        let committed = nextRevision - 1
        watchers.withLock { registry in
            registry.committedRevision = committed
            if !events.isEmpty { registry.publish(events) }
        }
        for (request, result) in zip(batch, results) { request.completion.finish(result) }
    }

    private struct Latest {
        var rev: Int64
        var createRev: Int64
        var deleted: Bool
        var value: [UInt8]
    }

    private func latest(_ key: String) throws(StorageErrorWrapper) -> Latest? {
        let s = try writer.statement("SELECT rev, create_rev, deleted, value FROM kv WHERE key=?1 AND succ_rev IS NULL")
        defer { s.reset() }
        s.bind(1, key)
        guard try s.step() else { return nil }
        return Latest(rev: s.int(0), createRev: s.int(1), deleted: s.int(2) != 0, value: s.blob(3))
    }

    private func supersede(_ oldRev: Int64, by rev: Int64) throws(StorageErrorWrapper) {
        let s = try writer.statement("UPDATE kv SET succ_rev=?1 WHERE rev=?2")
        s.bind(1, rev)
        s.bind(2, oldRev)
        try s.run()
    }

    private func insert(rev: Int64, key: String, value: [UInt8], createRev: Int64, prevRev: Int64, deleted: Bool) throws(StorageErrorWrapper) {
        let s = try writer.statement("INSERT INTO kv(rev, key, value, create_rev, prev_rev, deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        s.bind(1, rev)
        s.bind(2, key)
        s.bind(3, value)
        s.bind(4, createRev)
        s.bind(5, prevRev)
        s.bind(6, deleted ? 1 : 0)
        try s.run()
    }

    /// Applies one operation inside the open transaction. Precondition failures are results,
    /// not thrown errors, so they do not abort the rest of the batch.
    private func apply(_ op: WriteOp, events: inout [StoreEvent]) throws(StorageErrorWrapper) -> Result<StoredValue, StorageError> {
        switch op {
        case .create(let key, let value):
            let existing = try latest(key)
            if let existing, !existing.deleted { return .failure(.keyExists(key: key)) }
            let rev = nextRevision
            if let existing { try supersede(existing.rev, by: rev) }
            try insert(rev: rev, key: key, value: value, createRev: rev, prevRev: existing?.rev ?? 0, deleted: false)
            nextRevision += 1
            events.append(StoreEvent(kind: .put, key: key, value: value, revision: rev, createRevision: rev))
            return .success(StoredValue(key: key, value: value, createRevision: rev, modRevision: rev))

        case .update(let key, let value, let expected):
            guard let existing = try latest(key), !existing.deleted else { return .failure(.notFound(key: key)) }
            if existing.rev != expected {
                let current = StoredValue(key: key, value: existing.value, createRevision: existing.createRev, modRevision: existing.rev)
                return .failure(.conflict(key: key, current: current))
            }
            let rev = nextRevision
            try supersede(existing.rev, by: rev)
            try insert(rev: rev, key: key, value: value, createRev: existing.createRev, prevRev: existing.rev, deleted: false)
            nextRevision += 1
            events.append(StoreEvent(kind: .put, key: key, value: value, revision: rev, createRevision: existing.createRev))
            return .success(StoredValue(key: key, value: value, createRevision: existing.createRev, modRevision: rev))

        case .delete(let key, let expected):
            guard let existing = try latest(key), !existing.deleted else { return .failure(.notFound(key: key)) }
            if let expected, existing.rev != expected {
                let current = StoredValue(key: key, value: existing.value, createRevision: existing.createRev, modRevision: existing.rev)
                return .failure(.conflict(key: key, current: current))
            }
            let rev = nextRevision
            try supersede(existing.rev, by: rev)
            try insert(rev: rev, key: key, value: existing.value, createRev: existing.createRev, prevRev: existing.rev, deleted: true)
            nextRevision += 1
            events.append(StoreEvent(kind: .delete, key: key, value: existing.value, revision: rev, createRevision: existing.createRev))
            return .success(StoredValue(key: key, value: existing.value, createRevision: existing.createRev, modRevision: rev))

        case .compact(let revision):
            let meta = try writer.statement("SELECT value FROM meta WHERE name='compact'")
            _ = try meta.step()
            let already = meta.int(0)
            meta.reset()
            let current = nextRevision - 1
            if revision <= already { return .failure(.compacted(requested: revision, compacted: already)) }
            if revision > current { return .failure(.futureRevision(requested: revision, current: current)) }
            // Rows superseded at or before `revision` are invisible from it on; so are tombstones
            // that are the newest row of their key.
            let s = try writer.statement("DELETE FROM kv WHERE rev <= ?1 AND (succ_rev <= ?1 OR (deleted = 1 AND succ_rev IS NULL))")
            s.bind(1, revision)
            try s.run()
            let u = try writer.statement("UPDATE meta SET value=?1 WHERE name='compact'")
            u.bind(1, revision)
            try u.run()
            return .success(StoredValue(key: "", value: [], createRevision: 0, modRevision: revision))
        }
    }

    // MARK: Watch

    public func requestProgress() {
        watchers.withLock { $0.notifyProgress() }
    }

    public func watch(prefix: String, afterRevision: Int64) -> AsyncThrowingStream<WatchBatch, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: WatchBatch.self, throwing: (any Error).self)
        // Register first (buffering live events), then read history up to the registration
        // point, then flush: no event is lost or repeated between the two.
        let (id, registeredAt) = watchers.withLock { r -> (Int, Int64) in
            let id = r.add(prefix: prefix, continuation: continuation)
            return (id, r.committedRevision)
        }
        continuation.onTermination = { [weak self] _ in
            self?.watchers.withLock { $0.remove(id) }
        }
        var history: [StoreEvent] = []
        do {
            let compacted = try withReader { c throws(StorageErrorWrapper) -> Int64 in
                let s = try c.statement("SELECT value FROM meta WHERE name='compact'")
                defer { s.reset() }
                _ = try s.step()
                return s.int(0)
            }
            if afterRevision < compacted {
                continuation.finish(throwing: StorageError.compacted(requested: afterRevision, compacted: compacted))
                return stream
            }
            if afterRevision < registeredAt {
                history = try withReader { c throws(StorageErrorWrapper) -> [StoreEvent] in
                    let s = try c.statement("SELECT rev, key, value, create_rev, deleted FROM kv WHERE rev > ?1 AND rev <= ?2 AND key >= ?3 AND key < ?4 ORDER BY rev")
                    defer { s.reset() }
                    s.bind(1, afterRevision)
                    s.bind(2, registeredAt)
                    s.bind(3, prefix)
                    s.bind(4, prefix.prefixRangeEnd)
                    var out: [StoreEvent] = []
                    while try s.step() {
                        out.append(StoreEvent(kind: s.int(4) != 0 ? .delete : .put, key: s.text(1), value: s.blob(2), revision: s.int(0), createRevision: s.int(3)))
                    }
                    return out
                }
            }
        } catch {
            continuation.finish(throwing: error)
            return stream
        }
        watchers.withLock { $0.goLive(id, history: history, after: max(afterRevision, 0)) }
        return stream
    }
}

enum WriteOp {
    case create(key: String, value: [UInt8])
    case update(key: String, value: [UInt8], expected: Int64)
    case delete(key: String, expected: Int64?)
    case compact(revision: Int64)

    var key: String {
        switch self {
        case .create(let key, _), .update(let key, _, _), .delete(let key, _): return key
        case .compact: return ""
        }
    }
}

struct WriteRequest {
    /// Who learns the result: a suspended caller, or a started write's handle.
    enum Completion {
        case continuation(CheckedContinuation<StoredValue, any Error>)
        case handle(PendingWrite)

        func finish(_ result: Result<StoredValue, StorageError>) {
            switch self {
            case .continuation(let c): c.resume(with: result.mapError { $0 as any Error })
            case .handle(let h): h.finish(result)
            }
        }
    }

    var op: WriteOp
    var completion: Completion
    var requiring: [PendingWrite] = []
}
