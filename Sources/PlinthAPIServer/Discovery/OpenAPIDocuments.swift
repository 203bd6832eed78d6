import Crypto
import PlinthAPIMachinery
import PlinthJSON
import Synchronization

/// OpenAPI v3: an index of group-versions and one document per group-version, with a path item
/// per resource whose PATCH lists `fieldValidation` and the patch types (so kubectl leaves
/// validation to the server and picks the right patch type), and the component schemas of
/// `GroupVersionSchemas`, each kind's tagged with `x-kubernetes-group-version-kind` (so
/// `kubectl explain` finds it). Built on first request (the index needs every document's hash)
/// and kept.
final class OpenAPIDocuments: Sendable {
    struct Document: Sendable {
        var bytes: [UInt8]
        var hash: String
    }

    struct Built: Sendable {
        var documents: [String: Document]
        var indexJSON: [UInt8]
    }

    let catalog: ResourceCatalog
    let schemas: GroupVersionSchemas
    private let built = Mutex<Built?>(nil)

    init(catalog: ResourceCatalog, schemas: GroupVersionSchemas? = nil) {
        self.catalog = catalog
        self.schemas = schemas ?? GroupVersionSchemas(catalog: catalog)
    }

    func index() -> [UInt8] { all().indexJSON }
    func document(for key: String) -> Document? { all().documents[key] }

    private func all() -> Built {
        if let b = built.withLock({ $0 }) { return b }
        var docs: [String: Document] = [:]
        var paths = JSONObject()
        for g in catalog.groups {
            for v in catalog.versions(of: g) {
                let key = g.isEmpty ? "api/\(v)" : "apis/\(g)/\(v)"
                let bytes = Self.document(catalog.resources(group: g, version: v), schemas: schemas.entry(group: g, version: v),
                                          group: g, version: v).serialized()
                let hash = SHA256.hash(data: bytes).map { String(format: "%02X", $0) }.joined()
                docs[key] = Document(bytes: bytes, hash: hash)
                paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=\(hash)")]
            }
        }
        let b = Built(documents: docs, indexJSON: (["paths": .object(paths)] as JSON).serialized())
        built.withLock { $0 = b }
        return b
    }

    // MARK: Building

    static func packageName(_ group: String) -> String {
        if group.isEmpty { return "core" }
        if group.hasSuffix(".k8s.io") {
            let first = group.split(separator: ".")[0]
            return String(first)
        }
        return group
    }

    static func schemaName(_ group: String, _ version: String, _ kind: String) -> String {
        "io.k8s.api.\(packageName(group)).\(version).\(kind)"
    }

    static let objectMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    static let listMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"

    static func ref(_ name: String) -> JSON { ["$ref": .string("#/components/schemas/\(name)")] }

    static func gvk(_ r: ResourceType) -> JSON {
        ["group": .string(r.group), "kind": .string(r.kind), "version": .string(r.version)]
    }

    static func document(_ resources: [ResourceType], schemas: GroupVersionSchemas.Entry, group: String, version: String) -> JSON {
        var paths = JSONObject()
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        for r in resources {
            let name = schemas.kinds[r.kind] ?? schemaName(r.group, r.version, r.kind)
            // Strategic merge patch is advertised where the schemas carry every field's patch
            // strategy (kubectl then computes its patches from them).
            let strategic = schemas.builtinKinds.contains(r.kind)
            if r.isVirtual {
                paths["\(prefix)/\(r.plural)"] = ["post": operation(r, action: "post", name: name, list: false)]
                continue
            }
            let listName = schemas.kinds[r.listKind] ?? schemaName(r.group, r.version, r.listKind)
            let base = r.namespaced ? "\(prefix)/namespaces/{namespace}/\(r.plural)" : "\(prefix)/\(r.plural)"
            paths[base] = [
                "get": operation(r, action: "list", name: listName, list: true),
                "post": operation(r, action: "post", name: name, list: false),
                "delete": operation(r, action: "deletecollection", name: name, list: false),
            ]
            paths[base + "/{name}"] = [
                "get": operation(r, action: "get", name: name, list: false),
                "put": operation(r, action: "put", name: name, list: false),
                "patch": operation(r, action: "patch", name: name, list: false, strategic: strategic),
                "delete": operation(r, action: "delete", name: name, list: false),
            ]
            if r.hasSubresource("status") {
                paths[base + "/{name}/status"] = [
                    "get": operation(r, action: "get", name: name, list: false),
                    "put": operation(r, action: "put", name: name, list: false),
                    "patch": operation(r, action: "patch", name: name, list: false, strategic: strategic),
                ]
            }
        }
        return [
            "openapi": "3.0.0",
            "info": ["title": "Kubernetes", "version": .string("v1.\(VersionInfo.kubernetesMinor).0")],
            "paths": .object(paths),
            "components": ["schemas": .object(schemas.components)],
        ]
    }

    static func queryParam(_ name: String, _ description: String) -> JSON {
        ["name": .string(name), "in": "query", "description": .string(description), "schema": ["type": "string", "uniqueItems": true]]
    }

    static func operation(_ r: ResourceType, action: String, name: String, list: Bool, strategic: Bool = false) -> JSON {
        var params: [JSON] = []
        var o = JSONObject()
        let content: JSON = ["application/json": ["schema": ref(name)], "application/yaml": ["schema": ref(name)]]
        switch action {
        case "post", "put":
            params = [queryParam("dryRun", "When present, indicates that modifications should not be persisted."),
                      queryParam("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
                      queryParam("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.")]
            o["requestBody"] = ["content": content, "required": true]
        case "patch":
            params = [queryParam("dryRun", "When present, indicates that modifications should not be persisted."),
                      queryParam("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
                      queryParam("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict."),
                      ["name": "force", "in": "query", "description": "Force is going to \"force\" Apply requests.", "schema": ["type": "boolean", "uniqueItems": true]]]
            var types = JSONObject()
            let patchSchema: JSON = ["schema": ref("io.k8s.apimachinery.pkg.apis.meta.v1.Patch")]
            types["application/json-patch+json"] = patchSchema
            types["application/merge-patch+json"] = patchSchema
            if strategic { types["application/strategic-merge-patch+json"] = patchSchema }
            types["application/apply-patch+yaml"] = patchSchema
            o["requestBody"] = ["content": .object(types), "required": true]
        case "list":
            params = ["labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "timeoutSeconds", "watch", "allowWatchBookmarks"]
                .map { queryParam($0, $0) }
        default:
            break
        }
        o["description"] = .string("\(action) \(r.kind)")
        o["operationId"] = .string("\(action)\(r.kind)")
        if !params.isEmpty { o["parameters"] = .array(params) }
        o["responses"] = ["200": ["description": "OK", "content": content], "401": ["description": "Unauthorized"]]
        o["x-kubernetes-action"] = .string(action)
        o["x-kubernetes-group-version-kind"] = gvk(r)
        return .object(o)
    }
}
