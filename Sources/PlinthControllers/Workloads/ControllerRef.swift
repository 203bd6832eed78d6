import PlinthJSON

/// Owner references as controllers use them: the one marked `controller: true` says which
/// controller manages an object (upstream's `metav1.GetControllerOf`).
public enum ControllerRef {
    /// The controlling owner reference of `object`, if any.
    public static func of(_ object: JSON) -> JSON? {
        object[path: ["metadata", "ownerReferences"]]?.arrayValue?.first { $0["controller"]?.boolValue == true }
    }

    /// The `namespace/name` key of the controller of `object` when it is a `kind` in `apiVersion`'s group.
    public static func key(of object: JSON, kind: String, group: String) -> String? {
        guard let ref = of(object), ref.string("kind") == kind, let name = ref.string("name"),
              let ns = object.string("metadata", "namespace") else { return nil }
        let apiVersion = ref.string("apiVersion") ?? ""
        let refGroup = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        return refGroup == group ? ns + "/" + name : nil
    }

    /// The owner reference a controller puts on what it makes: controller and blocking the
    /// owner's foreground deletion, as upstream's `NewControllerRef`.
    public static func reference(to owner: JSON, apiVersion: String, kind: String) -> JSON {
        ["apiVersion": .string(apiVersion), "kind": .string(kind), "name": owner["metadata"]?["name"] ?? nil,
         "uid": owner["metadata"]?["uid"] ?? nil, "controller": true, "blockOwnerDeletion": true]
    }
}
