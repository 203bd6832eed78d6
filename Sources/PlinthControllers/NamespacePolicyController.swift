import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON
import ServiceLifecycle

/// Materialises NamespacePolicies: creates the namespace, keeps its ResourceQuota, LimitRange and
/// RoleBindings (VIEW → `view`, EDIT → `edit`, OWNER → `edit` + `plinth:namespace-owner`) in step
/// and removes those a policy stops asking for; gives OWNERs and template users the right to
/// create namespaces; and turns namespaces created by users (self-service) into policies from
/// their template. Level-triggered: any change to policies, templates or namespaces reconciles all.
public struct NamespacePolicyController: Service {
    let core: APIServerCore
    let logger: Logger

    public init(core: APIServerCore, logger: Logger) {
        self.core = core
        self.logger = logger
    }

    var registry: ObjectRegistry { core.registry }
    func type(_ group: String, _ version: String, _ plural: String) -> ResourceType? { core.catalog.lookup(group: group, version: version, plural: plural) }
    var options: WriteOptions { WriteOptions(fieldManager: "namespace-policy-controller") }

    public func run() async throws {
        let changes = registry.changes.subscribe()
        let namespaces = try registry.cache(type("", "v1", "namespaces")!)
        await namespaces.waitUntilReady()
        await ensureRoles()
        await reconcileAll()
        await cancelWhenGracefulShutdown {
            for await change in changes {
                let r = change.resource
                guard (r.group == "plinth.dev" && ["namespacepolicies", "namespacetemplates"].contains(r.plural))
                        || (r.group.isEmpty && r.plural == "namespaces")
                        || (r.group == "rbac.authorization.k8s.io" && r.plural == "rolebindings")
                        || (r.group.isEmpty && ["resourcequotas", "limitranges"].contains(r.plural)) else { continue }
                if case .modified = change.event, r.group.isEmpty || r.group == "rbac.authorization.k8s.io" { continue }
                // Quota status writes and new objects of those kinds do not concern policies; a
                // managed object deleted by hand does (it is put back).
                if case .added = change.event, r.group == "rbac.authorization.k8s.io" || ["resourcequotas", "limitranges"].contains(r.plural) { continue }
                await reconcileAll()
            }
        }
    }

    /// The two ClusterRoles policies bind.
    func ensureRoles() async {
        guard let crType = type("rbac.authorization.k8s.io", "v1", "clusterroles") else { return }
        let roles: [JSON] = [
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": ["name": .string(NamespacePolicyPlan.ownerRole)],
             "rules": [["apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "update", "patch", "delete"]]]],
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": ["name": .string(NamespacePolicyPlan.creatorRole)],
             "rules": [["apiGroups": [""], "resources": ["namespaces"], "verbs": ["create"]]]],
        ]
        for role in roles { await put(crType, namespace: nil, role, fields: ["rules"]) }
    }

    func objects(_ r: ResourceType?, namespace: String? = nil) -> [CachedObject] {
        guard let r, let cache = try? registry.cache(r) else { return [] }
        return cache.objects(namespace: namespace)
    }

    func reconcileAll() async {
        guard let policyType = type("plinth.dev", "v1alpha1", "namespacepolicies"), let nsType = type("", "v1", "namespaces") else { return }
        var policies = Dictionary(objects(policyType).map { ($0.name, $0.object) }, uniquingKeysWith: { a, _ in a })
        let templates = Dictionary(objects(type("plinth.dev", "v1alpha1", "namespacetemplates")).map { ($0.name, $0.object) }, uniquingKeysWith: { a, _ in a })

        // Self-service: a namespace a user created gets a policy from its template.
        for ns in objects(nsType) where policies[ns.name] == nil {
            guard let creator = ns.object.string("metadata", "annotations", NamespaceSelfService.createdBy),
                  ns.object.string("status", "phase") != "Terminating" else { continue }
            let templateName = ns.object.string("metadata", "annotations", NamespaceSelfService.template)
            let policy: JSON = [
                "apiVersion": "plinth.dev/v1alpha1", "kind": "NamespacePolicy",
                "metadata": ["name": .string(ns.name), "annotations": [NamespaceSelfService.template: .string(templateName ?? ""), NamespaceSelfService.createdBy: .string(creator)]],
                "spec": NamespacePolicyPlan.policySpec(fromTemplate: templateName.flatMap { templates[$0] }, creator: creator),
            ]
            do {
                let created = try await registry.create(policyType, namespace: nil, object: policy, options: options)
                policies[ns.name] = created.object
            } catch where error.code == 409 {
                continue
            } catch {
                logger.warning("namespace policy for \(ns.name): \(error)")
            }
        }

        var creators: [JSON] = []
        for (name, policy) in policies.sorted(by: { $0.key < $1.key }) where policy[path: ["metadata", "deletionTimestamp"]] == nil {
            let plan = NamespacePolicyPlan(namespace: name, spec: policy["spec"] ?? [:])
            creators += plan.owners
            await apply(plan, nsType: nsType)
            await markReady(policyType, policy)
        }
        // Namespaces whose policy went away lose what it made.
        var managed = Set<String>()
        for r in [type("", "v1", "resourcequotas"), type("", "v1", "limitranges"), type("rbac.authorization.k8s.io", "v1", "rolebindings")] {
            for o in objects(r) { if let owner = o.object.string("metadata", "labels", NamespacePolicyPlan.managedLabel) { managed.insert(owner) } }
        }
        for ns in managed where policies[ns] == nil {
            await apply(NamespacePolicyPlan(namespace: ns, spec: [:]), nsType: nsType, createNamespace: false)
        }

        for t in templates.values {
            for a in t[path: ["spec", "allowed"]]?.arrayValue ?? [] {
                if let u = a["user"]?.stringValue { creators.append(["kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": .string(u)]) }
                if let g = a["group"]?.stringValue { creators.append(["kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": .string(g)]) }
            }
        }
        var unique: [JSON] = []
        for c in creators where !unique.contains(c) { unique.append(c) }
        if let crb = type("rbac.authorization.k8s.io", "v1", "clusterrolebindings") {
            await put(crb, namespace: nil, [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                "metadata": ["name": .string(NamespacePolicyPlan.creatorRole)],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(NamespacePolicyPlan.creatorRole)],
                "subjects": .array(unique),
            ], fields: ["subjects"])
        }
    }

    /// Makes the namespace's managed objects exactly what `plan` says.
    func apply(_ plan: NamespacePolicyPlan, nsType: ResourceType, createNamespace: Bool = true) async {
        let ns = plan.namespace
        if createNamespace {
            do {
                _ = try await registry.get(nsType, namespace: nil, name: ns)
            } catch where error.code == 404 {
                _ = try? await registry.create(nsType, namespace: nil, object: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(ns)]], options: options)
            } catch {}
        }
        let wanted: [(ResourceType?, [JSON], [String])] = [
            (type("", "v1", "resourcequotas"), plan.resourceQuota.map { [$0] } ?? [], ["spec"]),
            (type("", "v1", "limitranges"), plan.limitRange.map { [$0] } ?? [], ["spec"]),
            (type("networking.k8s.io", "v1", "networkpolicies"), plan.networkPolicy.map { [$0] } ?? [], ["spec"]),
            (type("rbac.authorization.k8s.io", "v1", "rolebindings"), plan.roleBindings, ["subjects"]),
        ]
        for (r, objects, fields) in wanted {
            guard let r else { continue }
            let names = Set(objects.compactMap { $0.string("metadata", "name") })
            for o in objects { await put(r, namespace: ns, o, fields: fields) }
            for existing in self.objects(r, namespace: ns)
            where existing.object.string("metadata", "labels", NamespacePolicyPlan.managedLabel) == ns && !names.contains(existing.name) {
                _ = try? await registry.delete(r, namespace: ns, name: existing.name, options: DeleteOptions())
            }
        }
    }

    /// Creates `object`, or brings `fields` of the live one back to it.
    func put(_ r: ResourceType, namespace: String?, _ object: JSON, fields: [String]) async {
        guard let name = object.string("metadata", "name") else { return }
        do {
            let live = try await registry.get(r, namespace: namespace, name: name).object
            guard fields.contains(where: { live[$0] != object[$0] }) || live[path: ["metadata", "labels"]] != object[path: ["metadata", "labels"]] else { return }
            _ = try await registry.guaranteedUpdate(r, namespace: namespace, name: name, precondition: nil, options: options) { current throws(APIError) in
                var next = current
                for f in fields { next[f] = object[f] }
                next[path: ["metadata", "labels"]] = object[path: ["metadata", "labels"]]
                return next
            }
        } catch where error.code == 404 {
            do { _ = try await registry.create(r, namespace: namespace, object: object, options: options) } catch where error.code == 409 || error.code == 403 {} catch {
                logger.warning("creating \(r.plural) \(namespace ?? "")/\(name): \(error)")
            }
        } catch {
            logger.warning("updating \(r.plural) \(namespace ?? "")/\(name): \(error)")
        }
    }

    func markReady(_ r: ResourceType, _ policy: JSON) async {
        guard let name = policy.string("metadata", "name") else { return }
        let generation = policy[path: ["metadata", "generation"]]
        if policy[path: ["status", "observedGeneration"]] == generation, Conditions.status(policy, "Ready") == "True" { return }
        _ = try? await registry.guaranteedUpdate(r, namespace: nil, name: name, precondition: nil, options: options) { current throws(APIError) in
            var next = current
            Conditions.set(&next, type: "Ready", status: "True", reason: "Applied", message: "quota, limits and role bindings are in place", now: Timestamp.now())
            next[path: ["status", "observedGeneration"]] = current[path: ["metadata", "generation"]]
            return next
        }
    }
}
