/// A JSON value: the in-memory form of every API object.
///
/// Objects keep their keys in insertion order (so what a client sent comes back in the same
/// order) but compare equal regardless of order. Integers and floating-point numbers are kept
/// apart so that int64 fields round-trip exactly.
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object(JSONObject)
}

extension JSON {
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }

    /// The value as an integer, accepting integral doubles (as Go's decoder does for int fields).
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The JSON type name as Go's decoder words it in errors ("string", "number", "object", …).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Member of an object; nil for missing keys and for non-objects. Setting on a non-object
    /// turns it into an object; setting nil removes the key.
    public subscript(key: String) -> JSON? {
        get {
            if case .object(let o) = self { return o[key] }
            return nil
        }
        set {
            var o: JSONObject
            if case .object(let existing) = self { o = existing } else { o = JSONObject() }
            self = .null  // release the storage so the mutation below is in place
            o[key] = newValue
            self = .object(o)
        }
    }

    /// Value at a path of object keys.
    public subscript(path path: [String]) -> JSON? {
        get {
            var current: JSON? = self
            for k in path { current = current?[k]; if current == nil { return nil } }
            return current
        }
        set {
            guard let first = path.first else { if let newValue { self = newValue }; return }
            if path.count == 1 { self[first] = newValue; return }
            var child = self[first] ?? .object(JSONObject())
            if child.objectValue == nil { child = .object(JSONObject()) }
            if newValue == nil && self[first] == nil { return }
            child[path: Array(path.dropFirst())] = newValue
            self[first] = child
        }
    }

    /// Convenience for nested string lookups such as `metadata.name`.
    public func string(_ path: String...) -> String? { self[path: path]?.stringValue }
}

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        var o = JSONObject()
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}

extension JSON: CustomStringConvertible {
    public var description: String { serializedString() }
}
