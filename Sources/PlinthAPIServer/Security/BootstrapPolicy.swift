import PlinthJSON

// Mirrors upstream kube-apiserver 1.33's RBAC bootstrap policy
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy: policy.go, as rendered with the default
// feature gates in testdata/cluster-roles.yaml and testdata/cluster-role-bindings.yaml) for the
// roles and bindings below. Lists appear as upstream's rule builder emits them: verbs, groups,
// resources and URLs sorted; rules in policy order. 1.33's DynamicResourceAllocation-gated rules
// for edit/view (resource.k8s.io) are left out: that gate is off by default in 1.33.

/// The RBAC objects every cluster starts with (upstream's bootstrap policy) plus Plinth's own kinds.
public enum BootstrapPolicy {
    /// Every ClusterRole the RBAC controller keeps in place.
    public static var clusterRoles: [JSON] {
        upstreamClusterRoles + plinthClusterRoles
    }

    /// Every ClusterRoleBinding the RBAC controller keeps in place.
    public static var clusterRoleBindings: [JSON] {
        [
            binding("cluster-admin", groups: ["system:masters"]),
            binding("system:discovery", groups: ["system:authenticated"]),
            binding("system:basic-user", groups: ["system:authenticated"]),
            binding("system:public-info-viewer", groups: ["system:authenticated", "system:unauthenticated"]),
        ]
    }

    // MARK: - Verb sets (sorted, as upstream's rule builder leaves them)

    static let read = ["get", "list", "watch"]
    static let write = ["create", "delete", "deletecollection", "patch", "update"]
    static let readWrite = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    // MARK: - Label keys

    static let aggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin"
    static let aggregateToEdit = "rbac.authorization.k8s.io/aggregate-to-edit"
    static let aggregateToView = "rbac.authorization.k8s.io/aggregate-to-view"

    // MARK: - Upstream roles

    static var upstreamClusterRoles: [JSON] {
        [
            // The "root" role: anything, anywhere.
            role("cluster-admin", rules: [
                rule(groups: ["*"], resources: ["*"], verbs: ["*"]),
                rule(urls: ["*"], verbs: ["*"]),
            ]),

            // Namespace admin: edit plus granting permissions (filled by aggregation).
            aggregatedRole("admin", selecting: aggregateToAdmin),
            // Namespace editor: every user-level action (filled by aggregation); admin includes it.
            aggregatedRole("edit", selecting: aggregateToEdit, labels: [aggregateToAdmin: "true"]),
            // Namespace viewer: read access to non-escalating resources; edit includes it.
            aggregatedRole("view", selecting: aggregateToView, labels: [aggregateToEdit: "true"]),

            role("system:aggregate-to-admin", labels: [aggregateToAdmin: "true"], rules: [
                rule(groups: ["authorization.k8s.io"], resources: ["localsubjectaccessreviews"], verbs: ["create"]),
                rule(groups: ["rbac.authorization.k8s.io"], resources: ["rolebindings", "roles"], verbs: readWrite),
            ]),

            role("system:aggregate-to-edit", labels: [aggregateToEdit: "true"], rules: [
                // Read on escalating resources.
                rule(groups: [""], resources: ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"],
                     verbs: read),
                rule(groups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"]),
                rule(groups: [""], resources: ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], verbs: write),
                rule(groups: [""], resources: ["pods/eviction"], verbs: ["create"]),
                rule(groups: [""], resources: ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
                                               "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"],
                     verbs: write),
                rule(groups: [""], resources: ["serviceaccounts/token"], verbs: ["create"]),
                rule(groups: ["apps"], resources: ["daemonsets", "deployments", "deployments/rollback", "deployments/scale",
                                                   "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"],
                     verbs: write),
                rule(groups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: write),
                rule(groups: ["batch"], resources: ["cronjobs", "jobs"], verbs: write),
                rule(groups: ["extensions"], resources: ["daemonsets", "deployments", "deployments/rollback", "deployments/scale",
                                                         "ingresses", "networkpolicies", "replicasets", "replicasets/scale",
                                                         "replicationcontrollers/scale"],
                     verbs: write),
                rule(groups: ["policy"], resources: ["poddisruptionbudgets"], verbs: write),
                rule(groups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: write),
                rule(groups: ["coordination.k8s.io"], resources: ["leases"], verbs: readWrite),
            ]),

            role("system:aggregate-to-view", labels: [aggregateToView: "true"], rules: [
                rule(groups: [""], resources: ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status",
                                               "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
                                               "services", "services/status"],
                     verbs: read),
                rule(groups: [""], resources: ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
                                               "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"],
                     verbs: read),
                // Reading namespaces at namespace scope means reading *this* namespace.
                rule(groups: [""], resources: ["namespaces"], verbs: read),
                rule(groups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: read),
                rule(groups: ["apps"], resources: ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments",
                                                   "deployments/scale", "deployments/status", "replicasets", "replicasets/scale",
                                                   "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"],
                     verbs: read),
                rule(groups: ["autoscaling"], resources: ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], verbs: read),
                rule(groups: ["batch"], resources: ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], verbs: read),
                rule(groups: ["extensions"], resources: ["daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                                                         "deployments/status", "ingresses", "ingresses/status", "networkpolicies",
                                                         "replicasets", "replicasets/scale", "replicasets/status",
                                                         "replicationcontrollers/scale"],
                     verbs: read),
                rule(groups: ["policy"], resources: ["poddisruptionbudgets", "poddisruptionbudgets/status"], verbs: read),
                rule(groups: ["networking.k8s.io"], resources: ["ingresses", "ingresses/status", "networkpolicies"], verbs: read),
            ]),

            // Just enough to check the server is up and discover API versions.
            role("system:discovery", rules: [
                rule(urls: ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*",
                            "/readyz", "/version", "/version/"],
                     verbs: ["get"]),
            ]),

            // What a "normal" user needs to learn about themselves.
            role("system:basic-user", rules: [
                rule(groups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], verbs: ["create"]),
                rule(groups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"], verbs: ["create"]),
            ]),

            // Insensitive cluster information, open to everyone.
            role("system:public-info-viewer", rules: [
                rule(urls: ["/healthz", "/livez", "/readyz", "/version", "/version/"], verbs: ["get"]),
            ]),
        ]
    }

    // MARK: - Plinth's own kinds

    /// Resources of Plinth's API groups that namespace users may change (edit/admin) and read (view).
    static let plinthWritable: [(group: String, resources: [String])] = [
        ("vmoperator.plinth.dev", ["virtualmachinepublishrequests", "virtualmachines", "virtualmachineservices"]),
        ("cluster.x-k8s.io", ["clusters", "machinedeployments", "machinehealthchecks", "machines", "machinesets"]),
        ("run.plinth.dev", ["guestclusters"]),
    ]

    /// Resources every role here may only read.
    static let plinthReadOnly: [(group: String, resources: [String])] = [
        ("vmoperator.plinth.dev", ["virtualmachineclasses", "virtualmachineimages"]),
        // Cluster-scoped: only takes effect through a ClusterRoleBinding.
        ("plinth.dev", ["namespacepolicies"]),
    ]

    /// get/list/watch on every Plinth resource and its status subresource.
    static var plinthReadRules: [JSON] {
        var byGroup: [(group: String, resources: [String])] = []
        for (group, resources) in plinthWritable + plinthReadOnly {
            if let i = byGroup.firstIndex(where: { $0.group == group }) {
                byGroup[i].resources += resources
            } else {
                byGroup.append((group, resources))
            }
        }
        return byGroup.map { group, resources in
            rule(groups: [group], resources: resources.flatMap { [$0, "\($0)/status"] }.sorted(), verbs: read)
        }
    }

    /// create/update/patch/delete/deletecollection on the writable Plinth resources.
    static var plinthWriteRules: [JSON] {
        plinthWritable.map { group, resources in rule(groups: [group], resources: resources, verbs: write) }
    }

    /// Aggregated into admin, edit and view. Edit and admin repeat the read rules so each role
    /// stands alone when bound directly; aggregation keeps each identical rule once.
    static var plinthClusterRoles: [JSON] {
        [
            // Plinth has no admin-only powers: admin gets what edit gets.
            role("plinth:aggregate-to-admin", labels: [aggregateToAdmin: "true"], rules: plinthReadRules + plinthWriteRules),
            role("plinth:aggregate-to-edit", labels: [aggregateToEdit: "true"], rules: plinthReadRules + plinthWriteRules),
            role("plinth:aggregate-to-view", labels: [aggregateToView: "true"], rules: plinthReadRules),
        ]
    }

    // MARK: - Builders

    static func strings(_ values: [String]) -> JSON { .array(values.map { .string($0) }) }

    /// A resource rule, keys in the order upstream serializes them.
    static func rule(groups: [String], resources: [String], verbs: [String]) -> JSON {
        ["verbs": strings(verbs), "apiGroups": strings(groups), "resources": strings(resources)]
    }

    /// A non-resource URL rule.
    static func rule(urls: [String], verbs: [String]) -> JSON {
        ["verbs": strings(verbs), "nonResourceURLs": strings(urls)]
    }

    /// Metadata every bootstrap object carries: the rbac-defaults label and the autoupdate annotation.
    static func metadata(_ name: String, labels extra: [String: String] = [:]) -> JSON {
        var labels: JSONObject = ["kubernetes.io/bootstrapping": "rbac-defaults"]
        for key in extra.keys.sorted() { labels[key] = .string(extra[key]!) }
        return [
            "name": .string(name),
            "labels": .object(labels),
            "annotations": ["rbac.authorization.kubernetes.io/autoupdate": "true"],
        ]
    }

    static func role(_ name: String, labels: [String: String] = [:], rules: [JSON]) -> JSON {
        [
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": metadata(name, labels: labels),
            "rules": .array(rules),
        ]
    }

    /// A role whose rules the aggregation controller fills from the roles labelled `selecting: "true"`.
    static func aggregatedRole(_ name: String, selecting label: String, labels: [String: String] = [:]) -> JSON {
        [
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": metadata(name, labels: labels),
            "rules": [],
            "aggregationRule": ["clusterRoleSelectors": [["matchLabels": [label: "true"]]]],
        ]
    }

    /// A ClusterRoleBinding of the ClusterRole of the same name to groups.
    static func binding(_ name: String, groups: [String]) -> JSON {
        [
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": metadata(name),
            "subjects": .array(groups.map { ["kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": .string($0)] }),
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(name)],
        ]
    }
}
