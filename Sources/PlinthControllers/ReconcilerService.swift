import Logging
import PlinthAPIServer
import ServiceLifecycle

/// Runs a `Reconciler`: every change of every cache is offered to it, the keys it names wait in
/// a `WorkQueue` (a key is never reconciled by two workers at once), and keys it asks to see
/// again later are queued when their time comes.
public struct ReconcilerService<R: Reconciler>: Service {
    let core: APIServerCore
    let reconciler: R
    let workers: Int
    let logger: Logger

    public init(core: APIServerCore, reconciler: R, workers: Int = 2, logger: Logger) {
        self.core = core
        self.reconciler = reconciler
        self.workers = workers
        self.logger = logger
    }

    public func run() async throws {
        let changes = core.registry.changes.subscribe()
        while !core.isReady { try await Task.sleep(for: .milliseconds(10)) }
        let initial = try await reconciler.start()
        let queue = WorkQueue<String>()
        let later = DelayedKeys()
        await queue.add(contentsOf: initial)
        let reconciler = self.reconciler
        await withDiscardingTaskGroup { group in
            group.addTask {
                await cancelWhenGracefulShutdown {
                    for await change in changes {
                        let keys = reconciler.keys(for: change)
                        if !keys.isEmpty { await queue.add(contentsOf: keys) }
                    }
                }
                await queue.shutdown()
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(200))
                        let due = await later.takeDue()
                        if !due.isEmpty { await queue.add(contentsOf: due) }
                    }
                }
            }
            for _ in 0..<max(1, workers) {
                group.addTask {
                    while let key = await queue.next() {
                        let again = await reconciler.reconcile(key)
                        await queue.done(key)
                        if let again { await later.schedule(key, after: again) }
                    }
                }
            }
        }
    }
}

/// Keys to queue again once their time has come; the earliest time asked for a key wins.
actor DelayedKeys {
    private var due: [String: ContinuousClock.Instant] = [:]

    func schedule(_ key: String, after delay: Duration) {
        let at = ContinuousClock.now + delay
        if let existing = due[key], existing <= at { return }
        due[key] = at
    }

    func takeDue() -> [String] {
        let now = ContinuousClock.now
        let ready = due.filter { $0.value <= now }.map(\.key)
        for key in ready { due[key] = nil }
        return ready
    }
}
