/// What the probes last said about each container run, by pod: read by the status the agent
/// posts (`ready`, `started`), written by the probe loop.
actor ProbeResults {
    struct Container: Sendable, Equatable {
        /// The run these results are for; results of an earlier run do not count.
        var attempt: Int
        var ready: Bool?
        var started: Bool?
    }

    private var byPod: [String: [String: Container]] = [:]

    func set(podUID: String, container: String, _ value: Container) { byPod[podUID, default: [:]][container] = value }

    func of(podUID: String) -> [String: Container] { byPod[podUID] ?? [:] }

    /// Keeps only the pods in `live`.
    func keep(_ live: Set<String>) { byPod = byPod.filter { live.contains($0.key) } }
}
