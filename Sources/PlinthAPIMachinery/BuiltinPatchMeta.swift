/// The strategic-merge-patch tags of the built-in API types, transcribed from the
/// `patchStrategy`/`patchMergeKey` struct tags of k8s.io/api (GA versions) and
/// k8s.io/apimachinery's ObjectMeta.
///
/// Untagged fields are absent, so they answer `.none` (lists replaced). Notably untagged
/// upstream: tolerations, readinessGates, container/init/ephemeral container statuses,
/// Endpoints subsets, Ingress rules, a Namespace's `spec.finalizers`, CSR conditions.
public struct BuiltinPatchMeta: PatchMetaProvider {
    public init() {}

    public func patchMeta(kind: String, path: [String]) -> PatchMeta {
        guard let last = path.last else { return .none }
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
