import PlinthJSON

/// PartialObjectMetadata(List): objects reduced to their type and metadata.
enum PartialMetadata {
    static func object(_ o: JSON) -> JSON {
        var out = JSONObject()
        out.appendUnchecked("kind", "PartialObjectMetadata")
        out.appendUnchecked("apiVersion", "meta.k8s.io/v1")
        out.appendUnchecked("metadata", o["metadata"] ?? [:])
        return .object(out)
    }

    static func list(_ items: [CachedObject], revision: Int64, continueToken: String?) -> JSON {
        var meta = JSONObject()
        meta["resourceVersion"] = .string(String(revision))
        if let continueToken { meta["continue"] = .string(continueToken) }
        var out = JSONObject()
        out.appendUnchecked("kind", "PartialObjectMetadataList")
        out.appendUnchecked("apiVersion", "meta.k8s.io/v1")
        out.appendUnchecked("metadata", .object(meta))
        out.appendUnchecked("items", .array(items.map { object($0.object) }))
        return .object(out)
    }
}
