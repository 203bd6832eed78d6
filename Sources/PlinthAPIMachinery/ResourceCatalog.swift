import PlinthJSON

/// The set of resources served, indexed for request routing and discovery.
/// A value type: the server swaps in a new catalog when custom resources come and go.
public struct ResourceCatalog: Sendable {
    public private(set) var resources: [ResourceType]
    private var byPath: [String: ResourceType] = [:]
    private var byKind: [String: ResourceType] = [:]
    /// Schema, printer columns and scale paths of each custom resource version, by
    /// `group/version/plural`.
    public private(set) var custom: [String: CustomResourceVersion] = [:]

    public init(_ resources: [ResourceType], custom: [CustomResourceVersion] = []) {
        self.resources = resources
        for r in resources {
            byPath["\(r.group)/\(r.version)/\(r.plural)"] = r
            if !r.isVirtual { byKind["\(r.group)/\(r.version)/\(r.kind)"] = r }
        }
        for c in custom { self.custom["\(c.group)/\(c.version)/\(c.plural)"] = c }
    }

    public func lookup(group: String, version: String, plural: String) -> ResourceType? {
        byPath["\(group)/\(version)/\(plural)"]
    }

    /// The resource an `apiVersion` + `kind` pair (an owner reference, a typed object) names.
    public func lookup(apiVersion: String, kind: String) -> ResourceType? {
        let (group, version) = Self.splitAPIVersion(apiVersion)
        return byKind["\(group)/\(version)/\(kind)"]
    }

    /// The custom resource details of `r`, when it is a custom resource.
    public func customVersion(_ r: ResourceType) -> CustomResourceVersion? {
        guard r.isCustom else { return nil }
        return custom["\(r.group)/\(r.version)/\(r.plural)"]
    }

    /// Whether two catalogs serve the same resources the same way.
    public func serves(sameAs other: ResourceCatalog) -> Bool {
        resources == other.resources && custom.count == other.custom.count && custom.allSatisfy { other.custom[$0.key] == $0.value }
    }

    public static func splitAPIVersion(_ apiVersion: String) -> (group: String, version: String) {
        guard let slash = apiVersion.firstIndex(of: "/") else { return ("", apiVersion) }
        return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
    }

    /// Group names in discovery order: the core group first, then by declaration order.
    public var groups: [String] {
        var seen: [String] = []
        for r in resources where !seen.contains(r.group) { seen.append(r.group) }
        return seen
    }

    public func versions(of group: String) -> [String] {
        var seen: [String] = []
        for r in resources where r.group == group && !seen.contains(r.version) { seen.append(r.version) }
        return seen
    }

    public func resources(group: String, version: String) -> [ResourceType] {
        resources.filter { $0.group == group && $0.version == version }
    }

    public func hasGroupVersion(group: String, version: String) -> Bool {
        resources.contains { $0.group == group && $0.version == version }
    }

    /// One resource type per stored resource (versions of a custom resource share storage).
    public var storedResources: [ResourceType] {
        var seen: Set<String> = []
        return resources.filter { !$0.isVirtual && seen.insert($0.keyPrefix).inserted }
    }
}
