import PlinthAPIMachinery
import PlinthJSON
import Synchronization

/// Role-based access control over the stored Roles, ClusterRoles and their bindings, read from
/// the watch caches. The resolved `RBACIndex` is rebuilt only when one of those caches changes,
/// so a request costs a few dictionary lookups and rule matches; the decisions an index gave are
/// remembered until it is replaced, so a client repeating a request costs one lookup.
public final class RBACAuthorizer: Authorizer, RuleResolver, Sendable {
    let registry: ObjectRegistry
    private let state = Mutex<(generations: [Int], index: RBACIndex)>(([], RBACIndex()))

    /// What RBAC's answer depends on: the user's name and groups and what is asked.
    private struct DecisionKey: Hashable {
        var username: String
        var groups: [String]
        var verb: String
        var namespace: String?
        var group: String
        var resource: String
        var subresource: String?
        var name: String?
        var path: String?

        init(_ a: AuthorizationAttributes) {
            (username, groups, verb, namespace) = (a.user.username, a.user.groups, a.verb, a.namespace)
            (group, resource, subresource, name, path) = (a.group, a.resource, a.subresource, a.name, a.path)
        }
    }

    /// Decisions of the index built at `generations`; emptied when it is replaced or grows past
    /// `decisionLimit` (requests naming many objects would otherwise grow it without end).
    private let decisions = Mutex<(generations: [Int], byKey: [DecisionKey: AuthorizationDecision])>(([], [:]))
    private static let decisionLimit = 4096

    public init(registry: ObjectRegistry) {
        self.registry = registry
    }

    static let plurals = ["clusterroles", "roles", "clusterrolebindings", "rolebindings"]

    public func authorize(_ a: AuthorizationAttributes) async -> AuthorizationDecision {
        let (generations, index) = await currentIndex()
        let key = DecisionKey(a)
        if let known = decisions.withLock({ $0.generations == generations ? $0.byKey[key] : nil }) { return known }
        let decision = index.authorize(a)
        decisions.withLock { d in
            if d.generations != generations || d.byKey.count >= Self.decisionLimit {
                // An older index's decisions go; a request racing a rebuild does not bring them back.
                guard d.generations.isEmpty || zip(generations, d.generations).allSatisfy({ $0 >= $1 }) else { return }
                d = (generations, [:])
            }
            d.byKey[key] = decision
        }
        return decision
    }

    public func rules(for user: UserInfo, namespace: String?) async -> [PolicyRule] {
        await index().rules(for: user, namespace: namespace)
    }

    /// The four RBAC caches, found once (built-in kinds keep their caches for the server's life).
    private let caches = Mutex<[WatchCache]?>(nil)

    func rbacCaches() async -> [WatchCache]? {
        if let found = caches.withLock({ $0 }) { return found }
        let found = Self.plurals.compactMap { p -> WatchCache? in
            guard let r = registry.catalog.lookup(group: "rbac.authorization.k8s.io", version: "v1", plural: p) else { return nil }
            return try? registry.cache(r)
        }
        guard found.count == 4 else { return nil }
        for c in found { await c.waitUntilReady() }
        caches.withLock { $0 = found }
        return found
    }

    /// The current index, rebuilt first if any RBAC object changed since the last build.
    public func index() async -> RBACIndex {
        await currentIndex().index
    }

    /// The current index with the cache generations it was built from.
    private func currentIndex() async -> (generations: [Int], index: RBACIndex) {
        guard let caches = await rbacCaches() else { return ([], RBACIndex()) }
        let generations = caches.map(\.contentGeneration)
        if let current = state.withLock({ $0.generations == generations ? $0.index : nil }) { return (generations, current) }
        let built = RBACIndex(clusterRoles: caches[0].objects().map(\.object), roles: caches[1].objects().map(\.object),
                              clusterRoleBindings: caches[2].objects().map(\.object), roleBindings: caches[3].objects().map(\.object))
        state.withLock { s in
            // Keep the newest build when two requests rebuilt at once.
            if s.generations.isEmpty || zip(generations, s.generations).allSatisfy({ $0 >= $1 }) { s = (generations, built) }
        }
        return (generations, built)
    }
}
