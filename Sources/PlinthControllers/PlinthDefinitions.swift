import PlinthJSON

/// The CustomResourceDefinitions of Plinth's own admin-facing kinds in `plinth.dev`, installed at
/// startup so they get schemas, `kubectl explain`, validation and server-side apply like any CRD.
public enum PlinthDefinitions {
    public static var all: [JSON] { [namespacePolicy, namespaceTemplate, identityProvider] }

    /// A resource quantity ("500m", "2Gi" or a number), as upstream schemas declare Quantity.
    static let quantity: JSON = ["x-kubernetes-int-or-string": true]
    static func object(_ properties: JSONObject, description: String, required: [String] = []) -> JSON {
        var o: JSONObject = ["type": "object", "description": .string(description), "properties": .object(properties)]
        if !required.isEmpty { o["required"] = .array(required.map { .string($0) }) }
        return .object(o)
    }
    static func strings(_ description: String) -> JSON { ["type": "array", "description": .string(description), "items": ["type": "string"]] }
    static let resources: JSON = ["type": "object", "additionalProperties": quantity]

    /// The governance fields a namespace policy and a namespace template share.
    static var policyFields: JSONObject {
        [
            "limits": object(["cpu": quantity, "memory": quantity, "storage": quantity],
                             description: "Resource pool limits: the namespace's pods may use at most this much CPU and memory (sum of container limits) and its claims this much storage."),
            "storageClasses": ["type": "array", "description": "Storage classes (storage policies) the namespace may use, each with an optional storage limit.",
                               "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                               "items": object(["name": ["type": "string"], "limit": quantity], description: "A storage class and its limit.", required: ["name"])],
            "objectCounts": ["type": "object", "description": "Maximum number of objects per resource, e.g. pods: 10, deployments.apps: 5, virtualmachines.vmoperator.plinth.dev: 3.",
                             "additionalProperties": ["type": "integer", "minimum": 0]],
            "defaultContainer": object(["requests": resources, "limits": resources],
                                       description: "Requests and limits given to containers that do not set their own."),
            "access": ["type": "array", "description": "Who may use the namespace: VIEW, EDIT or OWNER for users and groups.",
                       "items": object(["role": ["type": "string", "enum": ["VIEW", "EDIT", "OWNER"]],
                                        "user": ["type": "string"], "group": ["type": "string"]],
                                       description: "A grant to one user or group.", required: ["role"])],
            "network": object(["isolated": ["type": "boolean", "description": "Whether the namespace's pods accept connections only from pods of the same namespace (a NetworkPolicy named plinth-policy)."]],
                              description: "The namespace's network."),
            "vmClasses": strings("VM classes VMs in the namespace may use."),
            "vmImages": strings("VM images VMs in the namespace may use."),
        ]
    }

    static func definition(kind: String, plural: String, shortNames: [String], description: String, spec: JSON, status: JSON? = nil,
                           columns: [JSON] = []) -> JSON {
        var props: JSONObject = ["apiVersion": ["type": "string"], "kind": ["type": "string"], "metadata": ["type": "object"], "spec": spec]
        if let status { props["status"] = status }
        var version: JSONObject = ["name": "v1alpha1", "served": true, "storage": true,
                                   "schema": ["openAPIV3Schema": .object(["type": "object", "description": .string(description), "properties": .object(props)])]]
        if status != nil { version["subresources"] = ["status": [:]] }
        if !columns.isEmpty { version["additionalPrinterColumns"] = .array(columns) }
        return [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": .string("\(plural).plinth.dev"), "labels": ["plinth.dev/component": "core"]],
            "spec": ["group": "plinth.dev", "scope": "Cluster",
                     "names": ["kind": .string(kind), "listKind": .string(kind + "List"), "plural": .string(plural),
                               "singular": .string(kind.lowercased()), "shortNames": .array(shortNames.map { .string($0) }), "categories": ["plinth"]],
                     "versions": [.object(version)]],
        ]
    }

    static let conditions: JSON = ["type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"],
                                   "items": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]

    public static var namespacePolicy: JSON {
        definition(kind: "NamespacePolicy", plural: "namespacepolicies", shortNames: ["nspolicy"],
                   description: "The governance of one namespace (named like it): resource limits, object counts, default container sizes, who may use it and which VM classes and images it may use. The namespace is created if missing; its ResourceQuota, LimitRange and RoleBindings are kept in step.",
                   spec: object(policyFields, description: "The policy."),
                   status: object(["conditions": conditions, "observedGeneration": ["type": "integer"]], description: "What the controller made of the policy."),
                   columns: [["name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status"],
                             ["name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"]])
    }

    public static var namespaceTemplate: JSON {
        definition(kind: "NamespaceTemplate", plural: "namespacetemplates", shortNames: ["nstemplate"],
                   description: "Self-service namespaces: the users and groups listed may `kubectl create namespace`; each namespace they create gets this template's policy, with its creator granted creatorRole.",
                   spec: object([
                       "allowed": ["type": "array", "description": "Users and groups who may create namespaces from this template.",
                                   "items": object(["user": ["type": "string"], "group": ["type": "string"]], description: "A user or a group.")],
                       "creatorRole": ["type": "string", "enum": ["VIEW", "EDIT", "OWNER"], "default": "EDIT",
                                       "description": "What the creator may do in the namespace."],
                       "policy": object(policyFields, description: "The policy each new namespace gets."),
                   ], description: "The template.", required: ["allowed"]))
    }

    public static var identityProvider: JSON {
        definition(kind: "IdentityProvider", plural: "identityproviders", shortNames: ["idp"],
                   description: "An external OIDC issuer whose tokens Plinth trusts, directly as bearer tokens or through token exchange at /wcp/token.",
                   spec: object([
                       "issuer": ["type": "string", "description": "The `iss` claim of the issuer's tokens."],
                       "audiences": ["type": "array", "minItems": 1, "items": ["type": "string"], "description": "Accepted `aud` values."],
                       "jwks": ["type": "object", "x-kubernetes-preserve-unknown-fields": true, "description": "The issuer's JSON Web Key Set ({\"keys\": [...]})."],
                       "claimMappings": object([
                           "username": object(["claim": ["type": "string"], "prefix": ["type": "string"]], description: "The claim naming the user (default sub, prefixed with issuer#)."),
                           "groups": object(["claim": ["type": "string"], "prefix": ["type": "string"]], description: "The claim listing groups (default groups)."),
                       ], description: "How claims become a user name and groups."),
                   ], description: "The issuer.", required: ["issuer", "audiences", "jwks"]))
    }
}
