/// The built-in kinds Plinth serves, with upstream names, short names, categories and subresources.
public enum BuiltinResources {
    static func status(_ kind: String, _ g: String, _ v: String) -> ResourceType.Subresource {
        .init(name: "status", kind: kind, group: g, version: v, verbs: ["get", "patch", "update"])
    }
    static func scale(_ g: String = "autoscaling", _ v: String = "v1") -> ResourceType.Subresource {
        .init(name: "scale", kind: "Scale", group: g, version: v, verbs: ["get", "patch", "update"])
    }

    public static let all: [ResourceType] = core + apps + batch + others

    public static var customResourceDefinitions: ResourceType {
        others.first { $0.kind == "CustomResourceDefinition" }!
    }

    static let core: [ResourceType] = [
        .init(group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false, shortNames: ["ns"],
              verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
              subresources: [status("Namespace", "", "v1"), .init(name: "finalize", kind: "Namespace", verbs: ["update"])],
              nameRule: .dnsLabel),
        .init(group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, shortNames: ["po"], categories: ["all"],
              subresources: [
                  status("Pod", "", "v1"),
                  .init(name: "binding", kind: "Binding", verbs: ["create"]),
                  .init(name: "eviction", kind: "Eviction", group: "policy", version: "v1", verbs: ["create"]),
                  .init(name: "log", kind: "Pod", verbs: ["get"]),
                  .init(name: "exec", kind: "PodExecOptions", verbs: ["create", "get"]),
                  .init(name: "attach", kind: "PodAttachOptions", verbs: ["create", "get"]),
                  .init(name: "portforward", kind: "PodPortForwardOptions", verbs: ["create", "get"]),
                  .init(name: "ephemeralcontainers", kind: "Pod", verbs: ["get", "patch", "update"]),
                  .init(name: "resize", kind: "Pod", verbs: ["get", "patch", "update"]),
              ], tracksGeneration: true),
        .init(group: "", version: "v1", kind: "Service", plural: "services", namespaced: true, shortNames: ["svc"], categories: ["all"],
              subresources: [status("Service", "", "v1")], nameRule: .dns1035Label),
        .init(group: "", version: "v1", kind: "Endpoints", plural: "endpoints", singular: "endpoints", namespaced: true, shortNames: ["ep"]),
        .init(group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true, shortNames: ["cm"]),
        .init(group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true),
        .init(group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true, shortNames: ["sa"],
              subresources: [.init(name: "token", kind: "TokenRequest", group: "authentication.k8s.io", version: "v1", verbs: ["create"])]),
        .init(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"]),
        .init(group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false, shortNames: ["no"],
              subresources: [status("Node", "", "v1"), .init(name: "proxy", kind: "NodeProxyOptions", verbs: ["create", "delete", "get", "patch", "update"])]),
        .init(group: "", version: "v1", kind: "ResourceQuota", plural: "resourcequotas", namespaced: true, shortNames: ["quota"],
              subresources: [status("ResourceQuota", "", "v1")]),
        .init(group: "", version: "v1", kind: "LimitRange", plural: "limitranges", namespaced: true, shortNames: ["limits"]),
        .init(group: "", version: "v1", kind: "PersistentVolume", plural: "persistentvolumes", namespaced: false, shortNames: ["pv"],
              subresources: [status("PersistentVolume", "", "v1")]),
        .init(group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", namespaced: true, shortNames: ["pvc"],
              subresources: [status("PersistentVolumeClaim", "", "v1")]),
        .init(group: "", version: "v1", kind: "ReplicationController", plural: "replicationcontrollers", namespaced: true, shortNames: ["rc"],
              categories: ["all"], subresources: [status("ReplicationController", "", "v1"), scale()], tracksGeneration: true),
        .init(group: "", version: "v1", kind: "PodTemplate", plural: "podtemplates", namespaced: true),
    ]

    static let apps: [ResourceType] = [
        .init(group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true, shortNames: ["deploy"],
              categories: ["all"], subresources: [status("Deployment", "apps", "v1"), scale()], tracksGeneration: true),
        .init(group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true, shortNames: ["rs"],
              categories: ["all"], subresources: [status("ReplicaSet", "apps", "v1"), scale()], tracksGeneration: true),
        .init(group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true, shortNames: ["sts"],
              categories: ["all"], subresources: [status("StatefulSet", "apps", "v1"), scale()], tracksGeneration: true),
        .init(group: "apps", version: "v1", kind: "DaemonSet", plural: "daemonsets", namespaced: true, shortNames: ["ds"],
              categories: ["all"], subresources: [status("DaemonSet", "apps", "v1")], tracksGeneration: true),
        .init(group: "apps", version: "v1", kind: "ControllerRevision", plural: "controllerrevisions", namespaced: true),
    ]

    static let batch: [ResourceType] = [
        .init(group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true, categories: ["all"],
              subresources: [status("Job", "batch", "v1")], tracksGeneration: true),
        .init(group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true, shortNames: ["cj"],
              categories: ["all"], subresources: [status("CronJob", "batch", "v1")], tracksGeneration: true),
    ]

    static let review = ["create"]

    static let others: [ResourceType] = [
        .init(group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true),
        .init(group: "policy", version: "v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", namespaced: true,
              shortNames: ["pdb"], subresources: [status("PodDisruptionBudget", "policy", "v1")], tracksGeneration: true),
        .init(group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"]),
        .init(group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", plural: "roles", namespaced: true, nameRule: .pathSegment),
        .init(group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", plural: "rolebindings", namespaced: true, nameRule: .pathSegment),
        .init(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles", namespaced: false, nameRule: .pathSegment),
        .init(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding", plural: "clusterrolebindings", namespaced: false, nameRule: .pathSegment),
        .init(group: "storage.k8s.io", version: "v1", kind: "StorageClass", plural: "storageclasses", namespaced: false, shortNames: ["sc"]),
        .init(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition", plural: "customresourcedefinitions",
              namespaced: false, shortNames: ["crd", "crds"], categories: ["api-extensions"],
              subresources: [status("CustomResourceDefinition", "apiextensions.k8s.io", "v1")], tracksGeneration: true),
        .init(group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", plural: "networkpolicies", namespaced: true,
              shortNames: ["netpol"], tracksGeneration: true),
        .init(group: "networking.k8s.io", version: "v1", kind: "Ingress", plural: "ingresses", namespaced: true, shortNames: ["ing"],
              subresources: [status("Ingress", "networking.k8s.io", "v1")], tracksGeneration: true),
        .init(group: "networking.k8s.io", version: "v1", kind: "IngressClass", plural: "ingressclasses", namespaced: false),
        .init(group: "node.k8s.io", version: "v1", kind: "RuntimeClass", plural: "runtimeclasses", namespaced: false),
        .init(group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice", plural: "endpointslices", namespaced: true),
        .init(group: "authentication.k8s.io", version: "v1", kind: "SelfSubjectReview", plural: "selfsubjectreviews",
              namespaced: false, verbs: review, isVirtual: true),
        .init(group: "authentication.k8s.io", version: "v1", kind: "TokenReview", plural: "tokenreviews",
              namespaced: false, verbs: review, isVirtual: true),
        .init(group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews",
              namespaced: false, verbs: review, isVirtual: true),
        .init(group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectRulesReview", plural: "selfsubjectrulesreviews",
              namespaced: false, verbs: review, isVirtual: true),
        .init(group: "authorization.k8s.io", version: "v1", kind: "SubjectAccessReview", plural: "subjectaccessreviews",
              namespaced: false, verbs: review, isVirtual: true),
        .init(group: "authorization.k8s.io", version: "v1", kind: "LocalSubjectAccessReview", plural: "localsubjectaccessreviews",
              namespaced: true, verbs: review, isVirtual: true),
    ]
}
