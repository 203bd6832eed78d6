/// Per-container back-off of a host agent (upstream kubelet's): after an image pull fails or a
/// container that must restart exits, the next try waits 10 s, doubling up to 5 minutes; the
/// reason shown meanwhile (`ImagePullBackOff`, `CrashLoopBackOff`) is kept here by
/// `<pod uid>/<container>`. A container that ran 10 minutes without trouble starts over at 10 s.
actor ContainerBackOff {
    struct Wait: Equatable {
        var reason: String
        var message: String
    }

    struct Entry {
        var delay: Duration
        var until: ContinuousClock.Instant
        var wait: Wait?
    }

    static let initial = Duration.seconds(10)
    static let maximum = Duration.seconds(300)
    private var entries: [String: Entry] = [:]

    /// Records a failure: the next try waits for the current delay, which then doubles.
    func failed(_ key: String, wait: Wait?) {
        let now = ContinuousClock.now
        var e = entries[key] ?? Entry(delay: Self.initial, until: now, wait: nil)
        if now - e.until > .seconds(600) { e.delay = Self.initial }
        e.until = now + e.delay
        e.delay = min(e.delay * 2, Self.maximum)
        e.wait = wait
        entries[key] = e
    }

    /// Sets what the container waits for without changing the delay (`ErrImagePull` → `ImagePullBackOff`).
    func show(_ key: String, _ wait: Wait?) { entries[key]?.wait = wait }

    /// Whether a try may happen now.
    func mayTry(_ key: String) -> Bool { entries[key].map { ContinuousClock.now >= $0.until } ?? true }

    /// How long until the next try may happen (zero when it may now).
    func remaining(_ key: String) -> Duration {
        guard let e = entries[key] else { return .zero }
        return max(.zero, e.until - ContinuousClock.now)
    }

    /// The waiting reasons of a pod's containers, by container name.
    func waits(podUID: String) -> [String: Wait] {
        var result: [String: Wait] = [:]
        for (key, e) in entries where key.hasPrefix(podUID + "/") { if let w = e.wait { result[String(key.dropFirst(podUID.count + 1))] = w } }
        return result
    }

    func succeeded(_ key: String) { entries[key]?.wait = nil }

    func forget(podUID: String) { entries = entries.filter { !$0.key.hasPrefix(podUID + "/") } }
}
