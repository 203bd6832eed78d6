/// What NetworkPolicies allow one pod on this host, resolved to addresses and ports: nil
/// ingress (or egress) means the pod is not isolated in that direction; otherwise only
/// connections some rule allows are let through (replies always are).
public struct PodTrafficPolicy: Sendable, Hashable {
    /// One allow rule: any of `peers` (nil: any address) on any of `ports` (nil: any port).
    public struct Rule: Sendable, Hashable {
        public var peers: [Peer]?
        public var ports: [Port]?

        public init(peers: [Peer]?, ports: [Port]?) {
            self.peers = peers
            self.ports = ports
        }
    }

    /// An address range (a pod is a /32) with ranges cut out of it.
    public struct Peer: Sendable, Hashable {
        public var cidr: String
        public var except: [String]

        public init(cidr: String, except: [String] = []) {
            self.cidr = cidr
            self.except = except
        }
    }

    /// A protocol (`tcp`, `udp`, `sctp`) and a port or range of ports (nil: every port).
    public struct Port: Sendable, Hashable {
        public var proto: String
        public var port: Int?
        public var endPort: Int?

        public init(proto: String, port: Int?, endPort: Int? = nil) {
            self.proto = proto
            self.port = port
            self.endPort = endPort
        }
    }

    public var podIP: String
    public var ingress: [Rule]?
    public var egress: [Rule]?

    public init(podIP: String, ingress: [Rule]?, egress: [Rule]?) {
        self.podIP = podIP
        self.ingress = ingress
        self.egress = egress
    }
}
