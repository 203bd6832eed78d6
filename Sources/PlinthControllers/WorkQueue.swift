/// Keys waiting to be reconciled, each at most once (client-go's workqueue semantics): a key
/// added while waiting is not added twice; a key added while being processed is queued again
/// when its processing is done, so a burst of events for one key costs one or two reconciles.
public actor WorkQueue<Key: Hashable & Sendable> {
    private var queue: [Key] = []
    private var head = 0
    private var dirty: Set<Key> = []
    private var processing: Set<Key> = []
    private var waiters: [CheckedContinuation<Key?, Never>] = []
    private var shutDown = false

    public init() {}

    /// Queues `key` unless it is already waiting.
    public func add(_ key: Key) {
        guard !shutDown, !dirty.contains(key) else { return }
        dirty.insert(key)
        guard !processing.contains(key) else { return }  // requeued by `done`
        if !waiters.isEmpty { hand(key, to: waiters.removeFirst()) } else { queue.append(key) }
    }

    /// Queues each of `keys` unless already waiting (one hop for many keys).
    public func add(contentsOf keys: [Key]) {
        for key in keys { add(key) }
    }

    /// The next key to process, waiting for one; nil once shut down. Call `done` after processing.
    public func next() async -> Key? {
        if head < queue.count {
            let key = queue[head]
            head += 1
            if head > 1024 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
            dirty.remove(key)
            processing.insert(key)
            return key
        }
        if shutDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Marks `key` processed; if it was added meanwhile it is queued again.
    public func done(_ key: Key) {
        processing.remove(key)
        guard dirty.contains(key) else { return }
        if !waiters.isEmpty { hand(key, to: waiters.removeFirst()) } else { queue.append(key) }
    }

    /// Wakes every waiting `next` with nil; later adds are ignored.
    public func shutdown() {
        shutDown = true
        for w in waiters { w.resume(returning: nil) }
        waiters = []
    }

    private func hand(_ key: Key, to waiter: CheckedContinuation<Key?, Never>) {
        dirty.remove(key)
        processing.insert(key)
        waiter.resume(returning: key)
    }
}
