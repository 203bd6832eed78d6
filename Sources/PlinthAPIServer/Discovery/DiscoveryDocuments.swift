import Crypto
import Hummingbird
import PlinthAPIMachinery
import PlinthJSON

/// Discovery in both formats: aggregated (apidiscovery.k8s.io/v2 and v2beta1, with ETag and
/// 304) and the legacy APIVersions / APIGroupList / APIGroup / APIResourceList documents.
struct DiscoveryDocuments: Sendable {
    let catalog: ResourceCatalog
    let aggregatedCore: [UInt8]
    let aggregatedGroups: [UInt8]
    let aggregatedCoreBeta: [UInt8]
    let aggregatedGroupsBeta: [UInt8]
    let legacyAPI: [UInt8]
    let legacyAPIs: [UInt8]
    let etagCore: String
    let etagGroups: String

    init(catalog: ResourceCatalog) {
        self.catalog = catalog
        aggregatedCore = Self.aggregated(catalog, core: true, version: "v2").serialized()
        aggregatedGroups = Self.aggregated(catalog, core: false, version: "v2").serialized()
        aggregatedCoreBeta = Self.aggregated(catalog, core: true, version: "v2beta1").serialized()
        aggregatedGroupsBeta = Self.aggregated(catalog, core: false, version: "v2beta1").serialized()
        etagCore = Self.hash(aggregatedCore)
        etagGroups = Self.hash(aggregatedGroups)
        legacyAPI = (["kind": "APIVersions", "versions": ["v1"],
                      "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": ""]]] as JSON).serialized()
        var groups: [JSON] = []
        for g in catalog.groups where !g.isEmpty { groups.append(Self.groupJSON(catalog, g, withType: false)) }
        legacyAPIs = (["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)] as JSON).serialized()
    }

    static func hash(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).prefix(16).map { String(format: "%02X", $0) }.joined()
    }

    func respond(legacy core: Bool, accept: String, ifNoneMatch: String?) -> Response {
        let wantsV2 = accept.contains("g=apidiscovery.k8s.io") && accept.contains("v=v2") && accept.contains("as=APIGroupDiscoveryList")
        if wantsV2 {
            // Prefer v2; offer v2beta1 only to clients that ask for nothing newer.
            let beta = !accept.contains("v=v2;") && !accept.hasSuffix("v=v2") && accept.contains("v=v2beta1")
            let version = beta ? "v2beta1" : "v2"
            let bytes = core ? (beta ? aggregatedCoreBeta : aggregatedCore) : (beta ? aggregatedGroupsBeta : aggregatedGroups)
            let etag = "\"\(core ? etagCore : etagGroups)\(beta ? "b" : "")\""
            var headers: HTTPFields = [:]
            headers[.eTag] = etag
            headers[.vary] = "Accept"
            if let inm = ifNoneMatch, inm == etag {
                headers[.contentType] = "application/json;g=apidiscovery.k8s.io;v=\(version);as=APIGroupDiscoveryList"
                return Response(status: .notModified, headers: headers)
            }
            return APIResponse.json(.ok, bytes, contentType: "application/json;g=apidiscovery.k8s.io;v=\(version);as=APIGroupDiscoveryList", extraHeaders: headers)
        }
        var headers: HTTPFields = [:]
        headers[.vary] = "Accept"
        return APIResponse.json(.ok, core ? legacyAPI : legacyAPIs, extraHeaders: headers)
    }

    func group(_ name: String) -> [UInt8]? {
        guard catalog.groups.contains(name), !name.isEmpty else { return nil }
        return Self.groupJSON(catalog, name, withType: true).serialized()
    }

    static func groupJSON(_ catalog: ResourceCatalog, _ g: String, withType: Bool) -> JSON {
        let versions = catalog.versions(of: g)
        var o = JSONObject()
        if withType {
            o.appendUnchecked("kind", "APIGroup")
            o.appendUnchecked("apiVersion", "v1")
        }
        o.appendUnchecked("name", .string(g))
        o.appendUnchecked("versions", .array(versions.map { ["groupVersion": .string("\(g)/\($0)"), "version": .string($0)] }))
        o.appendUnchecked("preferredVersion", ["groupVersion": .string("\(g)/\(versions[0])"), "version": .string(versions[0])])
        return .object(o)
    }

    func resourceList(group: String, version: String) -> [UInt8] {
        var resources: [JSON] = []
        for r in catalog.resources(group: group, version: version) {
            var o = JSONObject()
            o.appendUnchecked("name", .string(r.plural))
            o.appendUnchecked("singularName", .string(r.singular))
            o.appendUnchecked("namespaced", .bool(r.namespaced))
            o.appendUnchecked("kind", .string(r.kind))
            o.appendUnchecked("verbs", .array(r.verbs.map { .string($0) }))
            if !r.shortNames.isEmpty { o.appendUnchecked("shortNames", .array(r.shortNames.map { .string($0) })) }
            if !r.categories.isEmpty { o.appendUnchecked("categories", .array(r.categories.map { .string($0) })) }
            o.appendUnchecked("storageVersionHash", .string(String(Self.hash(Array("\(r.group)/\(r.version)/\(r.kind)".utf8)).prefix(11))))
            resources.append(.object(o))
            for s in r.subresources {
                var so = JSONObject()
                so.appendUnchecked("name", .string("\(r.plural)/\(s.name)"))
                so.appendUnchecked("singularName", "")
                so.appendUnchecked("namespaced", .bool(r.namespaced))
                if !s.group.isEmpty && s.group != r.group { so.appendUnchecked("group", .string(s.group)) }
                if !s.version.isEmpty && (s.group != r.group || s.version != r.version) { so.appendUnchecked("version", .string(s.version)) }
                so.appendUnchecked("kind", .string(s.kind))
                so.appendUnchecked("verbs", .array(s.verbs.map { .string($0) }))
                resources.append(.object(so))
            }
        }
        let gv = group.isEmpty ? version : "\(group)/\(version)"
        return (["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(gv), "resources": .array(resources)] as JSON).serialized()
    }

    static func aggregated(_ catalog: ResourceCatalog, core: Bool, version discoveryVersion: String) -> JSON {
        var items: [JSON] = []
        for g in catalog.groups where g.isEmpty == core {
            var versions: [JSON] = []
            for v in catalog.versions(of: g) {
                let resources: [JSON] = catalog.resources(group: g, version: v).map { r in
                    var o = JSONObject()
                    o.appendUnchecked("resource", .string(r.plural))
                    o.appendUnchecked("responseKind", ["group": .string(r.group), "version": .string(r.version), "kind": .string(r.kind)])
                    o.appendUnchecked("scope", r.namespaced ? "Namespaced" : "Cluster")
                    o.appendUnchecked("singularResource", .string(r.singular))
                    o.appendUnchecked("verbs", .array(r.verbs.map { .string($0) }))
                    if !r.shortNames.isEmpty { o.appendUnchecked("shortNames", .array(r.shortNames.map { .string($0) })) }
                    if !r.categories.isEmpty { o.appendUnchecked("categories", .array(r.categories.map { .string($0) })) }
                    if !r.subresources.isEmpty {
                        o.appendUnchecked("subresources", .array(r.subresources.map { s in
                            ["subresource": .string(s.name),
                             "responseKind": ["group": .string(s.group.isEmpty ? r.group : s.group),
                                              "version": .string(s.version.isEmpty ? r.version : s.version), "kind": .string(s.kind)],
                             "verbs": .array(s.verbs.map { .string($0) })]
                        }))
                    }
                    return .object(o)
                }
                versions.append(["version": .string(v), "resources": .array(resources), "freshness": "Current"])
            }
            var meta = JSONObject()
            if !g.isEmpty { meta.appendUnchecked("name", .string(g)) }
            meta.appendUnchecked("creationTimestamp", .null)
            items.append(["metadata": .object(meta), "versions": .array(versions)])
        }
        return ["kind": "APIGroupDiscoveryList", "apiVersion": .string("apidiscovery.k8s.io/\(discoveryVersion)"),
                "metadata": [:], "items": .array(items)]
    }
}
