import PlinthJSON
import PlinthRuntime

/// What a host's proxy makes of one Service and its EndpointSlices (as kube-proxy reads them):
/// one rule per Service port, with the ready endpoints of the slice port of the same name and
/// protocol (the EndpointSlice controller has already resolved named target ports). Headless
/// and ExternalName Services have nothing to proxy.
enum ServicePortRules {
    static func rules(service: JSON, slices: [JSON]) -> [ServicePortRule] {
        let type = service.string("spec", "type") ?? "ClusterIP"
        let clusterIP = service.string("spec", "clusterIP")
        guard type != "ExternalName", let clusterIP, !clusterIP.isEmpty, clusterIP != "None" else { return [] }
        let id = (service.string("metadata", "namespace") ?? "") + "/" + (service.string("metadata", "name") ?? "")
        var affinity: Int?
        if service.string("spec", "sessionAffinity") == "ClientIP" {
            affinity = Int(service[path: ["spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"]]?.intValue ?? 10800)
        }
        let externalIPs = (service[path: ["spec", "externalIPs"]]?.arrayValue ?? []).compactMap(\.stringValue)
            + (service[path: ["status", "loadBalancer", "ingress"]]?.arrayValue ?? []).compactMap { $0.string("ip") }
        return (service[path: ["spec", "ports"]]?.arrayValue ?? []).compactMap { p in
            guard let port = p["port"]?.intValue else { return nil }
            let name = p.string("name") ?? "", proto = p.string("protocol") ?? "TCP"
            var endpoints: [ServicePortRule.Endpoint] = []
            for slice in slices where (slice.string("addressType") ?? "IPv4") == "IPv4" {
                guard let slicePort = (slice["ports"]?.arrayValue ?? []).first(where: {
                    ($0.string("name") ?? "") == name && ($0.string("protocol") ?? "TCP") == proto
                })?["port"]?.intValue else { continue }
                for e in slice["endpoints"]?.arrayValue ?? [] where e[path: ["conditions", "ready"]]?.boolValue != false {
                    guard let ip = e["addresses"]?.arrayValue?.first?.stringValue else { continue }
                    let endpoint = ServicePortRule.Endpoint(ip: ip, port: Int(slicePort))
                    if !endpoints.contains(endpoint) { endpoints.append(endpoint) }
                }
            }
            let nodePort = (type == "NodePort" || type == "LoadBalancer") ? p["nodePort"]?.intValue.map(Int.init) : nil
            return ServicePortRule(id: id + ":" + (name.isEmpty ? String(port) : name), proto: proto.lowercased(), clusterIP: clusterIP,
                                   port: Int(port), nodePort: nodePort, externalIPs: externalIPs, affinitySeconds: affinity,
                                   endpoints: endpoints.sorted { ($0.ip, $0.port) < ($1.ip, $1.port) })
        }
    }
}
