import PlinthAPIMachinery
import PlinthJSON

/// Required inter-pod affinity and anti-affinity (upstream's InterPodAffinity filter): a node is
/// out when a pod in its topology domain has an anti-affinity term about the incoming pod, when
/// the incoming pod's anti-affinity terms match a pod in the domain, or when its affinity terms
/// find no matching pod there (unless no pod anywhere matches and the pod matches its own terms:
/// the first of a group may go anywhere). `prepared` counts the domains once per decision.
public struct InterPodAffinity: FilterPlugin {
    public init() {}

    public func unfitReasons(_ pod: PodInfo, _ node: NodeInfo) -> [String] {
        prepared(for: pod, nodes: [node]).unfitReasons(pod, node)
    }

    public func prepared(for pod: PodInfo, nodes: [NodeInfo]) -> any FilterPlugin {
        var state = Prepared()
        let wantsAffinity = !pod.affinityTerms.isEmpty
        let wantsAntiAffinity = !pod.antiAffinityTerms.isEmpty
        for node in nodes {
            let scan = wantsAffinity || wantsAntiAffinity
            guard scan || node.antiAffinityPods > 0 else { continue }
            for existing in node.pods.values {
                // Existing pods' anti-affinity about this pod closes their domains to it.
                for term in existing.antiAffinityTerms where term.matches(pod) {
                    if let value = node.labels[term.topologyKey] { state.closedByExisting.insert(Domain(key: term.topologyKey, value: value)) }
                }
                guard scan else { continue }
                for (i, term) in pod.antiAffinityTerms.enumerated() where term.matches(existing) {
                    if let value = node.labels[term.topologyKey] { state.antiAffinityDomains.insert(Domain(term: i, key: term.topologyKey, value: value)) }
                }
                for (i, term) in pod.affinityTerms.enumerated() where term.matches(existing) {
                    state.anyAffinityMatch = true
                    if let value = node.labels[term.topologyKey] { state.affinityDomains.insert(Domain(term: i, key: term.topologyKey, value: value)) }
                }
            }
        }
        state.matchesOwnAffinity = pod.affinityTerms.allSatisfy { $0.matches(pod) }
        return state
    }

    struct Domain: Hashable {
        var term = 0
        var key: String
        var value: String
    }

    struct Prepared: FilterPlugin {
        var closedByExisting: Set<Domain> = []
        var antiAffinityDomains: Set<Domain> = []
        var affinityDomains: Set<Domain> = []
        var anyAffinityMatch = false
        var matchesOwnAffinity = false

        /// In upstream's order: the pod's affinity, its anti-affinity, then the existing pods'.
        func unfitReasons(_ pod: PodInfo, _ node: NodeInfo) -> [String] {
            // The first pod of a group that selects itself may start anywhere the keys exist.
            let firstOfGroup = !anyAffinityMatch && matchesOwnAffinity
            for (i, term) in pod.affinityTerms.enumerated() {
                guard let value = node.labels[term.topologyKey] else { return ["node(s) didn't match pod affinity rules"] }
                if !firstOfGroup && !affinityDomains.contains(Domain(term: i, key: term.topologyKey, value: value)) {
                    return ["node(s) didn't match pod affinity rules"]
                }
            }
            for (i, term) in pod.antiAffinityTerms.enumerated() {
                if let value = node.labels[term.topologyKey], antiAffinityDomains.contains(Domain(term: i, key: term.topologyKey, value: value)) {
                    return ["node(s) didn't match pod anti-affinity rules"]
                }
            }
            if !closedByExisting.isEmpty, closedByExisting.contains(where: { node.labels[$0.key] == $0.value }) {
                return ["node(s) didn't satisfy existing pods anti-affinity rules"]
            }
            return []
        }
    }
}
