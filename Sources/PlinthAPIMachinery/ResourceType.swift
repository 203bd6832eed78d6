/// Everything the API server needs to know to serve one resource: its names for URLs,
/// discovery and messages, its scope, verbs and subresources, and how names are validated.
public struct ResourceType: Sendable, Hashable {
    public enum NameRule: Sendable, Hashable {
        /// DNS-1123 subdomain (most kinds).
        case dnsSubdomain
        /// DNS-1123 label (namespaces).
        case dnsLabel
        /// DNS-1035 label (services).
        case dns1035Label
        /// Any path segment (RBAC roles, a few others).
        case pathSegment
    }

    public struct Subresource: Sendable, Hashable {
        public var name: String
        public var kind: String
        public var group: String
        public var version: String
        public var verbs: [String]
        public init(name: String, kind: String, group: String = "", version: String = "", verbs: [String]) {
            self.name = name
            self.kind = kind
            self.group = group
            self.version = version
            self.verbs = verbs
        }
    }

    public var group: String
    public var version: String
    public var kind: String
    /// The plural resource name used in URLs (`configmaps`).
    public var plural: String
    public var singular: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var categories: [String]
    public var verbs: [String]
    public var subresources: [Subresource]
    public var nameRule: NameRule
    /// Whether `metadata.generation` tracks spec changes.
    public var tracksGeneration: Bool
    /// Create-only virtual resources (reviews) that are answered, not stored.
    public var isVirtual: Bool
    /// Served from a CustomResourceDefinition (schema, columns and scale paths in the catalog).
    public var isCustom = false
    /// The version objects are stored in when several versions share storage (custom resources
    /// with conversion `None`); nil when it is `version`.
    public var storageVersion: String?
    /// Other versions share this resource's storage, so objects may carry another apiVersion
    /// and are rewritten when served (custom resources with several versions, conversion `None`).
    public var convertsAPIVersion = false

    public init(
        group: String, version: String, kind: String, plural: String, singular: String? = nil,
        namespaced: Bool, shortNames: [String] = [], categories: [String] = [],
        verbs: [String] = ResourceType.standardVerbs, subresources: [Subresource] = [],
        nameRule: NameRule = .dnsSubdomain, tracksGeneration: Bool = false, isVirtual: Bool = false
    ) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.singular = singular ?? kind.lowercased()
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.categories = categories
        self.verbs = verbs
        self.subresources = subresources
        self.nameRule = nameRule
        self.tracksGeneration = tracksGeneration
        self.isVirtual = isVirtual
    }

    public static let standardVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    /// `v1` or `apps/v1`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var listKind: String { kind + "List" }
    /// `configmaps` or `deployments.apps`: how upstream messages name the resource.
    public var qualifiedResource: String { group.isEmpty ? plural : "\(plural).\(group)" }
    /// The storage key prefix (`/registry/apps/deployments/`), one prefix per resource as in kube-apiserver.
    public var keyPrefix: String { group.isEmpty ? "/registry/\(plural)/" : "/registry/\(group)/\(plural)/" }
    /// The apiVersion stored objects carry.
    public var storedAPIVersion: String {
        guard let storageVersion else { return apiVersion }
        return group.isEmpty ? storageVersion : "\(group)/\(storageVersion)"
    }

    public func hasSubresource(_ name: String) -> Bool { subresources.contains { $0.name == name } }

    /// The storage key for an object.
    public func key(namespace: String?, name: String) -> String {
        if namespaced, let namespace { return keyPrefix + namespace + "/" + name }
        return keyPrefix + name
    }

    /// The key prefix of all objects in one namespace (or of all, for nil).
    public func keyPrefix(namespace: String?) -> String {
        if namespaced, let namespace { return keyPrefix + namespace + "/" }
        return keyPrefix
    }
}
