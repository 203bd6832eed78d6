import PlinthAPIMachinery
import Synchronization

/// One object change seen by a watch cache.
public struct ObjectChange: Sendable {
    public var resource: ResourceType
    public var event: CacheWatchEvent

    /// The object added, modified or deleted (nil for bookmarks and errors).
    public var object: CachedObject? {
        switch event {
        case .added(let o), .modified(let o), .deleted(let o): return o
        case .bookmark, .error: return nil
        }
    }
}

/// Fans out every change applied by any watch cache to subscribers that follow all kinds at
/// once (the garbage collector, the namespace controller), including caches added later for
/// custom resources. Costs nothing while nobody subscribes.
public final class ChangeFeed: Sendable {
    private struct State {
        var subscribers: [Int: AsyncStream<ObjectChange>.Continuation] = [:]
        var nextID = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// A stream of changes from now on; it ends when the subscriber stops iterating.
    public func subscribe() -> AsyncStream<ObjectChange> {
        let (stream, continuation) = AsyncStream<ObjectChange>.makeStream()
        let id = state.withLock { s in
            let id = s.nextID
            s.nextID += 1
            s.subscribers[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    var hasSubscribers: Bool { state.withLock { !$0.subscribers.isEmpty } }

    func publish(_ changes: [ObjectChange]) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for s in subscribers {
            for c in changes { s.yield(c) }
        }
    }
}
