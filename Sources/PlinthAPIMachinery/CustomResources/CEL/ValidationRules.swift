import PlinthJSON

/// `x-kubernetes-validations` on a structural schema: CEL rules evaluated with `self` bound to
/// the value at that node (and `oldSelf` to the previous value on updates; rules that mention
/// `oldSelf` are transition rules, checked only when there is one), reported as kube-apiserver
/// reports them (`spec: Invalid value: "object": <message>`, or `failed rule: <rule>`).
public enum ValidationRules {
    static let functions: Set<String> = ["has", "all", "exists", "exists_one", "map", "filter", "size", "startsWith", "endsWith",
                                         "contains", "matches", "lowerAscii", "upperAscii", "trim", "int", "double", "string"]

    public static func validate(_ value: JSON, old: JSON?, schema: JSON, path: String) -> [FieldError] {
        var errors: [FieldError] = []
        walk(value, old, schema, path, &errors)
        return errors
    }

    static func walk(_ value: JSON, _ old: JSON?, _ schema: JSON, _ path: String, _ errors: inout [FieldError]) {
        for rule in schema["x-kubernetes-validations"]?.arrayValue ?? [] {
            if let e = check(rule, value, old, path) { errors.append(e) }
        }
        switch value {
        case .object(let o):
            let properties = schema["properties"]?.objectValue
            for e in o.entries {
                guard let child = properties?[e.key] ?? schema["additionalProperties"].flatMap({ $0.objectValue != nil ? $0 : nil }) else { continue }
                walk(e.value, old?[e.key], child, path.isEmpty ? e.key : path + "." + e.key, &errors)
            }
        case .array(let items):
            guard let itemSchema = schema["items"] else { return }
            let keys = schema["x-kubernetes-list-type"]?.stringValue == "map"
                ? schema["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) : nil
            for (i, item) in items.enumerated() {
                // Previous items are matched by key in map lists only, as upstream correlates them.
                var previous: JSON?
                if let keys, let k = ObjectShape.itemKey(item, keys) {
                    previous = old?.arrayValue?.first { ObjectShape.itemKey($0, keys) == k }
                }
                walk(item, previous, itemSchema, "\(path)[\(i)]", &errors)
            }
        default:
            break
        }
    }

    public static func check(_ rule: JSON, _ value: JSON, _ old: JSON?, _ path: String) -> FieldError? {
        guard let source = rule["rule"]?.stringValue, let expression = try? CELParser.parse(source) else { return nil }
        let transition = mentions(expression, "oldSelf")
        if transition && old == nil && rule["optionalOldSelf"]?.boolValue != true { return nil }
        var variables: [String: CELValue] = ["self": CELEvaluator.value(value)]
        if let old { variables["oldSelf"] = CELEvaluator.value(old) } else if transition { variables["oldSelf"] = .null }
        let evaluator = CELEvaluator(variables: variables)
        var field = path
        if let fp = rule["fieldPath"]?.stringValue, !fp.isEmpty { field = path + (fp.hasPrefix(".") ? fp : "." + fp) }
        let shown = GoStringFormat.quote(SchemaValidator.goType(value) == "integer" ? "integer" : SchemaValidator.goType(value))
        do {
            let result = try evaluator.evaluate(expression)
            if result == .bool(true) { return nil }
            guard case .bool = result else {
                return FieldError(.invalid, field: field, value: shown, detail: "rule did not evaluate to a bool: \(source)")
            }
        } catch {
            return FieldError(.invalid, field: field, value: shown, detail: "\(error.message) evaluating rule: \(source)")
        }
        var message = rule["message"]?.stringValue ?? "failed rule: \(source)"
        if let me = rule["messageExpression"]?.stringValue, let e = try? CELParser.parse(me),
           case .string(let s)? = try? evaluator.evaluate(e), !s.isEmpty {
            message = s
        }
        switch rule["reason"]?.stringValue {
        case "FieldValueForbidden": return FieldError(.forbidden, field: field, detail: message)
        case "FieldValueRequired": return FieldError(.required, field: field, detail: message)
        case "FieldValueDuplicate": return FieldError(.duplicate, field: field, value: shown)
        default: return FieldError(.invalid, field: field, value: shown, detail: message)
        }
    }

    static func mentions(_ e: CELExpression, _ name: String) -> Bool {
        switch e {
        case .identifier(let n): return n == name
        case .literal: return false
        case .select(let t, _): return mentions(t, name)
        case .index(let a, let b), .binary(_, let a, let b): return mentions(a, name) || mentions(b, name)
        case .unary(_, let a): return mentions(a, name)
        case .conditional(let a, let b, let c): return mentions(a, name) || mentions(b, name) || mentions(c, name)
        case .list(let items): return items.contains { mentions($0, name) }
        case .map(let entries): return entries.contains { mentions($0.0, name) || mentions($0.1, name) }
        case .call(let t, _, let args): return (t.map { mentions($0, name) } ?? false) || args.contains { mentions($0, name) }
        }
    }

    /// Rules that do not compile (syntax, unknown functions), as CRD validation reports them.
    public static func compileErrors(_ schema: JSON, path: String) -> [FieldError] {
        var errors: [FieldError] = []
        for (i, rule) in (schema["x-kubernetes-validations"]?.arrayValue ?? []).enumerated() {
            let at = "\(path).x-kubernetes-validations[\(i)].rule"
            guard let source = rule["rule"]?.stringValue, !source.isEmpty else {
                errors.append(.required(at))
                continue
            }
            do {
                let e = try CELParser.parse(source)
                if let unknown = unknownFunction(e) {
                    errors.append(.invalid(at, source, "compilation failed: ERROR: <input>: undeclared reference to '\(unknown)'"))
                }
            } catch {
                errors.append(.invalid(at, source, "compilation failed: ERROR: <input>: \(error.message)"))
            }
        }
        for p in schema["properties"]?.objectValue?.entries ?? [] {
            errors += compileErrors(p.value, path: "\(path).properties[\(p.key)]")
        }
        if let items = schema["items"] { errors += compileErrors(items, path: "\(path).items") }
        if let a = schema["additionalProperties"], a.objectValue != nil { errors += compileErrors(a, path: "\(path).additionalProperties") }
        return errors
    }

    static func unknownFunction(_ e: CELExpression) -> String? {
        switch e {
        case .call(let t, let f, let args):
            if !functions.contains(f) { return f }
            return t.flatMap(unknownFunction) ?? args.lazy.compactMap(unknownFunction).first
        case .select(let t, _), .unary(_, let t): return unknownFunction(t)
        case .index(let a, let b), .binary(_, let a, let b): return unknownFunction(a) ?? unknownFunction(b)
        case .conditional(let a, let b, let c): return unknownFunction(a) ?? unknownFunction(b) ?? unknownFunction(c)
        case .list(let items): return items.lazy.compactMap(unknownFunction).first
        case .map(let entries): return entries.lazy.compactMap { unknownFunction($0.0) ?? unknownFunction($0.1) }.first
        default: return nil
        }
    }
}
