/// What a pod's sandbox is made from: the pod's identity (its uid names the sandbox) and the
/// settings shared by all its containers.
public struct PodSandboxSpec: Sendable, Equatable {
    public var podUID: String
    public var namespace: String
    public var name: String
    public var hostname: String
    public var runtimeHandler: String
    /// The pod's resolv.conf (nil: loopback's nameserver only).
    public var dns: PodDNSConfig?

    public init(podUID: String, namespace: String, name: String, hostname: String, runtimeHandler: String, dns: PodDNSConfig? = nil) {
        self.podUID = podUID
        self.namespace = namespace
        self.name = name
        self.hostname = hostname
        self.runtimeHandler = runtimeHandler
        self.dns = dns
    }
}
