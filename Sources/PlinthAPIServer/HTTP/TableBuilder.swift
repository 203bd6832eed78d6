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

    static func table(_ r: ResourceType, items: [CachedObject], revision: Int64, continueToken: String?,
                      includeObject: IncludeObject, withColumns: Bool = true) -> JSON {
        let printer = TablePrinter.forKind(group: r.group, kind: r.kind)
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
