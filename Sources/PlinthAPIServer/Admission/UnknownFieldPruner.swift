import PlinthAPIMachinery
import PlinthJSON

/// Drops fields a kind does not have, as decoding into upstream's typed structs does, and names
/// them for `fieldValidation` (Strict refuses the request, Warn returns warnings). Walks the
/// kind's OpenAPI schema; below an open object (`x-kubernetes-preserve-unknown-fields`) every
/// field is kept.
struct UnknownFieldPruner: Sendable {
    private let schemas: [String: JSON]
    private let objectMeta: JSON

    init(catalog: ResourceCatalog) {
        var schemas: [String: JSON] = [:]
        for r in catalog.resources { schemas[r.keyPrefix + r.kind] = ObjectSchemas.schema(for: r) }
        self.schemas = schemas
        objectMeta = ObjectSchemas.objectMeta
    }

    /// The object without unknown fields, and the dotted paths of what was dropped.
    func prune(_ object: JSON, _ r: ResourceType) -> (JSON, [String]) {
        guard let schema = schemas[r.keyPrefix + r.kind] else { return (object, []) }
        var unknown: [String] = []
        let pruned = walk(object, schema: schema, path: "", unknown: &unknown)
        return (pruned, unknown)
    }

    private func resolve(_ schema: JSON) -> JSON {
        if let ref = schema["allOf"]?.arrayValue?.first?["$ref"]?.stringValue, ref.hasSuffix(OpenAPIDocuments.objectMetaName) {
            return objectMeta
        }
        return schema
    }

    private func walk(_ value: JSON, schema rawSchema: JSON, path: String, unknown: inout [String]) -> JSON {
        let schema = resolve(rawSchema)
        if schema["x-kubernetes-preserve-unknown-fields"] == .bool(true) { return value }
        switch value {
        case .object(let o):
            if let properties = schema["properties"]?.objectValue {
                var out = JSONObject()
                out.reserveCapacity(o.count)
                for e in o.entries {
                    let childPath = path.isEmpty ? e.key : path + "." + e.key
                    if let child = properties[e.key] {
                        out.appendUnchecked(e.key, walk(e.value, schema: child, path: childPath, unknown: &unknown))
                    } else {
                        unknown.append(childPath)
                    }
                }
                return .object(out)
            }
            return value
        case .array(let items):
            guard let itemSchema = schema["items"] else { return value }
            return .array(items.enumerated().map { i, v in walk(v, schema: itemSchema, path: "\(path)[\(i)]", unknown: &unknown) })
        default:
            return value
        }
    }
}

/// What the client asked for in `fieldValidation` (absent = Warn, as upstream).
enum FieldValidationMode {
    case ignore, warn, strict

    init(_ value: String?) {
        switch value {
        case "Strict": self = .strict
        case "Ignore": self = .ignore
        default: self = .warn
        }
    }
}
