import Foundation
import PlinthAPIMachinery
import PlinthJSON

/// meta.k8s.io/v1 Table responses, built with the per-kind printers.
enum TableBuilder {
    enum IncludeObject { case none, metadata, object }

    static func includeObject(_ value: String?) throws(APIError) -> IncludeObject {
        switch value ?? "" {
        case "", "Metadata": return .metadata
        case "None": return .none
        case "Object": return .object
        default:
            throw APIError.badRequest("includeObject: Unsupported value: \"\(value ?? "")\": supported values: \"None\", \"Metadata\", \"Object\"")
        }
    }

    /// The printer of a resource: a custom resource's from its printer columns (Age alone when
    /// it has none), a built-in kind's own otherwise.
    static func printer(_ r: ResourceType, custom: CustomResourceVersion?) -> TablePrinter {
        guard let custom else { return TablePrinter.forKind(group: r.group, kind: r.kind) }
        let columns = custom.printerColumns.isEmpty
            ? [(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", priority: 0, description: "", format: "")]
            : custom.printerColumns.map { (name: $0.name, type: $0.type, jsonPath: $0.jsonPath, priority: $0.priority, description: $0.description, format: $0.format) }
        return TablePrinter.customResource(columns: columns)
    }

    static func table(_ r: ResourceType, printer: TablePrinter, items: [CachedObject], revision: Int64, continueToken: String?,
                      includeObject: IncludeObject, withColumns: Bool = true) -> JSON {
        let now = Date()
        var meta = JSONObject()
        meta["resourceVersion"] = .string(String(revision))
        if let continueToken { meta["continue"] = .string(continueToken) }
        var out = JSONObject()
        out.appendUnchecked("kind", "Table")
        out.appendUnchecked("apiVersion", "meta.k8s.io/v1")
        out.appendUnchecked("metadata", .object(meta))
        if withColumns {
            out.appendUnchecked("columnDefinitions", .array(printer.columns.map { c in
                var o = JSONObject()
                o.appendUnchecked("name", .string(c.name))
                o.appendUnchecked("type", .string(c.type))
                o.appendUnchecked("format", .string(c.format))
                o.appendUnchecked("description", .string(c.description))
                o.appendUnchecked("priority", .int(Int64(c.priority)))
                return .object(o)
            }))
        } else {
            out.appendUnchecked("columnDefinitions", .null)
        }
        out.appendUnchecked("rows", .array(items.map { item in
            var row = JSONObject()
            row.appendUnchecked("cells", .array(printer.cells(item.object, now)))
            switch includeObject {
            case .none: break
            case .metadata: row.appendUnchecked("object", PartialMetadata.object(item.object))
            case .object: row.appendUnchecked("object", item.object)
            }
            return .object(row)
        }))
        return .object(out)
    }
}
