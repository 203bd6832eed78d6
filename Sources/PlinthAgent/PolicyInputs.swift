import PlinthJSON
import PlinthRuntime

/// What a host's NetworkPolicy enforcement reads, as its three watches last saw it: every pod
/// with an address (this host's marked), every namespace's labels, every NetworkPolicy.
/// `generation` moves with every change that matters.
actor PolicyInputs {
    private var pods: [String: NetworkPolicyPlan.Pod] = [:]
    private var localPods: Set<String> = []
    private var namespaces: [String: JSONObject?] = [:]
    private var policies: [String: JSON] = [:]
    private var listed: Set<String> = []
    private(set) var generation = 0
    let nodeName: String

    init(nodeName: String) {
        self.nodeName = nodeName
    }

    var synced: Bool { listed.count == 3 }

    func replace(pods items: [JSON]) {
        pods = [:]
        localPods = []
        for p in items { set(pod: p, deleted: false) }
        listed.insert("pods")
        generation += 1
    }

    /// A pod's change matters when its address, labels, ports or host change: a status update
    /// that leaves them alone (a probe result, a restart count) does not move the generation.
    func set(pod o: JSON, deleted: Bool) {
        let key = HostAgent.key(o)
        let next = deleted ? nil : NetworkPolicyPlan.Pod(o)
        let local = !deleted && o.string("spec", "nodeName") == nodeName
        let before = pods[key]
        if before?.ip == next?.ip && before?.labels == next?.labels && before?.namedPorts.keys.sorted() == next?.namedPorts.keys.sorted()
            && localPods.contains(key) == local && (before == nil) == (next == nil) {
            return
        }
        pods[key] = next
        if local && next != nil { localPods.insert(key) } else { localPods.remove(key) }
        generation += 1
    }

    func replace(namespaces items: [JSON]) {
        namespaces = [:]
        for n in items { if let name = n.string("metadata", "name") { namespaces[name] = n["metadata"]?["labels"]?.objectValue } }
        listed.insert("namespaces")
        generation += 1
    }

    func set(namespace o: JSON, deleted: Bool) {
        guard let name = o.string("metadata", "name") else { return }
        let labels = o["metadata"]?["labels"]?.objectValue
        if deleted { namespaces[name] = nil } else {
            if let existing = namespaces[name], existing == labels { return }
            namespaces[name] = .some(labels)
        }
        generation += 1
    }

    func replace(policies items: [JSON]) {
        policies = Dictionary(items.map { (HostAgent.key($0), $0) }, uniquingKeysWith: { $1 })
        listed.insert("policies")
        generation += 1
    }

    func set(policy o: JSON, deleted: Bool) {
        policies[HostAgent.key(o)] = deleted ? nil : o
        generation += 1
    }

    /// This host's pods' policies.
    func plan() -> [PodTrafficPolicy] {
        NetworkPolicyPlan.policies(local: localPods.compactMap { pods[$0] }, all: Array(pods.values), namespaces: namespaces,
                                   policies: Array(policies.values))
    }
}
