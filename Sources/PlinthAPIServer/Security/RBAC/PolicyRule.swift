import PlinthJSON

/// One RBAC rule (`rules[]` of a Role or ClusterRole), matched with upstream's semantics.
public struct PolicyRule: Sendable, Hashable {
    public var verbs: [String]
    public var apiGroups: [String]
    public var resources: [String]
    public var resourceNames: [String]
    public var nonResourceURLs: [String]

    public init(verbs: [String], apiGroups: [String] = [], resources: [String] = [], resourceNames: [String] = [],
                nonResourceURLs: [String] = []) {
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
        self.nonResourceURLs = nonResourceURLs
    }

    public init(json: JSON) {
        func strings(_ k: String) -> [String] { (json[k]?.arrayValue ?? []).compactMap(\.stringValue) }
        self.init(verbs: strings("verbs"), apiGroups: strings("apiGroups"), resources: strings("resources"),
                  resourceNames: strings("resourceNames"), nonResourceURLs: strings("nonResourceURLs"))
    }

    /// Whether this rule allows the request.
    public func allows(_ a: AuthorizationAttributes) -> Bool {
        guard verbs.contains(where: { $0 == "*" || $0 == a.verb }) else { return false }
        if let path = a.path {
            return nonResourceURLs.contains { url in
                url == "*" || url == path || (url.hasSuffix("*") && path.hasPrefix(url.dropLast()))
            }
        }
        guard apiGroups.contains(where: { $0 == "*" || $0 == a.group }) else { return false }
        guard matchesResource(a.resource, subresource: a.subresource) else { return false }
        if resourceNames.isEmpty { return true }
        guard let name = a.name, !name.isEmpty else { return false }
        return resourceNames.contains(name)
    }

    /// `*`, the exact `resource[/subresource]`, or `*/subresource`.
    func matchesResource(_ resource: String, subresource: String?) -> Bool {
        let combined = subresource.map { "\(resource)/\($0)" } ?? resource
        for r in resources {
            if r == "*" || r == combined { return true }
            if let sub = subresource, r.hasPrefix("*/"), r.dropFirst(2) == sub { return true }
        }
        return false
    }
}
