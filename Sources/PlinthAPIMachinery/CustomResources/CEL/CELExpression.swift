/// A parsed CEL expression (the subset `x-kubernetes-validations` rules commonly use: literals,
/// `self`/`oldSelf` and field selection, indexing, arithmetic, comparison, logic, `in`, the
/// conditional operator, list and map literals, function and method calls, and the macros
/// `has`, `all`, `exists`, `exists_one`, `map`, `filter`).
indirect enum CELExpression: Sendable {
    case literal(CELValue)
    case identifier(String)
    case select(CELExpression, String)
    case index(CELExpression, CELExpression)
    case call(target: CELExpression?, function: String, arguments: [CELExpression])
    case unary(String, CELExpression)
    case binary(String, CELExpression, CELExpression)
    case conditional(CELExpression, CELExpression, CELExpression)
    case list([CELExpression])
    case map([(CELExpression, CELExpression)])
}

/// A CEL value. Objects from the API arrive as maps; integers and doubles stay apart.
enum CELValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case list([CELValue])
    case map([(CELValue, CELValue)])

    static func == (a: CELValue, b: CELValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)): return x == y
        case (.map(let x), .map(let y)):
            return x.count == y.count && x.allSatisfy { e in y.contains { $0.0 == e.0 && $0.1 == e.1 } }
        default: return false
        }
    }

    var typeName: String {
        switch self {
        case .null: return "null_type"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "double"
        case .string: return "string"
        case .list: return "list"
        case .map: return "map"
        }
    }
}
