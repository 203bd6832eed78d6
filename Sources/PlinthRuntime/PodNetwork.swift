import PlinthAPIMachinery

/// A host's pod network as the agent and the runtime use it (CNI's place in upstream): the
/// agent configures it from its Node's pod CIDR and routes to the other hosts' pod CIDRs; the
/// runtime attaches each sandbox's network namespace and detaches it when the sandbox goes.
/// A VM runtime attaches a tap device the same way later.
public protocol PodNetwork: Sendable {
    /// Builds (or keeps) the host side for `podCIDR`; `hostAddress` is the Node's address.
    func configure(podCIDR: IPv4Subnet, hostAddress: String) async throws
    /// The host's own address on the pod network (the bridge's gateway address, where its
    /// cluster DNS answers), once configured.
    func gateway() async -> String?
    /// Routes each other host's pod CIDR through that host, and only those.
    func route(to peers: [PodNetworkPeer]) async throws
    /// Gives the sandbox whose network namespace is pinned at `namespacePath` an interface and
    /// an address; returns the address. Waits a little for `configure` on a fresh host.
    func attach(podUID: String, namespacePath: String) async throws -> String
    /// Removes the pod's interface and frees its address; nothing to do is no error.
    func detach(podUID: String) async throws
    /// Serves these Service ports on the host (ClusterIPs, NodePorts, external addresses),
    /// replacing what was served before.
    func program(services: [ServicePortRule]) async throws
    /// Answers for these addresses on the host's network (the load-balancer addresses this host
    /// owns), and no longer for those it announced before and are not among them.
    func announce(addresses: [String]) async throws
    /// Enforces NetworkPolicies for this host's pods, replacing what was enforced before.
    func program(policies: [PodTrafficPolicy]) async throws
    /// Removes everything the network made on the host (when no pods are left).
    func tearDown() async throws
}

/// Another host as routes see it: its pod CIDR and the address that reaches it.
public struct PodNetworkPeer: Sendable, Hashable {
    public var podCIDR: IPv4Subnet
    public var address: IPv4Address

    public init(podCIDR: IPv4Subnet, address: IPv4Address) {
        self.podCIDR = podCIDR
        self.address = address
    }
}

/// The pod network is not usable yet (no pod CIDR) or a host tool failed.
public struct PodNetworkError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
