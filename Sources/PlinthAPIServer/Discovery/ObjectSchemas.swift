import PlinthAPIMachinery
import PlinthJSON

/// Hand-written schemas, the fallback for kinds the generated tables (`BuiltinOpenAPISchemas`)
/// lack: the common envelope (apiVersion, kind, metadata) plus each kind's top-level fields,
/// nested spec and status structures as open objects. Also the short kind descriptions and the
/// envelope field descriptions `GroupVersionSchemas` puts on the generated schemas.
enum ObjectSchemas {
    static let apiVersionField: JSON = ["description": "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.", "type": "string"]
    static let kindField: JSON = ["description": "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.", "type": "string"]

    static func open(_ description: String) -> JSON {
        ["description": .string(description), "type": "object", "x-kubernetes-preserve-unknown-fields": true]
    }

    static func stringMap(_ description: String) -> JSON {
        ["description": .string(description), "type": "object", "additionalProperties": ["type": "string", "default": ""]]
    }

    static func string(_ description: String) -> JSON { ["description": .string(description), "type": "string"] }
    static func bool(_ description: String) -> JSON { ["description": .string(description), "type": "boolean"] }
    static func int(_ description: String) -> JSON { ["description": .string(description), "type": "integer", "format": "int64"] }
    static func list(_ description: String) -> JSON {
        ["description": .string(description), "type": "array", "items": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]
    }

    static let objectMeta: JSON = [
        "description": "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
        "type": "object",
        "properties": [
            "annotations": stringMap("Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata."),
            "creationTimestamp": string("CreationTimestamp is a timestamp representing the server time when this object was created."),
            "deletionGracePeriodSeconds": int("Number of seconds allowed for this object to gracefully terminate before it will be removed from the system."),
            "deletionTimestamp": string("DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted."),
            "finalizers": ["description": "Must be empty before the object is deleted from the registry.", "type": "array", "items": ["type": "string", "default": ""], "x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": "merge"],
            "generateName": string("GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided."),
            "generation": int("A sequence number representing a specific generation of the desired state."),
            "labels": stringMap("Map of string keys and values that can be used to organize and categorize (scope and select) objects."),
            "managedFields": list("ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow."),
            "name": string("Name must be unique within a namespace."),
            "namespace": string("Namespace defines the space within which each name must be unique."),
            "ownerReferences": ["description": "List of objects depended by this object.", "type": "array",
                                "items": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                                "x-kubernetes-list-map-keys": ["uid"], "x-kubernetes-list-type": "map",
                                "x-kubernetes-patch-merge-key": "uid", "x-kubernetes-patch-strategy": "merge"],
            "resourceVersion": string("An opaque value that represents the internal version of this object."),
            "selfLink": string("Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."),
            "uid": string("UID is the unique in time and space value for this object."),
        ],
    ]

    static let listMeta: JSON = [
        "description": "ListMeta describes metadata that synthetic resources must have, including lists and various status objects.",
        "type": "object",
        "properties": [
            "continue": string("continue may be set if the user set a limit on the number of items returned."),
            "remainingItemCount": int("remainingItemCount is the number of subsequent items in the list which are not included in this list response."),
            "resourceVersion": string("String that identifies the server's internal version of this object."),
            "selfLink": string("Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."),
        ],
    ]

    static func schema(for r: ResourceType) -> JSON {
        var props = JSONObject()
        props["apiVersion"] = apiVersionField
        props["kind"] = kindField
        props["metadata"] = ["description": "Standard object's metadata.", "allOf": [OpenAPIDocuments.ref(OpenAPIDocuments.objectMetaName)], "default": [:]]
        for (k, v) in topLevelFields(r) { props[k] = v }
        var schema: JSON = ["description": .string(description(r)), "type": "object", "properties": .object(props)]
        if r.isVirtual || ["Event"].contains(r.kind) { schema["x-kubernetes-preserve-unknown-fields"] = true }
        return schema
    }

    static func description(_ r: ResourceType) -> String {
        switch r.kind {
        case "ConfigMap": return "ConfigMap holds configuration data for pods to consume."
        case "Secret": return "Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes."
        case "Pod": return "Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts."
        case "Namespace": return "Namespace provides a scope for Names. Use of multiple namespaces is optional."
        case "Service": return "Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy."
        case "Deployment": return "Deployment enables declarative updates for Pods and ReplicaSets."
        case "ReplicaSet": return "ReplicaSet ensures that a specified number of pod replicas are running at any given time."
        case "StatefulSet": return "StatefulSet represents a set of pods with consistent identities."
        case "DaemonSet": return "DaemonSet represents the configuration of a daemon set."
        case "Job": return "Job represents the configuration of a single job."
        case "CronJob": return "CronJob represents the configuration of a single cron job."
        case "Node": return "Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd)."
        case "ServiceAccount": return "ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets"
        case "Lease": return "Lease defines a lease concept."
        default: return "\(r.kind) is a \(r.group.isEmpty ? "core" : r.group) \(r.version) resource."
        }
    }

    static func topLevelFields(_ r: ResourceType) -> [(String, JSON)] {
        switch (r.group, r.kind) {
        case ("", "ConfigMap"):
            return [("data", stringMap("Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'.")),
                    ("binaryData", ["description": "BinaryData contains the binary data.", "type": "object", "additionalProperties": ["type": "string", "format": "byte"]]),
                    ("immutable", bool("Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified)."))]
        case ("", "Secret"):
            return [("data", ["description": "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string.", "type": "object", "additionalProperties": ["type": "string", "format": "byte"]]),
                    ("stringData", stringMap("stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience.")),
                    ("type", string("Used to facilitate programmatic handling of secret data.")),
                    ("immutable", bool("Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified)."))]
        case ("", "ServiceAccount"):
            return [("secrets", list("Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.")),
                    ("imagePullSecrets", list("ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount.")),
                    ("automountServiceAccountToken", bool("AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted."))]
        case ("", "Endpoints"):
            return [("subsets", list("The set of all endpoints is the union of all subsets."))]
        case ("", "Event"), ("events.k8s.io", "Event"):
            return [("involvedObject", open("The object that this event is about.")), ("reason", string("This should be a short, machine understandable string that gives the reason for the transition into the object's current status.")),
                    ("message", string("A human-readable description of the status of this operation.")), ("type", string("Type of this event (Normal, Warning), new types could be added in the future"))]
        case ("apps", "ControllerRevision"):
            return [("data", open("Data is the serialized representation of the state.")), ("revision", int("Revision indicates the revision of the state represented by Data."))]
        case ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "ClusterRole"):
            var fields: [(String, JSON)] = [("rules", list("Rules holds all the PolicyRules for this Role"))]
            if r.kind == "ClusterRole" { fields.append(("aggregationRule", open("AggregationRule is an optional field that describes how to build the Rules for this ClusterRole."))) }
            return fields
        case ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"):
            return [("roleRef", open("RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.")),
                    ("subjects", list("Subjects holds references to the objects the role applies to."))]
        case ("storage.k8s.io", "StorageClass"):
            return [("provisioner", string("provisioner indicates the type of the provisioner.")), ("parameters", stringMap("parameters holds the parameters for the provisioner that should create volumes of this storage class.")),
                    ("reclaimPolicy", string("reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.")),
                    ("mountOptions", ["description": "mountOptions controls the mountOptions for dynamically provisioned PersistentVolumes of this storage class.", "type": "array", "items": ["type": "string"]]),
                    ("allowVolumeExpansion", bool("allowVolumeExpansion shows whether the storage class allow volume expand.")),
                    ("volumeBindingMode", string("volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.")),
                    ("allowedTopologies", list("allowedTopologies restrict the node topologies where volumes can be dynamically provisioned."))]
        case ("node.k8s.io", "RuntimeClass"):
            return [("handler", string("handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class.")),
                    ("overhead", open("overhead represents the resource overhead associated with running a pod for a given RuntimeClass.")),
                    ("scheduling", open("scheduling holds the scheduling constraints to ensure that pods running with this RuntimeClass are scheduled to nodes that support it."))]
        case ("discovery.k8s.io", "EndpointSlice"):
            return [("addressType", string("addressType specifies the type of address carried by this EndpointSlice.")),
                    ("endpoints", list("endpoints is a list of unique endpoints in this slice.")), ("ports", list("ports specifies the list of network ports exposed by each endpoint in this slice."))]
        default:
            var fields: [(String, JSON)] = [("spec", open("Spec defines the desired state of the \(r.kind)."))]
            if r.hasSubresource("status") || r.isVirtual { fields.append(("status", open("Status is the most recently observed status of the \(r.kind)."))) }
            return fields
        }
    }
}
