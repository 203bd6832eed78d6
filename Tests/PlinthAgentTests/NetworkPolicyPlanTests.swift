@testable import PlinthAgent
import PlinthJSON
import PlinthRuntime
import Testing

/// NetworkPolicy semantics as a host resolves them for its pods.
@Suite("network policy plan")
struct NetworkPolicyPlanTests {
    func json(_ text: String) throws -> JSON { try JSON.parse(Array(text.utf8)) }

    func pod(_ ns: String, _ ip: String, _ labels: String, ports: String = "[]") throws -> NetworkPolicyPlan.Pod {
        try #require(NetworkPolicyPlan.Pod(try json(#"""
            {"metadata": {"namespace": "\#(ns)", "labels": \#(labels)}, "spec": {"containers": [{"name": "c", "ports": \#(ports)}]},
             "status": {"phase": "Running", "podIP": "\#(ip)"}}
            """#)))
    }

    @Test func selectedPodsAreIsolatedAndAcceptWhatRulesAllow() throws {
        let web = try pod("shop", "10.244.0.5", #"{"app": "web"}"#, ports: #"[{"name": "http", "containerPort": 8080}]"#)
        let other = try pod("shop", "10.244.0.6", #"{"app": "other"}"#)
        let client = try pod("shop", "10.244.1.7", #"{"role": "client"}"#)
        let monitor = try pod("ops", "10.244.1.8", #"{"role": "client"}"#)
        let stranger = try pod("dev", "10.244.1.9", #"{"role": "client"}"#)
        let namespaces: [String: JSONObject?] = ["shop": ["team": "shop"], "ops": ["team": "ops"], "dev": nil]
        let policies = [
            try json(#"""
                {"metadata": {"namespace": "shop", "name": "web"},
                 "spec": {"podSelector": {"matchLabels": {"app": "web"}},
                          "ingress": [{"from": [{"podSelector": {"matchLabels": {"role": "client"}}},
                                                {"namespaceSelector": {"matchLabels": {"team": "ops"}}},
                                                {"ipBlock": {"cidr": "192.0.2.0/24", "except": ["192.0.2.128/25"]}}],
                                       "ports": [{"port": "http"}, {"port": 9000, "endPort": 9010, "protocol": "UDP"}]}]}}
                """#),
        ]
        let plan = NetworkPolicyPlan.policies(local: [web, other], all: [web, other, client, monitor, stranger], namespaces: namespaces, policies: policies)
        #expect(plan.count == 1, "a pod no policy selects is not isolated")
        let rules = try #require(plan.first?.ingress)
        #expect(plan.first?.podIP == "10.244.0.5" && plan.first?.egress == nil)
        #expect(rules.count == 1)
        // Same-namespace pods by label (not the one in dev), every pod of the ops namespace, and the block.
        #expect(rules[0].peers == [.init(cidr: "10.244.1.7/32"), .init(cidr: "10.244.1.8/32"), .init(cidr: "192.0.2.0/24", except: ["192.0.2.128/25"])])
        #expect(rules[0].ports == [.init(proto: "tcp", port: 8080), .init(proto: "udp", port: 9000, endPort: 9010)])
    }

    @Test func policyTypesAndEmptyRules() throws {
        let web = try pod("shop", "10.244.0.5", #"{"app": "web"}"#)
        let denyAll = try json(#"{"metadata": {"namespace": "shop", "name": "deny"}, "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}"#)
        let plan = NetworkPolicyPlan.policies(local: [web], all: [web], namespaces: [:], policies: [denyAll])
        #expect(plan == [PodTrafficPolicy(podIP: "10.244.0.5", ingress: [], egress: [])], "isolated both ways, nothing allowed")
        // Egress rules alone make the default policyTypes Ingress and Egress; an empty `to` allows every peer.
        let egress = try json(#"{"metadata": {"namespace": "shop", "name": "dns"}, "spec": {"podSelector": {}, "egress": [{"ports": [{"port": 53, "protocol": "UDP"}]}]}}"#)
        let egressPlan = NetworkPolicyPlan.policies(local: [web], all: [web], namespaces: [:], policies: [egress])
        #expect(egressPlan == [PodTrafficPolicy(podIP: "10.244.0.5", ingress: [], egress: [.init(peers: nil, ports: [.init(proto: "udp", port: 53)])])])
        // A policy of another namespace selects nothing here.
        let elsewhere = try json(#"{"metadata": {"namespace": "dev", "name": "deny"}, "spec": {"podSelector": {}}}"#)
        #expect(NetworkPolicyPlan.policies(local: [web], all: [web], namespaces: [:], policies: [elsewhere]).isEmpty)
    }
}
