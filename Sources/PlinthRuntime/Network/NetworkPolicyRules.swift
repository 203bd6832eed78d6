/// The nftables table that enforces NetworkPolicies for this host's pods, on the forward hook
/// (bridged traffic passes it too, through br_netfilter): replies of allowed connections pass
/// at once; a new connection from an egress-isolated pod must match one of its egress rules,
/// and one to an ingress-isolated pod one of its ingress rules, else it is dropped. Traffic
/// from the host itself (probes) is always let in. Like other implementations, a change of
/// policy does not cut connections already set up.
struct NetworkPolicyRules: Equatable {
    let table: String
    let pods: [PodTrafficPolicy]

    init(bridge: String, pods: [PodTrafficPolicy]) {
        table = NFTablesName.table("policy", bridge: bridge)
        self.pods = pods.sorted { $0.podIP < $1.podIP }
    }

    /// The statements of one rule (`return` when it matches), one line per peer group and port.
    static func lines(_ rule: PodTrafficPolicy.Rule, peerField: String) -> [String] {
        var peerMatches: [String] = []
        if let peers = rule.peers {
            let plain = peers.filter { $0.except.isEmpty }.map(\.cidr)
            if !plain.isEmpty { peerMatches.append("ip \(peerField) { \(Array(Set(plain)).sorted().joined(separator: ", ")) }") }
            for p in peers where !p.except.isEmpty {
                peerMatches.append("ip \(peerField) \(p.cidr) ip \(peerField) != { \(p.except.joined(separator: ", ")) }")
            }
            if peerMatches.isEmpty { return [] }  // peers that resolve to no address allow nothing
        } else {
            peerMatches = [""]
        }
        var portMatches: [String] = []
        if let ports = rule.ports {
            for p in ports {
                if let port = p.port {
                    let range = p.endPort.map { $0 > port ? "\(port)-\($0)" : "\(port)" } ?? "\(port)"
                    portMatches.append("meta l4proto \(p.proto) th dport \(range)")
                } else {
                    portMatches.append("meta l4proto \(p.proto)")
                }
            }
            if portMatches.isEmpty { return [] }
        } else {
            portMatches = [""]
        }
        return peerMatches.flatMap { peer in portMatches.map { port in [peer, port, "return"].filter { !$0.isEmpty }.joined(separator: " ") } }
    }

    var script: String {
        var ingress: [String] = [], egress: [String] = []
        var chains = ""
        for (i, pod) in pods.enumerated() {
            if let rules = pod.ingress {
                ingress.append("\(pod.podIP) : jump ingress_\(i)")
                chains += "    chain ingress_\(i) {\n        fib saddr type local return\n"
                for line in rules.flatMap({ Self.lines($0, peerField: "saddr") }) { chains += "        \(line)\n" }
                chains += "        drop\n    }\n"
            }
            if let rules = pod.egress {
                egress.append("\(pod.podIP) : jump egress_\(i)")
                chains += "    chain egress_\(i) {\n"
                for line in rules.flatMap({ Self.lines($0, peerField: "daddr") }) { chains += "        \(line)\n" }
                chains += "        drop\n    }\n"
            }
        }
        var text = "table ip \(table) {}\ndelete table ip \(table)\ntable ip \(table) {\n"
        for (name, elements) in [("ingress_pods", ingress), ("egress_pods", egress)] {
            text += "    map \(name) {\n        type ipv4_addr : verdict\n"
            if !elements.isEmpty { text += "        elements = { " + elements.joined(separator: ", ") + " }\n" }
            text += "    }\n"
        }
        text += """
            chain forward {
                type filter hook forward priority filter; policy accept;
                ct state established,related accept
                ip saddr vmap @egress_pods
                ip daddr vmap @ingress_pods
            }

        """
        return text + chains + "}\n"
    }
}
