import Synchronization

/// A write the store has accepted but not yet finished (`Storage.startUpdate`). Writes made to
/// require it are applied only if it succeeds, and never before it, so a caller can hand its
/// outcome on before knowing it: admission charges a quota this way, and the object's write
/// lands in the same commit as the charge instead of waiting for it.
///
/// The store records the outcome twice: as it orders the write, whether it was applied and the
/// value it produced (what later writes see, so a caller may chain its next write on it before
/// this one is durable), and, once durable, its result.
public final class PendingWrite: Sendable {
    private struct State {
        /// Set when ordered: the produced value, or nil when refused.
        var ordered: StoredValue??
        var result: Result<StoredValue, StorageError>?
        var orderWaiters: [CheckedContinuation<StoredValue?, Never>] = []
        var waiters: [CheckedContinuation<StoredValue, any Error>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether the write was applied: nil until the store has ordered it, then final (false
    /// also when its commit failed).
    public var applied: Bool? {
        state.withLock { s in
            if case .failure = s.result { return false }
            return s.ordered.map { $0 != nil }
        }
    }

    /// The value the write produced once the store has ordered it, nil if it was refused. Later
    /// writes see this value, but it is not yet durable: if its commit fails, a write that
    /// expected its revision fails with a conflict. `result()` says whether it lasted.
    public func ordered() async -> StoredValue? {
        await withCheckedContinuation { (c: CheckedContinuation<StoredValue?, Never>) in
            let known = state.withLock { s -> StoredValue?? in
                if s.ordered == nil { s.orderWaiters.append(c) }
                return s.ordered
            }
            if let known { c.resume(returning: known) }
        }
    }

    /// The write's result once it is durable: the stored value, or the `StorageError` it failed with.
    public func result() async throws -> StoredValue {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<StoredValue, any Error>) in
            let done = state.withLock { s -> Result<StoredValue, StorageError>? in
                if s.result == nil { s.waiters.append(c) }
                return s.result
            }
            if let done { c.resume(with: done.mapError { $0 as any Error }) }
        }
    }

    // MARK: For stores

    /// Records, as the store orders the write, the value it produced or nil if it was refused.
    public func markOrdered(_ value: StoredValue?) {
        let waiters = state.withLock { s -> [CheckedContinuation<StoredValue?, Never>] in
            guard s.ordered == nil else { return [] }
            s.ordered = .some(value)
            defer { s.orderWaiters = [] }
            return s.orderWaiters
        }
        for w in waiters { w.resume(returning: value) }
    }

    /// Records the final result and wakes everyone waiting for it.
    public func finish(_ result: Result<StoredValue, StorageError>) {
        if case .failure = result { markOrdered(nil) } else if case .success(let value) = result { markOrdered(value) }
        let waiters = state.withLock { s -> [CheckedContinuation<StoredValue, any Error>] in
            guard s.result == nil else { return [] }
            s.result = result
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume(with: result.mapError { $0 as any Error }) }
    }
}
