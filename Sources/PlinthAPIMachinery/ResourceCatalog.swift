/// The set of resources served, indexed for request routing and discovery.
/// A value type: the server swaps in a new catalog when custom resources come and go.
public struct ResourceCatalog: Sendable {
    public private(set) var resources: [ResourceType]
    private var byPath: [String: ResourceType] = [:]

    public init(_ resources: [ResourceType]) {
        self.resources = resources
        for r in resources { byPath["\(r.group)/\(r.version)/\(r.plural)"] = r }
    }

    public func lookup(group: String, version: String, plural: String) -> ResourceType? {
        byPath["\(group)/\(version)/\(plural)"]
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
}
