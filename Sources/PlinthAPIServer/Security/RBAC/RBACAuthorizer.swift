import PlinthAPIMachinery
import PlinthJSON
import Synchronization

/// Role-based access control over the stored Roles, ClusterRoles and their bindings, read from
/// the watch caches. The resolved `RBACIndex` is rebuilt only when one of those caches changes,
/// so a request costs a few dictionary lookups and rule matches.
public final class RBACAuthorizer: Authorizer, RuleResolver, Sendable {
    let registry: ObjectRegistry
    private let state = Mutex<(generations: [Int], index: RBACIndex)>(([], RBACIndex()))

    public init(registry: ObjectRegistry) {
        self.registry = registry
    }

    static let plurals = ["clusterroles", "roles", "clusterrolebindings", "rolebindings"]

    public func authorize(_ a: AuthorizationAttributes) async -> AuthorizationDecision {
        await index().authorize(a)
    }

    public func rules(for user: UserInfo, namespace: String?) async -> [PolicyRule] {
        await index().rules(for: user, namespace: namespace)
    }

    /// The current index, rebuilt first if any RBAC object changed since the last build.
    public func index() async -> RBACIndex {
        let caches = Self.plurals.compactMap { p -> WatchCache? in
            guard let r = registry.catalog.lookup(group: "rbac.authorization.k8s.io", version: "v1", plural: p) else { return nil }
            return try? registry.cache(r)
        }
        guard caches.count == 4 else { return RBACIndex() }
        for c in caches { await c.waitUntilReady() }
        let generations = caches.map(\.contentGeneration)
        if let current = state.withLock({ $0.generations == generations ? $0.index : nil }) { return current }
        func objects(_ c: WatchCache) -> [JSON] {
            c.list(prefix: c.resource.keyPrefix, startKey: nil, limit: 0, filter: .everything).items.map(\.object)
        }
        let built = RBACIndex(clusterRoles: objects(caches[0]), roles: objects(caches[1]),
                              clusterRoleBindings: objects(caches[2]), roleBindings: objects(caches[3]))
        state.withLock { s in
            // Keep the newest build when two requests rebuilt at once.
            if s.generations.isEmpty || zip(generations, s.generations).allSatisfy({ $0 >= $1 }) { s = (generations, built) }
        }
        return built
    }
}
