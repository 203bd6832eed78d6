import PlinthAPIMachinery
import PlinthJSON
import PlinthRuntime

/// What NetworkPolicies (networking.k8s.io/v1) allow each pod of this host, with upstream's
/// semantics: a pod is isolated for ingress (egress) once a policy of its namespace selects it
/// with that policy type (`policyTypes` defaults to Ingress, plus Egress when the policy has
/// egress rules); it then accepts what the union of those policies' rules allows. A peer is an
/// ipBlock, a podSelector (pods of the policy's namespace), a namespaceSelector (all pods of
/// the namespaces it selects) or both (those pods in those namespaces); a missing `from`/`to`
/// allows every peer and missing `ports` every port. Named ports resolve against the
/// containers' ports (the pod's own for ingress; any selected peer's for egress).
enum NetworkPolicyPlan {
    /// What the plan reads of a pod.
    struct Pod {
        var namespace: String
        var ip: String
        var labels: JSONObject?
        /// Named container ports: name → (protocol, number).
        var namedPorts: [String: (proto: String, port: Int)]

        init?(_ pod: JSON) {
            guard let ip = pod.string("status", "podIP"), !ip.isEmpty, !PodPhase.isTerminal(pod) else { return nil }
            namespace = pod.string("metadata", "namespace") ?? ""
            self.ip = ip
            labels = pod["metadata"]?["labels"]?.objectValue
            var named: [String: (String, Int)] = [:]
            for c in pod[path: ["spec", "containers"]]?.arrayValue ?? [] {
                for p in c["ports"]?.arrayValue ?? [] {
                    if let name = p.string("name"), let number = p["containerPort"]?.intValue {
                        named[name] = ((p.string("protocol") ?? "TCP").lowercased(), Int(number))
                    }
                }
            }
            namedPorts = named
        }
    }

    static func selector(_ json: JSON?) -> LabelSelector {
        guard let json, !json.isNull else { return .everything }
        return (try? LabelSelector(json: json)) ?? .nothing
    }

    /// The policies of each of `local` (this host's pods), from every pod, namespace (name →
    /// labels) and NetworkPolicy of the cluster. Pods no policy isolates are left out.
    static func policies(local: [Pod], all: [Pod], namespaces: [String: JSONObject?], policies: [JSON]) -> [PodTrafficPolicy] {
        let byNamespace = Dictionary(grouping: policies) { $0.string("metadata", "namespace") ?? "" }
        return local.compactMap { pod in
            let selecting = (byNamespace[pod.namespace] ?? []).filter { selector($0[path: ["spec", "podSelector"]]).matches(labels: pod.labels) }
            guard !selecting.isEmpty else { return nil }
            var ingress: [PodTrafficPolicy.Rule]?, egress: [PodTrafficPolicy.Rule]?
            for policy in selecting {
                let types = policyTypes(policy)
                if types.contains("Ingress") {
                    ingress = (ingress ?? []) + (policy[path: ["spec", "ingress"]]?.arrayValue ?? []).map {
                        rule($0, peersKey: "from", policy: policy, all: all, namespaces: namespaces, portsOf: [pod])
                    }
                }
                if types.contains("Egress") {
                    egress = (egress ?? []) + (policy[path: ["spec", "egress"]]?.arrayValue ?? []).map { r in
                        let peers = peerPods(r["to"], policy: policy, all: all, namespaces: namespaces)
                        return rule(r, peersKey: "to", policy: policy, all: all, namespaces: namespaces, portsOf: peers ?? all)
                    }
                }
            }
            guard ingress != nil || egress != nil else { return nil }
            return PodTrafficPolicy(podIP: pod.ip, ingress: ingress, egress: egress)
        }
    }

    static func policyTypes(_ policy: JSON) -> [String] {
        if let types = policy[path: ["spec", "policyTypes"]]?.arrayValue?.compactMap(\.stringValue), !types.isEmpty { return types }
        return policy[path: ["spec", "egress"]] != nil ? ["Ingress", "Egress"] : ["Ingress"]
    }

    /// The pods the peers of a rule select (nil when the rule names no pod selectors).
    static func peerPods(_ peers: JSON?, policy: JSON, all: [Pod], namespaces: [String: JSONObject?]) -> [Pod]? {
        let selecting = (peers?.arrayValue ?? []).filter { $0["podSelector"] != nil || $0["namespaceSelector"] != nil }
        guard !selecting.isEmpty else { return nil }
        return selecting.flatMap { pods(selectedBy: $0, policy: policy, all: all, namespaces: namespaces) }
    }

    static func pods(selectedBy peer: JSON, policy: JSON, all: [Pod], namespaces: [String: JSONObject?]) -> [Pod] {
        let podSelector = selector(peer["podSelector"])
        let inNamespaces: (Pod) -> Bool
        if let namespaceSelector = peer["namespaceSelector"], !namespaceSelector.isNull {
            let s = selector(namespaceSelector)
            inNamespaces = { p in namespaces[p.namespace].map { s.matches(labels: $0) } ?? false }
        } else {
            let own = policy.string("metadata", "namespace") ?? ""
            inNamespaces = { $0.namespace == own }
        }
        return all.filter { inNamespaces($0) && podSelector.matches(labels: $0.labels) }
    }

    static func rule(_ r: JSON, peersKey: String, policy: JSON, all: [Pod], namespaces: [String: JSONObject?], portsOf: [Pod]) -> PodTrafficPolicy.Rule {
        var peers: [PodTrafficPolicy.Peer]?
        if let list = r[peersKey]?.arrayValue, !list.isEmpty {
            peers = list.flatMap { peer -> [PodTrafficPolicy.Peer] in
                if let block = peer["ipBlock"], let cidr = block.string("cidr") {
                    return [.init(cidr: cidr, except: block["except"]?.arrayValue?.compactMap(\.stringValue) ?? [])]
                }
                return pods(selectedBy: peer, policy: policy, all: all, namespaces: namespaces).map { .init(cidr: $0.ip + "/32") }
            }
        }
        var ports: [PodTrafficPolicy.Port]?
        if let list = r["ports"]?.arrayValue, !list.isEmpty {
            ports = list.flatMap { p -> [PodTrafficPolicy.Port] in
                let proto = (p.string("protocol") ?? "TCP").lowercased()
                if let number = p["port"]?.intValue {
                    return [.init(proto: proto, port: Int(number), endPort: p["endPort"]?.intValue.map(Int.init))]
                }
                if let name = p.string("port") {
                    let numbers = Set(portsOf.compactMap { $0.namedPorts[name] }.filter { $0.proto == proto }.map(\.port))
                    return numbers.sorted().map { .init(proto: proto, port: $0) }
                }
                return [.init(proto: proto, port: nil)]
            }
        }
        return PodTrafficPolicy.Rule(peers: peers, ports: ports)
    }
}
