import PlinthJSON

/// What a namespace policy asks for, as objects (pure): the namespace's ResourceQuota,
/// LimitRange and, for an isolated namespace, NetworkPolicy (all named `plinth-policy`) and one
/// RoleBinding per role granted, each labelled
/// so the controller can find and remove what a policy no longer asks for.
public struct NamespacePolicyPlan: Equatable {
    public static let managedLabel = "plinth.dev/namespace-policy"
    public static let objectName = "plinth-policy"
    /// ClusterRole letting OWNERs read, change and delete their namespace (bound per namespace).
    public static let ownerRole = "plinth:namespace-owner"
    /// ClusterRole letting OWNERs and template users create namespaces (bound cluster-wide).
    public static let creatorRole = "plinth:namespace-creator"

    public var namespace: String
    public var resourceQuota: JSON?
    public var limitRange: JSON?
    /// With `network.isolated`: the namespace's pods accept connections only from its own pods
    /// (and their hosts), as the original gives each namespace a network segment of its own.
    public var networkPolicy: JSON?
    public var roleBindings: [JSON]
    /// OWNER subjects (for the cluster-wide namespace-creator binding).
    public var owners: [JSON]

    public init(namespace: String, spec: JSON) {
        self.namespace = namespace
        let labels: JSON = [Self.managedLabel: .string(namespace)]
        func meta(_ name: String) -> JSON { ["name": .string(name), "namespace": .string(namespace), "labels": labels] }

        var hard = JSONObject()
        if let cpu = spec[path: ["limits", "cpu"]] { hard["limits.cpu"] = Self.quantity(cpu) }
        if let memory = spec[path: ["limits", "memory"]] { hard["limits.memory"] = Self.quantity(memory) }
        if let storage = spec[path: ["limits", "storage"]] { hard["requests.storage"] = Self.quantity(storage) }
        for sc in spec["storageClasses"]?.arrayValue ?? [] {
            if let name = sc["name"]?.stringValue, let limit = sc["limit"] {
                hard["\(name).storageclass.storage.k8s.io/requests.storage"] = Self.quantity(limit)
            }
        }
        for (resource, count) in spec["objectCounts"]?.objectValue ?? JSONObject() {
            hard[resource.contains("/") ? resource : "count/" + resource] = Self.quantity(count)
        }
        resourceQuota = hard.isEmpty ? nil : ["apiVersion": "v1", "kind": "ResourceQuota", "metadata": meta(Self.objectName), "spec": ["hard": .object(hard)]]

        var item: JSONObject = ["type": "Container"]
        if let limits = spec[path: ["defaultContainer", "limits"]]?.objectValue, !limits.isEmpty { item["default"] = Self.quantities(limits) }
        if let requests = spec[path: ["defaultContainer", "requests"]]?.objectValue, !requests.isEmpty { item["defaultRequest"] = Self.quantities(requests) }
        limitRange = item.count == 1 ? nil : ["apiVersion": "v1", "kind": "LimitRange", "metadata": meta(Self.objectName), "spec": ["limits": [.object(item)]]]

        if spec[path: ["network", "isolated"]]?.boolValue == true {
            networkPolicy = ["apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(Self.objectName),
                             "spec": ["podSelector": [:], "policyTypes": ["Ingress"], "ingress": [["from": [["podSelector": [:]]]]]]]
        }

        var byRole: [String: [JSON]] = [:]
        for grant in spec["access"]?.arrayValue ?? [] {
            guard let role = grant["role"]?.stringValue else { continue }
            let subject: JSON
            if let u = grant["user"]?.stringValue { subject = ["kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": .string(u)] }
            else if let g = grant["group"]?.stringValue { subject = ["kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": .string(g)] }
            else { continue }
            if !(byRole[role] ?? []).contains(subject) { byRole[role, default: []].append(subject) }
        }
        func binding(_ name: String, _ clusterRole: String, _ subjects: [JSON]) -> JSON {
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta(name),
             "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(clusterRole)], "subjects": .array(subjects)]
        }
        var bindings: [JSON] = []
        if let s = byRole["VIEW"] { bindings.append(binding("plinth:view", "view", s)) }
        if let s = byRole["EDIT"] { bindings.append(binding("plinth:edit", "edit", s)) }
        if let s = byRole["OWNER"] {
            bindings.append(binding("plinth:owner", "edit", s))
            bindings.append(binding("plinth:owner-namespace", Self.ownerRole, s))
        }
        roleBindings = bindings
        owners = byRole["OWNER"] ?? []
    }

    /// Quantities as strings (the schema accepts integers too).
    static func quantity(_ v: JSON) -> JSON {
        if let i = v.intValue { return .string(String(i)) }
        return v
    }

    static func quantities(_ o: JSONObject) -> JSON {
        var out = JSONObject()
        for (k, v) in o { out[k] = quantity(v) }
        return .object(out)
    }

    /// The policy a self-service namespace gets: the template's, with its creator granted
    /// `creatorRole` (EDIT unless the template says otherwise).
    public static func policySpec(fromTemplate template: JSON?, creator: String) -> JSON {
        var spec = template?[path: ["spec", "policy"]]?.objectValue ?? JSONObject()
        var access = spec["access"]?.arrayValue ?? []
        let role = template?.string("spec", "creatorRole") ?? (template == nil ? "OWNER" : "EDIT")
        access.append(["role": .string(role), "user": .string(creator)])
        spec["access"] = .array(access)
        return .object(spec)
    }
}
