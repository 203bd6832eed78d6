import PlinthJSON

/// Pods made from a controller's `spec.template` (upstream `GetPodFromTemplate`).
public enum PodTemplate {
    /// A pod of `template` in `namespace`, named `<generateName>xxxxx` by the server, owned by
    /// the controller `owner` refers to.
    public static func pod(from template: JSON, namespace: String, generateName: String, owner: JSON) -> JSON {
        var metadata: JSON = ["generateName": .string(generateName), "namespace": .string(namespace)]
        for field in ["labels", "annotations", "finalizers"] {
            if let v = template[path: ["metadata", field]], !v.isNull { metadata[field] = v }
        }
        metadata["ownerReferences"] = [owner]
        return ["apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": template["spec"] ?? [:]]
    }
}
