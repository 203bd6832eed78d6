import PlinthAPIMachinery
import PlinthJSON
import Synchronization

/// Drops fields a kind does not have, as decoding into upstream's typed structs does, and names
/// them for `fieldValidation` (Strict refuses the request, Warn returns warnings), with
/// upstream's paths (`spec.template.spec.containers[0].imagePullPolice`).
///
/// Walks a tree resolved once per kind (on first use) from the kind's OpenAPI schema and the
/// components it references: objects by their `properties`, maps by `additionalProperties`,
/// lists by `items`. Everything else is a leaf kept as it is: scalars, int-or-string and
/// quantities, objects without properties (RawExtension, FieldsV1) and whatever lies below
/// `x-kubernetes-preserve-unknown-fields`.
final class UnknownFieldPruner: Sendable {
    let schemas: GroupVersionSchemas
    private let trees = Mutex<[String: PruneTree]>([:])

    init(catalog: ResourceCatalog, schemas: GroupVersionSchemas? = nil) {
        self.schemas = schemas ?? GroupVersionSchemas(catalog: catalog)
    }

    /// The object without unknown fields, and the paths of what was dropped.
    func prune(_ object: JSON, _ r: ResourceType) -> (JSON, [String]) {
        let tree = tree(for: r)
        var unknown: [String] = []
        var path: [PruneTree.PathElement] = []
        let pruned = tree.walk(object, node: tree.root, path: &path, unknown: &unknown)
        return (pruned ?? object, unknown)
    }

    func tree(for r: ResourceType) -> PruneTree {
        let key = r.keyPrefix + r.version + "/" + r.kind
        if let t = trees.withLock({ $0[key] }) { return t }
        let entry = schemas.entry(group: r.group, version: r.version)
        var builder = PruneTree.Builder(components: entry.byName)
        let root = entry.kinds[r.kind].map { builder.named($0) } ?? PruneTree.leaf
        let t = PruneTree(nodes: builder.nodes, root: root)
        trees.withLock { $0[key] = t }
        return t
    }
}

/// A kind's schema resolved for pruning: nodes refer to each other by index (so recursive types
/// are fine); node 0 is the leaf.
struct PruneTree: Sendable {
    enum Node: Sendable {
        case leaf
        case object([String: Int])
        case array(Int)
        case map(Int)
    }

    enum PathElement {
        case key(String)
        case index(Int)
    }

    static let leaf = 0
    let nodes: [Node]
    let root: Int

    struct Builder {
        let components: [String: JSON]
        var nodes: [Node] = [.leaf]
        var byName: [String: Int] = [:]

        init(components: [String: JSON]) {
            self.components = components
        }

        /// The node of a component, by name.
        mutating func named(_ name: String) -> Int {
            if let i = byName[name] { return i }
            guard let schema = components[name] else { return PruneTree.leaf }
            // Reserve the slot first, so that a type reaching itself refers to it.
            let i = nodes.count
            nodes.append(.leaf)
            byName[name] = i
            let n = node(schema)
            nodes[i] = nodes[n]
            return i
        }

        mutating func node(_ schema: JSON) -> Int {
            guard case .object(let s) = schema else { return PruneTree.leaf }
            if let ref = s["$ref"]?.stringValue {
                let prefix = "#/components/schemas/"
                return named(ref.hasPrefix(prefix) ? String(ref.dropFirst(prefix.count)) : ref)
            }
            if s["x-kubernetes-preserve-unknown-fields"] == .bool(true) { return PruneTree.leaf }
            if s["properties"] == nil, let allOf = s["allOf"]?.arrayValue, allOf.count == 1 {
                return node(allOf[0])
            }
            if case .object(let properties)? = s["properties"] {
                var children: [String: Int] = [:]
                children.reserveCapacity(properties.count)
                for e in properties.entries { children[e.key] = node(e.value) }
                return add(.object(children))
            }
            if let items = s["items"] {
                let child = node(items)
                return child == PruneTree.leaf ? PruneTree.leaf : add(.array(child))
            }
            if let values = s["additionalProperties"], case .object = values {
                let child = node(values)
                return child == PruneTree.leaf ? PruneTree.leaf : add(.map(child))
            }
            return PruneTree.leaf
        }

        mutating func add(_ n: Node) -> Int {
            nodes.append(n)
            return nodes.count - 1
        }
    }

    func isLeaf(_ node: Int) -> Bool {
        if case .leaf = nodes[node] { return true }
        return false
    }

    /// The value without unknown fields; nil when nothing was dropped (the common case, which
    /// then copies nothing).
    func walk(_ value: JSON, node: Int, path: inout [PathElement], unknown: inout [String]) -> JSON? {
        switch nodes[node] {
        case .leaf:
            return nil
        case .object(let properties):
            guard case .object(let o) = value else { return nil }
            var out: JSONObject? = nil
            for (i, e) in o.entries.enumerated() {
                guard let child = properties[e.key] else {
                    path.append(.key(e.key))
                    unknown.append(Self.render(path))
                    path.removeLast()
                    if out == nil { out = JSONObject(entries: Array(o.entries[..<i])) }
                    continue
                }
                var replacement: JSON? = nil
                if !isLeaf(child) {
                    path.append(.key(e.key))
                    replacement = walk(e.value, node: child, path: &path, unknown: &unknown)
                    path.removeLast()
                }
                Self.keep(e, replacement: replacement, at: i, of: o, into: &out)
            }
            return out.map { .object($0) }
        case .map(let child):
            guard case .object(let o) = value else { return nil }
            var out: JSONObject? = nil
            for (i, e) in o.entries.enumerated() {
                path.append(.key(e.key))
                let replacement = walk(e.value, node: child, path: &path, unknown: &unknown)
                path.removeLast()
                Self.keep(e, replacement: replacement, at: i, of: o, into: &out)
            }
            return out.map { .object($0) }
        case .array(let child):
            guard case .array(let items) = value else { return nil }
            var out: [JSON]? = nil
            for (i, item) in items.enumerated() {
                path.append(.index(i))
                let replacement = walk(item, node: child, path: &path, unknown: &unknown)
                path.removeLast()
                if let replacement {
                    if out == nil { out = Array(items[..<i]) }
                    out!.append(replacement)
                } else if out != nil {
                    out!.append(item)
                }
            }
            return out.map { .array($0) }
        }
    }

    /// `spec.containers[0].name`, as upstream's strict decoding names fields.
    /// Copy on first change: `out` starts as the entries before `i` when an entry first
    /// changes, then takes every later entry (changed or not).
    private static func keep(_ e: JSONObject.Entry, replacement: JSON?, at i: Int, of o: JSONObject, into out: inout JSONObject?) {
        if let replacement {
            if out == nil { out = JSONObject(entries: Array(o.entries[..<i])) }
            out!.appendUnchecked(e.key, replacement)
        } else if out != nil {
            out!.appendUnchecked(e.key, e.value)
        }
    }

    static func render(_ path: [PathElement]) -> String {
        var s = ""
        for p in path {
            switch p {
            case .key(let k): s += s.isEmpty ? k : "." + k
            case .index(let i): s += "[\(i)]"
            }
        }
        return s
    }
}

/// What the client asked for in `fieldValidation` (absent = Warn, as upstream).
enum FieldValidationMode {
    case ignore, warn, strict

    init(_ value: String?) {
        switch value {
        case "Strict": self = .strict
        case "Ignore": self = .ignore
        default: self = .warn
        }
    }
}
