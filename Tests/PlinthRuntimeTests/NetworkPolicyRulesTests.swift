@testable import PlinthRuntime
import Testing

/// The NetworkPolicy table's script: per-pod chains reached through address maps, one line per
/// peer group and port, replies let through first.
@Suite("network policy rules")
struct NetworkPolicyRulesTests {
    @Test func rulesAsNftables() throws {
        let rules = NetworkPolicyRules(bridge: "plinth0", pods: [
            PodTrafficPolicy(podIP: "10.244.0.5", ingress: [.init(peers: [.init(cidr: "10.244.1.7/32"), .init(cidr: "192.0.2.0/24", except: ["192.0.2.128/25"])],
                                                                  ports: [.init(proto: "tcp", port: 8080), .init(proto: "udp", port: 9000, endPort: 9010)]),
                                                            .init(peers: [], ports: nil)],
                             egress: nil),
            PodTrafficPolicy(podIP: "10.244.0.6", ingress: nil, egress: [.init(peers: nil, ports: nil)]),
        ])
        let script = rules.script
        #expect(script.contains("10.244.0.5 : jump ingress_0") && script.contains("10.244.0.6 : jump egress_1"))
        #expect(script.contains("ip saddr { 10.244.1.7/32 } meta l4proto tcp th dport 8080 return"))
        #expect(script.contains("ip saddr 192.0.2.0/24 ip saddr != { 192.0.2.128/25 } meta l4proto udp th dport 9000-9010 return"))
        #expect(script.contains("chain egress_1 {\n        return\n        drop"), "an egress rule allowing everything")
        #expect(script.contains("ct state established,related accept"))
    }
}
