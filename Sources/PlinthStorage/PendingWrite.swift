import Synchronization

/// A write the store has accepted but not yet finished (`Storage.startUpdate`). Writes made to
/// require it are applied only if it succeeds, and never before it, so a caller can hand its
/// outcome on before knowing it: admission charges a quota this way, and the object's write
/// lands in the same commit as the charge instead of waiting for it.
///
/// The store records the outcome twice: whether the write was applied (for writes that
/// require it, decided while the store orders writes) and, once durable, its result.
public final class PendingWrite: Sendable {
    private struct State {
        var applied: Bool?
        var result: Result<StoredValue, StorageError>?
        var waiters: [CheckedContinuation<StoredValue, any Error>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether the write was applied: nil until the store has ordered it, then final (false
    /// also when its commit failed).
    public var applied: Bool? { state.withLock { $0.applied } }

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

    /// Records whether the write was applied, as the store orders it.
    public func markApplied(_ applied: Bool) {
        state.withLock { $0.applied = applied }
    }

    /// Records the final result and wakes everyone waiting for it.
    public func finish(_ result: Result<StoredValue, StorageError>) {
        let waiters = state.withLock { s -> [CheckedContinuation<StoredValue, any Error>] in
            guard s.result == nil else { return [] }
            s.result = result
            if case .failure = result { s.applied = false } else if s.applied == nil { s.applied = true }
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume(with: result.mapError { $0 as any Error }) }
    }
}
