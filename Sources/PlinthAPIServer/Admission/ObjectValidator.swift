import PlinthAPIMachinery
import PlinthJSON

/// Server-side validation with upstream field paths and messages (422 Invalid). Covers object
/// metadata for every kind and the required fields of the common kinds.
enum ObjectValidator {
    static func validateCreate(_ r: ResourceType, _ o: JSON, name: String) throws(APIError) {
        var errors = metadata(r, o)
        errors += kindSpecific(r, o)
        if !errors.isEmpty { throw APIError.invalid(r, name, errors) }
    }

    static func validateUpdate(_ r: ResourceType, _ o: JSON, old: JSON, name: String) throws(APIError) {
        var errors = metadata(r, o)
        errors += kindSpecific(r, o)
        if r.kind == "Service", r.group.isEmpty, let oldIP = old.string("spec", "clusterIP"), !oldIP.isEmpty,
           let newIP = o.string("spec", "clusterIP"), newIP != oldIP {
            errors.append(FieldError.invalid("spec.clusterIP", newIP, "field is immutable"))
        }
        if r.kind == "Node", r.group.isEmpty, let oldCIDRs = old[path: ["spec", "podCIDRs"]]?.arrayValue, !oldCIDRs.isEmpty,
           o[path: ["spec", "podCIDRs"]]?.arrayValue != oldCIDRs {
            // Only the node IPAM controller's first assignment may set it.
            errors.append(FieldError(.forbidden, field: "spec.podCIDRs", detail: "node updates may not change podCIDR except from \"\" to valid"))
        }
        if !errors.isEmpty { throw APIError.invalid(r, name, errors) }
    }

    static func metadata(_ r: ResourceType, _ o: JSON) -> [FieldError] {
        var errors: [FieldError] = []
        let name = o.string("metadata", "name") ?? ""
        if name.isEmpty {
            errors.append(.required("metadata.name", "name or generateName is required"))
        } else {
            let messages: [String]
            switch r.nameRule {
            case .dnsSubdomain: messages = NameValidation.dns1123Subdomain(name)
            case .dnsLabel: messages = NameValidation.dns1123Label(name)
            case .dns1035Label: messages = NameValidation.dns1035Label(name)
            case .pathSegment: messages = NameValidation.pathSegmentName(name)
            }
            for m in messages { errors.append(.invalid("metadata.name", name, m)) }
        }
        if let labels = o[path: ["metadata", "labels"]] {
            guard let lo = labels.objectValue else {
                return errors + [FieldError(.typeInvalid, field: "metadata.labels", detail: "must be a map of strings")]
            }
            for (k, v) in lo {
                for m in NameValidation.labelKey(k) { errors.append(.invalid("metadata.labels", k, m)) }
                if let s = v.stringValue {
                    for m in NameValidation.labelValue(s) { errors.append(.invalid("metadata.labels", s, m)) }
                }
            }
        }
        if let ann = o[path: ["metadata", "annotations"]]?.objectValue {
            var dict: [String: String] = [:]
            for (k, v) in ann { dict[k] = v.stringValue ?? "" }
            let result = NameValidation.annotations(dict)
            for (key, messages) in result.keyErrors {
                for m in messages { errors.append(.invalid("metadata.annotations", key, m)) }
            }
            if result.tooLong {
                errors.append(FieldError(.tooLong, field: "metadata.annotations", detail: "may not be more than 262144 bytes"))
            }
        }
        errors += finalizers(o)
        errors += ownerReferences(o)
        return errors
    }

    /// Finalizer names are qualified names; `orphan` and `foregroundDeletion` exclude each other.
    static func finalizers(_ o: JSON) -> [FieldError] {
        let names = o[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? []
        var errors: [FieldError] = []
        for f in names {
            for m in NameValidation.qualifiedName(f) { errors.append(.invalid("metadata.finalizers", f, m)) }
        }
        if names.contains("orphan") && names.contains("foregroundDeletion") {
            errors.append(FieldError(.invalid, field: "metadata.finalizers",
                                     value: "[]string{" + names.map { GoStringFormat.quote($0) }.joined(separator: ", ") + "}",
                                     detail: "finalizer orphan and foregroundDeletion cannot be both set"))
        }
        return errors
    }

    /// Owner references name their owner fully, and at most one is the controller.
    static func ownerReferences(_ o: JSON) -> [FieldError] {
        let refs = o[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
        var errors: [FieldError] = []
        var controllers: [String] = []
        for ref in refs {
            let apiVersion = ref["apiVersion"]?.stringValue ?? ""
            if ResourceCatalog.splitAPIVersion(apiVersion).version.isEmpty {
                errors.append(.invalid("metadata.ownerReferences.apiVersion", apiVersion, "version must not be empty"))
            }
            for (field, message) in [("kind", "kind must not be empty"), ("name", "name must not be empty"), ("uid", "uid must not be empty")]
            where (ref[field]?.stringValue ?? "").isEmpty {
                errors.append(.invalid("metadata.ownerReferences.\(field)", "", message))
            }
            if ref["controller"]?.boolValue == true {
                controllers.append("\(ref["kind"]?.stringValue ?? "")/\(ref["name"]?.stringValue ?? "")")
            }
        }
        if controllers.count > 1 {
            errors.append(FieldError(.invalid, field: "metadata.ownerReferences", value: JSON.array(refs).serializedString(),
                                     detail: "Only one reference can have Controller set to true. Found \"true\" in references for " + controllers.joined(separator: " and ")))
        }
        return errors
    }

    static func kindSpecific(_ r: ResourceType, _ o: JSON) -> [FieldError] {
        switch (r.group, r.kind) {
        case ("apiextensions.k8s.io", "CustomResourceDefinition"):
            return CustomResourceDefinitionValidation.validate(o)
        case ("", "Pod"):
            return podSpec(o["spec"], path: "spec")
        case ("", "Service"):
            var errors: [FieldError] = []
            let type = o.string("spec", "type") ?? "ClusterIP"
            if !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(type) {
                errors.append(FieldError(.notSupported, field: "spec.type", value: "\"\(type)\"",
                                         detail: "supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""))
            }
            let ports = o[path: ["spec", "ports"]]?.arrayValue ?? []
            if ports.isEmpty && type != "ExternalName" && o.string("spec", "clusterIP") != "None" {
                errors.append(.required("spec.ports"))
            }
            for (i, p) in ports.enumerated() {
                guard let port = p["port"]?.intValue else { errors.append(.required("spec.ports[\(i)].port")); continue }
                if port < 1 || port > 65535 {
                    errors.append(FieldError(.invalid, field: "spec.ports[\(i)].port", value: String(port), detail: "must be between 1 and 65535, inclusive"))
                }
                if ports.count > 1 && (p["name"]?.stringValue ?? "").isEmpty {
                    errors.append(.required("spec.ports[\(i)].name"))
                }
            }
            return errors
        case ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("apps", "DaemonSet"):
            var errors: [FieldError] = []
            if let replicas = o[path: ["spec", "replicas"]]?.intValue, replicas < 0 {
                errors.append(FieldError(.invalid, field: "spec.replicas", value: String(replicas), detail: "must be greater than or equal to 0"))
            }
            guard let selector = o[path: ["spec", "selector"]], selector != .null else {
                errors.append(.required("spec.selector"))
                return errors + podSpec(o[path: ["spec", "template", "spec"]], path: "spec.template.spec")
            }
            if let sel = try? LabelSelector(json: selector) {
                let labels = stringMap(o[path: ["spec", "template", "metadata", "labels"]])
                if sel.isEverything {
                    errors.append(FieldError(.invalid, field: "spec.selector", value: selectorText(selector), detail: "empty selector is invalid for deployment"))
                } else if !sel.matches(labels) {
                    errors.append(FieldError(.invalid, field: "spec.template.metadata.labels", value: goMap(labels), detail: "`selector` does not match template `labels`"))
                }
            }
            return errors + podSpec(o[path: ["spec", "template", "spec"]], path: "spec.template.spec")
        case ("batch", "Job"):
            var errors = podSpec(o[path: ["spec", "template", "spec"]], path: "spec.template.spec")
            let policy = o.string("spec", "template", "spec", "restartPolicy") ?? ""
            if policy != "Never" && policy != "OnFailure" {
                errors.append(FieldError(.notSupported, field: "spec.template.spec.restartPolicy", value: "\"\(policy)\"",
                                         detail: "supported values: \"OnFailure\", \"Never\""))
            }
            return errors
        case ("batch", "CronJob"):
            var errors: [FieldError] = []
            if (o.string("spec", "schedule") ?? "").isEmpty { errors.append(.required("spec.schedule")) }
            return errors + podSpec(o[path: ["spec", "jobTemplate", "spec", "template", "spec"]], path: "spec.jobTemplate.spec.template.spec")
        case ("", "ConfigMap"), ("", "Secret"):
            var errors: [FieldError] = []
            for field in ["data", "binaryData", "stringData"] {
                guard let d = o[field]?.objectValue else { continue }
                for k in d.keys {
                    let valid = !k.isEmpty && k.count <= 253 && k != "." && k != ".." && !k.hasPrefix("..") &&
                        k.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
                    if !valid {
                        errors.append(.invalid("\(field)", k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"))
                    }
                }
            }
            return errors
        default:
            return []
        }
    }

    static func podSpec(_ spec: JSON?, path: String) -> [FieldError] {
        guard let spec else { return [.required(path)] }
        var errors: [FieldError] = []
        let containers = spec["containers"]?.arrayValue ?? []
        if containers.isEmpty { errors.append(.required("\(path).containers")) }
        var names = Set<String>()
        for (field, list) in [("containers", containers), ("initContainers", spec["initContainers"]?.arrayValue ?? [])] {
            for (i, c) in list.enumerated() {
                let p = "\(path).\(field)[\(i)]"
                let name = c["name"]?.stringValue ?? ""
                if name.isEmpty {
                    errors.append(.required("\(p).name"))
                } else {
                    for m in NameValidation.dns1123Label(name) { errors.append(.invalid("\(p).name", name, m)) }
                    if !names.insert(name).inserted { errors.append(FieldError(.duplicate, field: "\(p).name", value: "\"\(name)\"")) }
                }
                if (c["image"]?.stringValue ?? "").isEmpty { errors.append(.required("\(p).image")) }
            }
        }
        if let policy = spec["restartPolicy"]?.stringValue, !["Always", "OnFailure", "Never"].contains(policy) {
            errors.append(FieldError(.notSupported, field: "\(path).restartPolicy", value: "\"\(policy)\"",
                                     detail: "supported values: \"Always\", \"OnFailure\", \"Never\""))
        }
        return errors
    }

    static func stringMap(_ j: JSON?) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in j?.objectValue ?? JSONObject() { if let s = v.stringValue { out[k] = s } }
        return out
    }

    /// Go's `%v` of a map[string]string, which upstream prints in these messages.
    static func goMap(_ m: [String: String]) -> String {
        "map[string]string{" + m.keys.sorted().map { "\"\($0)\":\"\(m[$0]!)\"" }.joined(separator: ", ") + "}"
    }

    static func selectorText(_ j: JSON) -> String { j.serializedString() }
}
