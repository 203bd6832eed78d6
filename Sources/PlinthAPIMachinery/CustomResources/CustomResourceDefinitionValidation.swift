import PlinthJSON

/// The checks upstream makes on a CustomResourceDefinition that users commonly hit, with its
/// messages: the name, group, scope, names, versions (unique, exactly one storage version, a
/// schema each) and the structural-schema basics at the root.
public enum CustomResourceDefinitionValidation {
    public static func validate(_ crd: JSON) -> [FieldError] {
        var errors: [FieldError] = []
        let group = crd.string("spec", "group") ?? ""
        let plural = crd.string("spec", "names", "plural") ?? ""
        let name = crd.string("metadata", "name") ?? ""
        if !plural.isEmpty && !group.isEmpty && name != "\(plural).\(group)" {
            errors.append(.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"))
        }
        if group.isEmpty {
            errors.append(.required("spec.group"))
        } else if !group.contains(".") {
            errors.append(.invalid("spec.group", group, "should be a domain with at least one dot"))
        }
        switch crd.string("spec", "scope") {
        case nil, "": errors.append(.required("spec.scope"))
        case "Cluster", "Namespaced": break
        case let scope?:
            errors.append(FieldError(.notSupported, field: "spec.scope", value: GoStringFormat.quote(scope),
                                     detail: "supported values: \"Cluster\", \"Namespaced\""))
        }
        for field in ["plural", "kind"] where (crd.string("spec", "names", field) ?? "").isEmpty {
            errors.append(.required("spec.names.\(field)"))
        }
        if !plural.isEmpty {
            for message in NameValidation.dns1123Label(plural) { errors.append(.invalid("spec.names.plural", plural, message)) }
        }
        if let kind = crd.string("spec", "names", "kind"), kind == crd.string("spec", "names", "listKind") {
            errors.append(.invalid("spec.names.listKind", kind, "kind and listKind may not be the same"))
        }
        let versions = crd[path: ["spec", "versions"]]?.arrayValue ?? []
        if versions.isEmpty { errors.append(.required("spec.versions", "must have exactly one version marked as storage version")) }
        var seen: Set<String> = []
        for (i, v) in versions.enumerated() {
            let vname = v["name"]?.stringValue ?? ""
            if vname.isEmpty { errors.append(.required("spec.versions[\(i)].name")) }
            if !seen.insert(vname).inserted {
                errors.append(.invalid("spec.versions", vname, "must contain unique version names"))
            }
            guard let schema = v[path: ["schema", "openAPIV3Schema"]] else {
                errors.append(.required("spec.versions[\(i)].schema.openAPIV3Schema", "schemas are required"))
                continue
            }
            let path = "spec.versions[\(i)].schema.openAPIV3Schema"
            switch schema["type"]?.stringValue {
            case nil, "": errors.append(.required("\(path).type", "must not be empty at the root"))
            case "object": break
            case let t?: errors.append(.invalid("\(path).type", t, "must be object at the root"))
            }
            errors += ValidationRules.compileErrors(schema, path: path)
            if schema[path: ["properties", "metadata"]] != nil,
               let keys = schema[path: ["properties", "metadata", "properties"]]?.objectValue?.entries.map(\.key),
               keys.contains(where: { $0 != "name" && $0 != "generateName" }) {
                errors.append(FieldError(.forbidden, field: "\(path).properties[metadata]",
                                         detail: "must not specify anything other than name and generateName, but metadata is implicitly specified"))
            }
        }
        let storage = versions.filter { $0["storage"]?.boolValue == true }.count
        if !versions.isEmpty && storage != 1 {
            errors.append(FieldError(.invalid, field: "spec.versions", value: JSON.array(versions).serializedString(),
                                     detail: "must have exactly one version marked as storage version"))
        }
        if crd[path: ["spec", "preserveUnknownFields"]]?.boolValue == true {
            errors.append(FieldError(.invalid, field: "spec.preserveUnknownFields", value: "true",
                                     detail: "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"))
        }
        return errors
    }

    /// Group, scope and the kind cannot change once served.
    public static func validateUpdate(_ crd: JSON, old: JSON) -> [FieldError] {
        var errors = validate(crd)
        if crd.string("spec", "group") != old.string("spec", "group") {
            errors.append(.invalid("spec.group", crd.string("spec", "group") ?? "", "field is immutable"))
        }
        if crd.string("spec", "scope") != old.string("spec", "scope") {
            errors.append(.invalid("spec.scope", crd.string("spec", "scope") ?? "", "field is immutable"))
        }
        return errors
    }
}
