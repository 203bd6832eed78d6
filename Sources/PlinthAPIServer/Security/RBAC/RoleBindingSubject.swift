import PlinthJSON

/// A `subjects[]` entry of a RoleBinding or ClusterRoleBinding.
public struct RoleBindingSubject: Sendable, Hashable {
    public enum Kind: String, Sendable { case user = "User", group = "Group", serviceAccount = "ServiceAccount" }
    public var kind: Kind
    public var name: String
    /// For service accounts only.
    public var namespace: String

    public init(kind: Kind, name: String, namespace: String = "") {
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    /// nil for kinds RBAC does not know (ignored, as upstream does).
    public init?(json: JSON, bindingNamespace: String?) {
        guard let k = json["kind"]?.stringValue.flatMap(Kind.init(rawValue:)), let name = json["name"]?.stringValue else { return nil }
        self.init(kind: k, name: name, namespace: json["namespace"]?.stringValue ?? "")
    }

    /// The index key a user matches this subject under.
    var indexKey: String {
        switch kind {
        case .user: return "u:" + name
        case .group: return "g:" + name
        case .serviceAccount: return "u:system:serviceaccount:\(namespace):\(name)"
        }
    }

    /// The keys under which bindings for `user` are indexed.
    static func indexKeys(for user: UserInfo) -> [String] {
        ["u:" + user.username] + user.groups.map { "g:" + $0 }
    }
}
