import PlinthJSON

/// Fills in `default` values from a structural schema, as apiextensions-apiserver does on every
/// request and every read from storage: a missing property with a default gets it (and the
/// defaults below it); `null` where the schema is not `nullable` is dropped first, so it is
/// defaulted like a missing value.
public enum SchemaDefaulter {
    public static func apply(_ value: JSON, schema: JSON) -> JSON {
        guard case .object = schema else { return value }
        switch value {
        case .object(var o):
            var changed = false
            if let properties = schema["properties"]?.objectValue {
                for p in properties.entries {
                    let current = o[p.key]
                    if let current, current.isNull, p.value["nullable"]?.boolValue != true {
                        o[p.key] = nil
                        changed = true
                    }
                    if o[p.key] == nil, let d = p.value["default"] {
                        o[p.key] = d
                        changed = true
                    }
                    if let v = o[p.key], needsWalk(v) {
                        let next = apply(v, schema: p.value)
                        if next != v { o[p.key] = next; changed = true }
                    }
                }
            } else if let additional = schema["additionalProperties"], case .object = additional {
                for e in o.entries where needsWalk(e.value) {
                    let next = apply(e.value, schema: additional)
                    if next != e.value { o[e.key] = next; changed = true }
                }
            }
            return changed ? .object(o) : value
        case .array(let items):
            guard let itemSchema = schema["items"] else { return value }
            let next = items.map { needsWalk($0) ? apply($0, schema: itemSchema) : $0 }
            return next == items ? value : .array(next)
        default:
            return value
        }
    }

    static func needsWalk(_ v: JSON) -> Bool {
        switch v {
        case .object, .array: return true
        default: return false
        }
    }

    /// Whether a schema declares any default anywhere (most do not; they skip the walk).
    public static func hasDefaults(_ schema: JSON) -> Bool {
        switch schema {
        case .object(let o):
            if o["default"] != nil { return true }
            return o.entries.contains { hasDefaults($0.value) }
        case .array(let a):
            return a.contains(where: hasDefaults)
        default:
            return false
        }
    }
}
