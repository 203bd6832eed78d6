import PlinthAPIMachinery
import PlinthJSON

/// The endpoints of one Service, worked out from its selector and the pods it selects
/// (upstream's endpoints and EndpointSlice controllers): every pod with an IP that is not
/// finished, ready or not, with the Service's ports resolved against the pod (a named
/// `targetPort` is looked up in the pod's containers; a pod without that port is left out of
/// that port's group). Pods being deleted count as terminating, not ready.
public struct ServiceEndpoints: Sendable {
    public struct Endpoint: Sendable, Equatable {
        public var ip: String
        public var nodeName: String?
        public var podName: String
        public var podUID: String
        public var ready: Bool
        /// Ready by its condition, even while terminating.
        public var serving: Bool
        public var terminating: Bool
    }

    /// Pods that resolve the Service's ports the same way, with those ports.
    public struct Group: Sendable, Equatable {
        public var ports: [JSON]
        public var endpoints: [Endpoint]
    }

    public var groups: [Group] = []

    public init(service: JSON, pods: [JSON]) {
        let servicePorts = service[path: ["spec", "ports"]]?.arrayValue ?? []
        let publishNotReady = service[path: ["spec", "publishNotReadyAddresses"]]?.boolValue == true
        var byPorts: [[JSON]: [Endpoint]] = [:]
        var order: [[JSON]] = []
        for pod in pods {
            guard let ip = pod.string("status", "podIP"), !ip.isEmpty, !PodPhase.isTerminal(pod),
                  let name = pod.string("metadata", "name") else { continue }
            let terminating = pod[path: ["metadata", "deletionTimestamp"]] != nil
            let serving = publishNotReady || ActivePods.isReady(pod)
            let ready = !terminating && serving
            var ports: [JSON] = []
            for p in servicePorts {
                guard let port = Self.resolve(p["targetPort"] ?? p["port"] ?? .null, in: pod) else { continue }
                var e: JSON = [:]
                if let n = p["name"], !n.isNull { e["name"] = n }
                e["port"] = .int(port)
                e["protocol"] = p["protocol"] ?? "TCP"
                if let a = p["appProtocol"], !a.isNull { e["appProtocol"] = a }
                ports.append(e)
            }
            if !servicePorts.isEmpty && ports.isEmpty { continue }
            let endpoint = Endpoint(ip: ip, nodeName: pod.string("spec", "nodeName"), podName: name,
                                    podUID: pod.string("metadata", "uid") ?? "", ready: ready, serving: serving, terminating: terminating)
            if byPorts[ports] == nil { order.append(ports) }
            byPorts[ports, default: []].append(endpoint)
        }
        groups = order.map { Group(ports: $0, endpoints: byPorts[$0]!.sorted { $0.ip < $1.ip }) }
    }

    /// A `targetPort` as a number: a number stays, a name is looked up in the pod's container ports.
    static func resolve(_ target: JSON, in pod: JSON) -> Int64? {
        if let n = target.intValue { return n }
        guard let name = target.stringValue else { return nil }
        if let n = Int64(name) { return n }
        for c in pod[path: ["spec", "containers"]]?.arrayValue ?? [] {
            for p in c["ports"]?.arrayValue ?? [] where p.string("name") == name { return p["containerPort"]?.intValue }
        }
        return nil
    }

    /// The core/v1 Endpoints `subsets`: ready pods as `addresses`, the others (not terminating)
    /// as `notReadyAddresses`.
    public func subsets(namespace: String) -> [JSON] {
        groups.compactMap { g -> JSON? in
            func address(_ e: Endpoint) -> JSON {
                var a: JSON = ["ip": .string(e.ip)]
                if let node = e.nodeName { a["nodeName"] = .string(node) }
                a["targetRef"] = ["kind": "Pod", "namespace": .string(namespace), "name": .string(e.podName), "uid": .string(e.podUID)]
                return a
            }
            let ready = g.endpoints.filter(\.ready).map(address)
            let notReady = g.endpoints.filter { !$0.ready && !$0.terminating }.map(address)
            guard !ready.isEmpty || !notReady.isEmpty else { return nil }
            var s: JSON = [:]
            if !ready.isEmpty { s["addresses"] = .array(ready) }
            if !notReady.isEmpty { s["notReadyAddresses"] = .array(notReady) }
            if !g.ports.isEmpty { s["ports"] = .array(g.ports) }
            return s
        }
    }

    /// The `endpoints` of a discovery/v1 EndpointSlice for one group.
    public static func sliceEndpoints(_ g: Group, namespace: String) -> [JSON] {
        g.endpoints.map { e in
            var o: JSON = ["addresses": [.string(e.ip)],
                           "conditions": ["ready": .bool(e.ready), "serving": .bool(e.serving), "terminating": .bool(e.terminating)]]
            if let node = e.nodeName { o["nodeName"] = .string(node) }
            o["targetRef"] = ["kind": "Pod", "namespace": .string(namespace), "name": .string(e.podName), "uid": .string(e.podUID)]
            return o
        }
    }
}
