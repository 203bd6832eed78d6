import PlinthJSON

/// Every RBAC binding resolved to its rules and indexed by subject: what `RBACAuthorizer`
/// consults on each request. Built from the four RBAC kinds' objects; a value, rebuilt whole
/// when any of them changes.
public struct RBACIndex: Sendable {
    /// Rules a binding grants, with names for the allow reason.
    struct Grant: Sendable {
        var rules: [PolicyRule]
        var bindingKind: String
        var bindingName: String
        var roleKind: String
        var roleName: String
        var subject: RoleBindingSubject
    }

    /// Subject key → grants of ClusterRoleBindings.
    var cluster: [String: [Grant]] = [:]
    /// Namespace → subject key → grants of RoleBindings there.
    var namespaced: [String: [String: [Grant]]] = [:]

    public init() {}

    public init(clusterRoles: [JSON], roles: [JSON], clusterRoleBindings: [JSON], roleBindings: [JSON]) {
        func rules(_ o: JSON) -> [PolicyRule] { (o["rules"]?.arrayValue ?? []).map(PolicyRule.init(json:)) }
        var clusterRoleRules: [String: [PolicyRule]] = [:]
        for r in clusterRoles { if let n = r.string("metadata", "name") { clusterRoleRules[n] = rules(r) } }
        var roleRules: [String: [PolicyRule]] = [:]
        for r in roles {
            if let ns = r.string("metadata", "namespace"), let n = r.string("metadata", "name") { roleRules[ns + "/" + n] = rules(r) }
        }
        for b in clusterRoleBindings {
            guard let name = b.string("metadata", "name"), b.string("roleRef", "kind") == "ClusterRole",
                  let roleName = b.string("roleRef", "name"), let granted = clusterRoleRules[roleName] else { continue }
            for s in (b["subjects"]?.arrayValue ?? []).compactMap({ RoleBindingSubject(json: $0, bindingNamespace: nil) }) {
                cluster[s.indexKey, default: []].append(Grant(rules: granted, bindingKind: "ClusterRoleBinding", bindingName: name,
                                                               roleKind: "ClusterRole", roleName: roleName, subject: s))
            }
        }
        for b in roleBindings {
            guard let ns = b.string("metadata", "namespace"), let name = b.string("metadata", "name"),
                  let roleKind = b.string("roleRef", "kind"), let roleName = b.string("roleRef", "name") else { continue }
            let granted: [PolicyRule]?
            switch roleKind {
            case "ClusterRole": granted = clusterRoleRules[roleName]
            case "Role": granted = roleRules[ns + "/" + roleName]
            default: granted = nil
            }
            guard let granted else { continue }
            for s in (b["subjects"]?.arrayValue ?? []).compactMap({ RoleBindingSubject(json: $0, bindingNamespace: ns) }) {
                namespaced[ns, default: [:]][s.indexKey, default: []].append(
                    Grant(rules: granted, bindingKind: "RoleBinding", bindingName: name, roleKind: roleKind, roleName: roleName, subject: s))
            }
        }
    }

    /// Upstream's order: cluster-wide bindings first, then the request namespace's.
    public func authorize(_ a: AuthorizationAttributes) -> AuthorizationDecision {
        if let reason = allowReason(a) { return .allow(reason: reason) }
        return .noOpinion
    }

    func allowReason(_ a: AuthorizationAttributes) -> String? {
        let keys = RoleBindingSubject.indexKeys(for: a.user)
        for k in keys {
            for g in cluster[k] ?? [] where g.rules.contains(where: { $0.allows(a) }) { return Self.reason(g, namespace: nil) }
        }
        if a.path == nil, let ns = a.namespace, !ns.isEmpty, let inNamespace = namespaced[ns] {
            for k in keys {
                for g in inNamespace[k] ?? [] where g.rules.contains(where: { $0.allows(a) }) { return Self.reason(g, namespace: ns) }
            }
        }
        return nil
    }

    static func reason(_ g: Grant, namespace: String?) -> String {
        let binding = namespace.map { "\(g.bindingKind) \"\(g.bindingName)/\($0)\"" } ?? "\(g.bindingKind) \"\(g.bindingName)\""
        let subject = g.subject.kind == .serviceAccount ? "ServiceAccount \"\(g.subject.name)/\(g.subject.namespace)\""
                                                        : "\(g.subject.kind.rawValue) \"\(g.subject.name)\""
        return "RBAC: allowed by \(binding) of \(g.roleKind) \"\(g.roleName)\" to \(subject)"
    }

    /// Every rule that applies to `user` in `namespace` (cluster-wide rules included), for
    /// SelfSubjectRulesReview and the escalation check.
    public func rules(for user: UserInfo, namespace: String?) -> [PolicyRule] {
        var out: [PolicyRule] = []
        let keys = RoleBindingSubject.indexKeys(for: user)
        for k in keys { for g in cluster[k] ?? [] { out += g.rules } }
        if let ns = namespace, let inNamespace = namespaced[ns] {
            for k in keys { for g in inNamespace[k] ?? [] { out += g.rules } }
        }
        return out
    }

    /// Namespaces in which some RoleBinding names this user or one of its groups.
    public func namespacesWithBindings(for user: UserInfo) -> [String] {
        let keys = RoleBindingSubject.indexKeys(for: user)
        return namespaced.compactMap { ns, bySubject in keys.contains { bySubject[$0] != nil } ? ns : nil }.sorted()
    }
}
