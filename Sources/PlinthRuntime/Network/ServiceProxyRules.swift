/// The nftables table that serves Services on a host, laid out as kube-proxy's nftables mode
/// lays out its own: verdict maps from ClusterIP (and external IP) + protocol + port, and from
/// NodePort on any local address, to a chain per Service port that picks one ready endpoint at
/// random (or the one a client used last, with `sessionAffinity: ClientIP`) and DNATs to it.
/// Traffic that arrives from outside through a NodePort or external IP, and a pod reaching
/// itself through its Service, is masqueraded (mark 0x4000) so replies come back the same way.
/// Service ports with no ready endpoint are refused before routing (so a host without a route
/// to the service range still refuses at once), not left to time out; that lookup is made for
/// new connections only, so established traffic pays nothing for it. NodePorts answer on the
/// host's addresses but not on loopback (as in kube-proxy's nftables mode).
///
/// Replaced whole in one `nft -f` transaction: connections already set up keep their NAT in
/// conntrack; only ClientIP affinity memory starts afresh.
struct ServiceProxyRules: Equatable {
    static let masqueradeMark = "0x4000"
    let table: String
    let services: [ServicePortRule]

    init(bridge: String, services: [ServicePortRule]) {
        table = NFTablesName.table("services", bridge: bridge)
        self.services = services.sorted { $0.id < $1.id }
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.filter { $0 != "\"" && $0 != "\\" && !$0.isNewline } + "\""
    }

    static func map(_ name: String, key: String, _ elements: [String]) -> String {
        var text = "    map \(name) {\n        type \(key) : verdict\n"
        if !elements.isEmpty { text += "        elements = {\n" + elements.map { "            " + $0 }.joined(separator: ",\n") + "\n        }\n" }
        return text + "    }\n"
    }

    /// The script for `nft -f -`.
    var script: String {
        let ipKey = "ipv4_addr . inet_proto . inet_service", portKey = "inet_proto . inet_service"
        var clusterIPs: [String] = [], externalIPs: [String] = [], nodePorts: [String] = []
        var rejected: [String] = [], rejectedNodePorts: [String] = []
        var chains = ""
        for (i, s) in services.enumerated() {
            let open = !s.endpoints.isEmpty
            let target = open ? "svc_\(i)" : "reject_traffic", external = open ? "ext_\(i)" : "reject_traffic"
            if let ip = s.clusterIP {
                let element = "\(ip) . \(s.proto) . \(s.port) : goto \(target)"
                if open { clusterIPs.append(element) } else { rejected.append(element) }
            }
            for ip in s.externalIPs {
                let element = "\(ip) . \(s.proto) . \(s.port) : goto \(external)"
                if open { externalIPs.append(element) } else { rejected.append(element) }
            }
            if let nodePort = s.nodePort {
                let element = "\(s.proto) . \(nodePort) : goto \(external)"
                if open { nodePorts.append(element) } else { rejectedNodePorts.append(element) }
            }
            guard open else { continue }
            chains += "    chain svc_\(i) {\n        comment \(Self.quoted(s.id))\n"
            if s.affinitySeconds != nil {
                for j in s.endpoints.indices { chains += "        ip saddr @affinity_\(i)_\(j) goto ep_\(i)_\(j)\n" }
            }
            if s.endpoints.count == 1 {
                chains += "        goto ep_\(i)_0\n"
            } else {
                let picks = s.endpoints.indices.map { "\($0) : goto ep_\(i)_\($0)" }.joined(separator: ", ")
                chains += "        numgen random mod \(s.endpoints.count) vmap { \(picks) }\n"
            }
            chains += "    }\n"
            if s.nodePort != nil || !s.externalIPs.isEmpty {
                chains += "    chain ext_\(i) {\n        meta mark set meta mark | \(Self.masqueradeMark)\n        goto svc_\(i)\n    }\n"
            }
            for (j, e) in s.endpoints.enumerated() {
                if let seconds = s.affinitySeconds {
                    chains += "    set affinity_\(i)_\(j) {\n        type ipv4_addr\n        flags dynamic,timeout\n        timeout \(seconds)s\n    }\n"
                }
                chains += "    chain ep_\(i)_\(j) {\n"
                chains += "        ip saddr \(e.ip) meta mark set meta mark | \(Self.masqueradeMark)\n"
                if s.affinitySeconds != nil { chains += "        update @affinity_\(i)_\(j) { ip saddr }\n" }
                chains += "        meta l4proto \(s.proto) dnat to \(e.ip):\(e.port)\n    }\n"
            }
        }
        var text = "table ip \(table) {}\ndelete table ip \(table)\ntable ip \(table) {\n"
        text += Self.map("cluster_ips", key: ipKey, clusterIPs)
        text += Self.map("external_ips", key: ipKey, externalIPs)
        text += Self.map("node_ports", key: portKey, nodePorts)
        text += Self.map("no_endpoints", key: ipKey, rejected)
        text += Self.map("no_endpoint_node_ports", key: portKey, rejectedNodePorts)
        text += """
            chain reject_traffic {
                reject
            }
            chain services {
                ip daddr . meta l4proto . th dport vmap @cluster_ips
                ip daddr . meta l4proto . th dport vmap @external_ips
                ip daddr != 127.0.0.0/8 fib daddr type local meta l4proto . th dport vmap @node_ports
            }
            chain endpoints_check {
                ip daddr . meta l4proto . th dport vmap @no_endpoints
                ip daddr != 127.0.0.0/8 fib daddr type local meta l4proto . th dport vmap @no_endpoint_node_ports
            }
            chain nat_prerouting {
                type nat hook prerouting priority dstnat; policy accept;
                jump services
            }
            chain nat_output {
                type nat hook output priority -100; policy accept;
                jump services
            }
            chain nat_postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                meta mark & \(Self.masqueradeMark) == \(Self.masqueradeMark) meta mark set meta mark ^ \(Self.masqueradeMark) masquerade
            }
            chain filter_prerouting {
                type filter hook prerouting priority -110; policy accept;
                ct state new jump endpoints_check
            }
            chain filter_output {
                type filter hook output priority -110; policy accept;
                ct state new jump endpoints_check
            }

        """
        return text + chains + "}\n"
    }
}
