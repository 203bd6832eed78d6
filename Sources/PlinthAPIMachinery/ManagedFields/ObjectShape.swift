import PlinthJSON

/// How server-side apply sees an object's structure, read from its OpenAPI schema: which
/// lists are associative (by which keys), sets, or atomic; which maps and structs are atomic.
/// Without a schema, objects are granular and lists atomic.
public struct ObjectShape: Sendable {
    public enum ListKind: Equatable, Sendable {
        case atomic
        case set
        case map([String])
    }

    /// Component schemas by name, for `$ref`s.
    let components: [String: JSON]

    public init(components: [String: JSON]) {
        self.components = components
    }

    /// A schema with `$ref` and single-element `allOf` wrappers resolved.
    public func resolve(_ s: JSON?) -> JSON? {
        guard var s else { return nil }
        for _ in 0..<8 {
            if let ref = s["$ref"]?.stringValue {
                guard let target = components[String(ref.split(separator: "/").last ?? "")] else { return nil }
                s = target
            } else if let all = s["allOf"]?.arrayValue, all.count == 1, s["properties"] == nil {
                s = all[0]
            } else {
                break
            }
        }
        return s
    }

    public func child(_ s: JSON?, _ name: String) -> JSON? {
        guard let s = resolve(s) else { return nil }
        if let p = s[path: ["properties", name]] { return resolve(p) }
        if let a = s["additionalProperties"], case .object = a { return resolve(a) }
        return nil
    }

    public func items(_ s: JSON?) -> JSON? {
        resolve(resolve(s)?["items"])
    }

    public func listKind(_ s: JSON?) -> ListKind {
        guard let s = resolve(s) else { return .atomic }
        switch s["x-kubernetes-list-type"]?.stringValue {
        case "map": return .map(s["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        case "set": return .set
        case "atomic": return .atomic
        default: break
        }
        if s["x-kubernetes-patch-strategy"]?.stringValue?.split(separator: ",").contains("merge") == true {
            if let key = s["x-kubernetes-patch-merge-key"]?.stringValue { return .map([key]) }
            return .set
        }
        return .atomic
    }

    /// Maps and structs marked atomic, and leaf-like objects (no properties, no additionalProperties
    /// schema: RawExtension-style content), are owned as a whole.
    public func isAtomicObject(_ s: JSON?) -> Bool {
        guard let s = resolve(s) else { return false }
        if s["x-kubernetes-map-type"]?.stringValue == "atomic" { return true }
        return false
    }

    /// The key of an associative list item (`{"name":"c"}`, keys sorted), nil when a key is
    /// missing. A missing key field takes its default (the item schema's, or `TCP` for a port
    /// `protocol`, which upstream defaults), so `{port: 80}` matches the stored `{port: 80, protocol: TCP}`.
    public static func itemKey(_ item: JSON, _ keys: [String], defaults: JSON? = nil) -> String? {
        var o = JSONObject()
        for k in keys.sorted() {
            if let v = item[k] {
                o[k] = v
            } else if let d = defaults?[path: ["properties", k, "default"]] {
                o[k] = d
            } else if k == "protocol" {
                o[k] = "TCP"
            } else {
                return nil
            }
        }
        return JSON.object(o).serializedString()
    }
}
