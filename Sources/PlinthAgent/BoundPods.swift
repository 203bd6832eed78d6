import PlinthJSON

/// The pods bound to this host as the agent's watch last saw them, by `namespace/name`.
actor BoundPods {
    private var byKey: [String: JSON] = [:]
    /// Grace periods of pods deleted from the API, by uid, until their sandbox is removed.
    private var graceOfDeleted: [String: Int64] = [:]

    func pod(_ key: String) -> JSON? { byKey[key] }

    func keys() -> [String] { Array(byKey.keys) }

    func set(_ key: String, _ pod: JSON?) { byKey[key] = pod }

    /// Forgets a pod the API deleted, keeping the grace period its deletion gave (or its spec's)
    /// for stopping what still runs of it.
    func remove(_ key: String, deleted pod: JSON) {
        byKey[key] = nil
        guard let uid = pod.string("metadata", "uid") else { return }
        if graceOfDeleted.count > 10_000 { graceOfDeleted.removeAll() }
        graceOfDeleted[uid] = pod[path: ["metadata", "deletionGracePeriodSeconds"]]?.intValue
            ?? pod[path: ["spec", "terminationGracePeriodSeconds"]]?.intValue ?? 30
    }

    /// The grace period to stop a deleted pod's containers with, once (nil if unknown).
    func takeGrace(uid: String) -> Int64? { graceOfDeleted.removeValue(forKey: uid) }

    /// Replaces everything with a fresh list; returns every key that was or is now present.
    func replace(with pods: [String: JSON]) -> [String] {
        let touched = Set(byKey.keys).union(pods.keys)
        byKey = pods
        return Array(touched)
    }
}
