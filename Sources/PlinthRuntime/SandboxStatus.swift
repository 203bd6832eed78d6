/// A pod sandbox as its runtime sees it: the pod it belongs to, its address and its containers
/// (the newest attempt of each).
public struct SandboxStatus: Sendable, Equatable {
    public var podUID: String
    public var namespace: String
    public var name: String
    public var ip: String?
    public var createdAt: Int64
    public var containers: [RuntimeContainerStatus]

    public init(podUID: String, namespace: String, name: String, ip: String?, createdAt: Int64, containers: [RuntimeContainerStatus]) {
        self.podUID = podUID
        self.namespace = namespace
        self.name = name
        self.ip = ip
        self.createdAt = createdAt
        self.containers = containers
    }

    public func container(_ name: String) -> RuntimeContainerStatus? {
        containers.first { $0.name == name }
    }
}
