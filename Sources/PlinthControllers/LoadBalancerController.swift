import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// Plinth's own load balancer provider: gives each `type: LoadBalancer` Service an address from
/// the configured pool (`spec.loadBalancerIP` when it asks for a free one in the pool), written
/// to `status.loadBalancer.ingress`, and takes it back when the Service changes type. Host
/// agents then announce each address from one Ready host and serve it like an external IP.
/// Without a pool, LoadBalancer Services stay pending, as upstream's do without a cloud provider.
/// Run with one worker: each decision waits until the cache shows the previous one.
public struct LoadBalancerController: Reconciler {
    public var name: String { "service-lb-controller" }
    let core: APIServerCore
    let services: ResourceType
    let serviceCache: WatchCache
    let pool: IPv4Subnet
    let logger: Logger

    public init(core: APIServerCore, pool: IPv4Subnet, logger: Logger) throws {
        guard let services = core.catalog.lookup(group: "", version: "v1", plural: "services") else {
            throw APIError.internalError("services are not served")
        }
        self.core = core
        self.services = services
        self.pool = pool
        self.logger = logger
        serviceCache = try core.registry.cache(services)
    }

    public func start() async throws -> [String] {
        await serviceCache.waitUntilReady()
        return serviceCache.objects().compactMap(\.namespacedKey)
    }

    public func keys(for change: ObjectChange) -> [String] {
        guard change.resource.group.isEmpty, change.resource.plural == "services", let object = change.object else { return [] }
        if case .deleted = change.event { return [] }
        return object.namespacedKey.map { [$0] } ?? []
    }

    static func ingressIPs(_ service: JSON) -> [String] {
        (service[path: ["status", "loadBalancer", "ingress"]]?.arrayValue ?? []).compactMap { $0.string("ip") }
    }

    /// The address for a Service that has none: the one it asks for if free, else the lowest
    /// free one of the pool (not the network or broadcast address).
    static func choose(pool: IPv4Subnet, requested: String?, used: Set<String>) -> String? {
        if let requested, let address = IPv4Address(requested), pool.contains(address), !used.contains(requested) { return requested }
        guard requested == nil || requested == "" else { return nil }
        let size = UInt32(min(pool.size, 1 << 16))
        for offset in 1..<max(2, size - 1) {
            let candidate = pool.address(offset).description
            if !used.contains(candidate) { return candidate }
        }
        return nil
    }

    public func reconcile(_ key: String) async -> Duration? {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let cached = serviceCache.get(services.key(namespace: parts[0], name: parts[1])) else { return nil }
        let service = cached.object
        let isLoadBalancer = service.string("spec", "type") == "LoadBalancer" && service[path: ["metadata", "deletionTimestamp"]] == nil
        let current = Self.ingressIPs(service)
        var next = service
        if isLoadBalancer {
            guard current.isEmpty else { return nil }
            let used = Set(serviceCache.objects().flatMap { Self.ingressIPs($0.object) })
            let requested = service.string("spec", "loadBalancerIP")
            guard let address = Self.choose(pool: pool, requested: requested, used: used) else {
                logger.warning("\(name): no address for \(key) in \(pool)\(requested.map { " (asked for \($0))" } ?? "")")
                return .seconds(30)
            }
            next[path: ["status", "loadBalancer"]] = ["ingress": [["ip": .string(address), "ipMode": "VIP"]]]
        } else {
            // Addresses in our pool go with the type; others (written by someone else) stay.
            guard current.contains(where: { IPv4Address($0).map(pool.contains) ?? false }) else { return nil }
            next[path: ["status", "loadBalancer"]] = [:]
        }
        return await AllocationWrite.write(next, over: cached, services, core: core, cache: serviceCache, logger: logger,
                                           what: "\(name): writing the load balancer of \(key)")
    }
}
