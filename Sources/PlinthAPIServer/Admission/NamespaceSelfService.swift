import PlinthAPIMachinery
import PlinthJSON

/// Records who created a namespace, and from which self-service template, as annotations the
/// namespace-policy controller acts on (`plinth.dev/created-by`, `plinth.dev/template`). Only the
/// server writes them: values a non-admin sends are replaced, and updates keep the old ones.
public struct NamespaceSelfService: AdmissionPlugin {
    public static let createdBy = "plinth.dev/created-by"
    public static let template = "plinth.dev/template"
    let registry: ObjectRegistry

    public init(registry: ObjectRegistry) { self.registry = registry }

    public func mutate(_ object: inout JSON, old: JSON?, _ a: AdmissionAttributes) async throws(APIError) {
        guard a.resource.group.isEmpty, a.resource.plural == "namespaces", a.subresource == nil, let user = a.user,
              !user.groups.contains("system:masters") else { return }
        var annotations = object[path: ["metadata", "annotations"]]?.objectValue ?? JSONObject()
        switch a.operation {
        case .create:
            annotations[Self.createdBy] = .string(user.username)
            annotations[Self.template] = await templateAllowing(user).map { .string($0) }
        case .update:
            for key in [Self.createdBy, Self.template] { annotations[key] = old?[path: ["metadata", "annotations", key]] }
        }
        object[path: ["metadata", "annotations"]] = annotations.isEmpty ? nil : .object(annotations)
    }

    /// The first template (by name) whose `spec.allowed` lists the user or one of their groups.
    func templateAllowing(_ user: UserInfo) async -> String? {
        guard let r = registry.catalog.lookup(group: "plinth.dev", version: "v1alpha1", plural: "namespacetemplates"),
              let cache = try? registry.cache(r) else { return nil }
        await cache.waitUntilReady()
        for t in cache.objects() {
            let allowed = t.object[path: ["spec", "allowed"]]?.arrayValue ?? []
            if allowed.contains(where: { $0["user"]?.stringValue == user.username || ($0["group"]?.stringValue.map(user.groups.contains) ?? false) }) {
                return t.name
            }
        }
        return nil
    }
}
