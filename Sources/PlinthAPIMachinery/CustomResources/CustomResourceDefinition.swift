import PlinthJSON

/// A CustomResourceDefinition (apiextensions.k8s.io/v1) read into what the server serves from it.
public struct CustomResourceDefinition: Sendable {
    public struct Names: Sendable, Equatable {
        public var plural: String
        public var singular: String
        public var kind: String
        public var listKind: String
        public var shortNames: [String]
        public var categories: [String]
    }

    public var name: String
    public var uid: String
    public var group: String
    public var names: Names
    public var namespaced: Bool
    public var versions: [JSON]
    public var deleting: Bool

    public init?(_ object: JSON) {
        guard let group = object.string("spec", "group"), let plural = object.string("spec", "names", "plural"),
              let kind = object.string("spec", "names", "kind") else { return nil }
        self.name = object.string("metadata", "name") ?? ""
        self.uid = object.string("metadata", "uid") ?? ""
        self.group = group
        let n = object[path: ["spec", "names"]]
        names = Names(plural: plural, singular: n?["singular"]?.stringValue ?? kind.lowercased(), kind: kind,
                      listKind: n?["listKind"]?.stringValue ?? kind + "List",
                      shortNames: n?["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                      categories: n?["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        namespaced = object.string("spec", "scope") != "Cluster"
        versions = object[path: ["spec", "versions"]]?.arrayValue ?? []
        deleting = object[path: ["metadata", "deletionTimestamp"]] != nil
    }

    /// The version objects are stored in.
    public var storageVersion: String? {
        versions.first { $0["storage"]?.boolValue == true }?["name"]?.stringValue
    }

    /// Served versions, most preferred first (kube-aware version order: GA > beta > alpha, higher
    /// numbers first, then others alphabetically).
    public var servedVersions: [JSON] {
        versions.filter { $0["served"]?.boolValue == true }
            .sorted { KubeVersionOrder.precedes($0["name"]?.stringValue ?? "", $1["name"]?.stringValue ?? "") }
    }

    /// The resource types and custom details this definition serves.
    public func served() -> [(ResourceType, CustomResourceVersion)] {
        let storage = storageVersion
        return servedVersions.compactMap { v in
            guard let version = v["name"]?.stringValue else { return nil }
            var subresources: [ResourceType.Subresource] = []
            let sub = v["subresources"]
            if sub?["status"] != nil {
                subresources.append(.init(name: "status", kind: names.kind, group: group, version: version, verbs: ["get", "patch", "update"]))
            }
            var scale: CustomResourceVersion.ScalePaths?
            if let s = sub?["scale"], let spec = s["specReplicasPath"]?.stringValue, let status = s["statusReplicasPath"]?.stringValue {
                scale = .init(specReplicasPath: spec, statusReplicasPath: status, labelSelectorPath: s["labelSelectorPath"]?.stringValue)
                subresources.append(.init(name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: ["get", "patch", "update"]))
            }
            var r = ResourceType(group: group, version: version, kind: names.kind, plural: names.plural, singular: names.singular,
                                 namespaced: namespaced, shortNames: names.shortNames, categories: names.categories,
                                 subresources: subresources, tracksGeneration: true)
            r.isCustom = true
            r.storageVersion = storage == version ? nil : storage
            r.convertsAPIVersion = versions.count > 1
            let columns = (v["additionalPrinterColumns"]?.arrayValue ?? []).compactMap { c -> CustomResourceVersion.PrinterColumn? in
                guard let name = c["name"]?.stringValue, let path = c["jsonPath"]?.stringValue else { return nil }
                return .init(name: name, type: c["type"]?.stringValue ?? "string", format: c["format"]?.stringValue ?? "",
                             description: c["description"]?.stringValue ?? "", priority: Int(c["priority"]?.intValue ?? 0), jsonPath: path)
            }
            let details = CustomResourceVersion(
                group: group, version: version, plural: names.plural, kind: names.kind, definitionName: name,
                schema: v[path: ["schema", "openAPIV3Schema"]], printerColumns: columns, scale: scale,
                deprecated: v["deprecated"]?.boolValue == true, deprecationWarning: v["deprecationWarning"]?.stringValue)
            return (r, details)
        }
    }
}

/// Kubernetes' version ordering (`v2` > `v1` > `v1beta2` > `v1beta1` > `v1alpha1` > `foo`).
public enum KubeVersionOrder {
    /// (major, stability rank, minor) for well-formed versions; nil otherwise.
    static func parse(_ v: String) -> (Int, Int, Int)? {
        guard v.hasPrefix("v") else { return nil }
        let rest = v.dropFirst()
        let digits = rest.prefix { $0.isNumber }
        guard let major = Int(digits), major > 0 else { return nil }
        let tail = rest.dropFirst(digits.count)
        if tail.isEmpty { return (major, 2, 0) }
        for (word, rank) in [("beta", 1), ("alpha", 0)] where tail.hasPrefix(word) {
            guard let minor = Int(tail.dropFirst(word.count)), minor > 0 else { return nil }
            return (major, rank, minor)
        }
        return nil
    }

    public static func precedes(_ a: String, _ b: String) -> Bool {
        switch (parse(a), parse(b)) {
        case let (x?, y?):
            if x.1 != y.1 { return x.1 > y.1 }
            if x.0 != y.0 { return x.0 > y.0 }
            return x.2 > y.2
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a < b
        }
    }
}
