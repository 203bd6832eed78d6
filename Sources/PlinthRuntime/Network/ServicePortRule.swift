/// One port of one Service as a host's proxy serves it: where clients send (the ClusterIP and
/// port, the NodePort, load-balancer addresses) and the ready endpoints behind it.
public struct ServicePortRule: Sendable, Hashable {
    public struct Endpoint: Sendable, Hashable {
        public var ip: String
        public var port: Int

        public init(ip: String, port: Int) {
            self.ip = ip
            self.port = port
        }
    }

    /// `namespace/name:port-name`, for comments and stable ordering.
    public var id: String
    /// `tcp`, `udp` or `sctp`.
    public var proto: String
    public var clusterIP: String?
    public var port: Int
    public var nodePort: Int?
    public var externalIPs: [String]
    /// Seconds a client stays with its endpoint (`sessionAffinity: ClientIP`), or nil.
    public var affinitySeconds: Int?
    public var endpoints: [Endpoint]

    public init(id: String, proto: String, clusterIP: String?, port: Int, nodePort: Int? = nil, externalIPs: [String] = [],
                affinitySeconds: Int? = nil, endpoints: [Endpoint]) {
        self.id = id
        self.proto = proto
        self.clusterIP = clusterIP
        self.port = port
        self.nodePort = nodePort
        self.externalIPs = externalIPs
        self.affinitySeconds = affinitySeconds
        self.endpoints = endpoints
    }
}
