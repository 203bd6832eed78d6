import PlinthStorage

/// The store's live watchers. Guarded by the store's mutex; a watcher buffers live events
/// until its history has been sent (`goLive`).
struct WatcherRegistry {
    struct Watcher {
        var prefix: String
        var continuation: AsyncThrowingStream<WatchBatch, any Error>.Continuation
        var live: Bool
        var buffered: [StoreEvent]
    }

    var committedRevision: Int64 = 0
    private var nextID = 0
    private var watchers: [Int: Watcher] = [:]

    mutating func add(prefix: String, continuation: AsyncThrowingStream<WatchBatch, any Error>.Continuation) -> Int {
        nextID += 1
        watchers[nextID] = Watcher(prefix: prefix, continuation: continuation, live: false, buffered: [])
        return nextID
    }

    mutating func remove(_ id: Int) { watchers[id] = nil }

    mutating func goLive(_ id: Int, history: [StoreEvent], after: Int64) {
        guard var w = watchers[id] else { return }
        let last = history.last?.revision ?? after
        var first = history
        first.append(contentsOf: w.buffered.filter { $0.revision > last })
        w.continuation.yield(WatchBatch(events: first, revision: max(committedRevision, last)))
        w.buffered = []
        w.live = true
        watchers[id] = w
    }

    /// A progress notification to every live watcher.
    func notifyProgress() {
        for (_, w) in watchers where w.live {
            w.continuation.yield(WatchBatch(events: [], revision: committedRevision))
        }
    }

    mutating func publish(_ events: [StoreEvent]) {
        for (id, var w) in watchers {
            let mine = w.prefix.isEmpty ? events : events.filter { $0.key.hasPrefix(w.prefix) }
            if mine.isEmpty { continue }
            if w.live {
                w.continuation.yield(WatchBatch(events: mine, revision: committedRevision))
            } else {
                w.buffered.append(contentsOf: mine)
                watchers[id] = w
            }
        }
    }
}
