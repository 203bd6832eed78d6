import PlinthJSON

/// OpenAPI v3 component schemas of the built-in types, built from the `ProtobufSchema` tables
/// in upstream's shape and naming (`io.k8s.api.core.v1.PodSpec`,
/// `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`, …): structural objects with every field,
/// `required` lists, zero `default`s where upstream has them, and the extensions clients act on
/// (`x-kubernetes-patch-strategy`/`-patch-merge-key` for kubectl's strategic merge patches,
/// `x-kubernetes-list-type`/`-list-map-keys`/`-map-type`, `x-kubernetes-group-version-kind` on
/// kinds). No descriptions.
///
/// Message-typed fields reference their component (`{"allOf": [{"$ref": …}], "default": {}}`
/// when not a pointer, as upstream). Named leaf types are components too: Time and MicroTime
/// (date-time strings), Duration (string), Quantity (`oneOf` string/number), IntOrString
/// (`format: int-or-string`, `oneOf` integer/string), RawExtension and FieldsV1 (objects
/// without properties: any content).
public enum BuiltinOpenAPISchemas {
    /// API group of each table package that holds kinds (`ProtobufSchema.package` naming; a
    /// version other than v1 is a `_version` suffix of the same group).
    static let groups: [String: String] = [
        "core": "", "apps": "apps", "batch": "batch", "autoscaling": "autoscaling", "policy": "policy",
        "rbac": "rbac.authorization.k8s.io", "authentication": "authentication.k8s.io",
        "authorization": "authorization.k8s.io", "networking": "networking.k8s.io",
        "scheduling": "scheduling.k8s.io", "coordination": "coordination.k8s.io", "storage": "storage.k8s.io",
        "node": "node.k8s.io", "discovery": "discovery.k8s.io", "events": "events.k8s.io",
    ]

    /// The packages holding kinds, in a fixed order (for kinds looked up without a group).
    static let packageOrder = ["core", "apps", "batch", "autoscaling", "autoscaling_v2", "policy", "rbac",
                               "authentication", "authorization", "networking", "scheduling", "coordination",
                               "storage", "node", "discovery", "events"]

    /// Table packages ("core", "autoscaling_v2", …).
    static let packages: Set<String> = Set(ProtobufSchema.shared.messages.map { String($0.name.prefix { $0 != "." }) })

    /// The meta/v1 types every group-version document carries (besides what its types reference).
    static let commonMeta = ["ObjectMeta", "ListMeta", "Status", "DeleteOptions", "Patch"]

    static let metaPrefix = "io.k8s.apimachinery.pkg.apis.meta.v1."

    /// The table package of a built-in group-version, nil for others (custom resources, groups
    /// or versions not in the tables).
    static func package(group: String, version: String) -> String? {
        let pkg = ProtobufSchema.package(apiVersion: group.isEmpty ? version : group + "/" + version)
        let base = String(pkg.prefix { $0 != "_" })
        guard groups[base] == group, packages.contains(pkg) else { return nil }
        return pkg
    }

    /// Whether the tables describe this group-version.
    public static func hasGroupVersion(group: String, version: String) -> Bool {
        package(group: group, version: version) != nil
    }

    /// The component name of a built-in kind (a type embedding TypeMeta, lists included), nil
    /// when the tables do not have it.
    public static func schemaName(group: String, version: String, kind: String) -> String? {
        guard let pkg = package(group: group, version: version),
              let i = ProtobufSchema.shared.index[pkg + "." + kind],
              ProtobufSchema.shared.messages[i].hasTypeMeta else { return nil }
        return componentName(pkg + "." + kind)
    }

    /// The component schemas (name → schema, sorted by name) of a group-version's document: all
    /// types of its package, the common meta/v1 types, and everything they reference, from any
    /// package. Empty for group-versions the tables do not have.
    public static func components(group: String, version: String) -> JSONObject {
        guard let pkg = package(group: group, version: version) else { return JSONObject() }
        var builder = Builder(package: pkg, group: group, version: version)
        let schema = ProtobufSchema.shared
        for (i, m) in schema.messages.enumerated() where m.name.hasPrefix(pkg + ".") && !m.isListWrapper {
            builder.enqueue(i)
        }
        for name in commonMeta {
            if let i = schema.index["meta." + name] { builder.enqueue(i) }
        }
        builder.run()
        var out = JSONObject()
        out.reserveCapacity(builder.schemas.count)
        for name in builder.schemas.keys.sorted() { out.appendUnchecked(name, .object(builder.schemas[name]!)) }
        return out
    }

    /// "core.PodSpec" → "io.k8s.api.core.v1.PodSpec", "autoscaling_v2.MetricSpec" →
    /// "io.k8s.api.autoscaling.v2.MetricSpec", "meta.ObjectMeta" → "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta".
    static func componentName(_ message: String) -> String {
        let dot = message.firstIndex(of: ".")!
        let pkg = message[..<dot], name = message[message.index(after: dot)...]
        if pkg == "meta" { return metaPrefix + name }
        let parts = pkg.split(separator: "_", maxSplits: 1)
        return "io.k8s.api.\(parts[0]).\(parts.count == 2 ? parts[1] : "v1").\(name)"
    }

    static func ref(_ name: String) -> JSON { ["$ref": .string("#/components/schemas/" + name)] }

    /// Components of the named leaf types.
    static let leafTypes: [String: JSONObject] = [
        metaPrefix + "Time": ["type": "string", "format": "date-time"],
        metaPrefix + "MicroTime": ["type": "string", "format": "date-time"],
        metaPrefix + "Duration": ["type": "string"],
        metaPrefix + "FieldsV1": ["type": "object"],
        "io.k8s.apimachinery.pkg.api.resource.Quantity": ["oneOf": [["type": "string"], ["type": "number"]]],
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString": ["format": "int-or-string", "oneOf": [["type": "integer"], ["type": "string"]]],
        "io.k8s.apimachinery.pkg.runtime.RawExtension": ["type": "object"],
    ]

    struct Builder {
        let package: String
        let group: String
        let version: String
        let table = ProtobufSchema.shared
        var schemas: [String: JSONObject] = [:]
        var queued: Set<Int> = []
        var queue: [Int] = []

        init(package: String, group: String, version: String) {
            self.package = package
            self.group = group
            self.version = version
        }

        mutating func enqueue(_ i: Int) {
            if queued.insert(i).inserted { queue.append(i) }
        }

        mutating func run() {
            while let i = queue.popLast() {
                let m = table.messages[i]
                schemas[BuiltinOpenAPISchemas.componentName(m.name)] = messageSchema(m)
            }
        }

        mutating func messageSchema(_ m: ProtobufSchema.Message) -> JSONObject {
            var properties: [(String, JSON)] = []
            var required: [String] = []
            if m.hasTypeMeta {
                properties.append(("apiVersion", ["type": "string"]))
                properties.append(("kind", ["type": "string"]))
            }
            collect(m, &properties, &required)
            properties.sort { $0.0 < $1.0 }
            var s: JSONObject = ["type": "object"]
            if !properties.isEmpty {
                s["properties"] = .object(JSONObject(entries: properties.map { JSONObject.Entry(key: $0.0, value: $0.1) }))
            }
            if !required.isEmpty { s["required"] = .array(required.map { .string($0) }) }
            if let t = m.structType { s["x-kubernetes-map-type"] = .string(t) }
            if m.hasTypeMeta, m.name.hasPrefix(package + ".") {
                let kind = String(m.name.drop { $0 != "." }.dropFirst())
                s["x-kubernetes-group-version-kind"] = [["group": .string(group), "kind": .string(kind), "version": .string(version)]]
            }
            return s
        }

        /// Properties of `m`, with those of inline members in their place.
        mutating func collect(_ m: ProtobufSchema.Message, _ properties: inout [(String, JSON)], _ required: inout [String]) {
            for f in m.fields where !f.skip {
                if f.inline, case .message(let t) = f.kind {
                    collect(table.messages[t], &properties, &required)
                    continue
                }
                properties.append((f.jsonName, .object(fieldSchema(f))))
                if f.openAPIRequired { required.append(f.jsonName) }
            }
        }

        mutating func fieldSchema(_ f: ProtobufSchema.Field) -> JSONObject {
            var s: JSONObject
            if f.repeated {
                s = ["type": "array", "items": .object(value(f.kind, withDefault: true))]
            } else if f.map {
                s = ["type": "object", "additionalProperties": .object(value(f.kind, withDefault: true))]
            } else {
                var isMessage = false
                if case .message = f.kind { isMessage = true }
                s = value(f.kind, withDefault: !f.pointer && (isMessage || f.required))
            }
            var extensions: [(String, JSON)] = []
            if let key = f.patchMergeKey { extensions.append(("x-kubernetes-patch-merge-key", .string(key))) }
            if let strategy = f.patchStrategy { extensions.append(("x-kubernetes-patch-strategy", .string(strategy))) }
            if let t = f.listType { extensions.append(("x-kubernetes-list-type", .string(t))) }
            if !f.listMapKeys.isEmpty { extensions.append(("x-kubernetes-list-map-keys", .array(f.listMapKeys.map { .string($0) }))) }
            if let t = f.mapType { extensions.append(("x-kubernetes-map-type", .string(t))) }
            if !extensions.isEmpty {
                // A reference takes no siblings: wrap it, as upstream does.
                if let r = s["$ref"] { s = ["allOf": [["$ref": r]]] }
                for (k, v) in extensions { s.appendUnchecked(k, v) }
            }
            return s
        }

        /// The schema of one value (a field's, or a list's or map's element).
        mutating func value(_ kind: ProtobufSchema.Kind, withDefault: Bool) -> JSONObject {
            var s: JSONObject
            var zero: JSON? = nil
            switch kind {
            case .string: s = ["type": "string"]; zero = ""
            case .bool: s = ["type": "boolean"]; zero = false
            case .int32: s = ["type": "integer", "format": "int32"]; zero = 0
            case .int64, .uint32, .uint64: s = ["type": "integer", "format": "int64"]; zero = 0
            case .double: s = ["type": "number", "format": "double"]; zero = 0
            case .float: s = ["type": "number", "format": "float"]; zero = 0
            case .bytes: s = ["type": "string", "format": "byte"]
            case .time: return leaf("Time")
            case .microTime: return leaf("MicroTime")
            case .duration: return leaf("Duration")
            case .fieldsV1: return leaf("FieldsV1")
            case .quantity: return leaf("io.k8s.apimachinery.pkg.api.resource.Quantity", qualified: true)
            case .intOrString: return leaf("io.k8s.apimachinery.pkg.util.intstr.IntOrString", qualified: true)
            case .rawExtension: return leaf("io.k8s.apimachinery.pkg.runtime.RawExtension", qualified: true)
            case .message(let i):
                let m = table.messages[i]
                if m.isListWrapper, let inner = m.fields.first {
                    // A Go slice type: its JSON is the array itself.
                    return ["type": "array", "items": .object(value(inner.kind, withDefault: true))]
                }
                enqueue(i)
                let r = BuiltinOpenAPISchemas.ref(BuiltinOpenAPISchemas.componentName(m.name))
                return withDefault ? ["allOf": [r], "default": [:]] : r.objectValue!
            }
            if withDefault, let zero { s["default"] = zero }
            return s
        }

        mutating func leaf(_ name: String, qualified: Bool = false) -> JSONObject {
            let full = qualified ? name : BuiltinOpenAPISchemas.metaPrefix + name
            if schemas[full] == nil { schemas[full] = BuiltinOpenAPISchemas.leafTypes[full]! }
            return BuiltinOpenAPISchemas.ref(full).objectValue!
        }
    }
}
