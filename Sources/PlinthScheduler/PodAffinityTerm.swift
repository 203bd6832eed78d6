import PlinthAPIMachinery
import PlinthJSON

/// One required term of pod affinity or anti-affinity, read once per pod: which pods it is about
/// (a label selector over pods in some namespaces) and the node label that draws the topology
/// domains (`kubernetes.io/hostname`: each node its own domain; a zone label: nodes by zone).
public struct PodAffinityTerm: Sendable {
    public let selector: LabelSelector
    /// The namespaces whose pods count; nil for all (an empty `namespaceSelector`).
    public let namespaces: Set<String>?
    public let topologyKey: String

    /// Reads a term of a pod in `namespace`: `namespaces`, else the pod's own namespace, and an
    /// empty `namespaceSelector` widens it to every namespace. (Other namespace selectors need
    /// namespace labels the scheduler does not keep; they select only the listed namespaces.)
    public init?(_ term: JSON, namespace: String) {
        guard let key = term.string("topologyKey"), !key.isEmpty else { return nil }
        selector = (try? LabelSelector(json: term["labelSelector"] ?? .null)) ?? .nothing
        let listed = (term["namespaces"]?.arrayValue ?? []).compactMap(\.stringValue)
        let namespaceSelector = term["namespaceSelector"]
        if let s = namespaceSelector?.objectValue, s.isEmpty {
            namespaces = nil
        } else {
            namespaces = Set(listed.isEmpty && namespaceSelector == nil ? [namespace] : listed)
        }
        topologyKey = key
    }

    /// Reads the required terms under `spec.affinity.<kind>` (`podAffinity`, `podAntiAffinity`).
    static func required(_ pod: JSON, _ kind: String, namespace: String) -> [PodAffinityTerm] {
        (pod[path: ["spec", "affinity", kind, "requiredDuringSchedulingIgnoredDuringExecution"]]?.arrayValue ?? [])
            .compactMap { PodAffinityTerm($0, namespace: namespace) }
    }

    /// Whether the term is about `pod`.
    public func matches(_ pod: PodInfo) -> Bool {
        (namespaces?.contains(pod.namespace) ?? true) && selector.matches(labels: pod.labels)
    }
}
