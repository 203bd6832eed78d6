import Foundation
import PlinthJSON

/// Validates a custom resource against its structural OpenAPI v3 schema, with the field paths
/// and wording of kube-apiserver (kube-openapi's validator as apiextensions-apiserver reports it).
///
/// Covers type (with `nullable`, `x-kubernetes-int-or-string`,
/// `x-kubernetes-preserve-unknown-fields`), required, enum, pattern, minimum/maximum (and their
/// exclusive forms), multipleOf, minLength/maxLength, minItems/maxItems, uniqueItems,
/// minProperties/maxProperties, and `x-kubernetes-list-type` set/map uniqueness.
public enum SchemaValidator {
    public static func validate(_ value: JSON, schema: JSON, path: String) -> [FieldError] {
        var errors: [FieldError] = []
        check(value, schema, path, &errors)
        return errors
    }

    static func check(_ value: JSON, _ schema: JSON, _ path: String, _ errors: inout [FieldError]) {
        guard case .object = schema else { return }
        let type = schema["type"]?.stringValue ?? ""
        let intOrString = schema["x-kubernetes-int-or-string"]?.boolValue == true
        if value.isNull {
            if schema["nullable"]?.boolValue == true || type.isEmpty { return }
            errors.append(typeError(path, value, type))
            return
        }
        if intOrString {
            switch value {
            case .int, .string: break
            case .double where value.intValue != nil: break
            default:
                errors.append(FieldError(.invalid, field: path, value: quote(goType(value)),
                                         detail: "\(display(path)) in body must be of type integer,string: \(quote(goType(value)))"))
                return
            }
        } else if !type.isEmpty && !matches(value, type) {
            errors.append(typeError(path, value, type))
            return
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(where: { equal($0, value) }) {
            errors.append(FieldError(.notSupported, field: path, value: render(value),
                                     detail: "supported values: " + allowed.map { quote($0.stringValue ?? $0.serializedString()) }.joined(separator: ", ")))
        }
        switch value {
        case .string(let s): checkString(s, schema, path, &errors)
        case .int, .double: checkNumber(value, schema, path, &errors)
        case .array(let items): checkArray(items, schema, path, &errors)
        case .object(let o): checkObject(o, schema, path, &errors)
        default: break
        }
    }

    /// Only the first failing of maxLength, minLength and pattern is reported, as kube-openapi does.
    static func checkString(_ s: String, _ schema: JSON, _ path: String, _ errors: inout [FieldError]) {
        let length = s.unicodeScalars.count
        if let max = schema["maxLength"]?.intValue, length > max {
            errors.append(FieldError(.tooLong, field: path, detail: "may not be more than \(max) bytes"))
        } else if let min = schema["minLength"]?.intValue, length < min {
            errors.append(FieldError(.invalid, field: path, value: quote(s), detail: "\(display(path)) in body should be at least \(min) chars long"))
        } else if let pattern = schema["pattern"]?.stringValue, let re = try? NSRegularExpression(pattern: pattern),
                  re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil {
            errors.append(FieldError(.invalid, field: path, value: quote(s), detail: "\(display(path)) in body should match '\(pattern)'"))
        }
    }

    /// multipleOf, then minimum, then maximum; bounds print as integers for integer data.
    static func checkNumber(_ v: JSON, _ schema: JSON, _ path: String, _ errors: inout [FieldError]) {
        guard let d = v.doubleValue else { return }
        let shown = render(v)
        let integral: Bool
        if case .int = v { integral = true } else { integral = false }
        func bound(_ b: Double) -> String { integral && abs(b) < 9.2e18 ? String(Int64(b)) : number(b) }
        if let m = schema["multipleOf"]?.doubleValue, m > 0, (d / m).rounded() != d / m {
            errors.append(FieldError(.invalid, field: path, value: shown, detail: "\(display(path)) in body should be a multiple of \(number(m))"))
        }
        if let min = schema["minimum"]?.doubleValue {
            if schema["exclusiveMinimum"]?.boolValue == true, d <= min {
                errors.append(FieldError(.invalid, field: path, value: shown, detail: "\(display(path)) in body should be greater than \(bound(min))"))
            } else if d < min {
                errors.append(FieldError(.invalid, field: path, value: shown, detail: "\(display(path)) in body should be greater than or equal to \(bound(min))"))
            }
        }
        if let max = schema["maximum"]?.doubleValue {
            if schema["exclusiveMaximum"]?.boolValue == true, d >= max {
                errors.append(FieldError(.invalid, field: path, value: shown, detail: "\(display(path)) in body should be less than \(bound(max))"))
            } else if d > max {
                errors.append(FieldError(.invalid, field: path, value: shown, detail: "\(display(path)) in body should be less than or equal to \(bound(max))"))
            }
        }
    }

    static func checkArray(_ items: [JSON], _ schema: JSON, _ path: String, _ errors: inout [FieldError]) {
        if let max = schema["maxItems"]?.intValue, items.count > max {
            errors.append(FieldError(.tooMany, field: path, value: String(items.count), detail: "must have at most \(max) items"))
        }
        if let min = schema["minItems"]?.intValue, items.count < min {
            errors.append(FieldError(.invalid, field: path, value: String(items.count), detail: "\(display(path)) in body should have at least \(min) items"))
        }
        let listType = schema["x-kubernetes-list-type"]?.stringValue
        if schema["uniqueItems"]?.boolValue == true || listType == "set" {
            var seen: [JSON] = []
            for (i, item) in items.enumerated() {
                if seen.contains(where: { equal($0, item) }) {
                    errors.append(FieldError(.duplicate, field: "\(path)[\(i)]", value: render(item)))
                } else { seen.append(item) }
            }
        }
        if listType == "map", let keys = schema["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) {
            var seen: [[JSON?]] = []
            for (i, item) in items.enumerated() {
                let k = keys.map { item[$0] }
                if seen.contains(k) {
                    var shown = JSONObject()
                    for key in keys { shown[key] = item[key] }
                    errors.append(FieldError(.duplicate, field: "\(path)[\(i)]", value: render(.object(shown))))
                } else { seen.append(k) }
            }
        }
        if let itemSchema = schema["items"] {
            for (i, item) in items.enumerated() { check(item, itemSchema, "\(path)[\(i)]", &errors) }
        }
    }

    /// Property counts first, then each property, then missing required properties.
    static func checkObject(_ o: JSONObject, _ schema: JSON, _ path: String, _ errors: inout [FieldError]) {
        if let max = schema["maxProperties"]?.intValue, o.count > max {
            errors.append(FieldError(.tooMany, field: path, value: String(o.count), detail: "must have at most \(max) items"))
        }
        if let min = schema["minProperties"]?.intValue, o.count < min {
            errors.append(FieldError(.invalid, field: path, value: String(o.count), detail: "\(display(path)) in body should have at least \(min) properties"))
        }
        let properties = schema["properties"]?.objectValue
        let additional = schema["additionalProperties"]
        for entry in o.entries {
            if let p = properties?[entry.key] {
                check(entry.value, p, join(path, entry.key), &errors)
            } else if let additional, case .object = additional {
                check(entry.value, additional, join(path, entry.key), &errors)
            }
        }
        if let required = schema["required"]?.arrayValue {
            for r in required.compactMap(\.stringValue) where o[r] == nil {
                errors.append(FieldError(.required, field: join(path, r)))
            }
        }
    }

    // MARK: Wording

    static func typeError(_ path: String, _ value: JSON, _ type: String) -> FieldError {
        FieldError(.invalid, field: path, value: quote(goType(value)), detail: "\(display(path)) in body must be of type \(type): \(quote(goType(value)))")
    }

    static func matches(_ value: JSON, _ type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("number", .int), ("number", .double):
            return true
        case ("integer", .int): return true
        case ("integer", .double): return value.intValue != nil
        default: return false
        }
    }

    /// kube-openapi names JSON types as Go's reflection does for unstructured values.
    static func goType(_ v: JSON) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return v.intValue != nil ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// A path as kube-openapi prints it inside details (`spec.items[0].name`; the root is `body`).
    static func display(_ path: String) -> String { path.isEmpty ? "body" : path }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    static func equal(_ a: JSON, _ b: JSON) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }

    static func quote(_ s: String) -> String { GoStringFormat.quote(s) }

    static func number(_ d: Double) -> String {
        d.isFinite && d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }

    /// A value as `field.Error` prints it: strings quoted, numbers and booleans bare, the rest in
    /// Go's `%#v` form for unstructured values.
    public static func render(_ v: JSON) -> String {
        switch v {
        case .string(let s): return quote(s)
        case .int(let i): return String(i)
        case .double(let d): return number(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let a): return "[]interface {}{" + a.map(goSharp).joined(separator: ", ") + "}"
        case .object: return goSharp(v)
        }
    }

    static func goSharp(_ v: JSON) -> String {
        switch v {
        case .object(let o):
            let parts = o.entries.sorted { $0.key < $1.key }.map { quote($0.key) + ":" + goSharp($0.value) }
            return "map[string]interface {}{" + parts.joined(separator: ", ") + "}"
        case .array(let a): return "[]interface {}{" + a.map(goSharp).joined(separator: ", ") + "}"
        case .null: return "interface {}(nil)"
        default: return render(v)
        }
    }
}
