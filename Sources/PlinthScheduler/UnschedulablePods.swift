/// The pods the scheduler found no node for (upstream's unschedulable pods with their back-off):
/// each is tried again once something that could make room has happened since it failed — a node
/// came or changed, a pod went — and its back-off (1 s, doubling per failure, at most 10 s) has
/// passed. Keeping them here means a node event re-queues these few keys instead of scanning
/// every pod.
actor UnschedulablePods {
    private struct Failure {
        var attempts: Int
        var at: ContinuousClock.Instant
    }

    private var failures: [String: Failure] = [:]
    private var lastEvent: ContinuousClock.Instant?

    static let initialBackoff = Duration.seconds(1)
    static let maxBackoff = Duration.seconds(10)

    static func backoff(attempts: Int) -> Duration {
        var delay = initialBackoff
        for _ in 1..<max(1, attempts) where delay < maxBackoff { delay *= 2 }
        return min(delay, maxBackoff)
    }

    /// The pod fit nowhere in an attempt that began at `attempt`. The failure counts from then:
    /// an event that came while the attempt ran (a taint lifted after the nodes were read) is
    /// after it, so the pod is tried again rather than left waiting for another event.
    func failed(_ key: String, attemptBegan attempt: ContinuousClock.Instant) {
        failures[key] = Failure(attempts: (failures[key]?.attempts ?? 0) + 1, at: attempt)
    }

    /// The pod was placed, or is no longer waiting.
    func remove(_ key: String) {
        failures[key] = nil
    }

    /// Something happened that may make room.
    func noteEvent() {
        lastEvent = .now
    }

    /// The pods to try again now: an event came after their failure and their back-off is over.
    /// They stay (a success removes them, a new failure lengthens their back-off) but are not
    /// handed out again until a later event.
    func takeRetryable() -> [String] {
        guard let lastEvent else { return [] }
        let now = ContinuousClock.now
        var ready: [String] = []
        for (key, f) in failures where lastEvent > f.at && now >= f.at + Self.backoff(attempts: f.attempts) {
            ready.append(key)
        }
        for key in ready { failures[key]?.at = now }
        return ready
    }
}
