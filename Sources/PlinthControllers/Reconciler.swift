import PlinthAPIServer

/// A level-triggered controller as `ReconcilerService` runs it: it names the keys
/// (`namespace/name`) a change concerns, and moves one key's object a step toward its spec each
/// time it is asked, reading the watch caches (never remembering events).
public protocol Reconciler: Sendable {
    /// The controller's name, for logs.
    var name: String { get }
    /// Waits for the caches it reads and returns every key to look at first.
    func start() async throws -> [String]
    /// The keys `change` concerns (cheap; no I/O).
    func keys(for change: ObjectChange) -> [String]
    /// Brings `key` one step closer to what it asks for; returns how long to wait before looking
    /// at it again without a change (a retry after an error, a time-based condition), if at all.
    func reconcile(_ key: String) async -> Duration?
}
