import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// Gives each Node a pod CIDR from the cluster CIDR (`spec.podCIDR` and `spec.podCIDRs`), as
/// kube-controller-manager's node IPAM controller does with `--allocate-node-cidrs`; host
/// agents build their pod network from it. A Node's subnet is free again once the Node is
/// gone. Run with one worker: each decision waits until the cache shows the previous one
/// (`AllocationWrite`).
public struct NodeCIDRController: Reconciler {
    public var name: String { "node-ipam-controller" }
    let core: APIServerCore
    let nodes: ResourceType
    let nodeCache: WatchCache
    let allocator: NodeCIDRAllocator
    let logger: Logger

    public init(core: APIServerCore, allocator: NodeCIDRAllocator, logger: Logger) throws {
        guard let nodes = core.catalog.lookup(group: "", version: "v1", plural: "nodes") else {
            throw APIError.internalError("nodes are not served")
        }
        self.core = core
        self.nodes = nodes
        self.allocator = allocator
        self.logger = logger
        nodeCache = try core.registry.cache(nodes)
    }

    public func start() async throws -> [String] {
        await nodeCache.waitUntilReady()
        return nodeCache.objects().filter { Self.podCIDRs(of: $0.object).isEmpty }.map(\.name)
    }

    public func keys(for change: ObjectChange) -> [String] {
        guard change.resource.group.isEmpty, change.resource.plural == "nodes", let object = change.object else { return [] }
        if case .deleted = change.event { return [] }
        return Self.podCIDRs(of: object.object).isEmpty ? [object.name] : []
    }

    static func podCIDRs(of node: JSON) -> [String] {
        let list = node[path: ["spec", "podCIDRs"]]?.arrayValue?.compactMap(\.stringValue) ?? []
        if !list.isEmpty { return list }
        return node.string("spec", "podCIDR").map { $0.isEmpty ? [] : [$0] } ?? []
    }

    public func reconcile(_ key: String) async -> Duration? {
        guard let cached = nodeCache.get(nodes.key(namespace: nil, name: key)), Self.podCIDRs(of: cached.object).isEmpty,
              cached.object[path: ["metadata", "deletionTimestamp"]] == nil else { return nil }
        let used = nodeCache.objects().flatMap { Self.podCIDRs(of: $0.object) }.compactMap { IPv4Subnet($0) }
        guard let subnet = allocator.next(used: used) else {
            logger.warning("\(name): no pod CIDR left in \(allocator.clusterCIDR) for node \(key) (\(allocator.capacity) hosts fit)")
            await recordNoCIDR(cached.object)
            return .seconds(30)
        }
        var next = cached.object
        next[path: ["spec", "podCIDR"]] = .string(subnet.description)
        next[path: ["spec", "podCIDRs"]] = [.string(subnet.description)]
        return await AllocationWrite.write(next, over: cached, nodes, core: core, cache: nodeCache, logger: logger,
                                           what: "\(name): setting the pod CIDR of node \(key)")
    }

    /// Upstream's Event when the range is exhausted ("Node X status is now: CIDRNotAvailable").
    func recordNoCIDR(_ node: JSON) async {
        guard let events = core.catalog.lookup(group: "", version: "v1", plural: "events") else { return }
        let nodeName = node.string("metadata", "name") ?? ""
        let event = EventObject.about(node, kind: "Node", reason: "CIDRNotAvailable", message: "Node \(nodeName) status is now: CIDRNotAvailable",
                                      type: "Normal", component: "cidrAllocator", now: Timestamp.now())
        _ = try? await core.registry.create(events, namespace: "default", object: event, options: WriteOptions(fieldManager: name))
    }
}
