import PlinthAPIMachinery
import PlinthJSON
import Synchronization

/// The OpenAPI v3 component schemas of each served group-version, shared by the OpenAPI
/// documents and the unknown-field pruner: the complete ones generated from the built-in tables
/// (`BuiltinOpenAPISchemas`) for built-in kinds, the hand-written `ObjectSchemas` (top-level
/// fields only) for kinds the tables lack. Built on first use per group-version and kept.
final class GroupVersionSchemas: Sendable {
    struct Entry: Sendable {
        /// Name → schema, as served in the document's `components.schemas`.
        let components: JSONObject
        /// The same, for lookups.
        let byName: [String: JSON]
        /// Kind (and list kind) → component name.
        let kinds: [String: String]
        /// Kinds whose schema comes from the built-in tables (complete, with patch strategies).
        let builtinKinds: Set<String>
    }

    let catalog: ResourceCatalog
    private let cache = Mutex<[String: Entry]>([:])

    init(catalog: ResourceCatalog) {
        self.catalog = catalog
    }

    func entry(group: String, version: String) -> Entry {
        let key = group + "/" + version
        if let e = cache.withLock({ $0[key] }) { return e }
        let e = Self.build(catalog.resources(group: group, version: version), group: group, version: version, catalog: catalog)
        cache.withLock { $0[key] = e }
        return e
    }

    static func build(_ resources: [ResourceType], group: String, version: String, catalog: ResourceCatalog) -> Entry {
        var schemas = BuiltinOpenAPISchemas.components(group: group, version: version)
        if schemas[OpenAPIDocuments.objectMetaName] == nil { schemas[OpenAPIDocuments.objectMetaName] = ObjectSchemas.objectMeta }
        if schemas[OpenAPIDocuments.listMetaName] == nil { schemas[OpenAPIDocuments.listMetaName] = ObjectSchemas.listMeta }
        var kinds: [String: String] = [:]
        var builtinKinds: Set<String> = []
        for r in resources {
            if let name = BuiltinOpenAPISchemas.schemaName(group: r.group, version: r.version, kind: r.kind),
               schemas[name] != nil {
                describe(&schemas, name, ObjectSchemas.description(r), metadata: "Standard object's metadata.")
                kinds[r.kind] = name
                builtinKinds.insert(r.kind)
                if let listName = BuiltinOpenAPISchemas.schemaName(group: r.group, version: r.version, kind: r.listKind),
                   schemas[listName] != nil {
                    describe(&schemas, listName, "\(r.listKind) is a list of \(r.kind) objects.", metadata: "Standard list metadata.")
                    kinds[r.listKind] = listName
                }
            } else if let custom = catalog.customVersion(r)?.schema {
                let name = OpenAPIDocuments.schemaName(r.group, r.version, r.kind)
                schemas[name] = customResourceSchema(custom, r)
                kinds[r.kind] = name
            } else {
                let name = OpenAPIDocuments.schemaName(r.group, r.version, r.kind)
                var schema = ObjectSchemas.schema(for: r)
                schema["x-kubernetes-group-version-kind"] = [OpenAPIDocuments.gvk(r)]
                schemas[name] = schema
                kinds[r.kind] = name
            }
            if !r.isVirtual, kinds[r.listKind] == nil {
                let name = kinds[r.kind]!
                let listName = OpenAPIDocuments.schemaName(r.group, r.version, r.listKind)
                schemas[listName] = [
                    "description": .string("\(r.listKind) is a list of \(r.kind) objects."),
                    "type": "object", "required": ["items"],
                    "properties": [
                        "apiVersion": ObjectSchemas.apiVersionField, "kind": ObjectSchemas.kindField,
                        "items": ["type": "array", "items": ["allOf": [OpenAPIDocuments.ref(name)], "default": [:]]],
                        "metadata": ["allOf": [OpenAPIDocuments.ref(OpenAPIDocuments.listMetaName)], "default": [:]],
                    ],
                    "x-kubernetes-group-version-kind": [["group": .string(r.group), "kind": .string(r.listKind), "version": .string(r.version)]],
                ]
                kinds[r.listKind] = listName
            }
        }
        var byName: [String: JSON] = [:]
        byName.reserveCapacity(schemas.count)
        for e in schemas.entries { byName[e.key] = e.value }
        return Entry(components: schemas, byName: byName, kinds: kinds, builtinKinds: builtinKinds)
    }

    /// A custom resource's published schema: its openAPIV3Schema with the envelope fields
    /// (apiVersion, kind, metadata as ObjectMeta) first, as apiextensions-apiserver publishes it.
    static func customResourceSchema(_ schema: JSON, _ r: ResourceType) -> JSON {
        var s = schema.objectValue ?? JSONObject()
        var props = JSONObject()
        props["apiVersion"] = ObjectSchemas.apiVersionField
        props["kind"] = ObjectSchemas.kindField
        props["metadata"] = ["description": "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
                             "allOf": [OpenAPIDocuments.ref(OpenAPIDocuments.objectMetaName)]]
        for p in s["properties"]?.objectValue?.entries ?? [] where props[p.key] == nil { props[p.key] = p.value }
        s["type"] = "object"
        s["properties"] = .object(props)
        s["x-kubernetes-group-version-kind"] = [OpenAPIDocuments.gvk(r)]
        return .object(s)
    }

    /// Short descriptions on a kind's schema and its envelope fields (the generated schemas have
    /// none).
    static func describe(_ schemas: inout JSONObject, _ name: String, _ description: String, metadata: String) {
        guard case .object(var schema)? = schemas[name] else { return }
        schema["description"] = .string(description)
        schema.moveToFront(["description"])
        if case .object(var properties)? = schema["properties"] {
            if properties["apiVersion"] != nil { properties["apiVersion"] = ObjectSchemas.apiVersionField }
            if properties["kind"] != nil { properties["kind"] = ObjectSchemas.kindField }
            if case .object(var m)? = properties["metadata"] {
                m["description"] = .string(metadata)
                properties["metadata"] = .object(m)
            }
            schema["properties"] = .object(properties)
        }
        schemas[name] = .object(schema)
    }
}
