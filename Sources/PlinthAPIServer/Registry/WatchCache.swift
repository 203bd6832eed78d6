import Logging
import PlinthAPIMachinery
import PlinthJSON
import PlinthStorage
import Synchronization

/// The in-memory state of one resource, fed by one store watch: serves gets, lists and watches.
///
/// Lists and gets with no resourceVersion are consistent: the cache first waits until it has
/// seen the store's current revision (asking the store for a progress notification if no event
/// has brought it there). Watches from a revision are served from a window of recent events;
/// older revisions get 410 Expired, as upstream.
public final class WatchCache: Sendable {
    public let resource: ResourceType
    private let storage: any Storage
    private let state: Mutex<State>
    private let feed: ChangeFeed?
    private let logger: Logger
    static let historyCapacity = 20_000

    struct Watcher {
        var continuation: AsyncStream<CacheWatchEvent>.Continuation
        var filter: WatchFilter
        var bookmarks: Bool
    }

    struct State {
        var items: [String: CachedObject] = [:]
        var sortedKeys: [String] = []
        var revision: Int64 = 0
        /// Bumped whenever `items` changes, so readers can rebuild derived indexes only then.
        var contentGeneration = 0
        var ready = false
        var history: [(event: CacheWatchEvent, revision: Int64)] = []
        var historyStart = 0
        /// Events at or before this revision are no longer in `history`.
        var oldestKnownRevision: Int64 = 0
        var watchers: [Int: Watcher] = [:]
        var nextWatcherID = 0
        var freshnessWaiters: [(id: Int, revision: Int64, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextWaiterID = 0
        var readyWaiters: [CheckedContinuation<Void, Never>] = []
        var progressRequested = false
    }

    public init(resource: ResourceType, storage: any Storage, feed: ChangeFeed? = nil, logger: Logger) {
        self.resource = resource
        self.storage = storage
        self.feed = feed
        self.state = Mutex(State())
        self.logger = logger
    }

    // MARK: Feeding

    /// Lists then watches the store until cancelled; relists when the watch breaks.
    public func run() async {
        while !Task.isCancelled {
            do {
                let start = try await storage.list(prefix: resource.keyPrefix, startKey: nil, revision: 0, limit: 0)
                var fresh: [String: CachedObject] = [:]
                fresh.reserveCapacity(start.items.count)
                for item in start.items {
                    if let o = try? CachedObject(key: item.key, stored: item.value, revision: item.modRevision, createRevision: item.createRevision) {
                        fresh[item.key] = o
                    }
                }
                replaceAll(fresh, revision: start.revision)
                for try await batch in storage.watch(prefix: resource.keyPrefix, afterRevision: start.revision) {
                    apply(batch)
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("watch cache \(resource.qualifiedResource) restarting: \(error)")
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private func replaceAll(_ fresh: [String: CachedObject], revision: Int64) {
        let (readyWaiters, freshWaiters, watchers) = state.withLock { s -> ([CheckedContinuation<Void, Never>], [CheckedContinuation<Bool, Never>], [Watcher]) in
            let hadWatchers = Array(s.watchers.values)
            s.watchers = [:]
            s.items = fresh
            s.sortedKeys = fresh.keys.sorted()
            s.contentGeneration += 1
            s.revision = revision
            s.history = []
            s.historyStart = 0
            s.oldestKnownRevision = revision
            s.ready = true
            let r = s.readyWaiters
            s.readyWaiters = []
            let f = s.freshnessWaiters.filter { $0.revision <= revision }.map(\.continuation)
            s.freshnessWaiters.removeAll { $0.revision <= revision }
            return (r, f, hadWatchers)
        }
        // A relist breaks the continuity existing watchers relied on: end them so clients re-list.
        for w in watchers { w.continuation.finish() }
        for c in readyWaiters { c.resume() }
        for c in freshWaiters { c.resume(returning: true) }
    }

    private func apply(_ batch: WatchBatch) {
        var converted: [(StoreEvent, CachedObject)] = []
        converted.reserveCapacity(batch.events.count)
        for e in batch.events {
            do {
                let o = try CachedObject(key: e.key, stored: e.value, revision: e.revision, createRevision: e.createRevision)
                converted.append((e, o))
            } catch {
                logger.error("undecodable object at \(e.key) rev \(e.revision): \(error)")
            }
        }
        let publish = feed?.hasSubscribers == true
        var published: [ObjectChange] = []
        let (resume, askAgain) = state.withLock { s -> ([CheckedContinuation<Bool, Never>], Bool) in
            if !converted.isEmpty { s.contentGeneration += 1 }
            for (e, o) in converted {
                let event: CacheWatchEvent
                let previous = s.items[e.key]
                switch e.kind {
                case .put:
                    if previous == nil { Self.insertSorted(&s.sortedKeys, e.key) }
                    s.items[e.key] = o
                    event = previous == nil ? .added(o) : .modified(o)
                case .delete:
                    if previous != nil { Self.removeSorted(&s.sortedKeys, e.key) }
                    s.items[e.key] = nil
                    event = .deleted(o)
                }
                Self.appendHistory(&s, event, revision: e.revision)
                for (_, w) in s.watchers { Self.deliver(event, previous: previous, to: w) }
                if publish { published.append(ObjectChange(resource: resource, event: event)) }
            }
            let advanced = batch.revision > s.revision
            if advanced { s.revision = batch.revision }
            let ready = s.freshnessWaiters.filter { $0.revision <= s.revision }.map(\.continuation)
            s.freshnessWaiters.removeAll { $0.revision <= s.revision }
            // Waiters that arrived after the last progress request need a newer one; when the
            // store had nothing newer, the rest wait for revisions it has not reached yet.
            s.progressRequested = advanced && !s.freshnessWaiters.isEmpty
            return (ready, s.progressRequested)
        }
        for c in resume { c.resume(returning: true) }
        if askAgain { storage.requestProgress() }
        if !published.isEmpty { feed?.publish(published) }
    }

    private static func appendHistory(_ s: inout State, _ event: CacheWatchEvent, revision: Int64) {
        if s.history.count - s.historyStart >= historyCapacity {
            s.oldestKnownRevision = s.history[s.historyStart].revision
            s.historyStart += 1
            if s.historyStart > historyCapacity / 2 {
                s.history.removeFirst(s.historyStart)
                s.historyStart = 0
            }
        }
        s.history.append((event, revision))
    }

    /// Sends an event to a watcher, turning MODIFIED into ADDED/DELETED when the object
    /// enters or leaves the watcher's filter (upstream semantics).
    private static func deliver(_ event: CacheWatchEvent, previous: CachedObject?, to w: Watcher) {
        switch event {
        case .added(let o):
            if w.filter.matches(o) { w.continuation.yield(event) }
        case .modified(let o):
            let now = w.filter.matches(o)
            let before = previous.map { w.filter.matches($0) } ?? false
            if now && before { w.continuation.yield(event) }
            else if now { w.continuation.yield(.added(o)) }
            else if before {
                w.continuation.yield(.deleted(o))
            }
        case .deleted(let o):
            if w.filter.matches(previous ?? o) { w.continuation.yield(event) }
        case .bookmark, .error:
            w.continuation.yield(event)
        }
    }

    static func insertSorted(_ keys: inout [String], _ key: String) {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        keys.insert(key, at: lo)
    }

    static func removeSorted(_ keys: inout [String], _ key: String) {
        let i = lowerBound(keys, key)
        if i < keys.count, keys[i] == key { keys.remove(at: i) }
    }

    static func lowerBound(_ keys: [String], _ key: String) -> Int {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    // MARK: Reading

    /// The cache's revision (everything up to it has been applied).
    public var revision: Int64 { state.withLock { $0.revision } }

    /// Changes whenever the cached objects change (not on progress alone): a cheap key for
    /// indexes built from this cache's content.
    public var contentGeneration: Int { state.withLock { $0.contentGeneration } }

    public func waitUntilReady() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s -> Bool in
                if s.ready { return true }
                s.readyWaiters.append(c)
                return false
            }
            if ready { c.resume() }
        }
    }

    /// Waits until the cache has applied everything up to `revision`; false if `timeout` passed first.
    public func waitUntilFresh(_ revision: Int64, timeout: Duration = .seconds(10)) async -> Bool {
        let quick = state.withLock { s -> Int? in
            if s.ready && s.revision >= revision { return nil }
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        guard let id = quick else { return true }
        return await withTaskGroup(of: Bool?.self) { group in
            group.addTask { await self.awaitFresh(id: id, revision) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.expireWaiter(id)
                return nil
            }
            var outcome = false
            while let r = await group.next() {
                if let r { outcome = r; group.cancelAll() }
            }
            return outcome
        }
    }

    private func awaitFresh(id: Int, _ revision: Int64) async -> Bool {
        await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let (done, ask) = state.withLock { s -> (Bool, Bool) in
                if s.ready && s.revision >= revision { return (true, false) }
                s.freshnessWaiters.append((id, revision, c))
                let ask = s.ready && !s.progressRequested
                if ask { s.progressRequested = true }
                return (false, ask)
            }
            if done { c.resume(returning: true) } else if ask { storage.requestProgress() }
        }
    }

    private func expireWaiter(_ id: Int) {
        let c = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            guard let i = s.freshnessWaiters.firstIndex(where: { $0.id == id }) else { return nil }
            return s.freshnessWaiters.remove(at: i).continuation
        }
        c?.resume(returning: false)
    }

    /// Waits for the store's current revision: a consistent read.
    public func waitUntilConsistent() async throws(APIError) {
        let current: Int64
        do { current = try await storage.currentRevision() } catch { throw APIError.internalError("\(error)") }
        if await !waitUntilFresh(current) {
            throw APIError.timeout("Timeout: Too large resource version: \(current), current: \(revision)")
        }
    }

    public func get(_ key: String) -> CachedObject? {
        state.withLock { $0.items[key] }
    }

    /// Objects under `prefix` from `startKey` on, in key order, that pass `filter`; at most
    /// `limit` (0 = all). Returns the items, the cache revision, and whether more remain.
    public func list(prefix: String, startKey: String?, limit: Int, filter: WatchFilter) -> (items: [CachedObject], revision: Int64, more: Bool) {
        state.withLock { s in
            let from = max(startKey ?? prefix, prefix)
            var i = Self.lowerBound(s.sortedKeys, from)
            var out: [CachedObject] = []
            var more = false
            while i < s.sortedKeys.count {
                let k = s.sortedKeys[i]
                if !k.hasPrefix(prefix) { break }
                if let o = s.items[k], filter.matches(o) {
                    if limit > 0 && out.count == limit { more = true; break }
                    out.append(o)
                }
                i += 1
            }
            return (out, s.revision, more)
        }
    }

    /// Every cached object of the resource, or of one namespace, in key order.
    public func objects(namespace: String? = nil) -> [CachedObject] {
        list(prefix: namespace.map { resource.keyPrefix(namespace: $0) } ?? resource.keyPrefix, startKey: nil, limit: 0, filter: .everything).items
    }

    public var count: Int { state.withLock { $0.items.count } }

    // MARK: Watching

    public enum WatchStart: Sendable {
        /// Synthetic ADDED for every current object, then changes.
        case currentState
        /// Changes strictly after this revision.
        case after(Int64)
    }

    /// Starts a watch. Throws APIError 410 when `after` is older than the event window.
    public func watch(from start: WatchStart, filter: WatchFilter, bookmarks: Bool = false) throws(APIError) -> (stream: AsyncStream<CacheWatchEvent>, revision: Int64) {
        let (stream, continuation) = AsyncStream.makeStream(of: CacheWatchEvent.self)
        let result: Result<(Int, Int64), APIError> = state.withLock { s in
            switch start {
            case .currentState:
                for k in s.sortedKeys {
                    if let o = s.items[k], filter.matches(o) { continuation.yield(.added(o)) }
                }
            case .after(let rev):
                if rev < s.oldestKnownRevision {
                    return .failure(APIError.expired("too old resource version: \(rev) (\(s.oldestKnownRevision))"))
                }
                // Replay the window after `rev`, filtered; history holds final states so
                // transitions are judged against the object itself.
                for idx in s.historyStart..<s.history.count where s.history[idx].revision > rev {
                    let ev = s.history[idx].event
                    switch ev {
                    case .added(let o), .modified(let o), .deleted(let o):
                        if filter.matches(o) { continuation.yield(ev) }
                    default: break
                    }
                }
            }
            s.nextWatcherID += 1
            let id = s.nextWatcherID
            s.watchers[id] = Watcher(continuation: continuation, filter: filter, bookmarks: bookmarks)
            return .success((id, s.revision))
        }
        switch result {
        case .failure(let e):
            continuation.finish()
            throw e
        case .success(let (id, rev)):
            continuation.onTermination = { [weak self] _ in
                _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
            }
            return (stream, rev)
        }
    }

    /// Sends a BOOKMARK at the cache's revision to every watcher that asked for them. Sent
    /// under the lock, so it follows every event at or before that revision.
    public func sendBookmarks() {
        state.withLock { s in
            for (_, w) in s.watchers where w.bookmarks { w.continuation.yield(.bookmark(s.revision)) }
        }
    }
}

/// Which objects a list or watch wants: a namespace, a name, label and field selectors.
public struct WatchFilter: Sendable {
    /// The namespace's segment of storage keys (`/ns/`), matched without parsing the object.
    private var namespaceSegment: String?
    public var predicate: (@Sendable (CachedObject) -> Bool)?

    public init(namespace: String? = nil, predicate: (@Sendable (CachedObject) -> Bool)? = nil) {
        self.namespaceSegment = namespace.map { "/" + $0 + "/" }
        self.predicate = predicate
    }

    public static let everything = WatchFilter()

    @inline(__always) public func matches(_ o: CachedObject) -> Bool {
        if let namespaceSegment, !Self.keyHasNamespaceSegment(o.key, namespaceSegment) { return false }
        if let predicate { return predicate(o) }
        return true
    }

    /// Namespaced keys end in `/<namespace>/<name>`, and names contain no `/`.
    static func keyHasNamespaceSegment(_ key: String, _ segment: String) -> Bool {
        guard let lastSlash = key.lastIndex(of: "/") else { return false }
        return key[...lastSlash].hasSuffix(segment)
    }
}
