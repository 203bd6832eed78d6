import PlinthAPIMachinery
import PlinthJSON

/// The `scale` subresource: an autoscaling/v1 Scale view of a workload's replicas.
enum ScaleSubresource {
    static func scale(of object: JSON, _ r: ResourceType, custom: CustomResourceVersion.ScalePaths? = nil) -> JSON {
        var meta = JSONObject()
        for k in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            if let v = object[path: ["metadata", k]] { meta[k] = v }
        }
        var status = JSONObject()
        if let custom {
            status["replicas"] = object[path: components(custom.statusReplicasPath)] ?? 0
            if let p = custom.labelSelectorPath, let sel = object[path: components(p)]?.stringValue { status["selector"] = .string(sel) }
        } else {
            status["replicas"] = object[path: ["status", "replicas"]] ?? 0
            if let sel = object[path: ["spec", "selector"]] {
                status["selector"] = .string(selectorString(sel))
            }
        }
        return [
            "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": .object(meta),
            "spec": ["replicas": object[path: specPath(custom)] ?? 0],
            "status": .object(status),
        ]
    }

    /// `.spec.replicas` → ["spec", "replicas"].
    static func components(_ path: String) -> [String] {
        path.split(separator: ".").map(String.init)
    }

    /// Where the desired replica count lives.
    static func specPath(_ custom: CustomResourceVersion.ScalePaths?) -> [String] {
        custom.map { components($0.specReplicasPath) } ?? ["spec", "replicas"]
    }

    /// A selector in its string form: matchLabels (or an RC's plain map) and matchExpressions.
    static func selectorString(_ sel: JSON) -> String {
        var parts: [String] = []
        let labels = sel["matchLabels"]?.objectValue ?? (sel["matchExpressions"] == nil ? sel.objectValue : nil) ?? JSONObject()
        for (k, v) in labels.entries.sorted(by: { $0.key < $1.key }).map({ ($0.key, $0.value) }) {
            parts.append("\(k)=\(v.stringValue ?? "")")
        }
        for e in sel["matchExpressions"]?.arrayValue ?? [] {
            let key = e["key"]?.stringValue ?? ""
            let values = (e["values"]?.arrayValue ?? []).compactMap(\.stringValue).sorted().joined(separator: ",")
            switch e["operator"]?.stringValue ?? "" {
            case "In": parts.append("\(key) in (\(values))")
            case "NotIn": parts.append("\(key) notin (\(values))")
            case "Exists": parts.append(key)
            case "DoesNotExist": parts.append("!\(key)")
            default: break
            }
        }
        return parts.joined(separator: ",")
    }

    static func update(_ registry: ObjectRegistry, _ r: ResourceType, namespace: String?, name: String, scale: JSON,
                       custom: CustomResourceVersion.ScalePaths? = nil, options: WriteOptions) async throws(APIError) -> CachedObject {
        guard let replicas = scale[path: ["spec", "replicas"]]?.intValue else {
            throw APIError.invalid(r, kind: "Scale", name, [.required("spec.replicas")])
        }
        if replicas < 0 {
            throw APIError(code: 422, reason: "Invalid", message: "Scale.autoscaling \"\(name)\" is invalid: spec.replicas: Invalid value: \(replicas): must be greater than or equal to 0")
        }
        let precondition = scale.string("metadata", "resourceVersion").flatMap(Int64.init)
        return try await registry.guaranteedUpdate(r, namespace: namespace, name: name, precondition: precondition, options: options) { current in
            var next = current
            next[path: specPath(custom)] = .int(replicas)
            return next
        }
    }
}
