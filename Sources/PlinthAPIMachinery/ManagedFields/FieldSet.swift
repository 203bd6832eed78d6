import PlinthJSON

/// One step of a field path, as structured-merge-diff names it in `fieldsV1`: a field (`f:`),
/// an associative-list item by its keys (`k:`), a set member by value (`v:`), or an index (`i:`).
public enum PathElement: Hashable, Sendable, Comparable {
    case field(String)
    /// The item's key fields as compact JSON, keys sorted (`{"name":"c"}`).
    case key(String)
    /// The member's value as compact JSON (`"x"`).
    case value(String)
    case index(Int)

    var rank: Int {
        switch self {
        case .field: return 0
        case .key: return 1
        case .value: return 2
        case .index: return 3
        }
    }

    public static func < (a: PathElement, b: PathElement) -> Bool {
        if a.rank != b.rank { return a.rank < b.rank }
        switch (a, b) {
        case (.field(let x), .field(let y)), (.key(let x), .key(let y)), (.value(let x), .value(let y)):
            return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
        case (.index(let x), .index(let y)): return x < y
        default: return false
        }
    }

    /// The `fieldsV1` key.
    var encoded: String {
        switch self {
        case .field(let f): return "f:" + f
        case .key(let k): return "k:" + k
        case .value(let v): return "v:" + v
        case .index(let i): return "i:" + String(i)
        }
    }

    init?(encoded s: String) {
        guard s.count >= 2 else { return nil }
        let body = String(s.dropFirst(2))
        switch s.prefix(2) {
        case "f:": self = .field(body)
        case "k:": self = .key(body)
        case "v:": self = .value(body)
        case "i:": guard let i = Int(body) else { return nil }; self = .index(i)
        default: return nil
        }
    }

    /// How conflicts print the step: `.spec`, `[name="c"]`, `[="x"]`, `[0]`.
    var described: String {
        switch self {
        case .field(let f): return "." + f
        case .key(let k):
            guard case .object(let o)? = try? JSON.parse(Array(k.utf8)) else { return "[" + k + "]" }
            return "[" + o.entries.map { $0.key + "=" + Self.goValue($0.value) }.joined(separator: ",") + "]"
        case .value(let v):
            return "[=" + ((try? JSON.parse(Array(v.utf8))).map(Self.goValue) ?? v) + "]"
        case .index(let i): return "[\(i)]"
        }
    }

    static func goValue(_ v: JSON) -> String {
        if case .string(let s) = v { return GoStringFormat.quote(s) }
        return v.serializedString()
    }
}

/// A set of field paths: a trie whose nodes may themselves be members (`"."` in `fieldsV1`).
public struct FieldSet: Equatable, Sendable {
    public var member = false
    public var children: [PathElement: FieldSet] = [:]

    public init() {}

    public var isEmpty: Bool { !member && children.values.allSatisfy(\.isEmpty) }

    public func union(_ other: FieldSet) -> FieldSet {
        var out = self
        out.member = member || other.member
        for (k, v) in other.children { out.children[k] = (children[k] ?? FieldSet()).union(v) }
        return out
    }

    public func subtracting(_ other: FieldSet) -> FieldSet {
        var out = FieldSet()
        out.member = member && !other.member
        for (k, v) in children {
            let rest = other.children[k].map { v.subtracting($0) } ?? v
            if !rest.isEmpty { out.children[k] = rest }
        }
        return out
    }

    public func intersection(_ other: FieldSet) -> FieldSet {
        var out = FieldSet()
        out.member = member && other.member
        for (k, v) in children {
            guard let o = other.children[k] else { continue }
            let both = v.intersection(o)
            if !both.isEmpty { out.children[k] = both }
        }
        return out
    }

    /// The member paths, sorted.
    public func paths(prefix: [PathElement] = []) -> [[PathElement]] {
        var out: [[PathElement]] = member ? [prefix] : []
        for k in children.keys.sorted() { out += children[k]!.paths(prefix: prefix + [k]) }
        return out
    }

    /// This set without the membership of nodes that `other` has anything below: removing such a
    /// node would take fields `other` still holds with it.
    public func keepingAncestors(of other: FieldSet) -> FieldSet {
        var out = self
        if out.member && !other.children.values.allSatisfy(\.isEmpty) { out.member = false }
        for (k, v) in children {
            let next = other.children[k].map { v.keepingAncestors(of: $0) } ?? v
            out.children[k] = next.isEmpty ? nil : next
        }
        return out
    }

    public static func describe(_ path: [PathElement]) -> String { path.map(\.described).joined() }

    public mutating func insert(_ path: ArraySlice<PathElement>) {
        guard let first = path.first else { member = true; return }
        children[first, default: FieldSet()].insert(path.dropFirst())
    }

    public func contains(_ path: ArraySlice<PathElement>) -> Bool {
        guard let first = path.first else { return member }
        return children[first]?.contains(path.dropFirst()) ?? false
    }

    // MARK: fieldsV1

    /// The `fieldsV1` JSON: children in structured-merge-diff's order, `"."` last.
    public var fieldsV1: JSON {
        var o = JSONObject()
        for k in children.keys.sorted() where !children[k]!.isEmpty { o[k.encoded] = children[k]!.fieldsV1 }
        if member && !o.isEmpty { o["."] = .object(JSONObject()) }
        return .object(o)
    }

    public init(fieldsV1 json: JSON) {
        guard case .object(let o) = json else { return }
        if o.isEmpty { member = true; return }
        for e in o.entries {
            if e.key == "." { member = true; continue }
            guard let p = PathElement(encoded: e.key) else { continue }
            children[p] = FieldSet(fieldsV1: e.value)
        }
    }
}
