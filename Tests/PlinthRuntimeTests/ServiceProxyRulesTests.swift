import Foundation
@testable import PlinthRuntime
import Testing

/// The nftables script of the Service proxy: what it maps where, and that the kernel's nft
/// accepts it, the NAT and NetworkPolicy tables' too (checked without applying, where nft and root are at hand).
@Suite("service proxy rules")
struct ServiceProxyRulesTests {
    let rules = ServiceProxyRules(bridge: "plinth0", services: [
        ServicePortRule(id: "ns/web:http", proto: "tcp", clusterIP: "10.96.0.20", port: 80, nodePort: 30080, affinitySeconds: 60,
                        endpoints: [.init(ip: "10.244.1.2", port: 8080), .init(ip: "10.244.2.3", port: 8080)]),
        ServicePortRule(id: "ns/empty:80", proto: "udp", clusterIP: "10.96.0.21", port: 53, endpoints: []),
    ])

    @Test func mapsClusterIPsAndNodePortsToEndpointChains() {
        let script = rules.script
        // Sorted by id: ns/empty is 0, ns/web is 1.
        #expect(script.contains("10.96.0.20 . tcp . 80 : goto svc_1"))
        #expect(script.contains("tcp . 30080 : goto ext_1"))
        #expect(script.contains("10.96.0.21 . udp . 53 : goto reject_traffic"), "a port without endpoints is refused")
        #expect(script.contains("numgen random mod 2 vmap { 0 : goto ep_1_0, 1 : goto ep_1_1 }"))
        #expect(script.contains("ip saddr @affinity_1_0 goto ep_1_0") && script.contains("timeout 60s"))
        #expect(script.contains("meta l4proto tcp dnat to 10.244.2.3:8080"))
        #expect(script.contains("ip saddr 10.244.1.2 meta mark set meta mark | 0x4000"), "a pod reaching itself is masqueraded")
    }

    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft"), "needs root and nft (apt-get install nftables)"))
    func nftAcceptsTheScript() async throws {
        let checked = try await HostCommand.run("/usr/sbin/nft", ["--check", "-f", "-"], input: rules.script, allowFailure: true)
        #expect(checked.status == 0, "\(checked.output)")
        let nat = PodNATRules(bridge: "plinth0", podCIDR: .init("10.244.1.0/24")!, podNetworks: [.init("10.244.2.0/24")!])
        let natChecked = try await HostCommand.run("/usr/sbin/nft", ["--check", "-f", "-"], input: nat.script, allowFailure: true)
        #expect(natChecked.status == 0, "\(natChecked.output)")
        let policies = NetworkPolicyRules(bridge: "plinth0", pods: [
            PodTrafficPolicy(podIP: "10.244.0.5", ingress: [.init(peers: [.init(cidr: "10.244.1.7/32"), .init(cidr: "192.0.2.0/24", except: ["192.0.2.128/25"])],
                                                                  ports: [.init(proto: "tcp", port: 8080), .init(proto: "udp", port: 9000, endPort: 9010)])],
                             egress: [.init(peers: nil, ports: [.init(proto: "udp", port: 53)])]),
        ])
        let policiesChecked = try await HostCommand.run("/usr/sbin/nft", ["--check", "-f", "-"], input: policies.script, allowFailure: true)
        #expect(policiesChecked.status == 0, "\(policiesChecked.output)\n\(policies.script)")
    }
}
