/// The strategic-merge-patch tags of the built-in API types: upstream's `patchStrategy` and
/// `patchMergeKey` struct tags. For the kinds in the generated `ProtobufSchema` tables they come
/// from there (the same facts the OpenAPI v3 schemas carry, so that patches kubectl computes
/// from those schemas apply the same way here); for the others (admission registration,
/// resource, flow control, …) from the transcription below.
///
/// Untagged fields are absent, so they answer `.none` (lists replaced). Notably untagged
/// upstream: tolerations, readinessGates, container/init/ephemeral container statuses,
/// Endpoints subsets, Ingress rules, a Namespace's `spec.finalizers`, CSR conditions.
public struct BuiltinPatchMeta: PatchMetaProvider {
    public init() {}

    public func patchMeta(kind: String, path: [String]) -> PatchMeta {
        guard let last = path.last else { return .none }
        if let root = Self.tableRoot(kind) { return Self.tableMeta(root, path) }
        var type = Self.rootType(kind)
        for name in path.dropLast() {
            guard let next = Self.field(type, name)?.type else { return .none }
            type = next
        }
        return Self.field(type, last)?.meta ?? .none
    }

    /// Whether strategic merge patch applies to objects of this group and kind: built-in types
    /// only (upstream rejects it for custom resources, whose Go structs carry no patch tags).
    public static func isBuiltin(group: String, kind: String) -> Bool {
        if let entry = kinds[kind], entry.group == group { return true }
        return BuiltinResources.all.contains { $0.group == group && $0.kind == kind }
    }

    // MARK: Generated tables

    /// The table message of a kind given as `Kind`, `group/Kind` or `group/version/Kind`; nil
    /// when the tables lack it.
    static func tableRoot(_ kind: String) -> Int? {
        let parts = kind.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let name = parts.last ?? ""
        var group: String? = nil
        var version: String? = nil
        if parts.count >= 3 {
            group = parts[0]; version = parts[1]
        } else if parts.count == 2 {
            if isVersion(parts[0]) { group = ""; version = parts[0] } else { group = parts[0] }
        }
        if group == "core" { group = "" }
        if group == nil, let entry = kinds[name] { group = entry.group }
        if group == nil, let r = BuiltinResources.all.first(where: { $0.kind == name }) { group = r.group; version = r.version }
        if let group, version == nil {
            version = BuiltinResources.all.first { $0.group == group && $0.kind == name }?.version ?? "v1"
        }
        let table = ProtobufSchema.shared
        if let group, let version {
            guard let pkg = BuiltinOpenAPISchemas.package(group: group, version: version),
                  let i = table.index[pkg + "." + name], table.messages[i].hasTypeMeta else { return nil }
            return i
        }
        // Kinds no resource serves as such (Scale): the first package that has one.
        for pkg in BuiltinOpenAPISchemas.packageOrder {
            if let i = table.index[pkg + "." + name], table.messages[i].hasTypeMeta { return i }
        }
        return nil
    }

    /// Walks the path (map keys included, list indices not) through the table's messages.
    static func tableMeta(_ root: Int, _ path: [String]) -> PatchMeta {
        let table = ProtobufSchema.shared
        var message = root
        var i = 0
        while true {
            guard let f = tableField(message, path[i]) else { return .none }
            if i == path.count - 1 {
                if f.patchReplace { return .replace }
                if f.patchMerge {
                    guard let key = f.patchMergeKey else { return .mergeSet }
                    return .merge(key: key, retainKeys: f.patchRetainKeys)
                }
                return f.patchRetainKeys ? .retainKeysOnly : .none
            }
            guard case .message(let next) = f.kind, !table.messages[next].isListWrapper else { return .none }
            i += f.map ? 2 : 1  // a map's values are one key further down
            if i >= path.count { return .none }
            message = next
        }
    }

    /// The field of a table message with this JSON name, looking into inline members.
    static func tableField(_ message: Int, _ name: String) -> ProtobufSchema.Field? {
        let table = ProtobufSchema.shared
        for f in table.messages[message].fields where !f.skip {
            if f.inline, case .message(let m) = f.kind {
                if let inner = tableField(m, name) { return inner }
            } else if f.jsonName == name {
                return f
            }
        }
        return nil
    }

    // MARK: Table

    /// A field's patch tags and the type of its value (or of each element, for lists).
    struct Field: Sendable {
        var meta: PatchMeta
        var type: String?

        static func object(_ type: String) -> Field { Field(meta: .none, type: type) }
        static func merge(_ key: String, _ type: String? = nil, retainKeys: Bool = false) -> Field {
            Field(meta: .merge(key: key, retainKeys: retainKeys), type: type)
        }
        static let mergeSet = Field(meta: .mergeSet, type: nil)
        static let replace = Field(meta: .replace, type: nil)
        static let retainKeys = Field(meta: .retainKeysOnly, type: nil)
    }

    /// The field named `name` of `type`; every root type (and unknown kinds, `*`) has
    /// ObjectMeta under `metadata`.
    static func field(_ type: String, _ name: String) -> Field? {
        if let f = types[type]?[name] { return f }
        if name == "metadata", type == "*" || roots.contains(type) { return .object("ObjectMeta") }
        return nil
    }

    /// The root type of a kind given as `Kind`, `group/Kind` or `group/version/Kind`; `*` when
    /// unknown (only ObjectMeta then).
    static func rootType(_ kind: String) -> String {
        let parts = kind.split(separator: "/", omittingEmptySubsequences: false)
        let name = String(parts.last ?? "")
        guard let entry = kinds[name] else { return "*" }
        if parts.count >= 2 {
            var group = String(parts[0])
            if group == "core" || (parts.count == 2 && isVersion(group)) { group = "" }
            guard group == entry.group else { return "*" }
        }
        return entry.root
    }

    private static func isVersion(_ s: String) -> Bool {
        guard s.hasPrefix("v"), let digit = s.dropFirst().first, digit.isNumber else { return false }
        return true
    }

    /// Kind → (API group, root type).
    static let kinds: [String: (group: String, root: String)] = [
        "Pod": ("", "Pod"),
        "PodTemplate": ("", "PodTemplate"),
        "ReplicationController": ("", "ReplicationController"),
        "Service": ("", "Service"),
        "ServiceAccount": ("", "ServiceAccount"),
        "Node": ("", "Node"),
        "Namespace": ("", "ConditionsOnly"),
        "PersistentVolumeClaim": ("", "ConditionsOnly"),
        "ComponentStatus": ("", "ComponentStatus"),
        "Deployment": ("apps", "Deployment"),
        "ReplicaSet": ("apps", "Workload"),
        "StatefulSet": ("apps", "Workload"),
        "DaemonSet": ("apps", "Workload"),
        "Job": ("batch", "Workload"),
        "CronJob": ("batch", "CronJob"),
        "HorizontalPodAutoscaler": ("autoscaling", "ConditionsOnly"),
        "PodDisruptionBudget": ("policy", "PodDisruptionBudget"),
        "FlowSchema": ("flowcontrol.apiserver.k8s.io", "ConditionsOnly"),
        "PriorityLevelConfiguration": ("flowcontrol.apiserver.k8s.io", "ConditionsOnly"),
        "ServiceCIDR": ("networking.k8s.io", "ConditionsOnly"),
        "StorageVersionMigration": ("storagemigration.k8s.io", "ConditionsOnly"),
        "PodCertificateRequest": ("certificates.k8s.io", "ConditionsOnly"),
        "ValidatingWebhookConfiguration": ("admissionregistration.k8s.io", "WebhookConfiguration"),
        "MutatingWebhookConfiguration": ("admissionregistration.k8s.io", "WebhookConfiguration"),
        "ValidatingAdmissionPolicy": ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        "MutatingAdmissionPolicy": ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
        "ResourceClaim": ("resource.k8s.io", "ResourceClaim"),
        "CSINode": ("storage.k8s.io", "CSINode"),
    ]

    /// Types a kind's root can be (they get `metadata` implicitly).
    static let roots: Set<String> = Set(kinds.values.map(\.root))

    /// Type → field → tags.
    static let types: [String: [String: Field]] = [
        // meta/v1
        "ObjectMeta": [
            "ownerReferences": .merge("uid"),
            "finalizers": .mergeSet,
        ],
        // core/v1
        "PodTemplateSpec": [
            "metadata": .object("ObjectMeta"),
            "spec": .object("PodSpec"),
        ],
        "PodSpec": [
            "volumes": .merge("name", retainKeys: true),
            "initContainers": .merge("name", "Container"),
            "containers": .merge("name", "Container"),
            "ephemeralContainers": .merge("name", "Container"),
            "imagePullSecrets": .merge("name"),
            "hostAliases": .merge("ip"),
            "topologySpreadConstraints": .merge("topologyKey"),
            "schedulingGates": .merge("name"),
            "resourceClaims": .merge("name", retainKeys: true),
        ],
        // Container and EphemeralContainerCommon carry the same tags.
        "Container": [
            "ports": .merge("containerPort"),
            "env": .merge("name"),
            "volumeMounts": .merge("mountPath"),
            "volumeDevices": .merge("devicePath"),
        ],
        "PodStatus": [
            "conditions": .merge("type"),
            "hostIPs": .merge("ip"),
            "podIPs": .merge("ip"),
            "resourceClaimStatuses": .merge("name", retainKeys: true),
        ],
        "Pod": [
            "spec": .object("PodSpec"),
            "status": .object("PodStatus"),
        ],
        "PodTemplate": [
            "template": .object("PodTemplateSpec"),
        ],
        "ReplicationController": [
            "spec": .object("TemplateSpec"),
            "status": .object("ConditionsStatus"),
        ],
        "Service": [
            "spec": .object("ServiceSpec"),
            "status": .object("ConditionsStatus"),
        ],
        "ServiceSpec": [
            "ports": .merge("port"),
        ],
        "ServiceAccount": [
            "secrets": .merge("name"),
        ],
        "Node": [
            "spec": .object("NodeSpec"),
            "status": .object("NodeStatus"),
        ],
        "NodeSpec": [
            "podCIDRs": .mergeSet,
        ],
        "NodeStatus": [
            "conditions": .merge("type"),
            "addresses": .merge("type"),
        ],
        "ComponentStatus": [
            "conditions": .merge("type"),
        ],
        // Kinds whose only tagged list is status.conditions (merged by type).
        "ConditionsOnly": [
            "status": .object("ConditionsStatus"),
        ],
        "ConditionsStatus": [
            "conditions": .merge("type"),
        ],
        // apps/v1, batch/v1: a spec holding a pod template.
        "Workload": [
            "spec": .object("TemplateSpec"),
            "status": .object("ConditionsStatus"),
        ],
        "TemplateSpec": [
            "template": .object("PodTemplateSpec"),
        ],
        "Deployment": [
            "spec": .object("DeploymentSpec"),
            "status": .object("ConditionsStatus"),
        ],
        "DeploymentSpec": [
            "template": .object("PodTemplateSpec"),
            "strategy": .retainKeys,
        ],
        "CronJob": [
            "spec": .object("CronJobSpec"),
        ],
        "CronJobSpec": [
            "jobTemplate": .object("JobTemplateSpec"),
        ],
        "JobTemplateSpec": [
            "metadata": .object("ObjectMeta"),
            "spec": .object("TemplateSpec"),
        ],
        // policy/v1
        "PodDisruptionBudget": [
            "spec": .object("PodDisruptionBudgetSpec"),
            "status": .object("ConditionsStatus"),
        ],
        "PodDisruptionBudgetSpec": [
            "selector": .replace,
        ],
        // admissionregistration.k8s.io/v1
        "WebhookConfiguration": [
            "webhooks": .merge("name", "Webhook"),
        ],
        "Webhook": [
            "matchConditions": .merge("name"),
        ],
        "ValidatingAdmissionPolicy": [
            "spec": .object("ValidatingAdmissionPolicySpec"),
        ],
        "ValidatingAdmissionPolicySpec": [
            "matchConditions": .merge("name"),
            "variables": .merge("name"),
        ],
        "MutatingAdmissionPolicy": [
            "spec": .object("MutatingAdmissionPolicySpec"),
        ],
        "MutatingAdmissionPolicySpec": [
            "matchConditions": .merge("name"),
        ],
        // resource.k8s.io/v1
        "ResourceClaim": [
            "status": .object("ResourceClaimStatus"),
        ],
        "ResourceClaimStatus": [
            "reservedFor": .merge("uid"),
        ],
        // storage.k8s.io/v1
        "CSINode": [
            "spec": .object("CSINodeSpec"),
        ],
        "CSINodeSpec": [
            "drivers": .merge("name"),
        ],
    ]
}
