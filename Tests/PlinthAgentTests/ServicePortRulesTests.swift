@testable import PlinthAgent
import PlinthJSON
import PlinthRuntime
import Testing

/// What the host's proxy makes of Services and their EndpointSlices.
@Suite("service port rules")
struct ServicePortRulesTests {
    func json(_ text: String) throws -> JSON { try JSON.parse(Array(text.utf8)) }

    func slice(_ ports: String, _ endpoints: String) throws -> JSON {
        try json(#"{"addressType": "IPv4", "ports": \#(ports), "endpoints": \#(endpoints), "metadata": {"namespace": "ns", "name": "web-abc", "labels": {"kubernetes.io/service-name": "web"}}}"#)
    }

    @Test func readyEndpointsOfThePortOfTheSameName() throws {
        let service = try json(#"""
            {"metadata": {"namespace": "ns", "name": "web"},
             "spec": {"type": "NodePort", "clusterIP": "10.96.0.20", "sessionAffinity": "ClientIP",
                      "ports": [{"name": "http", "port": 80, "nodePort": 30080, "protocol": "TCP"}, {"name": "dns", "port": 53, "protocol": "UDP"}]}}
            """#)
        let slices = [
            try slice(#"[{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "dns", "port": 5353, "protocol": "UDP"}]"#,
                      #"[{"addresses": ["10.244.1.3"], "conditions": {"ready": true}}, {"addresses": ["10.244.1.2"]},"#
                        + #" {"addresses": ["10.244.2.9"], "conditions": {"ready": false}}]"#),
        ]
        let rules = ServicePortRules.rules(service: service, slices: slices)
        #expect(rules.map(\.id) == ["ns/web:http", "ns/web:dns"])
        #expect(rules[0].proto == "tcp" && rules[0].nodePort == 30080 && rules[0].affinitySeconds == 10800 && rules[0].clusterIP == "10.96.0.20")
        #expect(rules[0].endpoints == [.init(ip: "10.244.1.2", port: 8080), .init(ip: "10.244.1.3", port: 8080)])
        #expect(rules[1].proto == "udp" && rules[1].nodePort == nil && rules[1].endpoints.map(\.port) == [5353, 5353])
    }

    @Test func headlessExternalNameAndClusterIPServices() throws {
        let headless = try json(#"{"metadata": {"namespace": "ns", "name": "web"}, "spec": {"clusterIP": "None", "ports": [{"port": 80}]}}"#)
        #expect(ServicePortRules.rules(service: headless, slices: []).isEmpty)
        let external = try json(#"{"metadata": {"namespace": "ns", "name": "web"}, "spec": {"type": "ExternalName", "externalName": "example.com"}}"#)
        #expect(ServicePortRules.rules(service: external, slices: []).isEmpty)
        // A ClusterIP Service keeps no NodePort even if one is written; an unnamed port matches the slice's unnamed one.
        let plain = try json(#"{"metadata": {"namespace": "ns", "name": "web"}, "spec": {"clusterIP": "10.96.0.21", "ports": [{"port": 80, "nodePort": 30001}]}}"#)
        let rules = ServicePortRules.rules(service: plain, slices: [try slice(#"[{"port": 9090}]"#, #"[{"addresses": ["10.244.1.2"]}]"#)])
        #expect(rules.count == 1 && rules[0].nodePort == nil && rules[0].id == "ns/web:80" && rules[0].endpoints == [.init(ip: "10.244.1.2", port: 9090)])
    }
}
