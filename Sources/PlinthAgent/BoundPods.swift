import PlinthJSON

/// The pods bound to this host as the agent's watch last saw them, by `namespace/name`.
actor BoundPods {
    private var byKey: [String: JSON] = [:]

    func pod(_ key: String) -> JSON? { byKey[key] }

    func keys() -> [String] { Array(byKey.keys) }

    func set(_ key: String, _ pod: JSON?) { byKey[key] = pod }

    /// Replaces everything with a fresh list; returns every key that was or is now present.
    func replace(with pods: [String: JSON]) -> [String] {
        let touched = Set(byKey.keys).union(pods.keys)
        byKey = pods
        return Array(touched)
    }
}
